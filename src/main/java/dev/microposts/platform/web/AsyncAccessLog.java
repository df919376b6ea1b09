package dev.microposts.platform.web;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * Writes the access log (one line per request, logger {@code dev.microposts.access}) from a
 * background thread, to the same appenders as every other line, so request threads do not queue
 * on the console for it: a sixth of the cost of a read (docs/BENCHMARKS.md). The thread writes
 * the lines that came in every {@link Batched#PERIOD_MILLIS} ms, not on each line, so a request
 * does not wake it either (a wake per request cost the router's hop about 0.05 ms on two cores).
 * Logging stays as Spring Boot configures it (plain or structured, console or file); nothing is
 * discarded: a line that finds the queue full is written by its own thread. Attached at start-up,
 * before the server takes requests.
 */
@Component
class AsyncAccessLog implements InitializingBean {

    static final String NAME = "ACCESS_ASYNC";

    @Override
    public void afterPropertiesSet() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            attach(context);
        }
    }

    /** Puts the access logger behind a queue to the root logger's appenders (once per context). */
    static void attach(LoggerContext context) {
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger access = context.getLogger(RequestIds.ACCESS_LOGGER);
        if (access.getAppender(NAME) != null || !root.iteratorForAppenders().hasNext()) {
            return;
        }
        Batched batched = new Batched();
        batched.setContext(context);
        batched.setName(NAME);
        root.iteratorForAppenders().forEachRemaining(batched.targets::add);
        batched.start();
        access.addAppender(batched);
        access.setAdditive(false);
    }

    /** Queues lines; a daemon thread hands them to the target appenders in batches. */
    static final class Batched extends UnsynchronizedAppenderBase<ILoggingEvent> {

        static final long PERIOD_MILLIS = 100;
        static final int QUEUE = 8192;

        final List<Appender<ILoggingEvent>> targets = new CopyOnWriteArrayList<>();
        private final ArrayBlockingQueue<ILoggingEvent> queue = new ArrayBlockingQueue<>(QUEUE);
        private Thread worker;

        @Override
        public void start() {
            super.start();
            worker = new Thread(this::run, "access-log");
            worker.setDaemon(true);
            worker.start();
        }

        @Override
        protected void append(ILoggingEvent event) {
            event.prepareForDeferredProcessing();
            if (!queue.offer(event)) {
                write(event);
            }
        }

        private void run() {
            while (isStarted()) {
                try {
                    Thread.sleep(PERIOD_MILLIS);
                } catch (InterruptedException stopped) {
                    break;
                }
                drain();
            }
            drain();
        }

        private void drain() {
            List<ILoggingEvent> batch = new ArrayList<>(Math.min(queue.size(), QUEUE));
            queue.drainTo(batch);
            batch.forEach(this::write);
        }

        private void write(ILoggingEvent event) {
            for (Appender<ILoggingEvent> target : targets) {
                target.doAppend(event);
            }
        }

        @Override
        public void stop() {
            super.stop();
            Thread running = worker;
            if (running != null) {
                running.interrupt();
                try {
                    running.join(10_000);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
            drain();
        }
    }
}
