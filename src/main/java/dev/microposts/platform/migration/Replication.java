package dev.microposts.platform.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * PostgreSQL's built-in logical replication, as the migration uses it: a publication of exactly
 * the module's tables on the database that takes the writes, a logical replication slot there
 * created on its own (a subscription to a database of the same server hangs at
 * {@code CREATE SUBSCRIPTION} when it has to create its slot itself), and a subscription on the
 * other database that uses it. Every operation looks before it acts, so a step killed midway runs
 * again from where it stopped.
 */
final class Replication {

    private Replication() {}

    /** The publication of the module's tables on the monolith's database. */
    static String publication(String module) {
        return "microposts_" + module;
    }

    /** The subscription (and its slot) that copies the monolith's rows to the service's database. */
    static String forward(String module) {
        return "microposts_" + module + "_to_service";
    }

    /** The way back after the write switch: the service's rows to the monolith's database. */
    static String reverse(String module) {
        return "microposts_" + module + "_to_monolith";
    }

    /** Refuses a database whose server cannot decode its WAL for logical replication. */
    static void requireLogical(Connection db, String role) throws SQLException {
        String level = single(db, "SHOW wal_level");
        if (!"logical".equals(level)) {
            throw new MigrationException("The " + role + " database's server has wal_level=" + level
                    + "; logical replication needs wal_level=logical. Set it with"
                    + " ALTER SYSTEM SET wal_level = logical (or wal_level = logical in postgresql.conf),"
                    + " then restart PostgreSQL; max_replication_slots and max_wal_senders must each allow"
                    + " at least 4 more than are in use.");
        }
    }

    static boolean published(Connection db, String name) throws SQLException {
        return exists(db, "SELECT 1 FROM pg_publication WHERE pubname = ?", name);
    }

    /** The publication of exactly these tables (set to them if it exists with others). */
    static void publish(Connection db, String name, List<String> tables) throws SQLException {
        String list = String.join(", ", tables);
        try (Statement sql = db.createStatement()) {
            if (published(db, name)) {
                sql.execute("ALTER PUBLICATION " + name + " SET TABLE " + list);
            } else {
                sql.execute("CREATE PUBLICATION " + name + " FOR TABLE " + list);
            }
        }
    }

    static void unpublish(Connection db, String name) throws SQLException {
        try (Statement sql = db.createStatement()) {
            sql.execute("DROP PUBLICATION IF EXISTS " + name);
        }
    }

