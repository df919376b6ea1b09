package dev.microposts.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.accounts.Accounts;
import dev.microposts.posts.Micropost;
import dev.microposts.posts.Posts;
import dev.microposts.support.EmbeddedPostgres;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.modulith.test.ApplicationModuleTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * On PostgreSQL a failed statement aborts its transaction, so a timeline write that meets a
 * concurrent copy of the same row must skip it rather than fail: a follow's backfill and a
 * micropost's fan-out (or two deliveries of one event) write the same entries at the same time.
 * Here a transaction holds uncommitted copies of the rows while another writes them; once the
 * first commits, the second must go on and commit everything else it wrote.
 */
@ApplicationModuleTest
class TimelineRacePostgresTests {

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
    private final TransactionTemplate transaction;

    TimelineRacePostgresTests(Timelines timelines, JdbcClient jdbc, TransactionTemplate transaction) {
        this.timelines = timelines;
        this.jdbc = jdbc;
        this.transaction = transaction;
    }

    @Test
    void aBackfillThatMeetsAConcurrentFanOutOfTheSameMicropostCommitsTheRest() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Micropost raced = new Micropost(7001, "race_star", "raced", null, now, 1);
        Micropost other = new Micropost(7002, "race_star", "not raced", null, now, 1);
        CountDownLatch written = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        CompletableFuture<Void> fanOut = CompletableFuture.runAsync(() -> transaction.executeWithoutResult(status -> {
            timelines.savePostIfAbsent(raced);
            timelines.addEntry("race_fan", raced.id());
            written.countDown();
            await(commit);
        }));
        assertThat(written.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> backfill = CompletableFuture.runAsync(() -> transaction.executeWithoutResult(status -> {
            for (Micropost post : new Micropost[] {raced, other}) {
                timelines.savePost(post); // waits for the fan-out's uncommitted copy of the first
                timelines.addEntry("race_fan", post.id());
            }
        }));
        Thread.sleep(300); // the backfill is now blocked on the fan-out's uncommitted rows
        commit.countDown();
        fanOut.get(10, TimeUnit.SECONDS);
        backfill.get(10, TimeUnit.SECONDS);
        assertThat(jdbc.sql("SELECT post_id FROM timeline_entries WHERE owner = 'race_fan' ORDER BY post_id")
                        .query(Long.class)
                        .list())
                .containsExactly(7001L, 7002L);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
