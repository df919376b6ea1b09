package dev.microposts.posts;

import dev.microposts.accounts.Accounts;
import dev.microposts.accounts.UnknownUser;
import dev.microposts.platform.core.FieldError;
import dev.microposts.platform.core.InvalidInput;
import dev.microposts.platform.core.Text;
import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.ModuleId;
import dev.microposts.platform.web.Paging;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/** Writing and reading microposts; every change publishes its event in the same transaction. */
@Service
@ConditionalOnModule(ModuleId.POSTS)
class PostService implements Posts {

    private final Microposts microposts;
    private final Accounts accounts;
    private final ApplicationEventPublisher events;
    private final Clock clock = Clock.systemUTC();

    /** How long a create's Idempotency-Key is remembered. */
    static final Duration IDEMPOTENCY_WINDOW = Duration.ofHours(24);

    private final TransactionTemplate transactions;
    private final IdempotencyKeys keys;

    PostService(
            Microposts microposts,
            Accounts accounts,
            ApplicationEventPublisher events,
            PlatformTransactionManager transactions,
            IdempotencyKeys keys) {
        this.keys = keys;
        this.microposts = microposts;
        this.accounts = accounts;
        this.events = events;
        this.transactions = new TransactionTemplate(transactions);
    }

    @Override
    @Transactional(readOnly = true) // its own transaction, also when the caller has none (the timeline's backfill)
    public List<Micropost> recentBy(String author, int limit) {
        return microposts.byAuthor(author, Long.MAX_VALUE, limit);
    }

    void requireUser(String username) {
        if (!accounts.exists(username)) {
            throw new UnknownUser(username);
        }
    }

    /** The micropost's rules ({@link MicropostRules}), and a reference must name an existing user. */
    private void check(String text, String referenced) {
        List<FieldError> errors = MicropostRules.errors(text, referenced);
        if (text == null) {
            errors.add(0, new FieldError("text", "is required"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInput(errors);
        }
        if (referenced != null && !accounts.exists(referenced)) {
            throw new InvalidInput("referenced", MicropostRules.REFERENCE_RULE);
        }
    }

    Micropost get(String author, long id) {
        return microposts.find(author, id).orElseThrow(() -> new MicropostNotFound(author, Long.toString(id)));
    }

    /**
     * Creates a micropost. Its rules are checked first, whoever calls, and before the transaction:
     * asking whether a referenced user exists may cross to another process, and no connection is
     * held meanwhile.
     */
    Micropost create(String author, String text, String referenced) {
        check(text, referenced);
        return transactions.execute(status -> {
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            Micropost created = microposts.insert(author, text, referenced, now);
            events.publishEvent(MicropostCreated.of(created));
            return created;
        });
    }

    /**
     * Creates a micropost once per Idempotency-Key of its author: a retry with the same key and the
     * same body ({@code requestHash}) within {@link #IDEMPOTENCY_WINDOW} gets the first micropost
     * again and creates nothing, also when it races the first; the same key with another body is
     * refused.
     */
    Micropost createOnce(String author, String key, String requestHash, String text, String referenced) {
        Optional<Micropost> earlier = replay(author, key, requestHash, text, referenced);
        if (earlier.isPresent()) {
            return earlier.get();
        }
        check(text, referenced);
        try {
            return transactions.execute(status -> {
                Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
                Micropost created = microposts.insert(author, text, referenced, now);
                keys.insert(author, key, requestHash, created.id(), now, now.minus(IDEMPOTENCY_WINDOW));
                events.publishEvent(MicropostCreated.of(created));
                return created;
            });
        } catch (DuplicateKeyException raced) {
            // a concurrent first use of the key committed first: its answer is ours
            return replay(author, key, requestHash, text, referenced).orElseThrow(() -> raced);
        }
    }

    private Optional<Micropost> replay(String author, String key, String requestHash, String text, String referenced) {
        return keys.find(author, key, clock.instant().minus(IDEMPOTENCY_WINDOW)).map(recorded -> {
            if (!recorded.requestHash().equals(requestHash)) {
                throw new MicropostNotFound.IdempotencyKeyReused();
            }
            return new Micropost(recorded.micropostId(), author, text, referenced, recorded.createdAt(), 1);
        });
    }

    /** Replaces a micropost's text and reference, checked as {@link #create} checks them. */
    Micropost update(Micropost existing, String text, String referenced) {
        check(text, referenced);
        return transactions.execute(status -> {
            // gone since it was read (a DELETE won the race): 404, and no event for a deleted micropost
            Micropost changed = microposts
                    .update(existing.author(), existing.id(), text, referenced)
                    .orElseThrow(() -> new MicropostNotFound(existing.author(), Long.toString(existing.id())));
            events.publishEvent(MicropostUpdated.of(changed));
            return changed;
        });
    }

    @Transactional
    void delete(Micropost existing) {
        if (microposts.delete(existing.author(), existing.id())) {
            events.publishEvent(MicropostDeleted.of(existing.id(), existing.author()));
        }
    }

    /**
     * An author's microposts, those whose text contains {@code search} when it is given and not
     * empty. A term no text can contain (U+0000, an unpaired surrogate) is invalid input, refused
     * before it reaches the database (PostgreSQL rejects U+0000 in any string it is sent).
     */
    List<Micropost> collection(String author, Optional<String> search, Paging.Page page) {
        String malformed = search.map(Text::malformation).orElse(null);
        if (malformed != null) {
            throw new InvalidInput("search", malformed);
        }
        return search.filter(term -> !term.isEmpty())
                .map(term -> microposts.byAuthorMatching(author, term, page.beforeOrMax(), page.fetchSize()))
                .orElseGet(() -> microposts.byAuthor(author, page.beforeOrMax(), page.fetchSize()));
    }

    List<Micropost> mentions(String username, Paging.Page page) {
        return microposts.mentioning(username, page.beforeOrMax(), page.fetchSize());
    }
}
