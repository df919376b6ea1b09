package dev.microposts.platform.migration;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * One database of a migration as the command reaches it (a JDBC URL, user and password) and, for
 * the monolith's, as the target's server reaches it for replication (a libpq connection string,
 * derived from the JDBC URL unless given).
 */
record Database(String role, String url, String user, String password) {

    boolean isPostgres() {
        return url != null && url.startsWith("jdbc:postgresql:");
    }

    /** A connection in auto-commit mode, its session in UTC (so rows print the same on both sides). */
    Connection connect() throws SQLException {
        Properties properties = new Properties();
        if (user != null && !user.isBlank()) {
            properties.setProperty("user", user);
        }
        if (password != null && !password.isBlank()) {
            properties.setProperty("password", password);
        }
        properties.setProperty("ApplicationName", "microposts-migrate");
        Connection connection = DriverManager.getConnection(url, properties);
        try (Statement sql = connection.createStatement()) {
            sql.execute("SET TIME ZONE 'UTC'");
        }
        return connection;
    }

    /**
     * Whether two connections reach the same database of the same server, however their URLs name
     * it: an advisory lock (scoped to one database) taken on the first cannot be taken on the
     * second. Needs no privilege.
     */
    static boolean same(Connection one, Connection other) throws SQLException {
        long key;
        do {
            key = java.util.concurrent.ThreadLocalRandom.current().nextLong();
        } while (!advisory(one, "pg_try_advisory_lock", key));
        try {
            boolean free = advisory(other, "pg_try_advisory_lock", key);
            if (free) {
                advisory(other, "pg_advisory_unlock", key);
            }
            return !free;
        } finally {
            advisory(one, "pg_advisory_unlock", key);
        }
    }

    private static boolean advisory(Connection connection, String function, long key) throws SQLException {
        try (var sql = connection.prepareStatement("SELECT " + function + "(?)")) {
            sql.setLong(1, key);
            try (var row = sql.executeQuery()) {
                return row.next() && row.getBoolean(1);
            }
        }
    }

    /**
     * The libpq connection string of this database, for a subscription: host, port and database
     * from a single-host URL, user and password from the settings or the URL's parameters.
     */
    String conninfo() {
        String rest = url.substring("jdbc:postgresql:".length());
        if (!rest.startsWith("//")) {
            throw new MigrationException("The " + role + " database's URL " + url + " names no host: give the"
                    + " connection string the target's server uses to reach it with --source-conninfo");
        }
        rest = rest.substring(2);
        String query = "";
        int question = rest.indexOf('?');
        if (question >= 0) {
            query = rest.substring(question + 1);
            rest = rest.substring(0, question);
        }
        int slash = rest.indexOf('/');
        String hostPort = slash >= 0 ? rest.substring(0, slash) : rest;
        String name = slash >= 0 ? rest.substring(slash + 1) : "";
        if (hostPort.contains(",")) {
            throw new MigrationException("The " + role + " database's URL names several hosts: give the one the"
                    + " target's server replicates from with --source-conninfo");
        }
        String host = hostPort;
        String port = "5432";
        int colon = hostPort.lastIndexOf(':');
        if (colon >= 0 && !hostPort.endsWith("]")) {
            host = hostPort.substring(0, colon);
            port = hostPort.substring(colon + 1);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                parameters.put(
                        pair.substring(0, equals),
                        URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        Map<String, String> conninfo = new LinkedHashMap<>();
        conninfo.put("host", host.isEmpty() ? "localhost" : host);
        conninfo.put("port", port);
        conninfo.put("dbname", URLDecoder.decode(name, StandardCharsets.UTF_8));
        String login = user != null && !user.isBlank() ? user : parameters.get("user");
        String secret = password != null && !password.isBlank() ? password : parameters.get("password");
        if (login != null) {
            conninfo.put("user", login);
        }
        if (secret != null) {
            conninfo.put("password", secret);
        }
        if (parameters.containsKey("sslmode")) {
            conninfo.put("sslmode", parameters.get("sslmode"));
        }
        StringBuilder text = new StringBuilder();
        conninfo.forEach((key, value) -> text.append(text.isEmpty() ? "" : " ")
                .append(key)
                .append("='")
                .append(value.replace("\\", "\\\\").replace("'", "\\'"))
                .append('\''));
        return text.toString();
    }

    /** The URL without its password, for printing. */
    String shown() {
        return url.replaceAll("(?i)([?&]password=)[^&]*", "$1***");
    }
}