    static boolean hasSlot(Connection db, String name) throws SQLException {
        return exists(db, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", name);
    }

    static void createSlot(Connection db, String name) throws SQLException {
        if (!hasSlot(db, name)) {
            try (PreparedStatement create =
                    db.prepareStatement("SELECT pg_create_logical_replication_slot(?, 'pgoutput')")) {
                create.setString(1, name);
                create.execute();
            }
        }
    }

    /** Drops a slot once its subscription has let go of it (waits up to 10 s for that). */
    static void dropSlot(Connection db, String name) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (exists(db, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ? AND active", name)
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        if (hasSlot(db, name)) {
            try (PreparedStatement drop = db.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                drop.setString(1, name);
                drop.execute();
            }
        }
    }

    static boolean subscribed(Connection db, String name) throws SQLException {
        return exists(
                db,
                "SELECT 1 FROM pg_subscription WHERE subname = ?"
                        + " AND subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())",
                name);
    }

    /**
     * The subscription {@code name} to {@code publication} at {@code conninfo}, on the slot of the
     * same name made beforehand; {@code copyData}: copy the rows there first; {@code originNone}:
     * take only changes made there by applications, not those it replicated itself (so that two
     * databases replicating each other's changes do not send them back and forth).
     */
    static void subscribe(
            Connection db, String name, String conninfo, String publication, boolean copyData, boolean originNone)
            throws SQLException {
        if (subscribed(db, name)) {
            return;
        }
        try (Statement sql = db.createStatement()) {
            sql.execute("CREATE SUBSCRIPTION " + name + " CONNECTION '" + conninfo.replace("'", "''") + "'"
                    + " PUBLICATION " + publication + " WITH (create_slot = false, slot_name = '" + name + "',"
                    + " copy_data = " + copyData + (originNone ? ", origin = none" : "") + ")");
        }
    }

    /**
     * The subscription's apply worker commits with {@code synchronous_commit = on} or back to
     * PostgreSQL's default {@code off}. On, it confirms a transaction as soon as it is applied, not
     * up to a second later when its WAL is flushed in the background: set just before a hold, it
     * shortens the wait for the catch-up. Off while the subscription only streams (and again when a
     * switch gave up): a flush per applied transaction would slow it under a heavy write load.
     */
    static void commitSynchronously(Connection db, String name, boolean on) throws SQLException {
        if (subscribed(db, name)) {
            try (Statement sql = db.createStatement()) {
                sql.execute("ALTER SUBSCRIPTION " + name + " SET (synchronous_commit = " + (on ? "on" : "off") + ")");
            }
        }
    }

    /** Stops and drops a subscription, leaving its slot on the publisher (dropped there apart). */
    static void unsubscribe(Connection db, String name) throws SQLException {
        if (!subscribed(db, name)) {
            return;
        }
        try (Statement sql = db.createStatement()) {
            sql.execute("ALTER SUBSCRIPTION " + name + " DISABLE");
            sql.execute("ALTER SUBSCRIPTION " + name + " SET (slot_name = NONE)");
            sql.execute("DROP SUBSCRIPTION " + name);
        }
    }

    /**
     * The state of each table of a subscription: {@code i} waiting, {@code d} copying its rows,
     * {@code f}/{@code s} catching up, {@code r} ready (streaming).
     */
    static Map<String, String> tableStates(Connection db, String subscription) throws SQLException {
        Map<String, String> states = new TreeMap<>();
        try (PreparedStatement query = db.prepareStatement("SELECT c.relname, r.srsubstate FROM pg_subscription_rel r"
                + " JOIN pg_subscription s ON s.oid = r.srsubid JOIN pg_class c ON c.oid = r.srrelid"
                + " WHERE s.subname = ?")) {
            query.setString(1, subscription);
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    states.put(row.getString(1), row.getString(2));
                }
            }
        }
        return states;
    }

