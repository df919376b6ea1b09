package dev.microposts.platform.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.platform.jdbc.ModuleSchema;
import dev.microposts.platform.topology.ModuleId;
import dev.microposts.platform.topology.ReplicaFence;
import dev.microposts.support.EmbeddedPostgres;
import dev.microposts.support.ServiceProcess;
import dev.microposts.support.Topologies;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * {@code switch-writes} and {@code rollback} of a module written by event listeners (the timeline)
 * close the module's fence on both databases: while a listener transaction runs on the monolith's
 * database the switch does not happen (nothing changes, the service's database still follows), and
 * while one runs on the service's database the way back does not; once they end, both go through.
 * Real PostgreSQL servers with {@code wal_level=logical}, a real router process for the holds; a
 * listener transaction is stood for by an open transaction holding the fence's lock, shared.
 */
class MigrateFencesIT {

    private static final String ADMIN_TOKEN = "fences-admin-token-0123456789abcdef0123456789";

    @Test
    void theWritesMoveOnlyWhileNoListenerTransactionRunsOnEitherSide() throws Exception {
        String monolithDb = EmbeddedPostgres.logicalServer().newDatabase();
        String serviceDb = EmbeddedPostgres.logicalServer().newDatabase();
        ModuleSchema.migrate(new DriverManagerDataSource(monolithDb), "timeline");
        try (Connection db = DriverManager.getConnection(monolithDb);
                Statement sql = db.createStatement()) {
            sql.execute(
                    "INSERT INTO timeline_posts (post_id, author, text, created_at) VALUES (1, 'star', 'x', now())");
            sql.execute("INSERT INTO timeline_entries (owner, post_id) VALUES ('fan', 1)");
        }
        int adminPort = Topologies.freePort();
        Map<String, String> routerEnv = new LinkedHashMap<>();
        routerEnv.put("MICROPOSTS_MODULES", "router");
        for (String module : Topologies.MODULES) {
            routerEnv.put("MICROPOSTS_" + module.toUpperCase() + "_URL", "http://127.0.0.1:1");
        }
        routerEnv.put("MICROPOSTS_ROUTER_ADMIN_TOKEN", ADMIN_TOKEN);
        routerEnv.put("MICROPOSTS_ROUTER_ADMIN_PORT", Integer.toString(adminPort));
        routerEnv.put("MICROPOSTS_DATA_DIR", "target/fences-it/" + java.util.UUID.randomUUID());
        ServiceProcess router = new ServiceProcess("fences-router", routerEnv).start();
        try {
            Map<String, String> environment = Map.of(
                    "MICROPOSTS_DB_URL", monolithDb,
                    "MICROPOSTS_TIMELINE_DB_URL", serviceDb,
                    // any server that answers: the command only checks that something does
                    "MICROPOSTS_TIMELINE_URL", router.url(),
                    "MICROPOSTS_ROUTER_ADMIN_TOKEN", ADMIN_TOKEN,
                    "MICROPOSTS_ROUTER_ADMIN_PORT", Integer.toString(adminPort));
            for (String step : List.of("plan", "copy", "verify", "start")) {
                String[] result = migrate(environment, step);
                assertThat(result[0]).as(step + ": " + result[1] + result[2]).isEqualTo("0");
            }
            long key = ReplicaFence.lockKey(ModuleId.TIMELINE);

            // a listener transaction on the monolith's database: the switch waits for it, then gives up
            try (Connection listener = DriverManager.getConnection(monolithDb);
                    Statement sql = listener.createStatement()) {
                listener.setAutoCommit(false);
                sql.execute("SELECT pg_advisory_xact_lock_shared(" + key + ")");
                String[] refused = migrate(environment, "switch-writes", "--hold", "2s");
                assertThat(refused[0]).isNotEqualTo("0");
                assertThat(refused[2]).contains("the monolith's timeline listeners did not pause");
                listener.commit();
            }
            assertThat(subscriptions(serviceDb)).containsExactly("microposts_timeline_to_service");
            assertThat(subscriptions(monolithDb)).isEmpty();
            String[] switched = migrate(environment, "switch-writes");
            assertThat(switched[0]).as(switched[1] + switched[2]).isEqualTo("0");
            assertThat(subscriptions(serviceDb)).isEmpty();
            assertThat(subscriptions(monolithDb)).containsExactly("microposts_timeline_to_monolith");

            // and a listener transaction on the service's database holds the way back
            try (Connection listener = DriverManager.getConnection(serviceDb);
                    Statement sql = listener.createStatement()) {
                listener.setAutoCommit(false);
                sql.execute("SELECT pg_advisory_xact_lock_shared(" + key + ")");
                String[] refused = migrate(environment, "rollback", "--hold", "2s");
                assertThat(refused[0]).isNotEqualTo("0");
                assertThat(refused[2]).contains("the service's timeline listeners did not pause");
                listener.commit();
            }
            assertThat(subscriptions(monolithDb)).containsExactly("microposts_timeline_to_monolith");
            // the monolith's fence was let go when the service's could not be had: nothing is left held
            try (Connection other = DriverManager.getConnection(monolithDb);
                    Statement sql = other.createStatement();
                    ResultSet free = sql.executeQuery("SELECT pg_try_advisory_xact_lock_shared(" + key + ")")) {
                free.next();
                assertThat(free.getBoolean(1)).isTrue();
            }
            String[] back = migrate(environment, "rollback");
            assertThat(back[0]).as(back[1] + back[2]).isEqualTo("0");
            assertThat(subscriptions(monolithDb)).isEmpty();
            assertThat(subscriptions(serviceDb)).containsExactly("microposts_timeline_to_service");
        } finally {
            router.terminate(Duration.ofSeconds(20));
        }
    }

    private static String[] migrate(Map<String, String> environment, String step, String... options) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("timeline", step));
        args.addAll(List.of(options));
        int status = MigrateCommand.run(
                args,
                environment,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {
            Integer.toString(status), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)
        };
    }

    private static List<String> subscriptions(String url) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection db = DriverManager.getConnection(url);
                Statement sql = db.createStatement();
                ResultSet rows = sql.executeQuery("SELECT subname FROM pg_subscription s JOIN pg_database d"
                        + " ON d.oid = s.subdbid WHERE d.datname = current_database() ORDER BY subname")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }
}
