package dev.microposts.platform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.microposts.MicroPostsApplication;
import dev.microposts.platform.jdbc.Sql;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The periodic redelivery delivers again what failed, and only that: a listener still at work on
 * a publication older than the redelivery age is not handed the same event a second time. A
 * publication left behind by a process that stopped before running its listener is marked failed
 * once stale, and then delivered.
 */
@SpringBootTest(
        classes = MicroPostsApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "microposts.data-dir=target/test-data/redelivery-${random.uuid}",
            "microposts.events.redeliver-after=PT0.2S",
            "microposts.events.redeliver-every=PT0.2S",
            "spring.modulith.events.staleness.published=PT1S",
            "spring.modulith.events.staleness.check-intervall=PT0.5S"
        })
@Import(EventRedeliveryTests.Config.class)
class EventRedeliveryTests {

    record SlowWork(String id) {}

    record FlakyWork(String id) {}

    static class Listeners {

        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

        @ApplicationModuleListener
        void on(SlowWork work) throws InterruptedException {
            calls.computeIfAbsent(work.id(), id -> new AtomicInteger()).incrementAndGet();
            Thread.sleep(3_000);
        }

        @ApplicationModuleListener
        void on(FlakyWork work) {
            if (calls.computeIfAbsent(work.id(), id -> new AtomicInteger()).incrementAndGet() == 1) {
                throw new IllegalStateException("first attempt fails");
            }
        }

        int calls(String id) {
            AtomicInteger count = calls.get(id);
            return count == null ? 0 : count.get();
        }
    }

    @TestConfiguration
    static class Config {

        @Bean
        Listeners testListeners() {
            return new Listeners();
        }
    }

    @Autowired
    Listeners listeners;

    @Autowired
    ApplicationEventPublisher events;

    @Autowired
    TransactionTemplate transaction;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aListenerStillAtWorkIsNotHandedTheSameEventAgain() throws InterruptedException {
        transaction.executeWithoutResult(status -> events.publishEvent(new SlowWork("slow-1")));
        await().atMost(Duration.ofSeconds(5)).until(() -> listeners.calls("slow-1") == 1);
        Thread.sleep(2_000); // ten redelivery rounds while the first delivery still runs
        assertThat(listeners.calls("slow-1")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> incomplete(SlowWork.class) == 0);
        assertThat(listeners.calls("slow-1")).isEqualTo(1);
    }

    @Test
    void aListenerThatFailedIsHandedTheEventAgain() {
        transaction.executeWithoutResult(status -> events.publishEvent(new FlakyWork("flaky-1")));
        await().atMost(Duration.ofSeconds(10)).until(() -> listeners.calls("flaky-1") == 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> incomplete(FlakyWork.class) == 0);
    }

    @Test
    void aPublicationLeftBehindByAStoppedProcessIsDeliveredOnceStale() {
        transaction.executeWithoutResult(status -> events.publishEvent(new SlowWork("stale-source")));
        await().atMost(Duration.ofSeconds(5)).until(() -> listeners.calls("stale-source") == 1);
        // the row a process leaves when it stops between commit and listener: recorded, never run
        var template = jdbc.sql("SELECT listener_id, serialized_event FROM event_publication WHERE event_type = ?")
                .param(SlowWork.class.getName())
                .query((rs, row) -> new String[] {rs.getString(1), rs.getString(2)})
                .list()
                .get(0);
        jdbc.sql("INSERT INTO event_publication (id, event_type, listener_id, publication_date, serialized_event, "
                        + "status, completion_attempts) VALUES (?, ?, ?, ?, ?, 'PUBLISHED', 0)")
                .params(
                        java.util.UUID.randomUUID(),
                        SlowWork.class.getName(),
                        template[0],
                        Sql.timestamp(java.time.Instant.now().minusSeconds(10)),
                        template[1].replace("stale-source", "stale-left-behind"))
                .update();
        await().atMost(Duration.ofSeconds(10)).until(() -> listeners.calls("stale-left-behind") == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> incomplete(SlowWork.class) == 0);
        assertThat(listeners.calls("stale-left-behind")).isEqualTo(1);
    }

    private long incomplete(Class<?> type) {
        return jdbc.sql("SELECT COUNT(*) FROM event_publication WHERE completion_date IS NULL AND event_type = ?")
                .param(type.getName())
                .query(Long.class)
                .single();
    }
}
