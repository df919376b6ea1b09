package dev.microposts.platform.migration;

import dev.microposts.platform.jdbc.ModuleSchema;
import dev.microposts.platform.topology.ModuleId;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * {@code java -jar microposts.jar db export --to <jdbc-url>}: moves a monolith from its embedded
 * H2 file to PostgreSQL, offline. It refuses while a process runs on the file (H2 locks it) and
 * while events wait to be delivered; applies every module's own migrations on the target, which
 * must hold no module rows; copies every module's tables (only those), sets the identity
 * sequences past every id H2 issued, compares every table (counts and a digest of every row,
 * independent of order), and prints the settings to start on PostgreSQL.
 */
public final class DbExport {

    public static final String NAME = "db";

    static final String USAGE = """
            usage: java -jar microposts.jar db export --to <jdbc:postgresql://...> [options]
              --to-user U, --to-password P   the PostgreSQL user (MICROPOSTS_DB_USER, MICROPOSTS_DB_PASSWORD)
              --data-dir DIR                 the H2 file's directory (MICROPOSTS_DATA_DIR, default ./data)
              --show N                       differing rows shown per table (default 20)
            The service must be stopped: the export reads the file offline.
            """;

    private static final int BATCH = 1_000;

    private DbExport() {}

    public static int run(List<String> args, Map<String, String> environment, PrintStream out, PrintStream err) {
        if (args.isEmpty() || !args.get(0).equals("export")) {
            err.print(USAGE);
            return 2;
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i < args.size(); i += 2) {
            String option = args.get(i);
            if (!List.of("--to", "--to-user", "--to-password", "--data-dir", "--show")
                            .contains(option)
                    || i + 1 >= args.size()) {
                err.println("db export: '" + option + "' is not an option with a value");
                err.print(USAGE);
                return 2;
            }
            options.put(option.substring(2), args.get(i + 1));
        }
        String to = options.get("to");
        if (to == null || !to.startsWith("jdbc:postgresql:")) {
            err.println("db export: --to must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database)");
            err.print(USAGE);
            return 2;
        }
        if (!namesADatabase(to)) {
            // the driver would take the user's name for it: a URL without one lands in 'postgres' or the like
            err.println("db export: --to names no database (" + to + "): give one, as in"
                    + " jdbc:postgresql://host:5432/microposts (create it first: createdb microposts)");
            err.print(USAGE);
            return 2;
        }
        try {
            MigrateCommand.whole(options, "show", 0, 10_000);
        } catch (IllegalArgumentException malformed) {
            err.println("db export: " + malformed.getMessage());
            err.print(USAGE);
            return 2;
        }
        int show = Integer.parseInt(options.getOrDefault("show", "20"));
        Path dir = Path.of(options.getOrDefault("data-dir", environment.getOrDefault("MICROPOSTS_DATA_DIR", "data")))
                .toAbsolutePath()
                .normalize();
        Database target = new Database(
                "PostgreSQL",
                to,
                options.getOrDefault("to-user", environment.get("MICROPOSTS_DB_USER")),
                options.getOrDefault("to-password", environment.get("MICROPOSTS_DB_PASSWORD")));
        try {
            return export(dir, target, show, out, err);
        } catch (MigrationException ex) {
            err.println("db export: " + ex.getMessage());
            return ex.status();
        } catch (SQLException ex) {
            err.println("db export: the database answered: " + ex.getMessage());
            return 1;
        }
    }

    /** Whether a PostgreSQL JDBC URL names its database (jdbc:postgresql://host[:port]/db or jdbc:postgresql:db). */
    static boolean namesADatabase(String url) {
        String rest = url.substring("jdbc:postgresql:".length());
        int question = rest.indexOf('?');
        if (question >= 0) {
            rest = rest.substring(0, question);
        }
        if (rest.startsWith("//")) {
            int slash = rest.indexOf('/', 2);
            return slash > 2 && slash < rest.length() - 1;
        }
        return !rest.isEmpty() && !rest.contains("/");
    }

