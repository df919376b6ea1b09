package dev.microposts.platform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.microposts.MicroPostsApplication;
import dev.microposts.contract.Api;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * More events at once than the listeners' queue holds, and more writers than connections: every
 * write is answered 201, none waits for a connection held by another (running the listener in the
 * committing thread did: that thread still holds its connection), and every event the full queue
 * could not take is delivered from the publication registry once stale (a second here).
 */
@SpringBootTest(
        classes = MicroPostsApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "microposts.data-dir=target/test-data/overflow-${random.uuid}",
            "spring.task.execution.pool.core-size=1",
            "spring.task.execution.pool.max-size=1",
            "spring.task.execution.pool.queue-capacity=1",
            "microposts.events.redeliver-after=PT0.5S",
            "spring.modulith.events.staleness.published=PT1S",
            "spring.modulith.events.staleness.resubmission=PT2S",
            "spring.modulith.events.staleness.check-intervall=PT0.5S",
            "microposts.events.redeliver-every=PT0.5S",
            "spring.datasource.hikari.maximum-pool-size=2",
            "spring.datasource.hikari.connection-timeout=2000"
        })
class ListenerOverflowTests {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aBurstLargerThanTheListenersQueueIsAnsweredAndDeliveredInFull() throws Exception {
        Api api = new Api("http://127.0.0.1:" + port);
        String author = api.register("burst");
        String token = api.token(author);
        int posts = 40;
        List<Future<Api.Response>> sent = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            for (int i = 0; i < posts; i++) {
                String body = Api.json("text", "burst " + i);
                sent.add(clients.submit(() -> api.post("/api/users/" + author + "/collection", token, body)));
            }
        } finally {
            clients.shutdown();
        }
        for (Future<Api.Response> response : sent) {
            assertThat(response.get().status()).isEqualTo(201);
        }
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    assertThat(api.get("/api/users/" + author + "/timeline?limit=100")
                                    .json())
                            .hasSize(posts);
                    assertThat(jdbc.sql("SELECT COUNT(*) FROM event_publication WHERE completion_date IS NULL")
                                    .query(Long.class)
                                    .single())
                            .isZero();
                });
    }

    @Test
    void aTaskTheFullQueueCannotTakeIsLeftWithoutAnError() throws Exception {
        var executor = new org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor();
        executor.setCorePoolSize(1);
        executor.setMaxPoolSize(1);
        executor.setQueueCapacity(1);
        new ListenerOverflow().customize(executor);
        executor.initialize();
        var release = new java.util.concurrent.CountDownLatch(1);
        try {
            executor.execute(() -> awaitQuietly(release)); // runs
            executor.execute(() -> awaitQuietly(release)); // queued
            executor.execute(() -> awaitQuietly(release)); // left to the registry, no exception
            assertThat(executor.getThreadPoolExecutor().getQueue()).hasSize(1);
        } finally {
            release.countDown();
            executor.shutdown();
        }
    }

    private static void awaitQuietly(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