    /** The WAL the publisher wrote that the slot's subscriber has not confirmed yet, in bytes. */
    static long lagBytes(Connection db, String slot) throws SQLException {
        try (PreparedStatement query = db.prepareStatement(
                "SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), confirmed_flush_lsn) FROM pg_replication_slots"
                        + " WHERE slot_name = ?")) {
            query.setString(1, slot);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? Math.max(0, row.getLong(1)) : -1;
            }
        }
    }

    /**
     * A position in the WAL past the commit of every transaction committed before now, with all WAL
     * up to it on disk. Not {@code pg_current_wal_lsn()}: that is where the WAL has been written to,
     * and a transaction committed with {@code synchronous_commit = off} is visible before its commit
     * record is written there (for up to three times {@code wal_writer_delay}); a subscriber that has
     * reached that position can still be missing the last acknowledged writes. The insert position
     * covers them; a commit of our own with {@code synchronous_commit = on} then writes and flushes
     * the WAL up to it, and a walsender sends only flushed WAL.
     */
    static String committedEnd(Connection db) throws SQLException {
        boolean autoCommit = db.getAutoCommit();
        db.setAutoCommit(false);
        try (Statement sql = db.createStatement()) {
            sql.execute("SET LOCAL synchronous_commit = on");
            String lsn = single(db, "SELECT pg_current_wal_insert_lsn()::text");
            single(db, "SELECT txid_current()");
            db.commit();
            return lsn;
        } catch (SQLException failed) {
            db.rollback();
            throw failed;
        } finally {
            db.setAutoCommit(autoCommit);
        }
    }

    /** Whether the slot's subscriber has applied and confirmed everything up to {@code lsn}. */
    static boolean reached(Connection db, String slot, String lsn) throws SQLException {
        try (PreparedStatement query = db.prepareStatement(
                "SELECT confirmed_flush_lsn >= ?::pg_lsn FROM pg_replication_slots WHERE slot_name = ?")) {
            query.setString(1, lsn);
            query.setString(2, slot);
            try (ResultSet row = query.executeQuery()) {
                return row.next() && row.getBoolean(1);
            }
        }
    }

    /**
     * Waits until the subscriber of {@code slot} has applied every transaction committed on
     * {@code db} before now (see {@link #committedEnd}); false at the deadline.
     */
    static boolean catchUp(Connection db, String slot, long timeoutMillis) throws SQLException, InterruptedException {
        String lsn = committedEnd(db);
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (!reached(db, slot, lsn)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /**
     * Sets every identity sequence of {@code tables} on {@code to} past every value {@code from}
     * ever issued (its sequence's last value, and the largest id there): logical replication
     * carries rows, not sequence values, and an id must never be issued twice.
     */
    static String advanceSequences(Connection from, Connection to, List<String> tables) throws SQLException {
        StringBuilder done = new StringBuilder();
        for (String table : tables) {
            try (PreparedStatement columns = from.prepareStatement("SELECT a.attname FROM pg_attribute a"
                    + " WHERE a.attrelid = ?::regclass AND a.attidentity <> '' AND NOT a.attisdropped")) {
                columns.setString(1, table);
                try (ResultSet column = columns.executeQuery()) {
                    while (column.next()) {
                        String name = column.getString(1);
                        String sequence = "pg_get_serial_sequence('" + table + "', '" + name + "')";
                        long issued = Math.max(
                                Long.parseLong(single(
                                        from,
                                        "SELECT coalesce(max(last_value), 0) FROM pg_sequences"
                                                + " WHERE schemaname || '.' || sequencename = " + sequence)),
                                Long.parseLong(single(from, "SELECT coalesce(max(" + name + "), 0) FROM " + table)));
                        long there = Long.parseLong(single(to, "SELECT coalesce(max(" + name + "), 0) FROM " + table));
                        long value = Math.max(1, Math.max(issued, there));
                        setSequence(to, table, name, value, done);
                    }
                }
            }
        }
        return done.toString();
    }

    /** Sets the identity sequence of {@code table.column} to {@code value} (the next id is past it), noted in {@code done}. */
    static void setSequence(Connection db, String table, String column, long value, StringBuilder done)
            throws SQLException {
        single(db, "SELECT setval(pg_get_serial_sequence('" + table + "', '" + column + "'), " + value + ", true)");
        done.append(done.isEmpty() ? "" : ", ")
                .append(table)
                .append('.')
                .append(column)
                .append(" > ")
                .append(value);
    }

    /**
     * Takes a module's fence on a database exclusively ({@link
     * dev.microposts.platform.topology.ReplicaFence}): once it is held, no listener transaction of
     * the module runs there, and new ones wait. False when it was not free within the time given.
     */
    static boolean closeFence(Connection db, long key, long timeoutMillis) throws SQLException {
        // queued, not polled: a waiting exclusive request makes new shared ones wait behind it, so a
        // busy listener pool cannot keep the fence open for ever
        try (Statement sql = db.createStatement()) {
            sql.execute("SET lock_timeout = " + Math.max(1, timeoutMillis));
            try {
                sql.execute("SELECT pg_advisory_lock(" + key + ")");
                return true;
            } catch (SQLException ex) {
                if ("55P03".equals(ex.getSQLState())) {
                    return false; // lock_not_available: the time given ran out
                }
                throw ex;
            } finally {
                sql.execute("RESET lock_timeout");
            }
        }
    }

    /** Lets the module's listener transactions run again on a database. */
    static void openFence(Connection db, long key) throws SQLException {
        single(db, "SELECT pg_advisory_unlock(" + key + ")");
    }

    static long count(Connection db, String table) throws SQLException {
        return Long.parseLong(single(db, "SELECT count(*) FROM " + table));
    }

    static String single(Connection db, String query) throws SQLException {
        try (Statement sql = db.createStatement();
                ResultSet row = sql.executeQuery(query)) {
            return row.next() ? row.getString(1) : null;
        }
    }

    private static boolean exists(Connection db, String query, String name) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(query)) {
            statement.setString(1, name);
            try (ResultSet row = statement.executeQuery()) {
                return row.next();
            }
        }
    }
}
