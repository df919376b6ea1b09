package dev.microposts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.contract.Api;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * An event whose consumer fails is kept by the publication registry and delivered once the
 * consumer can take it again: the timeline's table is taken away, a micropost is written, the
 * table comes back, and the micropost reaches the timeline.
 */
@SpringBootTest(
        classes = MicroPostsApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "microposts.data-dir=target/test-data/durability-${random.uuid}",
            "microposts.events.redeliver-after=PT1S",
            "microposts.events.redeliver-every=PT1S"
        })
class EventDurabilityTests {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Test
    void anEventWhoseConsumerFailedIsDeliveredLater() throws Exception {
        Api api = new Api("http://127.0.0.1:" + port);
        String author = api.register("durable");
        String token = api.token(author);
        jdbc.sql("ALTER TABLE timeline_entries RENAME TO timeline_entries_away").update();
        try {
            api.createPost(author, token, "survives a failing consumer");
            await(Duration.ofSeconds(5), () -> incompletePublications() > 0);
            assertThat(api.get("/api/users/" + author + "/collection").json()).hasSize(1);
        } finally {
            jdbc.sql("ALTER TABLE timeline_entries_away RENAME TO timeline_entries")
                    .update();
        }
        await(
                Duration.ofSeconds(10),
                () -> api.get("/api/users/" + author + "/timeline").json().size() == 1);
        await(Duration.ofSeconds(5), () -> incompletePublications() == 0);
    }

    private long incompletePublications() {
        return jdbc.sql("SELECT COUNT(*) FROM event_publication WHERE completion_date IS NULL")
                .query(Long.class)
                .single();
    }

    private static void await(Duration timeout, BooleanSupplier condition) {
        org.awaitility.Awaitility.await()
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(50))
                .until(condition::getAsBoolean);
    }
}
