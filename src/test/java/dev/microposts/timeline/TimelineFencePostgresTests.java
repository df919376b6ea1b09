package dev.microposts.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.when;

import dev.microposts.accounts.Accounts;
import dev.microposts.platform.topology.ModuleId;
import dev.microposts.platform.topology.ReplicaFence;
import dev.microposts.posts.Micropost;
import dev.microposts.posts.MicropostCreated;
import dev.microposts.posts.Posts;
import dev.microposts.social.Followed;
import dev.microposts.support.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.modulith.test.ApplicationModuleTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The timeline's side of a live extraction (docs/MIGRATION.md, "Modules that consume events"): a
 * listener on the database that is the timeline's replica applies nothing and fails, so that its
 * event stays in the registry; a listener waits while {@code migrate} holds the fence; and a
 * follow whose backfill stopped after its edge was applied is finished by the next delivery, on
 * either side.
 */
@ApplicationModuleTest
class TimelineFencePostgresTests {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        String url = EmbeddedPostgres.newDatabase();
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
    }

    @MockitoBean
    Accounts accounts;

    @MockitoBean
    Posts posts;

    private final Timelines timelines;
    private final JdbcClient jdbc;
    private final DataSource dataSource;
    private final TransactionTemplate transaction;
    private final PlatformTransactionManager transactions;
    /** Without the listener proxies (asynchronous, in the registry): each handler called in this thread. */
    private TimelineService service;

    TimelineFencePostgresTests(
            Timelines timelines,
            JdbcClient jdbc,
            DataSource dataSource,
            TransactionTemplate transaction,
            PlatformTransactionManager transactions) {
        this.timelines = timelines;
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.transaction = transaction;
        this.transactions = transactions;
    }

    @BeforeEach
    void service() {
        service = new TimelineService(timelines, posts, accounts, transactions, dataSource);
    }

    @AfterEach
    void noReplica() throws Exception {
        try (Connection db = dataSource.getConnection();
                Statement sql = db.createStatement()) {
            sql.execute("DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_subscription WHERE subname ="
                    + " 'microposts_timeline_to_monolith') THEN ALTER SUBSCRIPTION microposts_timeline_to_monolith"
                    + " SET (slot_name = NONE); END IF; END $$");
            sql.execute("DROP SUBSCRIPTION IF EXISTS microposts_timeline_to_monolith");
        }
    }

    @Test
    void aListenerOnTheReplicaAppliesNothingAndFailsUntilTheWritesComeBack() throws Exception {
        service.on(Followed.of("fence_fan", "fence_star", 1)); // the fan follows before any move
        MicropostCreated created = MicropostCreated.of(post(8101, "fence_star", "while replica"));
        // this database becomes the timeline's replica: a subscription of migrate's, here never connected
        try (Connection db = dataSource.getConnection();
                Statement sql = db.createStatement()) {
            sql.execute("CREATE SUBSCRIPTION microposts_timeline_to_monolith CONNECTION"
                    + " 'host=127.0.0.1 port=1 dbname=none' PUBLICATION microposts_timeline"
                    + " WITH (connect = false, slot_name = NONE)");
        }
        assertThatThrownBy(() -> transaction.executeWithoutResult(status -> service.on(created)))
                .isInstanceOf(ReplicaFence.Replica.class);
        assertThat(entries("fence_fan")).isEmpty();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM timeline_posts WHERE post_id = 8101")
                        .query(Long.class)
                        .single())
                .isZero();

        noReplica();
        transaction.executeWithoutResult(status -> service.on(created));
        assertThat(entries("fence_fan")).containsExactly(8101L);
    }

    @Test
    void aListenerWaitsWhileMigrateHoldsTheFenceAndGoesOnWhenItIsOpened() throws Exception {
        service.on(Followed.of("held_fan", "held_star", 1));
        MicropostCreated created = MicropostCreated.of(post(8201, "held_star", "during a switch"));
        long key = ReplicaFence.lockKey(ModuleId.TIMELINE);
        try (Connection migrate = dataSource.getConnection();
                Statement sql = migrate.createStatement()) {
            sql.execute("SELECT pg_advisory_lock(" + key + ")");
            CompletableFuture<Void> listener =
                    CompletableFuture.runAsync(() -> transaction.executeWithoutResult(status -> service.on(created)));
            assertThatThrownBy(() -> listener.get(500, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            assertThat(entries("held_fan")).isEmpty();
            sql.execute("SELECT pg_advisory_unlock(" + key + ")");
            listener.get(10, TimeUnit.SECONDS);
        }
        assertThat(entries("held_fan")).containsExactly(8201L);
    }

    @Test
    void aFollowWhoseBackfillStoppedIsFinishedByItsNextDelivery() {
        Micropost older = post(8301, "late_star", "before the follow");
        when(posts.recentBy(eq("late_star"), anyInt()))
                .thenThrow(new IllegalStateException("posts unavailable"))
                .thenReturn(List.of(older));
        Followed followed = Followed.of("late_fan", "late_star", 5);
        // the edge is applied, then the backfill fails (here: posts away; in a migration: the writes
        // moved to the other side between the two transactions)
        assertThatThrownBy(() -> service.on(followed)).isInstanceOf(IllegalStateException.class);
        assertThat(timelines.follows("late_fan", "late_star")).isTrue();
        assertThat(entries("late_fan")).isEmpty();

        service.on(followed); // delivered again: the edge is not applied twice, the backfill is done
        assertThat(entries("late_fan")).containsExactly(8301L);
        assertThat(timelines.backfillPending("late_fan", "late_star", 5)).isFalse();

        service.on(followed); // and once done, a further delivery changes nothing
        assertThat(entries("late_fan")).containsExactly(8301L);
    }

    private List<Long> entries(String owner) {
        return jdbc.sql("SELECT post_id FROM timeline_entries WHERE owner = ? ORDER BY post_id")
                .param(owner)
                .query(Long.class)
                .list();
    }

    private static Micropost post(long id, String author, String text) {
        return new Micropost(id, author, text, null, Instant.now().truncatedTo(ChronoUnit.MILLIS), 1);
    }
}
