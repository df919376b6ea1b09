package dev.microposts.platform.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.platform.jdbc.ModuleSchema;
import dev.microposts.support.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * {@code migrate posts plan|copy|verify|rollback} against two real PostgreSQL servers with
 * {@code wal_level=logical} (the monolith's and the module's own): rows written while the copy
 * runs and after it arrive; verify agrees, then names the key of a row altered on the target by
 * hand; steps out of order are refused naming the step to run; a copy killed midway (its state
 * written as a killed copy leaves it, and the command's own process killed with SIGKILL) is resumed;
 * a server without logical WAL is refused with how to set it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MigrateCopyVerifyPostgresTests {

    private String monolith;
    private String service;
    private Map<String, String> environment;

    record Result(int status, String out, String err) {}

    @BeforeAll
    void databases() {
        monolith = EmbeddedPostgres.logicalServer().newDatabase();
        service = EmbeddedPostgres.logicalServer().newDatabase();
        environment = Map.of("MICROPOSTS_DB_URL", monolith, "MICROPOSTS_POSTS_DB_URL", service);
        DriverManagerDataSource dataSource = new DriverManagerDataSource(monolith);
        for (String module : List.of("accounts", "posts", "social", "timeline")) {
            ModuleSchema.migrate(dataSource, module);
        }
    }

    @Test
    @Order(1)
    void stepsOutOfOrderAreRefusedNamingTheStepToRun() {
        Result copy = migrate("copy");
        assertThat(copy.status()).isEqualTo(3);
        assertThat(copy.err()).contains("has not been planned", "'plan'", "migrate posts plan");

        Result plan = migrate("plan");
        assertThat(plan.status()).isZero();
        assertThat(plan.out()).contains("posts_microposts", "Recorded in", "migrate posts copy");

        Result verify = migrate("verify");
        assertThat(verify.status()).isEqualTo(3);
        assertThat(verify.err()).contains("the last step done is 'plan'", "'copy'");
        assertThat(migrate("start").status()).isEqualTo(3);
    }

    @Test
    @Order(2)
    void rowsWrittenDuringAndAfterTheCopyArriveAndVerifyAgrees() throws Exception {
        insert(5_000);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong written = new AtomicLong();
        Thread writer = new Thread(() -> {
            try (Connection db = DriverManager.getConnection(monolith)) {
                while (writing.get()) {
                    write(db);
                    written.incrementAndGet();
                }
            } catch (SQLException ex) {
                throw new IllegalStateException(ex);
            }
        });
        writer.start();
        Result copy = migrate("copy");
        // and some more after it, while it streams
        Thread.sleep(300);
        writing.set(false);
        writer.join();
        assertThat(copy.status()).as(copy.err()).isZero();
        assertThat(copy.out())
                .contains("publication microposts_posts", "subscription microposts_posts_to_service", "copied:");
        assertThat(written.get()).isPositive();
        insert(100);

        Result verify = migrate("verify");
        assertThat(verify.status()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).contains("posts_microposts", "0 differences", "verified");
        assertThat(count(service, "posts_microposts")).isEqualTo(count(monolith, "posts_microposts"));
        assertThat(count(service, "posts_idempotency_keys")).isEqualTo(count(monolith, "posts_idempotency_keys"));
        // the service's database is a replica now: its subscription is what the write guard looks for
        assertThat(single(service, "SELECT count(*) FROM pg_subscription WHERE subname LIKE 'microposts_posts_%'"))
                .isEqualTo("1");

        Result again = migrate("copy");
        assertThat(again.status()).isZero();
        assertThat(again.out()).contains("copy was done");
    }

    @Test
    @Order(3)
    void aRowAlteredOnTheTargetByHandIsReportedWithItsKey() throws Exception {
        String id = single(monolith, "SELECT min(id) + 42 FROM posts_microposts");
        exec(service, "UPDATE posts_microposts SET text = 'altered by hand' WHERE id = " + id);
        exec(service, "DELETE FROM posts_microposts WHERE id = (SELECT max(id) FROM posts_microposts)");

        Result verify = migrate("verify");
        assertThat(verify.status()).isEqualTo(1);
        assertThat(verify.out()).contains("id=" + id + ": differs", "altered by hand", "missing on the target");
        assertThat(verify.err()).contains("2 rows differ");
        // the migration is back at copy: start is refused until verify agrees
        assertThat(migrate("start").err()).contains("'verify'");
    }

    @Test
    @Order(4)
    void rollbackEmptiesTheTargetAndACopyKilledMidwayIsResumed() throws Exception {
        Result rollback = migrate("rollback");
        assertThat(rollback.status()).as(rollback.err()).isZero();
        assertThat(count(service, "posts_microposts")).isZero();
        assertThat(single(monolith, "SELECT count(*) FROM pg_replication_slots"))
                .isEqualTo("0");
        assertThat(single(monolith, "SELECT count(*) FROM pg_publication")).isEqualTo("0");
        assertThat(count(monolith, "posts_microposts")).isGreaterThan(5_000);

        // a copy killed after it made the publication and the slot, before the subscription
        try (Connection db = DriverManager.getConnection(monolith)) {
            new MigrationState(db, "posts").begin(Step.COPY);
            Replication.publish(
                    db, "microposts_posts", MigratePlan.tables(dev.microposts.platform.topology.ModuleId.POSTS));
            Replication.createSlot(db, "microposts_posts_to_service");
        }
        Result verify = migrate("verify");
        assertThat(verify.status()).isEqualTo(3);
        assertThat(verify.err()).contains("'copy' was started and did not finish", "migrate posts copy");
        Result status = migrate("status");
        assertThat(status.out())
                .contains("'copy' was started and did not finish", "Next: java -jar microposts.jar migrate posts copy");

        Result copy = migrate("copy");
        assertThat(copy.status()).as(copy.err()).isZero();
        Result again = migrate("verify");
        assertThat(again.status()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("0 differences");
        assertThat(migrate("status").out()).contains("last step done 'verify'", "copy done", "rollback done");
    }

    @Test
    @Order(5)
    void aCopyCommandKilledMidwayIsResumedByRunningItAgain() throws Exception {
        assertThat(migrate("rollback").status()).isZero();
        insert(200_000);
        // the command as an operator runs it, in a process of its own, killed (SIGKILL) while it copies
        ProcessBuilder command = new ProcessBuilder(
                        java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java")
                                .toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.microposts.MicroPostsApplication",
                        "migrate",
                        "posts",
                        "copy")
                .redirectErrorStream(true)
                .redirectOutput(java.nio.file.Path.of("target", "migrate-copy-killed.log")
                        .toFile());
        command.environment().putAll(environment);
        Process copy = command.start();
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        while (!"1"
                        .equals(single(
                                service,
                                "SELECT count(*) FROM pg_subscription WHERE subname = 'microposts_posts_to_service'"))
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        copy.destroyForcibly().waitFor();
        assertThat(migrate("status").out()).contains("'copy' was started and did not finish");
        assertThat(migrate("verify").status()).isEqualTo(3);

        Result resumed = migrate("copy");
        assertThat(resumed.status()).as(resumed.err()).isZero();
        Result verify = migrate("verify");
        assertThat(verify.status()).as(verify.out() + verify.err()).isZero();
        assertThat(count(service, "posts_microposts")).isEqualTo(count(monolith, "posts_microposts"));
    }

    @Test
    void aServerWithoutLogicalWalIsRefusedWithHowToSetIt() {
        String plain = EmbeddedPostgres.newDatabase();
        Map<String, String> env = Map.of("MICROPOSTS_DB_URL", plain, "MICROPOSTS_POSTS_DB_URL", service);
        assertThat(run(List.of("posts", "plan"), env).status()).isZero();
        Result copy = run(List.of("posts", "copy"), env);
        assertThat(copy.status()).isEqualTo(1);
        assertThat(copy.err()).contains("wal_level=replica", "wal_level = logical", "restart PostgreSQL");
    }

    @Test
    void aTargetThatIsTheMonolithsOwnDatabaseIsRefusedAndItsTablesAreLeftAlone() throws SQLException {
        String db = EmbeddedPostgres.logicalServer().newDatabase();
        for (String module : List.of("accounts", "posts", "social", "timeline")) {
            ModuleSchema.migrate(new DriverManagerDataSource(db), module);
        }
        exec(db, "INSERT INTO posts_microposts (author, text, created_at) VALUES ('alice', 'kept', now())");
        // the same database under another URL
        String same = db + (db.contains("?") ? "&" : "?") + "ApplicationName=other";
        Map<String, String> env = Map.of("MICROPOSTS_DB_URL", db, "MICROPOSTS_POSTS_DB_URL", same);
        assertThat(run(List.of("posts", "plan"), env).status()).isZero();
        for (String step : List.of("copy", "verify", "rollback", "switch-writes", "complete")) {
            Result result = run(List.of("posts", step), env);
            assertThat(result.status()).as(step + ": " + result.err()).isEqualTo(1);
            assertThat(result.err()).as(step).contains("is the monolith's database itself", "Nothing was changed");
        }
        assertThat(count(db, "posts_microposts")).isEqualTo(1);
        assertThat(run(List.of("posts", "status"), env).status()).isZero();
    }

    private Result migrate(String step) {
        return run(List.of("posts", step), environment);
    }

    private static Result run(List<String> args, Map<String, String> environment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = MigrateCommand.run(
                args,
                environment,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private void insert(int rows) throws SQLException {
        try (Connection db = DriverManager.getConnection(monolith);
                PreparedStatement insert = db.prepareStatement(
                        "INSERT INTO posts_microposts (author, text, referenced, created_at) VALUES (?, ?, ?, ?)")) {
            for (int i = 0; i < rows; i++) {
                insert.setString(1, "user" + (i % 50));
                insert.setString(2, "micropost " + i + " with ünïcode ✓");
                insert.setString(3, i % 7 == 0 ? "user" + (i % 11) : null);
                insert.setObject(4, OffsetDateTime.now());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** One change of the kinds the module makes: a new micropost, an edit, a delete, a key. */
    private static void write(Connection db) throws SQLException {
        try (Statement sql = db.createStatement()) {
            int kind = ThreadLocalRandom.current().nextInt(4);
            switch (kind) {
                case 0 ->
                    sql.execute("INSERT INTO posts_microposts (author, text, created_at)"
                            + " VALUES ('writer', 'during the copy', now())");
                case 1 ->
                    sql.execute("UPDATE posts_microposts SET text = 'edited', revision = revision + 1"
                            + " WHERE id = (SELECT min(id) + (random() * 100)::int FROM posts_microposts)");
                case 2 ->
                    sql.execute("DELETE FROM posts_microposts"
                            + " WHERE id = (SELECT min(id) + 200 + (random() * 100)::int FROM posts_microposts)");
                default ->
                    sql.execute("INSERT INTO posts_idempotency_keys"
                            + " (author, idem_key, request_hash, micropost_id, created_at)"
                            + " VALUES ('writer', gen_random_uuid()::text, 'h', 1, now())");
            }
        }
    }

    private static long count(String url, String table) throws SQLException {
        return Long.parseLong(single(url, "SELECT count(*) FROM " + table));
    }

    private static String single(String url, String query) throws SQLException {
        try (Connection db = DriverManager.getConnection(url)) {
            return Replication.single(db, query);
        }
    }

    private static void exec(String url, String statement) throws SQLException {
        try (Connection db = DriverManager.getConnection(url);
                Statement sql = db.createStatement()) {
            sql.execute(statement);
        }
    }
}