    private static int export(Path dir, Database target, int show, PrintStream out, PrintStream err)
            throws SQLException {
        if (!Files.exists(dir.resolve("microposts.mv.db"))) {
            throw new MigrationException("there is no H2 database in " + dir + " (microposts.mv.db): give its"
                    + " directory with --data-dir or MICROPOSTS_DATA_DIR");
        }
        String h2 = "jdbc:h2:file:" + dir.toString().replace('\\', '/') + "/microposts;IFEXISTS=TRUE";
        Properties login = new Properties();
        login.setProperty("user", "sa");
        login.setProperty("password", "");
        long started = System.nanoTime();
        try (Connection source = open(h2, login);
                Connection sink = target.connect()) {
            long waiting = hasTable(source, "event_publication") ? count(source, "event_publication", null) : 0;
            if (waiting > 0) {
                throw new MigrationException(waiting + " events of this database wait to be delivered: start the"
                        + " service on it once so that it delivers them, stop it, and export again");
            }
            for (ModuleId module : ModuleId.BUSINESS) {
                for (String table : MigratePlan.tables(module)) {
                    if (!hasTable(source, table)) {
                        throw new MigrationException("the H2 file has no table " + table + " (an older or partial"
                                + " database): start the service on it once, so that it creates every table, stop it,"
                                + " and export again. Nothing was written to the target.");
                    }
                }
            }
            out.println("from " + dir.resolve("microposts.mv.db") + " (H2)");
            out.println("to   " + target.shown());
            List<String> tables = new ArrayList<>();
            for (ModuleId module : ModuleId.BUSINESS) {
                ModuleSchema.migrate(new SingleConnectionDataSource(sink, true), module.id());
                tables.addAll(MigratePlan.tables(module));
            }
            for (String table : tables) {
                if (count(sink, table, null) > 0) {
                    throw new MigrationException("the target's " + table + " holds rows already: export into a"
                            + " database without MicroPosts data");
                }
            }
            sink.setAutoCommit(false);
            for (String table : tables) {
                long rows = copy(source, sink, table);
                out.printf(Locale.ROOT, "  copied %-28s %,12d rows%n", table, rows);
            }
            String sequences = sequences(source, sink, tables);
            sink.commit();
            sink.setAutoCommit(true);
            out.println("  sequences: " + (sequences.isEmpty() ? "none" : sequences));
            int differing = 0;
            for (String table : tables) {
                List<String> differences = compare(source, sink, table);
                differing += differences.size();
                out.printf(
                        Locale.ROOT,
                        "  verified %-26s %s%n",
                        table,
                        differences.isEmpty() ? "agrees" : differences.size() + " rows differ");
                differences.stream().limit(show).forEach(key -> out.println("    " + key));
            }
            if (differing > 0) {
                throw new MigrationException(
                        differing + " rows differ after the copy (listed above): do not start" + " on this database");
            }
            out.printf(
                    Locale.ROOT,
                    "exported and verified in %.1f s. Start on PostgreSQL with:%n",
                    (System.nanoTime() - started) / 1e9);
            out.println("  MICROPOSTS_DB_URL=" + target.shown());
            if (target.user() != null) {
                out.println("  MICROPOSTS_DB_USER=" + target.user());
            }
            if (target.password() != null) {
                out.println("  MICROPOSTS_DB_PASSWORD=<the password>");
            }
            out.println("The H2 file is left as it was: keep it until the service runs well on PostgreSQL.");
            return 0;
        }
    }

    private static Connection open(String url, Properties login) {
        try {
            return DriverManager.getConnection(url, login);
        } catch (SQLException ex) {
            String message = String.valueOf(ex.getMessage());
            if (message.contains("already in use") || message.contains("locked")) {
                throw new MigrationException("the H2 file is in use: a MicroPosts process runs on it. The export is"
                        + " offline: stop the service first");
            }
            throw new MigrationException(
                    "cannot open the H2 file: " + message.lines().findFirst().orElse(message));
        }
    }

