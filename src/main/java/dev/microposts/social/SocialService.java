package dev.microposts.social;

import dev.microposts.accounts.Accounts;
import dev.microposts.accounts.UnknownUser;
import dev.microposts.platform.core.InvalidInput;
import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.ModuleId;
import dev.microposts.platform.web.Paging;
import java.time.Clock;
import java.util.List;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/** Following and unfollowing; each change of the graph publishes its event in the same transaction. */
@Service
@ConditionalOnModule(ModuleId.SOCIAL)
class SocialService {

    private final Follows follows;
    private final Accounts accounts;
    private final ApplicationEventPublisher events;
    private final Clock clock = Clock.systemUTC();

    private final TransactionTemplate transactions;

    SocialService(
            Follows follows,
            Accounts accounts,
            ApplicationEventPublisher events,
            PlatformTransactionManager transactions) {
        this.follows = follows;
        this.accounts = accounts;
        this.events = events;
        this.transactions = new TransactionTemplate(transactions);
    }

    void requireUser(String username) {
        if (!accounts.exists(username)) {
            throw new UnknownUser(username);
        }
    }

    /**
     * Returns true when the edge is new, false when it already existed. A user cannot follow
     * themself nor a user that does not exist; that is asked before the transaction (it may cross
     * to another process), so no connection is held meanwhile.
     */
    boolean follow(String follower, String followee) {
        if (followee.equals(follower)) {
            throw new InvalidInput("username", "must not be the user themself");
        }
        if (!accounts.exists(followee)) {
            throw new InvalidInput("username", "must be the username of an existing user");
        }
        return Boolean.TRUE.equals(transactions.execute(status -> {
            if (follows.exists(follower, followee)) {
                return false;
            }
            try {
                if (!follows.insert(follower, followee, clock.instant())) {
                    return false;
                }
            } catch (DuplicateKeyException raced) {
                return false;
            }
            events.publishEvent(Followed.of(follower, followee, follows.nextRevision(follower, followee)));
            return true;
        }));
    }

    @Transactional
    void unfollow(String follower, String followee) {
        if (follows.delete(follower, followee)) {
            events.publishEvent(Unfollowed.of(follower, followee, follows.nextRevision(follower, followee)));
        }
    }

    List<Follows.Edge> following(String username, Paging.Page page) {
        return follows.following(username, page.beforeOrMax(), page.fetchSize());
    }

    List<Follows.Edge> followers(String username, Paging.Page page) {
        return follows.followers(username, page.beforeOrMax(), page.fetchSize());
    }
}
