package dev.microposts.platform.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Compares a table on two databases: row counts, then an MD5 checksum per range of primary keys
 * (ranges of {@code rangeSize} rows cut on the source), then, in a range that differs, row by row.
 * A row that differs may only be in flight (changed on the source, not yet applied on the target):
 * such rows are compared again after replication has caught up with the source, up to three
 * times, and only those that still differ are reported.
 */
final class Verification {

    /** A row that differs: its key, and its text on each side (null where it is missing). */
    record Difference(String table, String key, String source, String target) {}

    /** The outcome for one table. */
    record TableResult(
            String table, long sourceRows, long targetRows, int ranges, int rangesDiffering, List<Difference> rows) {}

    private final Connection source;
    private final Connection target;
    private final int rangeSize;
    private final CatchUp catchUp;
    private final boolean bytewise;

    /** Waits until the target has every change the source made so far (false: it did not in time). */
    interface CatchUp {
        boolean await() throws SQLException, InterruptedException;
    }

    Verification(Connection source, Connection target, int rangeSize, CatchUp catchUp) {
        this.source = source;
        this.target = target;
        this.rangeSize = rangeSize;
        this.catchUp = catchUp;
        this.bytewise = !Objects.equals(collation(source), collation(target));
    }

    private static String collation(Connection db) {
        try {
            return Replication.single(db, "SELECT datcollate FROM pg_database WHERE datname = current_database()");
        } catch (SQLException ex) {
            return null;
        }
    }

    TableResult compare(String table) throws SQLException, InterruptedException {
        List<Column> key = primaryKey(source, table);
        String order = order(key);
        List<List<Object>> cuts = cuts(table, key, order);
        int rangesDiffering = 0;
        Map<String, List<Object>> suspects = new LinkedHashMap<>();
        for (int i = 0; i <= cuts.size(); i++) {
            List<Object> from = i == 0 ? null : cuts.get(i - 1);
            List<Object> to = i == cuts.size() ? null : cuts.get(i);
            String where = range(key, from, to);
            List<Object> bounds = new ArrayList<>();
            if (from != null) {
                bounds.addAll(from);
            }
            if (to != null) {
                bounds.addAll(to);
            }
            String checksum = "SELECT count(*), coalesce(md5(string_agg(md5(t::text), '' ORDER BY " + order
                    + ")), '') FROM " + table + " t WHERE " + where;
            if (!Objects.equals(single(source, checksum, bounds), single(target, checksum, bounds))) {
                rangesDiffering++;
                String rows = "SELECT " + keyText(key) + ", t::text FROM " + table + " t WHERE " + where + " ORDER BY "
                        + order;
                Map<String, Row> left = rows(source, rows, bounds, key.size());
                Map<String, Row> right = rows(target, rows, bounds, key.size());
                Set<String> keys = new LinkedHashSet<>(left.keySet());
                keys.addAll(right.keySet());
                for (String k : keys) {
                    Row a = left.get(k);
                    Row b = right.get(k);
                    if (a == null || b == null || !a.text().equals(b.text())) {
                        suspects.put(k, (a != null ? a : b).key());
                    }
                }
            }
        }
        List<Difference> differences = recheck(table, key, suspects);
        return new TableResult(
                table,
                Replication.count(source, table),
                Replication.count(target, table),
                cuts.size() + 1,
                rangesDiffering,
                differences);
    }

    /** Compares the suspect rows again once the target has caught up, until they agree or 3 tries. */
    private List<Difference> recheck(String table, List<Column> key, Map<String, List<Object>> suspects)
            throws SQLException, InterruptedException {
        Map<String, List<Object>> left = new LinkedHashMap<>(suspects);
        List<Difference> differences = new ArrayList<>();
        for (int attempt = 0; attempt < 3 && !left.isEmpty(); attempt++) {
            catchUp.await();
            differences.clear();
            Map<String, List<Object>> still = new LinkedHashMap<>();
            String one = "SELECT t::text FROM " + table + " t WHERE " + equal(key);
            for (Map.Entry<String, List<Object>> suspect : left.entrySet()) {
                String a = single(source, one, suspect.getValue());
                String b = single(target, one, suspect.getValue());
                if (!Objects.equals(a, b)) {
                    still.put(suspect.getKey(), suspect.getValue());
                    differences.add(new Difference(table, suspect.getKey(), a, b));
                }
            }
            left = still;
        }
        return differences;
    }

