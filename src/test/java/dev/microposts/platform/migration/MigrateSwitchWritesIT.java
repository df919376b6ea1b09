package dev.microposts.platform.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.contract.Api;
import dev.microposts.support.EmbeddedPostgres;
import dev.microposts.support.ServiceProcess;
import dev.microposts.support.Topologies;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The write switch of {@code posts} out of a running monolith, with real processes (the monolith
 * on PostgreSQL, the extracted posts process on a PostgreSQL server of its own, the router with its
 * admin API, a Kafka broker) under concurrent writes through the router: plan, copy, verify,
 * start, switch-writes, rollback, switch-writes again, complete. Every write acknowledged is on both
 * databases at the end, no id was issued twice, no request failed (a request that waited in the
 * hold is not a failure), and a follower's timeline got every acknowledged micropost exactly once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MigrateSwitchWritesIT {

    private static final String ADMIN_TOKEN = "migrate-admin-token-0123456789abcdef0123456789";

    private EmbeddedKafkaKraftBroker kafka;
    private ServiceProcess monolith;
    private ServiceProcess service;
    private ServiceProcess router;
    private String monolithDb;
    private String serviceDb;
    private Map<String, String> environment;
    private final List<ServiceProcess> processes = new ArrayList<>();

    record Result(int status, String out, String err) {}

    @BeforeAll
    void start() {
        kafka = new EmbeddedKafkaKraftBroker(1, 3);
        kafka.afterPropertiesSet();
        monolithDb = EmbeddedPostgres.logicalServer().newDatabase();
        serviceDb = EmbeddedPostgres.logicalServer().newDatabase();
        String internal = Topologies.internalToken();
        String data = "target/migrate-it/" + java.util.UUID.randomUUID();

        Map<String, String> monolithEnv = new LinkedHashMap<>();
        monolithEnv.put("MICROPOSTS_DB_URL", monolithDb);
        monolithEnv.put("MICROPOSTS_KAFKA_BOOTSTRAP", kafka.getBrokersAsString());
        monolithEnv.put("MICROPOSTS_EXTRACTING", "posts");
        monolithEnv.put("MICROPOSTS_INTERNAL_TOKEN", internal);
        monolithEnv.put("MICROPOSTS_DATA_DIR", data + "/monolith");
        monolith = track(new ServiceProcess("migrate-monolith", monolithEnv).start());

        int adminPort = Topologies.freePort();
        Map<String, String> routerEnv = new LinkedHashMap<>();
        routerEnv.put("MICROPOSTS_MODULES", "router");
        for (String module : Topologies.MODULES) {
            routerEnv.put("MICROPOSTS_" + module.toUpperCase() + "_URL", monolith.url());
        }
        routerEnv.put("MICROPOSTS_ROUTER_ADMIN_TOKEN", ADMIN_TOKEN);
        routerEnv.put("MICROPOSTS_ROUTER_ADMIN_PORT", Integer.toString(adminPort));
        routerEnv.put("MICROPOSTS_DATA_DIR", data + "/router");
        router = track(new ServiceProcess("migrate-router", routerEnv).start());

        Map<String, String> serviceEnv = new LinkedHashMap<>();
        serviceEnv.put("MICROPOSTS_MODULES", "posts");
        serviceEnv.put("MICROPOSTS_DB_URL", serviceDb);
        serviceEnv.put("MICROPOSTS_ACCOUNTS_URL", monolith.url());
        serviceEnv.put("MICROPOSTS_KAFKA_BOOTSTRAP", kafka.getBrokersAsString());
        serviceEnv.put("MICROPOSTS_INTERNAL_TOKEN", internal);
        serviceEnv.put("MICROPOSTS_DATA_DIR", data + "/service");
        service = track(new ServiceProcess("migrate-posts", serviceEnv).start());

        environment = Map.of(
                "MICROPOSTS_DB_URL", monolithDb,
                "MICROPOSTS_POSTS_DB_URL", serviceDb,
                "MICROPOSTS_POSTS_URL", service.url(),
                "MICROPOSTS_ROUTER_ADMIN_TOKEN", ADMIN_TOKEN,
                "MICROPOSTS_ROUTER_ADMIN_PORT", Integer.toString(adminPort));
    }

    @AfterAll
    void stop() {
        processes.forEach(process -> process.terminate(Duration.ofSeconds(20)));
        if (kafka != null) {
            kafka.destroy();
        }
    }

    @Test
    void writesMoveToTheServiceAndBackAndForthUnderLoadWithNothingLostDuplicatedOrFailedThenComplete()
            throws Exception {
        Api api = new Api(router.url());
        String alice = api.register("alice");
        String bob = api.register("bob");
        String aliceToken = api.token(alice);
        String bobToken = api.token(bob);
        assertThat(api.post("/api/users/" + bob + "/following", bobToken, Api.json("username", alice))
                        .status())
                .isEqualTo(201);
        for (int i = 0; i < 50; i++) {
            api.createPost(alice, aliceToken, "before the migration " + i);
        }

        assertThat(migrate("plan").status()).isZero();
        Result copy = migrate("copy");
        assertThat(copy.status()).as(copy.err()).isZero();
        Result verify = migrate("verify");
        assertThat(verify.status()).as(verify.out() + verify.err()).isZero();
        Result started = migrate("start", "--shift", "1,100", "--interval", "1s");
        assertThat(started.status()).as(started.err()).isZero();
        assertThat(started.out())
                .contains("writes to 'primary'", "shadowed to 'service'", "reads shifting to 'service' by [1, 100]");
        // no read has reached the service yet: the judge waits for samples, and the writes do not move
        // while a shift of the reads is under way
        Result duringShift = migrate("switch-writes");
        assertThat(duringShift.status()).isEqualTo(3);
        assertThat(duringShift.err()).contains("a shift of posts's reads is under way");
        admin("POST", "/admin/routes/posts/shift/rollback");

        // writes while the service is a replica: the router keeps them on the monolith
        Load load = new Load(api, alice, aliceToken, 4);
        load.start();
        Thread.sleep(1_500);
        // a switch that fails after it dropped the service's subscription (the way back cannot be
        // made: the monolith's server cannot reach the given address) makes that subscription again
        // on its slot, so the service's database goes on following and nothing is switched
        Result broken = migrate("switch-writes", "--target-conninfo", "host=127.0.0.1 port=1 dbname=none");
        assertThat(broken.status()).as(broken.out() + broken.err()).isNotZero();
        assertThat(broken.out()).contains("it is made again on its slot");
        assertThat(single(
                        serviceDb,
                        "SELECT count(*) FROM pg_subscription WHERE subname = 'microposts_posts_to_service'"))
                .isEqualTo("1");
        assertThat(single(monolithDb, "SELECT count(*) FROM pg_subscription")).isEqualTo("0");
        Thread.sleep(1_000);
        Result switched = migrate("switch-writes");
        assertThat(switched.status()).as(switched.out() + switched.err()).isZero();
        assertThat(switched.out()).contains("switched: hold");
        Thread.sleep(1_500);
        int onService = load.acknowledged.size();
        Result back = migrate("rollback");
        assertThat(back.status()).as(back.out() + back.err()).isZero();
        Thread.sleep(1_500);
        Result again = migrate("switch-writes");
        assertThat(again.status()).as(again.out() + again.err()).isZero();
        Thread.sleep(1_500);
        load.stop();

        System.out.println(switched.out() + back.out() + again.out());
        assertThat(load.failures).as("failed requests: " + load.failureExamples).isEmpty();
        assertThat(load.acknowledged.size()).isGreaterThan(onService).isGreaterThan(20);
        List<Long> ids = new ArrayList<>(load.acknowledged);
        assertThat(new HashSet<>(ids)).as("ids issued twice").hasSize(ids.size());

        // every acknowledged write on the service's database, and (replicated back) on the monolith's
        Set<Long> expected = new HashSet<>(ids);
        awaitRows(serviceDb, expected);
        awaitRows(monolithDb, expected);
        // the follower's timeline (in the monolith, fed in process before, through Kafka after) has each once
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Set<Long> timeline;
        do {
            timeline = ids(monolithDb, "SELECT post_id FROM timeline_entries WHERE owner = '" + bob + "'");
            if (timeline.containsAll(expected)) {
                break;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        assertThat(timeline).containsAll(expected);
        // and the service's answers are the ones the monolith had: a read of the collection through the router
        assertThat(api.get("/api/users/" + alice + "/collection?limit=5").status())
                .isEqualTo(200);

        // complete: refused while the monolith still runs posts on its database
        Result early = migrate("complete");
        assertThat(early.status()).isEqualTo(3);
        assertThat(early.err()).contains("still runs posts", "MICROPOSTS_MODULES=accounts,social,timeline");
        // a restart command that fails changes nothing
        Result failed = migrate("complete", "--restart", "echo cannot; exit 7");
        assertThat(failed.status()).isNotZero();
        assertThat(failed.err()).contains("the restart command exited 7", "nothing was changed");
        assertThat(failed.out()).contains("| cannot");
        // complete --restart: its command has the monolith restarted without posts (same port and
        // database; posts is the service now); here the test does the restart when the command asks
        Path asked = Files.createTempFile("restart-asked", "");
        Path restarted = Files.createTempFile("restart-done", "");
        Files.delete(asked);
        Files.delete(restarted);
        CompletableFuture<Result> completing = CompletableFuture.supplyAsync(() -> migrate(
                "complete",
                "--restart",
                "touch " + asked + " && while [ ! -f " + restarted + " ]; do sleep 0.1; done && echo restarted",
                "--restart-wait",
                "3m"));
        long asking = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(asked) && System.nanoTime() < asking) {
            Thread.sleep(100);
        }
        assertThat(asked).exists();
        monolith.terminate(Duration.ofSeconds(30));
        monolith.set("MICROPOSTS_MODULES", "accounts,social,timeline")
                .set("MICROPOSTS_POSTS_URL", service.url())
                .set("MICROPOSTS_EXTRACTING", null)
                .start();
        Files.createFile(restarted);
        Result complete = completing.get(4, TimeUnit.MINUTES);
        assertThat(complete.status()).as(complete.out() + complete.err()).isZero();
        assertThat(complete.out()).contains("| restarted", "the monolith is back without posts");
        assertThat(single(monolithDb, "SELECT to_regclass('posts_microposts_extracted') IS NOT NULL"))
                .isEqualTo("t");
        assertThat(single(monolithDb, "SELECT count(*) FROM pg_subscription")).isEqualTo("0");
        assertThat(single(serviceDb, "SELECT count(*) FROM pg_replication_slots"))
                .isEqualTo("0");
        assertThat(migrate("rollback").status()).isEqualTo(1);
        // and the system works on: a new micropost reaches the follower's timeline through Kafka
        long last =
                api.createPost(alice, aliceToken, "after complete").get("id").longValue();
        assertThat(last)
                .isGreaterThan(ids.stream().mapToLong(Long::longValue).max().orElseThrow());
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String seen;
        do {
            seen = api.get("/api/users/" + bob + "/timeline?limit=5").body();
            if (seen.contains("after complete")) {
                break;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < until);
        assertThat(seen).contains("after complete");
    }

    private static String single(String url, String query) throws SQLException {
        try (Connection db = DriverManager.getConnection(url)) {
            return Replication.single(db, query);
        }
    }

    private void awaitRows(String url, Set<Long> expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        Set<Long> present;
        do {
            present = ids(url, "SELECT id FROM posts_microposts");
            if (present.containsAll(expected)) {
                return;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        Set<Long> missing = new HashSet<>(expected);
        missing.removeAll(present);
        assertThat(missing).as("acknowledged writes missing on " + url).isEmpty();
    }

    private static Set<Long> ids(String url, String query) throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (Connection db = DriverManager.getConnection(url);
                Statement sql = db.createStatement();
                ResultSet row = sql.executeQuery(query)) {
            while (row.next()) {
                ids.add(row.getLong(1));
            }
        }
        return ids;
    }

    private void admin(String method, String path) throws Exception {
        var response = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                        "http://127.0.0.1:" + environment.get("MICROPOSTS_ROUTER_ADMIN_PORT") + path))
                                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                                .method(method, java.net.http.HttpRequest.BodyPublishers.noBody())
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isLessThan(300);
    }

    private Result migrate(String step, String... options) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("posts", step));
        args.addAll(List.of(options));
        int status = MigrateCommand.run(
                args,
                environment,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private ServiceProcess track(ServiceProcess process) {
        processes.add(process);
        return process;
    }

    /** Writers posting as one user through the router, with a ledger of every acknowledged id. */
    private static final class Load {
        final ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Integer> failures = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> failureExamples = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger sequence = new AtomicInteger();
        private final List<Thread> threads = new ArrayList<>();

        Load(Api api, String user, String token, int writers) {
            for (int i = 0; i < writers; i++) {
                threads.add(new Thread(() -> {
                    while (running.get()) {
                        Api.Response posted = api.post(
                                "/api/users/" + user + "/collection",
                                token,
                                Api.json("text", "under load " + sequence.incrementAndGet()));
                        if (posted.status() == 201) {
                            acknowledged.add(posted.json().get("id").longValue());
                        } else {
                            failures.add(posted.status());
                            if (failureExamples.size() < 5) {
                                failureExamples.add(posted.status() + " " + posted.body());
                            }
                        }
                    }
                }));
            }
        }

        void start() {
            threads.forEach(Thread::start);
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join();
            }
        }
    }
}
