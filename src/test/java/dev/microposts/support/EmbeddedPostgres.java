package dev.microposts.support;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server per test JVM, started from the zonky binaries (no Docker, no
 * machine-wide server), with a fresh database per caller.
 */
public final class EmbeddedPostgres {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;

    private EmbeddedPostgres() {}

    /** Creates a new empty database and returns its JDBC URL (user {@code postgres}, no password). */
    public static synchronized String newDatabase() {
        try {
            if (server == null) {
                server = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                        .start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        server.close();
                    } catch (IOException ignored) {
                        // the JVM is going away
                    }
                }));
            }
            String name = "microposts_" + DATABASES.incrementAndGet();
            try (Connection connection = server.getPostgresDatabase().getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE " + name);
            }
            return server.getJdbcUrl("postgres", name);
        } catch (IOException | SQLException ex) {
            throw new IllegalStateException("Could not start the embedded PostgreSQL server", ex);
        }
    }

    /**
     * A server of its own with {@code wal_level=logical}, as a migration's databases need (two
     * servers: the monolith's and a module's). Closed when the JVM exits.
     */
    public static Server logicalServer() {
        try {
            io.zonky.test.db.postgres.embedded.EmbeddedPostgres started =
                    io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                            .setServerConfig("wal_level", "logical")
                            .setServerConfig("max_replication_slots", "20")
                            .setServerConfig("max_wal_senders", "20")
                            .setServerConfig("max_worker_processes", "20")
                            .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // the JVM is going away
                }
            }));
            return new Server(started);
        } catch (IOException ex) {
            throw new IllegalStateException("Could not start an embedded PostgreSQL server", ex);
        }
    }

    /** A running server on which databases are made. */
    public static final class Server {

        private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;

        private Server(io.zonky.test.db.postgres.embedded.EmbeddedPostgres server) {
            this.server = server;
        }

        /** A new empty database's JDBC URL (user {@code postgres}, no password). */
        public String newDatabase() {
            String name = "microposts_" + DATABASES.incrementAndGet();
            try (Connection connection = server.getPostgresDatabase().getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE " + name);
            } catch (SQLException ex) {
                throw new IllegalStateException("Could not create a database", ex);
            }
            return server.getJdbcUrl("postgres", name);
        }

        public int port() {
            return server.getPort();
        }
    }
}
