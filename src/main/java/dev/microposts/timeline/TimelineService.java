package dev.microposts.timeline;

import dev.microposts.accounts.Accounts;
import dev.microposts.accounts.UnknownUser;
import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.ModuleId;
import dev.microposts.platform.topology.ReplicaFence;
import dev.microposts.platform.web.Paging;
import dev.microposts.posts.Micropost;
import dev.microposts.posts.MicropostCreated;
import dev.microposts.posts.MicropostDeleted;
import dev.microposts.posts.MicropostUpdated;
import dev.microposts.posts.Posts;
import dev.microposts.social.Followed;
import dev.microposts.social.Unfollowed;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Maintains home timelines from events (fan-out on write) and reads them. Every handler is
 * idempotent: the event publication registry delivers at least once.
 * <p>
 * Every transaction that applies an event enters the {@link ReplicaFence} first: while the
 * timeline is extracted ({@code migrate timeline}), exactly one of the two databases takes its
 * writes, and a handler on the other side fails, leaving its event in the registry for when the
 * writes come back.
 */
@Service
@ConditionalOnModule(ModuleId.TIMELINE)
class TimelineService {

    /** How many of a newly followed user's microposts are brought into the follower's timeline. */
    static final int BACKFILL = 50;

    private final Timelines timelines;
    private final Posts posts;
    private final Accounts accounts;
    private final TransactionTemplate ownTransaction;
    private final ReplicaFence fence;

    TimelineService(
            Timelines timelines,
            Posts posts,
            Accounts accounts,
            PlatformTransactionManager transactions,
            DataSource dataSource) {
        this.timelines = timelines;
        this.fence = new ReplicaFence(dataSource);
        this.posts = posts;
        this.accounts = accounts;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /**
     * A creation that arrives after its micropost's deletion (or a later edit) changes nothing. Once
     * it has committed, it is settled against a delete or an unfollow applied at the same time
     * ({@link Timelines#settleCreated}).
     */
    @ApplicationModuleListener(propagation = Propagation.NOT_SUPPORTED)
    void on(MicropostCreated event) {
        Micropost post = event.micropost();
        ownTransaction.executeWithoutResult(status -> {
            fence.enter(ModuleId.TIMELINE);
            timelines.savePostIfAbsent(post);
            timelines.fanOut(post.id(), post.author());
        });
        ownTransaction.executeWithoutResult(status -> {
            fence.enter(ModuleId.TIMELINE);
            timelines.settleCreated(post.id(), post.author());
        });
    }

    /** The newest revision wins; an update of a deleted micropost changes nothing. */
    @ApplicationModuleListener
    void on(MicropostUpdated event) {
        fence.enter(ModuleId.TIMELINE);
        timelines.savePost(event.micropost());
    }

    /** Once committed, the micropost is forgotten again: a creation applied at the same time may have written it. */
    @ApplicationModuleListener(propagation = Propagation.NOT_SUPPORTED)
    void on(MicropostDeleted event) {
        ownTransaction.executeWithoutResult(status -> {
            fence.enter(ModuleId.TIMELINE);
            timelines.deletePost(event.micropostId());
        });
        ownTransaction.executeWithoutResult(status -> {
            fence.enter(ModuleId.TIMELINE);
            timelines.forget(event.micropostId());
        });
    }

    /**
     * Runs outside a transaction, so a listener thread holds at most one connection at a time:
     * inside one (as a module listener is by default) the edge's own transaction took a second
     * connection, and as many listeners as the pool has connections, each holding one and waiting
     * for another, stalled the process until the pool's timeout (found by the benchmark under a
     * burst of follows); nor is a connection held while the posts module is asked over HTTP.
     */
    @ApplicationModuleListener(propagation = Propagation.NOT_SUPPORTED)
    void on(Followed event) {
        // commit the edge first: a micropost created from now on fans out to the follower, and one
        // created before is found by the backfill below, so none falls between the two. A follow
        // older than the pair's last applied change (it arrived after its unfollow) does nothing.
        // The backfill is marked pending with the edge and done with the backfill, so a delivery
        // of the same event finishes one that stopped between the two (here, or on the other side
        // of a migration that moved the writes in between).
        boolean backfill = Boolean.TRUE.equals(ownTransaction.execute(status -> {
            fence.enter(ModuleId.TIMELINE);
            if (!timelines.advanceFollow(event.follower(), event.followee(), event.revision(), true)) {
                return timelines.backfillPending(event.follower(), event.followee(), event.revision());
            }
            timelines.saveFollow(event.follower(), event.followee());
            return true;
        }));
        if (!backfill) {
            return;
        }
        List<Micropost> recent = posts.recentBy(event.followee(), BACKFILL);
        ownTransaction.executeWithoutResult(status -> {
            fence.enter(ModuleId.TIMELINE);
            // an unfollow applied while the posts were fetched wins: the backfill is dropped
            if (!timelines.stillFollowing(event.follower(), event.followee(), event.revision())) {
                return;
            }
            for (Micropost post : recent) {
                timelines.savePost(post);
                if (!timelines.deleted(post.id())) {
                    timelines.addEntry(event.follower(), post.id());
                }
            }
            timelines.backfilled(event.follower(), event.followee(), event.revision());
        });
    }

    /**
     * An unfollow older than the pair's last applied change (a re-follow came first) does nothing.
     * Once committed, it is settled against a creation applied at the same time ({@link
     * Timelines#settleCreated}).
     */
    @ApplicationModuleListener(propagation = Propagation.NOT_SUPPORTED)
    void on(Unfollowed event) {
        boolean applied = Boolean.TRUE.equals(ownTransaction.execute(status -> {
            fence.enter(ModuleId.TIMELINE);
            if (!timelines.advanceFollow(event.follower(), event.followee(), event.revision(), false)) {
                return false;
            }
            timelines.removeFollow(event.follower(), event.followee());
            return true;
        }));
        if (applied) {
            ownTransaction.executeWithoutResult(status -> {
                fence.enter(ModuleId.TIMELINE);
                timelines.settleUnfollow(event.follower(), event.followee());
            });
        }
    }

    void requireUser(String owner) {
        if (!accounts.exists(owner)) {
            throw new UnknownUser(owner);
        }
    }

    List<Micropost> read(String owner, Paging.Page page) {
        return timelines.read(owner, page.beforeOrMax(), page.fetchSize());
    }
}
