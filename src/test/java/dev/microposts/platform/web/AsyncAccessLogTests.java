package dev.microposts.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class AsyncAccessLogTests {

    private final LoggerContext context = new LoggerContext();
    private final Recorder recorder = new Recorder();

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void accessLinesReachTheRootAppendersOnceWithTheirRequestIdFromABackgroundThread() {
        recordAtTheRoot();
        AsyncAccessLog.attach(context);
        AsyncAccessLog.attach(context); // a second application context in the same JVM adds nothing

        MDC.put(RequestIds.MDC_KEY, "req-1");
        try {
            context.getLogger(RequestIds.ACCESS_LOGGER).info("GET /api/users/a 200 0ms");
        } finally {
            MDC.remove(RequestIds.MDC_KEY);
        }

        await().until(() -> !recorder.events.isEmpty());
        assertThat(recorder.events).singleElement().satisfies(event -> {
            assertThat(event.getFormattedMessage()).isEqualTo("GET /api/users/a 200 0ms");
            assertThat(event.getMDCPropertyMap()).containsEntry(RequestIds.MDC_KEY, "req-1");
            assertThat(event.getThreadName()).isEqualTo(Thread.currentThread().getName());
        });
        assertThat(recorder.threads).doesNotContain(Thread.currentThread().getName());
        assertThat(context.getLogger(RequestIds.ACCESS_LOGGER).isAdditive()).isFalse();
    }

    @Test
    void aBurstLargerThanTheQueueIsWrittenWhole() {
        recordAtTheRoot();
        AsyncAccessLog.attach(context);
        int lines = AsyncAccessLog.Batched.QUEUE * 2 + 7;
        for (int i = 0; i < lines; i++) {
            context.getLogger(RequestIds.ACCESS_LOGGER).info("line {}", i);
        }
        // what is still queued is written when the appender stops
        context.getLogger(RequestIds.ACCESS_LOGGER)
                .getAppender(AsyncAccessLog.NAME)
                .stop();
        assertThat(recorder.events).hasSize(lines);
        assertThat(recorder.events.stream().map(ILoggingEvent::getFormattedMessage))
                .doesNotHaveDuplicates()
                .contains("line 0", "line " + (lines - 1));
    }

    /** The recorder as the root logger's one appender, as Spring Boot's console appender is. */
    private void recordAtTheRoot() {
        context.setMDCAdapter(MDC.getMDCAdapter());
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        recorder.setContext(context);
        recorder.start();
        root.addAppender(recorder);
    }

    @Test
    void withoutAnyAppenderNothingIsAttached() {
        AsyncAccessLog.attach(context);
        assertThat(context.getLogger(RequestIds.ACCESS_LOGGER).getAppender(AsyncAccessLog.NAME))
                .isNull();
    }

    private static final class Recorder extends AppenderBase<ILoggingEvent> {

        final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            events.add(event);
            threads.add(Thread.currentThread().getName());
        }
    }
}
