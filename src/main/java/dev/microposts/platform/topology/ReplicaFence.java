package dev.microposts.platform.topology;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Whether this process's database is a replica of a module's tables: while a module is extracted
 * ({@code migrate}), its tables on one of the two databases are written only by logical
 * replication, recognised by a subscription named {@code microposts_<module>_...} there.
 * <p>
 * Requests are guarded by {@link ReplicaWrites}. A module whose tables are written by event
 * listeners (the timeline) guards each listener transaction with {@link #enter}: it takes the
 * module's advisory lock, shared, and then looks the subscription up. {@code migrate} takes the same
 * lock exclusively on both databases while it moves the writes, so a listener transaction either
 * ends before the move (and its rows are replicated across before the switch) or starts after it
 * (and sees the new roles). A listener on the replica fails with {@link Replica}: its event stays in
 * the event publication registry and is applied later, when this side takes the writes again.
 */
public final class ReplicaFence {

    /** The prefix of the subscriptions {@code migrate} creates: {@code microposts_posts_to_service}. */
    public static final String SUBSCRIPTION_PREFIX = "microposts_";

    /** The longest a listener transaction waits for the fence before it fails (and is delivered again). */
    static final long LISTENER_WAIT_MS = 10_000;

    /** How long a database found to be no replica is believed without asking again. */
    public static final long TRUST_WRITABLE_MS = 1000;

    private static final String A_SUBSCRIPTION = "EXISTS (SELECT 1 FROM pg_subscription s JOIN pg_database d"
            + " ON d.oid = s.subdbid WHERE d.datname = current_database() AND s.subname LIKE ?)";
    private static final String SUBSCRIBED = "SELECT " + A_SUBSCRIPTION;

    private final DataSource data;
    private final Map<ModuleId, Long> writableUntil = new ConcurrentHashMap<>();
    private volatile Boolean postgres;

    public ReplicaFence(DataSource data) {
        this.data = data;
    }

    /**
     * The advisory lock of a module's fence: taken shared by its listener transactions and
     * exclusively by {@code migrate} while it moves the module's writes.
     */
    public static long lockKey(ModuleId module) {
        // "Micro" and the module's name (String.hashCode is the same in every JVM and build)
        return 0x4d6963726f000000L + (module.id().hashCode() & 0xffffffL);
    }

    /** The pattern of the subscriptions that make a database a replica of the module's tables. */
    static String subscriptions(ModuleId module) {
        return SUBSCRIPTION_PREFIX + module.id() + "\\_%";
    }

    /**
     * Whether the database is a replica of the module's tables: asked on every call while it is,
     * believed writable for {@link #TRUST_WRITABLE_MS} once it was not (a cheap guard, not a fence).
     */
    public boolean replica(ModuleId module) throws SQLException {
        if (data == null) {
            return false; // a process without a database (the router)
        }
        Long until = writableUntil.get(module);
        if (until != null && System.currentTimeMillis() < until) {
            return false;
        }
        boolean replica;
        try (Connection connection = data.getConnection()) {
            replica = postgres(connection) && subscribed(connection, module);
        }
        if (replica) {
            writableUntil.remove(module);
        } else {
            writableUntil.put(module, System.currentTimeMillis() + TRUST_WRITABLE_MS);
        }
        return replica;
    }

    /**
     * The fence of a listener transaction: call it first in the transaction. Waits while
     * {@code migrate} moves the module's writes, then fails with {@link Replica} when this
     * database is the module's replica. Nothing to do on the embedded database (no replication).
     */
    public void enter(ModuleId module) {
        if (data == null) {
            return;
        }
        Connection connection = DataSourceUtils.getConnection(data);
        try {
            if (!postgres(connection)) {
                return;
            }
            if (!TransactionSynchronizationManager.isActualTransactionActive()) {
                // outside a transaction the lock would be gone before the listener's writes
                throw new IllegalStateException("the replica fence is entered inside the listener's transaction");
            }
            // two round trips on every listener transaction: the lock, waited for at most
            // LISTENER_WAIT_MS (a migrate that stays inside its fence, its host gone, does not hold
            // listener threads and their connections for ever: the event is delivered again later),
            // then the wait's limit lifted again and the replica looked up
            try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock_shared(?) FROM"
                    + " (SELECT set_config('lock_timeout', ?, true)) limited")) {
                lock.setLong(1, lockKey(module));
                lock.setString(2, Long.toString(LISTENER_WAIT_MS));
                lock.execute();
            }
            try (PreparedStatement replica = connection.prepareStatement(
                    "SELECT " + A_SUBSCRIPTION + " FROM (SELECT set_config('lock_timeout', '0', true)) unlimited")) {
                replica.setString(1, subscriptions(module));
                try (ResultSet result = replica.executeQuery()) {
                    if (result.next() && result.getBoolean(1)) {
                        throw new Replica(module);
                    }
                }
            }
        } catch (SQLException ex) {
            throw new IllegalStateException(
                    "could not check whether this database is a replica: " + ex.getMessage(), ex);
        } finally {
            DataSourceUtils.releaseConnection(connection, data);
        }
    }

    private boolean postgres(Connection connection) throws SQLException {
        if (postgres == null) {
            postgres = "PostgreSQL".equalsIgnoreCase(connection.getMetaData().getDatabaseProductName());
        }
        return postgres;
    }

    private static boolean subscribed(Connection connection, ModuleId module) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(SUBSCRIBED)) {
            statement.setString(1, subscriptions(module));
            try (ResultSet result = statement.executeQuery()) {
                return result.next() && result.getBoolean(1);
            }
        }
    }

    /** A listener found its database to be the module's replica: its event is applied later. */
    public static final class Replica extends RuntimeException {

        private final ModuleId module;

        Replica(ModuleId module) {
            super(
                    "this database is a replica of the " + module.id() + " module's tables (a migration moved its"
                            + " writes to the other side): the event is applied when they come back",
                    null,
                    false,
                    false);
            this.module = module;
        }

        public ModuleId module() {
            return module;
        }
    }
}
