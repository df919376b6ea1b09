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

    /**
     * A micropost created while its author is unfollowed, each in its own transaction: the
     * creation's fan-out still sees the edge the unfollow deletes, and the unfollow cannot see the
     * creation's uncommitted micropost, so both commit and the entry stays (checked). The settling
     * after each commit takes it out, whichever commits first.
     */
    @Test
    void aMicropostCreatedWhileItsAuthorIsUnfollowedLeavesThatTimelineEitherWay() throws Exception {
        for (boolean unfollowCommitsFirst : new boolean[] {true, false}) {
            String author = unfollowCommitsFirst ? "race_a1" : "race_a2";
            String follower = author + "_fan";
            long id = unfollowCommitsFirst ? 7101 : 7102;
            Micropost post = new Micropost(id, author, "racing an unfollow", null, Instant.now(), 1);
            follow(follower, author);
            Interleaving created = creating(post);
            Interleaving unfollowed = new Interleaving(() -> {
                timelines.advanceFollow(follower, author, 2, false);
                timelines.removeFollow(follower, author);
            });
            created.written();
            unfollowed.written(); // blocked by nothing: neither sees the other's rows
            if (unfollowCommitsFirst) {
                unfollowed.commit();
                transaction.executeWithoutResult(status -> timelines.settleUnfollow(follower, author));
                created.commit();
                assertThat(entries(follower)).as("without the settling").containsExactly(id);
                transaction.executeWithoutResult(status -> timelines.settleCreated(id, author));
            } else {
                created.commit();
                transaction.executeWithoutResult(status -> timelines.settleCreated(id, author));
                unfollowed.commit();
                assertThat(entries(follower)).as("without the settling").containsExactly(id);
                transaction.executeWithoutResult(status -> timelines.settleUnfollow(follower, author));
            }
            assertThat(entries(follower))
                    .as("unfollow committed first: " + unfollowCommitsFirst)
                    .isEmpty();
            assertThat(entries(author)).containsExactly(id);
        }
    }

    /** The same for a micropost deleted while its creation is applied. */
    @Test
    void aMicropostDeletedWhileItsCreationIsAppliedIsGoneEitherWay() throws Exception {
        for (boolean deleteCommitsFirst : new boolean[] {true, false}) {
            String author = deleteCommitsFirst ? "race_d1" : "race_d2";
            String follower = author + "_fan";
            long id = deleteCommitsFirst ? 7201 : 7202;
            Micropost post = new Micropost(id, author, "racing a delete", null, Instant.now(), 1);
            follow(follower, author);
            Interleaving created = creating(post);
            Interleaving deleted = new Interleaving(() -> timelines.deletePost(id));
            created.written();
            deleted.written();
            if (deleteCommitsFirst) {
                deleted.commit();
                transaction.executeWithoutResult(status -> timelines.forget(id));
                created.commit();
                assertThat(entries(follower)).as("without the settling").containsExactly(id);
                transaction.executeWithoutResult(status -> timelines.settleCreated(id, author));
            } else {
                created.commit();
                transaction.executeWithoutResult(status -> timelines.settleCreated(id, author));
                deleted.commit();
                assertThat(entries(follower)).as("without the settling").containsExactly(id);
                transaction.executeWithoutResult(status -> timelines.forget(id));
            }
            assertThat(entries(follower))
                    .as("delete committed first: " + deleteCommitsFirst)
                    .isEmpty();
            assertThat(entries(author)).isEmpty();
            assertThat(jdbc.sql("SELECT COUNT(*) FROM timeline_posts WHERE post_id = ?")
                            .param(id)
                            .query(Long.class)
                            .single())
                    .isZero();
        }
    }

    /** The follower follows the author (revision 1), committed. */
    private void follow(String follower, String author) {
        transaction.executeWithoutResult(status -> {
            timelines.advanceFollow(follower, author, 1, true);
            timelines.saveFollow(follower, author);
        });
    }

    /** A creation's writes (its copy and its fan-out) in a transaction that waits to commit. */
    private Interleaving creating(Micropost post) {
        return new Interleaving(() -> {
            timelines.savePostIfAbsent(post);
            timelines.fanOut(post.id(), post.author());
        });
    }

    private java.util.List<Long> entries(String owner) {
        return jdbc.sql("SELECT post_id FROM timeline_entries WHERE owner = ? ORDER BY post_id")
                .param(owner)
                .query(Long.class)
                .list();
    }

    /** A transaction on a thread of its own: it does its writes, then waits to be told to commit. */
    private final class Interleaving {
        private final CountDownLatch written = new CountDownLatch(1);
        private final CountDownLatch commit = new CountDownLatch(1);
        private final CompletableFuture<Void> done;

        Interleaving(Runnable writes) {
            done = CompletableFuture.runAsync(() -> transaction.executeWithoutResult(status -> {
                writes.run();
                written.countDown();
                await(commit);
            }));
        }

        void written() throws Exception {
            if (!written.await(10, TimeUnit.SECONDS)) {
                done.getNow(null); // its failure, if it failed
                throw new AssertionError("the transaction's writes did not finish: blocked");
            }
        }

        void commit() throws Exception {
            commit.countDown();
            done.get(10, TimeUnit.SECONDS);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