    /** The first key of every {@code rangeSize}-th row on the source, except the very first row. */
    private List<List<Object>> cuts(String table, List<Column> key, String order) throws SQLException {
        String columns = String.join(", ", key.stream().map(Column::name).toList());
        String query = "SELECT " + columns + " FROM (SELECT " + columns + ", row_number() OVER (ORDER BY " + order
                + ") AS n FROM " + table + " t) s WHERE n % " + rangeSize + " = 1 AND n > 1 ORDER BY n";
        List<List<Object>> cuts = new ArrayList<>();
        try (PreparedStatement statement = source.prepareStatement(query);
                ResultSet row = statement.executeQuery()) {
            while (row.next()) {
                List<Object> values = new ArrayList<>();
                for (int i = 1; i <= key.size(); i++) {
                    values.add(row.getObject(i));
                }
                cuts.add(values);
            }
        }
        return cuts;
    }

    private record Column(String name, boolean text) {}

    private record Row(List<Object> key, String text) {}

    private static List<Column> primaryKey(Connection db, String table) throws SQLException {
        List<Column> key = new ArrayList<>();
        try (PreparedStatement query = db.prepareStatement("SELECT a.attname, t.typcategory = 'S'"
                + " FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)"
                + " JOIN pg_type t ON t.oid = a.atttypid"
                + " WHERE i.indrelid = ?::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)")) {
            query.setString(1, table);
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    key.add(new Column(row.getString(1), row.getBoolean(2)));
                }
            }
        }
        if (key.isEmpty()) {
            throw new MigrationException("The table " + table + " has no primary key: it cannot be verified");
        }
        return key;
    }

    /**
     * The key as sorted the same way on both databases: in their collation when they have the same
     * (so the primary key's index serves each range), else bytewise.
     */
    private String order(List<Column> key) {
        return String.join(", ", key.stream().map(this::sorted).toList());
    }

    private String sorted(Column column) {
        return "t." + column.name() + (bytewise && column.text() ? " COLLATE \"C\"" : "");
    }

    private String tuple(List<Column> key) {
        return "(" + order(key) + ")";
    }

    private String placeholders(List<Column> key) {
        List<String> marks = new ArrayList<>();
        for (Column column : key) {
            marks.add(bytewise && column.text() ? "? COLLATE \"C\"" : "?");
        }
        return "(" + String.join(", ", marks) + ")";
    }

    private String range(List<Column> key, List<Object> from, List<Object> to) {
        List<String> conditions = new ArrayList<>();
        if (from != null) {
            conditions.add(tuple(key) + " >= " + placeholders(key));
        }
        if (to != null) {
            conditions.add(tuple(key) + " < " + placeholders(key));
        }
        return conditions.isEmpty() ? "TRUE" : String.join(" AND ", conditions);
    }

    private static String equal(List<Column> key) {
        return String.join(
                " AND ",
                key.stream().map(column -> "t." + column.name() + " = ?").toList());
    }

    private static String keyText(List<Column> key) {
        return String.join(
                ", ", key.stream().map(column -> "t." + column.name()).toList());
    }

    private static String single(Connection db, String query, List<Object> parameters) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(query)) {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                StringBuilder text = new StringBuilder();
                for (int i = 1; i <= row.getMetaData().getColumnCount(); i++) {
                    text.append(i > 1 ? "|" : "").append(row.getString(i));
                }
                return text.toString();
            }
        }
    }

    private static Map<String, Row> rows(Connection db, String query, List<Object> parameters, int keyColumns)
            throws SQLException {
        Map<String, Row> rows = new LinkedHashMap<>();
        try (PreparedStatement statement = db.prepareStatement(query)) {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    List<Object> key = new ArrayList<>();
                    List<String> names = new ArrayList<>();
                    for (int i = 1; i <= keyColumns; i++) {
                        key.add(row.getObject(i));
                        names.add(row.getMetaData().getColumnName(i) + "=" + row.getString(i));
                    }
                    rows.put(String.join(", ", names), new Row(key, row.getString(keyColumns + 1)));
                }
            }
        }
        return rows;
    }
}
