package dev.microposts.platform.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.platform.topology.MicropostsProperties;
import dev.microposts.platform.topology.ReplicaFence;
import dev.microposts.support.EmbeddedPostgres;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * While this database is the timeline's replica, its listeners' failed publications are put back
 * to now before each redelivery round (so the registry, oldest first, neither retries them in vain
 * nor keeps other failed publications waiting behind them); a module that is no replica, and every
 * other listener, are left as they are.
 */
class ReplicaDeferralPostgresTests {

    @Test
    void theFailedPublicationsOfAReplicasListenersAreDeferredAndNoOthers() throws Exception {
        DriverManagerDataSource data = new DriverManagerDataSource(EmbeddedPostgres.newDatabase());
        JdbcClient jdbc = JdbcClient.create(data);
        jdbc.sql("CREATE TABLE event_publication (id UUID PRIMARY KEY, listener_id TEXT NOT NULL, event_type TEXT"
                        + " NOT NULL, serialized_event TEXT NOT NULL, publication_date TIMESTAMP WITH TIME ZONE NOT"
                        + " NULL, completion_date TIMESTAMP WITH TIME ZONE, status TEXT, completion_attempts INT,"
                        + " last_resubmission_date TIMESTAMP WITH TIME ZONE)")
                .update();
        Instant old = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
        UUID timeline = insert(jdbc, "dev.microposts.timeline.TimelineService.on(x)", old);
        UUID externalization =
                insert(jdbc, "org.springframework.modulith.events.support.DelegatingEventExternalizer", old);
        StaticListableBeanFactory beans = new StaticListableBeanFactory();
        beans.addBean("dataSource", data);
        EventRedelivery redelivery = new EventRedelivery(
                null,
                null,
                new EventsProperties(Duration.ofSeconds(30), Duration.ofSeconds(15), 100),
                new MicropostsProperties(
                        List.of("accounts", "posts", "social", "timeline"),
                        List.of("timeline"),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null),
                beans.getBeanProvider(javax.sql.DataSource.class));

        redelivery.deferReplicaListeners(); // no replica yet: nothing moves
        assertThat(publishedAt(jdbc, timeline)).isEqualTo(old);

        jdbc.sql("CREATE SUBSCRIPTION microposts_timeline_to_monolith CONNECTION 'host=127.0.0.1 port=1 dbname=none'"
                        + " PUBLICATION microposts_timeline WITH (connect = false, slot_name = NONE)")
                .update();
        try {
            Thread.sleep(ReplicaFence.TRUST_WRITABLE_MS + 200); // past the time a writable answer is believed
            redelivery.deferReplicaListeners();
            assertThat(publishedAt(jdbc, timeline)).isAfter(Instant.now().minusSeconds(60));
            assertThat(publishedAt(jdbc, externalization)).isEqualTo(old);
        } finally {
            jdbc.sql("DROP SUBSCRIPTION microposts_timeline_to_monolith").update();
        }
    }

    private static UUID insert(JdbcClient jdbc, String listener, Instant at) {
        UUID id = UUID.randomUUID();
        jdbc.sql("INSERT INTO event_publication (id, listener_id, event_type, serialized_event, publication_date,"
                        + " status, completion_attempts) VALUES (?, ?, 'x', '{}', ?, 'FAILED', 1)")
                .params(id, listener, Timestamp.from(at))
                .update();
        return id;
    }

    private static Instant publishedAt(JdbcClient jdbc, UUID id) {
        return jdbc.sql("SELECT publication_date FROM event_publication WHERE id = ?")
                .param(id)
                .query(Timestamp.class)
                .single()
                .toInstant();
    }
}
