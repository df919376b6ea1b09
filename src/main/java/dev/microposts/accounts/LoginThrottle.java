package dev.microposts.accounts;

import dev.microposts.platform.jdbc.Sql;
import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.ModuleId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Login throttling, kept by the database so that it holds across replicas: at most
 * {@link #MAX_FAILURES} failed attempts per username in a sliding {@link #WINDOW}. Each attempt
 * first {@link #reserve reserves} itself in one short transaction that locks the username's row of
 * {@code accounts_login_attempts}, counts its failures in the window and records the attempt as a
 * failure; concurrent attempts for one username are thus counted one after the other. The attempt
 * stays a failure until the password is proven right ({@link #succeeded}, which resets the count),
 * or is {@link #release released} when it could not be checked at all. The slow hash runs between
 * the two, outside any transaction. Rows older than the window are {@link #purgeExpired purged} on
 * a schedule, so a spray of random usernames leaves nothing behind.
 */
@Repository
@ConditionalOnModule(ModuleId.ACCOUNTS)
class LoginThrottle {

    /** Failed logins allowed per username in {@link #WINDOW}; the next attempts are 429. */
    static final int MAX_FAILURES = 5;

    static final Duration WINDOW = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);

    /** Rounds of UPDATE-else-INSERT to lock a username's row before giving up (each loses only to a race). */
    private static final int LOCK_TRIES = 5;

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final String onConflictDoNothing;
    private final Clock clock = Clock.systemUTC();

    LoginThrottle(JdbcClient jdbc, DataSource dataSource, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactions);
        this.onConflictDoNothing = Sql.onConflictDoNothing(dataSource);
    }

    /**
     * Reserves an attempt to log in as {@code username}: refuses it with
     * {@link AccountRefusals.LoginThrottled} when the username has {@link #MAX_FAILURES} failures in
     * the window, else records it as a failure and returns its id. Its time is read once the
     * username's row is locked, so that the failures of a username are in the order of their ids.
     */
    long reserve(String username) {
        return transactions.execute(status -> {
            lock(username, clock.instant());
            Instant now = clock.instant();
            List<Instant> failures = jdbc.sql("SELECT failed_at FROM accounts_login_failures "
                            + "WHERE username = ? AND failed_at > ? ORDER BY failed_at DESC LIMIT ?")
                    .params(username, Sql.timestamp(now.minus(WINDOW)), MAX_FAILURES)
                    .query((rs, i) -> Sql.instant(rs, "failed_at"))
                    .list();
            if (failures.size() >= MAX_FAILURES) {
                Instant allowedAgain = failures.get(MAX_FAILURES - 1).plus(WINDOW);
                // at most the window, also when another replica's clock is ahead of this one's
                long seconds = Math.max(
                        1,
                        Math.min(
                                WINDOW.toSeconds(),
                                (Duration.between(now, allowedAgain).toMillis() + 999) / 1000));
                throw new AccountRefusals.LoginThrottled(seconds);
            }
            KeyHolder key = new GeneratedKeyHolder();
            jdbc.sql("INSERT INTO accounts_login_failures (username, failed_at) VALUES (?, ?)")
                    .params(username, Sql.timestamp(now))
                    .update(key, "id");
            return key.getKeyAs(Number.class).longValue();
        });
    }

    /**
     * Locks the username's row until the transaction ends: an UPDATE locks an existing one; a new
     * one is inserted (locked as it is uncommitted). When a concurrent attempt inserts it first, the
     * INSERT waits for that one to end and then does nothing (PostgreSQL) or fails on the key (H2),
     * and the next round's UPDATE locks the row.
     */
    private void lock(String username, Instant now) {
        for (int round = 1; ; round++) {
            if (jdbc.sql("UPDATE accounts_login_attempts SET last_attempt_at = ? WHERE username = ?")
                            .params(Sql.timestamp(now), username)
                            .update()
                    == 1) {
                return;
            }
            try {
                if (jdbc.sql("INSERT INTO accounts_login_attempts (username, last_attempt_at) VALUES (?, ?)"
                                        + onConflictDoNothing)
                                .params(username, Sql.timestamp(now))
                                .update()
                        == 1) {
                    return;
                }
            } catch (DuplicateKeyException raced) {
                if (round >= LOCK_TRIES) {
                    throw raced;
                }
                continue;
            }
            if (round >= LOCK_TRIES) {
                throw new IllegalStateException("Could not lock the login attempts of '" + username + "'");
            }
        }
    }

    /**
     * The password of {@code attempt} was right: the username's failures reserved up to it are
     * forgotten (attempts reserved after it still count until they are proven right).
     */
    void succeeded(String username, long attempt) {
        jdbc.sql("DELETE FROM accounts_login_failures WHERE username = ? AND id <= ?")
                .params(username, attempt)
                .update();
    }

    /** {@code attempt} could not be checked (no hashing capacity, a database error): it does not count. */
    void release(long attempt) {
        jdbc.sql("DELETE FROM accounts_login_failures WHERE id = ?")
                .param(attempt)
                .update();
    }

    /** Deletes failures and attempt rows that have left the window, every minute on each replica. */
    @Scheduled(fixedDelay = 1, initialDelay = 1, timeUnit = TimeUnit.MINUTES)
    void purgeExpired() {
        var cutoff = Sql.timestamp(clock.instant().minus(WINDOW));
        try {
            int failures = jdbc.sql("DELETE FROM accounts_login_failures WHERE failed_at <= ?")
                    .param(cutoff)
                    .update();
            int attempts = jdbc.sql("DELETE FROM accounts_login_attempts WHERE last_attempt_at <= ?")
                    .param(cutoff)
                    .update();
            log.debug("Purged {} failed logins and {} usernames' attempts older than {}", failures, attempts, WINDOW);
        } catch (DataAccessException ex) {
            log.warn("Could not purge old failed logins (tried again in a minute): {}", ex.getMessage());
        }
    }
}