    /** Copies a table's rows, by column name, in batches; the target's transaction is committed by the caller. */
    private static long copy(Connection source, Connection sink, String table) throws SQLException {
        long rows = 0;
        try (Statement read = source.createStatement();
                ResultSet row = read.executeQuery("SELECT * FROM " + table)) {
            ResultSetMetaData meta = row.getMetaData();
            int columns = meta.getColumnCount();
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= columns; i++) {
                names.add(meta.getColumnLabel(i).toLowerCase(Locale.ROOT));
            }
            String insert = "INSERT INTO " + table + " (" + String.join(", ", names) + ") VALUES ("
                    + String.join(", ", java.util.Collections.nCopies(columns, "?")) + ")";
            try (PreparedStatement write = sink.prepareStatement(insert)) {
                while (row.next()) {
                    for (int i = 1; i <= columns; i++) {
                        write.setObject(i, value(row, i, meta.getColumnType(i)));
                    }
                    write.addBatch();
                    if (++rows % BATCH == 0) {
                        write.executeBatch();
                    }
                }
                write.executeBatch();
            }
        }
        return rows;
    }

    private static Object value(ResultSet row, int column, int type) throws SQLException {
        if (type == java.sql.Types.TIMESTAMP_WITH_TIMEZONE) {
            return row.getObject(column, OffsetDateTime.class);
        }
        return row.getObject(column);
    }

    /** Sets every identity sequence of the tables past the largest id H2 issued (its next value less one). */
    private static String sequences(Connection source, Connection sink, List<String> tables) throws SQLException {
        StringBuilder done = new StringBuilder();
        for (String table : tables) {
            try (PreparedStatement columns = source.prepareStatement("SELECT COLUMN_NAME, IDENTITY_BASE FROM"
                    + " INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = ? AND IS_IDENTITY = 'YES'")) {
                columns.setString(1, table.toUpperCase(Locale.ROOT));
                try (ResultSet column = columns.executeQuery()) {
                    while (column.next()) {
                        String name = column.getString(1).toLowerCase(Locale.ROOT);
                        long next = column.getLong(2);
                        long max = count(sink, table, "SELECT coalesce(max(" + name + "), 0) FROM " + table);
                        long value = Math.max(1, Math.max(next - 1, max));
                        Replication.setSequence(sink, table, name, value, done);
                    }
                }
            }
        }
        return done.toString();
    }

    /**
     * The rows of a table that differ between the two databases, by key: empty when both hold the
     * same rows (a digest of each row, its values normalised: instants in UTC, numbers without
     * trailing zeros; compared as sorted lists, so no order of either database matters).
     */
    private static List<String> compare(Connection source, Connection sink, String table) throws SQLException {
        long[] left = digests(source, table);
        long[] right = digests(sink, table);
        if (Arrays.equals(left, right)) {
            return List.of();
        }
        Map<String, Long> a = keyed(source, table);
        Map<String, Long> b = keyed(sink, table);
        List<String> differing = new ArrayList<>();
        a.forEach((key, digest) -> {
            if (!digest.equals(b.get(key))) {
                differing.add(table + " " + key + (b.containsKey(key) ? ": differs" : ": missing on the target"));
            }
        });
        b.keySet().stream()
                .filter(key -> !a.containsKey(key))
                .forEach(key -> differing.add(table + " " + key + ": only on the target"));
        return differing;
    }

    private static long[] digests(Connection db, String table) throws SQLException {
        List<Long> digests = new ArrayList<>();
        each(db, table, (key, digest) -> digests.add(digest));
        long[] sorted = digests.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return sorted;
    }

    private static Map<String, Long> keyed(Connection db, String table) throws SQLException {
        Map<String, Long> keyed = new HashMap<>();
        each(db, table, keyed::put);
        return keyed;
    }

    private interface RowDigest {
        void accept(String key, long digest);
    }

    private static void each(Connection db, String table, RowDigest consumer) throws SQLException {
        MessageDigest md5 = md5();
        try (Statement read = db.createStatement();
                ResultSet row = read.executeQuery("SELECT * FROM " + table)) {
            ResultSetMetaData meta = row.getMetaData();
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                names.add(meta.getColumnLabel(i).toLowerCase(Locale.ROOT));
            }
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                order.add(i);
            }
            order.sort((x, y) -> names.get(x).compareTo(names.get(y)));
            List<String> key = primaryKey(db, table);
            while (row.next()) {
                StringBuilder text = new StringBuilder();
                for (int i : order) {
                    text.append(names.get(i))
                            .append('=')
                            .append(normal(row, i + 1, meta.getColumnType(i + 1)))
                            .append('\u0001');
                }
                byte[] hash = md5.digest(text.toString().getBytes(StandardCharsets.UTF_8));
                long digest = 0;
                for (int i = 0; i < 8; i++) {
                    digest = (digest << 8) | (hash[i] & 0xff);
                }
                List<String> parts = new ArrayList<>();
                for (String column : key) {
                    parts.add(column + "=" + row.getString(names.indexOf(column) + 1));
                }
                consumer.accept(String.join(", ", parts), digest);
            }
        }
    }

    /** The primary key's columns, in lower case, in their order. */
    private static List<String> primaryKey(Connection db, String table) throws SQLException {
        Map<Integer, String> columns = new java.util.TreeMap<>();
        for (String name : List.of(table, table.toUpperCase(Locale.ROOT))) {
            try (ResultSet key = db.getMetaData().getPrimaryKeys(null, null, name)) {
                while (key.next()) {
                    columns.put(
                            key.getInt("KEY_SEQ"), key.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
                }
            }
            if (!columns.isEmpty()) {
                break;
            }
        }
        if (columns.isEmpty()) {
            throw new MigrationException("the table " + table + " has no primary key");
        }
        return new ArrayList<>(columns.values());
    }

    private static String normal(ResultSet row, int column, int type) throws SQLException {
        Object value = row.getObject(column);
        if (value == null) {
            return "\u0000";
        }
        if (type == java.sql.Types.TIMESTAMP_WITH_TIMEZONE) {
            return row.getObject(column, OffsetDateTime.class).toInstant().toString();
        }
        if (value instanceof Timestamp timestamp) {
            return timestamp.toInstant().toString();
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.stripTrailingZeros().toPlainString();
        }
        if (value instanceof Number number) {
            return new BigDecimal(number.toString()).stripTrailingZeros().toPlainString();
        }
        return value.toString();
    }

    private static boolean hasTable(Connection db, String table) {
        try (Statement sql = db.createStatement()) {
            sql.executeQuery("SELECT 1 FROM " + table + " WHERE 1 = 0").close();
            return true;
        } catch (SQLException missing) {
            return false;
        }
    }

    private static long count(Connection db, String table, String query) throws SQLException {
        try (Statement sql = db.createStatement();
                ResultSet row = sql.executeQuery(query != null ? query : "SELECT count(*) FROM " + table)) {
            return row.next() ? row.getLong(1) : 0L;
        }
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
