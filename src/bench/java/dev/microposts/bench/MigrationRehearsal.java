package dev.microposts.bench;

import dev.microposts.contract.Api;
import dev.microposts.platform.migration.MigrateCommand;
import dev.microposts.support.EmbeddedPostgres;
import dev.microposts.support.ServiceProcess;
import dev.microposts.support.Topologies;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The migration rehearsed under load: the monolith on PostgreSQL behind the router, an open-loop
 * load of reads and writes from several users (new microposts, edits, deletes, follows, unfollows
 * and re-follows) with a ledger of every acknowledged write, and
 * {@code posts}, then {@code social}, then {@code timeline}, extracted through every step: plan, copy,
 * verify, start, the reads moved to 50% and rolled back ({@code posts}), moved to 100%,
 * switch-writes, a rollback after it ({@code posts}, {@code timeline}) and forward again, and complete (the monolith restarted without the module; the
 * load pauses across that restart, which a single monolith process cannot hide in a hold). At the
 * end it checks and prints: failed requests, acknowledged writes missing or wrong on the final
 * databases, ids issued twice, wrong timeline entries (see {@link #timelineMisses}), shadow differences
 * after noise cancelling, the longest hold, each rollback's time, and the replication lag peaks.
 * With {@code --switch-rate}, the load rises to that rate for the first {@code switch-writes} of
 * {@code posts} only (a phase before it, the switch, a phase after it), and the hold of that switch
 * is printed with the rate the load reached meanwhile.
 *
 * <p>{@code MigrationRehearsal [--rate REQUESTS_PER_SECOND] [--phase SECONDS] [--workload rehearsal|mix]
 * [--switch-rate REQUESTS_PER_SECOND]}
 */
public final class MigrationRehearsal {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ADMIN_TOKEN = "rehearsal-admin-token-0123456789abcdef012345";
    private static final Pattern HOLD = Pattern.compile("hold (\\d+\\.\\d+) s");

    /** What the rehearsal measured. */
    public record Report(
            long requests,
            long failed,
            List<String> failures,
            long acknowledgedWrites,
            Map<String, Integer> writesByKind,
            long missingWrites,
            long idsIssuedTwice,
            long timelineMisses,
            long shadowDifferences,
            double longestHoldSeconds,
            Map<String, Double> holdSeconds,
            Map<String, Double> rollbackSeconds,
            Map<String, Long> lagPeakBytes) {

        public String table() {
            StringBuilder text = new StringBuilder();
            text.append("| figure | value | target |\n|---|---|---|\n");
            text.append(row("requests", String.format(Locale.ROOT, "%,d", requests), ""));
            text.append(row("failed requests", Long.toString(failed), "0"));
            text.append(row("acknowledged writes", String.format(Locale.ROOT, "%,d", acknowledgedWrites), ""));
            writesByKind.forEach((kind, count) ->
                    text.append(row("&nbsp;&nbsp;" + kind, String.format(Locale.ROOT, "%,d", count), "")));
            text.append(row(
                    "acknowledged writes missing or wrong on the final databases", Long.toString(missingWrites), "0"));
            text.append(row("ids issued twice", Long.toString(idsIssuedTwice), "0"));
            text.append(row(
                    "timeline entries wrong after settling (an acknowledged micropost of a followee missing or"
                            + " with an old text, a deleted one or one of an unfollowed author present)",
                    Long.toString(timelineMisses),
                    "0"));
            text.append(row("shadow differences after noise cancelling", Long.toString(shadowDifferences), "0"));
            text.append(row("longest hold", String.format(Locale.ROOT, "%.3f s", longestHoldSeconds), "< 2 s"));
            holdSeconds.forEach((what, seconds) ->
                    text.append(row("hold, " + what, String.format(Locale.ROOT, "%.3f s", seconds), "< 2 s")));
            rollbackSeconds.forEach((what, seconds) ->
                    text.append(row("rollback " + what, String.format(Locale.ROOT, "%.3f s", seconds), "< 1 s")));
            lagPeakBytes.forEach((what, bytes) ->
                    text.append(row("replication lag peak, " + what, String.format(Locale.ROOT, "%,d B", bytes), "")));
            return text.toString();
        }

        private static String row(String figure, String value, String target) {
            return "| " + figure + " | " + value + " | " + target + " |\n";
        }
    }

    private final int rate;
    private int switchRate;
    private final Map<String, Double> holds = new LinkedHashMap<>();
    private final Duration phase;
    private final List<ServiceProcess> processes = new ArrayList<>();
    private final Map<String, Double> rollbacks = new LinkedHashMap<>();
    private final Map<String, Long> lagPeaks = new ConcurrentHashMap<>();
    private double longestHold;
    private long shadowDifferences;

    /** The load's proportions: the rehearsal's own (about 45% writes), or the benchmark's {@code mix}. */
    private boolean benchMix;

    public MigrationRehearsal(int rate, Duration phase) {
        this.rate = rate;
        this.phase = phase;
    }

    /**
     * The load at {@code rate} for the first write switch of {@code posts} (a phase before it, the
     * switch, a phase after it); the router's hold queue is made large enough for it.
     */
    public MigrationRehearsal switchRate(int rate) {
        this.switchRate = rate;
        return this;
    }

    /** The benchmark's {@code mix} instead: 60% timeline reads, 30% collection reads, 10% new microposts. */
    public MigrationRehearsal benchMix() {
        this.benchMix = true;
        return this;
    }

    public static void main(String[] args) throws Exception {
        int rate = 40;
        Duration phase = Duration.ofSeconds(5);
        boolean mix = false;
        int switchRate = 0;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--rate" -> rate = Integer.parseInt(args[i + 1]);
                case "--switch-rate" -> switchRate = Integer.parseInt(args[i + 1]);
                case "--phase" -> phase = Duration.ofSeconds(Long.parseLong(args[i + 1]));
                case "--workload" -> {
                    if (!List.of("rehearsal", "mix").contains(args[i + 1])) {
                        throw new IllegalArgumentException("--workload is rehearsal or mix, not " + args[i + 1]);
                    }
                    mix = args[i + 1].equals("mix");
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.println("machine: " + Machine.describe());
        MigrationRehearsal rehearsal = new MigrationRehearsal(rate, phase).switchRate(switchRate);
        Report report = (mix ? rehearsal.benchMix() : rehearsal).run();
        System.out.println(report.table());
        report.failures().stream().limit(10).forEach(failure -> System.out.println("failed: " + failure));
        boolean ok = report.failed() == 0
                && report.missingWrites() == 0
                && report.idsIssuedTwice() == 0
                && report.timelineMisses() == 0
                && report.shadowDifferences() == 0;
        System.exit(ok ? 0 : 1);
    }

    public Report run() throws Exception {
        EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 3);
        kafka.afterPropertiesSet();
        try {
            return rehearse(kafka);
        } finally {
            for (ServiceProcess process : processes) {
                try {
                    process.terminate(Duration.ofSeconds(20));
                } catch (RuntimeException ex) {
                    // already gone
                }
            }
            kafka.destroy();
        }
    }

    private Report rehearse(EmbeddedKafkaKraftBroker kafka) throws Exception {
        EmbeddedPostgres.Server monolithServer = EmbeddedPostgres.logicalServer();
        EmbeddedPostgres.Server servicesServer = EmbeddedPostgres.logicalServer();
        String monolithDb = monolithServer.newDatabase();
        Map<String, String> serviceDbs = Map.of(
                "posts",
                servicesServer.newDatabase(),
                "social",
                servicesServer.newDatabase(),
                "timeline",
                servicesServer.newDatabase());
        String internal = Topologies.internalToken();
        String data = "target/rehearsal/" + UUID.randomUUID();

        Map<String, String> monolithEnv = new LinkedHashMap<>();
        monolithEnv.put("MICROPOSTS_DB_URL", monolithDb);
        monolithEnv.put("MICROPOSTS_KAFKA_BOOTSTRAP", kafka.getBrokersAsString());
        monolithEnv.put("MICROPOSTS_EXTRACTING", "posts,social");
        monolithEnv.put("MICROPOSTS_INTERNAL_TOKEN", internal);
        monolithEnv.put("MICROPOSTS_DATA_DIR", data + "/monolith");
        ServiceProcess monolith = track(new ServiceProcess("rehearsal-monolith", monolithEnv).start());

        int adminPort = Topologies.freePort();
        Map<String, String> routerEnv = new LinkedHashMap<>();
        routerEnv.put("MICROPOSTS_MODULES", "router");
        for (String module : Topologies.MODULES) {
            routerEnv.put("MICROPOSTS_" + module.toUpperCase(Locale.ROOT) + "_URL", monolith.url());
        }
        routerEnv.put("MICROPOSTS_ROUTER_ADMIN_TOKEN", ADMIN_TOKEN);
        routerEnv.put("MICROPOSTS_ROUTER_ADMIN_PORT", Integer.toString(adminPort));
        // the candidate reads a replica: copies go after the replication lag (docs/ROUTER.md)
        routerEnv.put("MICROPOSTS_ROUTER_SHADOW_DELAY", "300ms");
        routerEnv.put("MICROPOSTS_DATA_DIR", data + "/router");
        // every request of the group that arrives during a hold waits in its queue (2 s of the load)
        routerEnv.put("MICROPOSTS_ROUTER_HOLD_QUEUE", Integer.toString(Math.max(100, 2 * Math.max(rate, switchRate))));
        ServiceProcess router = track(new ServiceProcess("rehearsal-router", routerEnv).start());
        String admin = "http://127.0.0.1:" + adminPort;

        Api api = new Api(router.url());
        Load load = new Load(api, rate, Math.max(rate, switchRate), benchMix);
        load.prepare(4, 4);
        load.start();
        Sampler sampler = new Sampler(monolithDb, serviceDbs);
        try {
            sampler.start();
            Map<String, ServiceProcess> services = new LinkedHashMap<>();
            List<String> remaining = new ArrayList<>(List.of("accounts", "posts", "social", "timeline"));
            List<String> order = List.of("posts", "social", "timeline");
            for (String module : order) {
                Map<String, String> serviceEnv = new LinkedHashMap<>();
                serviceEnv.put("MICROPOSTS_MODULES", module);
                serviceEnv.put("MICROPOSTS_DB_URL", serviceDbs.get(module));
                serviceEnv.put("MICROPOSTS_ACCOUNTS_URL", monolith.url());
                // the timeline calls posts (a follow's backfill): by then its own process
                services.forEach((done, process) ->
                        serviceEnv.put("MICROPOSTS_" + done.toUpperCase(Locale.ROOT) + "_URL", process.url()));
                serviceEnv.put("MICROPOSTS_KAFKA_BOOTSTRAP", kafka.getBrokersAsString());
                serviceEnv.put("MICROPOSTS_INTERNAL_TOKEN", internal);
                serviceEnv.put("MICROPOSTS_DATA_DIR", data + "/" + module);
                ServiceProcess service = track(new ServiceProcess("rehearsal-" + module, serviceEnv));
                // a module written by event listeners starts on its database once it is a replica
                // (after copy): before, it would apply the events there itself
                boolean consumer = module.equals("timeline");
                if (!consumer) {
                    service.start();
                }
                Map<String, String> environment = Map.of(
                        "MICROPOSTS_DB_URL",
                        monolithDb,
                        "MICROPOSTS_" + module.toUpperCase(Locale.ROOT) + "_DB_URL",
                        serviceDbs.get(module),
                        "MICROPOSTS_" + module.toUpperCase(Locale.ROOT) + "_URL",
                        service.url(),
                        "MICROPOSTS_ROUTER_ADMIN_TOKEN",
                        ADMIN_TOKEN,
                        "MICROPOSTS_ROUTER_ADMIN_PORT",
                        Integer.toString(adminPort));
                migrate(module, "plan", environment);
                migrate(module, "copy", environment);
                if (consumer) {
                    service.start();
                }
                services.put(module, service);
                pause();
                migrate(module, "verify", environment);
                migrate(module, "start", environment);
                pause();
                weights(admin, module, 50);
                pause();
                if (module.equals("posts")) {
                    // a rollback with half the reads on the service, then on again
                    long started = System.nanoTime();
                    migrate(module, "rollback", environment);
                    rollbacks.put(module + " at 50% of the reads", (System.nanoTime() - started) / 1e9);
                    migrate(module, "start", environment);
                    pause();
                }
                weights(admin, module, 100);
                pause();
                shadowDifferences += shadowDifferences(admin, module);
                boolean surge = module.equals("posts") && switchRate > rate;
                long before = 0;
                long surgeStarted = 0;
                if (surge) {
                    load.rate(switchRate);
                    pause();
                    before = load.completed.get();
                    surgeStarted = System.nanoTime();
                }
                String switched = migrate(module, "switch-writes", environment);
                hold(switched);
                if (surge) {
                    pause();
                    double reached = (load.completed.get() - before) / ((System.nanoTime() - surgeStarted) / 1e9);
                    load.rate(rate);
                    holds.put(
                            String.format(
                                    Locale.ROOT,
                                    "switch-writes of %s at %,d req/s asked (%,.0f req/s answered)",
                                    module,
                                    switchRate,
                                    reached),
                            holdOf(switched));
                } else {
                    holds.put("switch-writes of " + module, holdOf(switched));
                    pause();
                }
                if (!module.equals("social")) {
                    // back after the write switch, and forward again: posts (written by requests) and
                    // the timeline (written by event listeners, fenced on both sides)
                    String back = migrate(module, "rollback", environment);
                    hold(back);
                    rollbacks.put(module + " after switch-writes (its hold)", holdOf(back));
                    pause();
                    hold(migrate(module, "switch-writes", environment));
                    pause();
                }
                // complete: the monolith restarted without the module (the load pauses: one process)
                load.pause();
                remaining.remove(module);
                monolith.terminate(Duration.ofSeconds(30));
                monolith.set("MICROPOSTS_MODULES", String.join(",", remaining))
                        .set("MICROPOSTS_" + module.toUpperCase(Locale.ROOT) + "_URL", service.url())
                        .set("MICROPOSTS_EXTRACTING", extracting(order, module))
                        .start();
                migrate(module, "complete", environment);
                load.resume();
                pause();
            }
            load.stop();
            sampler.stop();
            // settle, then count
            Thread.sleep(3_000);
            Map<String, String> posts = pairs(serviceDbs.get("posts"), "SELECT id, text FROM posts_microposts");
            Set<String> follows =
                    strings(serviceDbs.get("social"), "SELECT follower || '>' || followee FROM social_follows");
            Set<Long> monolithPosts = ids(monolithDb, "SELECT id FROM posts_microposts_extracted");
            Set<String> monolithFollows =
                    strings(monolithDb, "SELECT follower || '>' || followee FROM social_follows_extracted");
            List<String> lost = new ArrayList<>();
            for (long id : load.posts) {
                if (load.uncertain.contains("p" + id)) {
                    continue;
                }
                String micropost = "micropost " + id + " acknowledged at " + load.acknowledgedAt.get("p" + id);
                String text = posts.get(Long.toString(id));
                if (load.deleted.contains(id)) {
                    if (text != null) {
                        lost.add(micropost + ": deleted, and there again");
                    }
                } else if (text == null) {
                    lost.add(
                            micropost + (monolithPosts.contains(id) ? ", on the monolith's database" : ", on neither"));
                } else if (!text.equals(load.texts.get(id))) {
                    lost.add(micropost + ": its text is '" + text + "', the last acknowledged '" + load.texts.get(id)
                            + "'");
                }
            }
            load.follows.stream()
                    .filter(pair -> !follows.contains(pair))
                    .forEach(pair -> lost.add("follow " + pair
                            + (monolithFollows.contains(pair) ? ", on the monolith's database" : ", on neither")));
            load.following.forEach((pair, on) -> {
                if (load.uncertain.contains("f" + pair) || on == follows.contains(pair)) {
                    return;
                }
                String when = " acknowledged at " + load.acknowledgedAt.get("f" + pair);
                lost.add(
                        on
                                ? "follow " + pair + when
                                        + (monolithFollows.contains(pair)
                                                ? ", on the monolith's database"
                                                : ", on neither")
                                : "unfollow " + pair + when + ": the pair follows again");
            });
            lost.forEach(line -> System.out.println("missing on the final database: " + line));
            long missing = lost.size();
            long twice = load.posts.size() - new HashSet<>(load.posts).size();
            long timelineMisses = timelineMisses(serviceDbs.get("timeline"), load, Duration.ofSeconds(30));
            return new Report(
                    load.requests.get(),
                    load.failures.size(),
                    List.copyOf(load.failures),
                    load.acknowledged.values().stream()
                                    .mapToInt(AtomicInteger::get)
                                    .sum()
                            + load.follows.size(),
                    load.acknowledged.entrySet().stream()
                            .collect(java.util.stream.Collectors.toMap(
                                    Map.Entry::getKey, kind -> kind.getValue().get(), (a, b) -> a, LinkedHashMap::new)),
                    missing,
                    twice,
                    timelineMisses,
                    shadowDifferences,
                    longestHold,
                    holds,
                    rollbacks,
                    new LinkedHashMap<>(lagPeaks));
        } finally {
            load.stop();
            sampler.stop();
        }
    }

    /** The modules the monolith still extracts once {@code done} is complete: those after it. */
    private static String extracting(List<String> order, String done) {
        List<String> after = order.subList(order.indexOf(done) + 1, order.size());
        return after.isEmpty() ? null : String.join(",", after);
    }

    private void pause() throws InterruptedException {
        Thread.sleep(phase.toMillis());
    }

    private void hold(String output) {
        longestHold = Math.max(longestHold, holdOf(output));
    }

    private static double holdOf(String output) {
        Matcher matcher = HOLD.matcher(output);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    private ServiceProcess track(ServiceProcess process) {
        processes.add(process);
        return process;
    }

    private static String migrate(String module, String step, Map<String, String> environment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.out.println(java.time.Instant.now() + " migrate " + module + " " + step + " begins");
        int status = MigrateCommand.run(
                List.of(module, step),
                environment,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        System.out.println(java.time.Instant.now() + " migrate " + module + " " + step + ": "
                + printed.lines().reduce((a, b) -> b).orElse("") + err.toString(StandardCharsets.UTF_8));
        if (status != 0) {
            throw new IllegalStateException("migrate " + module + " " + step + " exited " + status + ": " + printed
                    + err.toString(StandardCharsets.UTF_8));
        }
        return printed;
    }

    /** The reads of the group: {@code service} at {@code percent}, the monolith's backend the rest. */
    private static void weights(String admin, String group, int percent) throws Exception {
        admin(
                admin,
                "POST",
                "/admin/routes/" + group + "/weights",
                "{\"primary\":" + (100 - percent) + ",\"service\":" + percent + "}");
    }

    private static long shadowDifferences(String admin, String group) throws Exception {
        JsonNode report = JSON.readTree(admin(admin, "GET", "/admin/routes/" + group + "/shadow", null));
        long differences = 0;
        for (JsonNode field : report.path("fields")) {
            if (field.path("difference").asBoolean()) {
                differences++;
                System.out.println("shadow difference in " + group + ": "
                        + field.path("path").asString());
            }
        }
        return differences;
    }

    private static String admin(String admin, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(admin + path))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response =
                HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + ": " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    /**
     * Timeline entries that are wrong once settled: each reader's timeline has every micropost of
     * the authors it follows, each joiner's every micropost of the minor authors it follows at the
     * end, all with their last acknowledged text; no timeline has a deleted micropost, or one of an
     * author its owner does not follow (never followed, or unfollowed).
     */
    private static long timelineMisses(String timelineDb, Load load, Duration settle) throws Exception {
        long deadline = System.nanoTime() + settle.toNanos();
        List<String> wrong = new ArrayList<>();
        do {
            Map<String, String> entries = pairs(
                    timelineDb,
                    "SELECT e.owner || '>' || e.post_id, p.text FROM timeline_entries e"
                            + " JOIN timeline_posts p ON p.post_id = e.post_id");
            wrong.clear();
            List<String> owners = new ArrayList<>(load.followers);
            owners.addAll(load.joiners);
            List<String> writers = new ArrayList<>(load.authors);
            writers.addAll(load.minors);
            for (String owner : owners) {
                for (String author : writers) {
                    String pair = owner + ">" + author;
                    if (load.uncertain.contains("f" + pair)) {
                        continue;
                    }
                    boolean follows = load.followers.contains(owner)
                            ? load.authors.contains(author)
                            : load.following.getOrDefault(pair, false);
                    for (long id : load.posts) {
                        if (!author.equals(load.authorOf.get(id)) || load.uncertain.contains("p" + id)) {
                            continue;
                        }
                        String text = entries.get(owner + ">" + id);
                        if (!follows || load.deleted.contains(id)) {
                            if (text != null) {
                                wrong.add(owner + " has " + id + " of " + author
                                        + (follows ? ", deleted" : ", whom it does not follow"));
                            }
                        } else if (text == null) {
                            wrong.add(owner + " misses " + id + " of " + author);
                        } else if (!text.equals(load.texts.get(id))) {
                            wrong.add(owner + " has " + id + " as '" + text + "', not '" + load.texts.get(id) + "'");
                        }
                    }
                }
            }
            if (wrong.isEmpty()) {
                return 0;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        wrong.stream().limit(20).forEach(line -> System.out.println("timeline: " + line));
        return wrong.size();
    }

    /** The first two columns of a query's rows, as strings. */
    private static Map<String, String> pairs(String url, String query) throws SQLException {
        Map<String, String> values = new java.util.HashMap<>();
        try (Connection db = DriverManager.getConnection(url);
                Statement sql = db.createStatement();
                ResultSet row = sql.executeQuery(query)) {
            while (row.next()) {
                values.put(row.getString(1), row.getString(2));
            }
        }
        return values;
    }

    private static Set<Long> ids(String url, String query) throws SQLException {
        Set<Long> ids = new HashSet<>();
        for (String value : strings(url, query)) {
            ids.add(Long.parseLong(value));
        }
        return ids;
    }

    private static Set<String> strings(String url, String query) throws SQLException {
        Set<String> values = new HashSet<>();
        try (Connection db = DriverManager.getConnection(url);
                Statement sql = db.createStatement();
                ResultSet row = sql.executeQuery(query)) {
            while (row.next()) {
                values.add(row.getString(1));
            }
        }
        return values;
    }

    /** The replication lag of every slot of the migration, sampled every 200 ms; the peak of each. */
    private final class Sampler {
        private final List<String> databases = new ArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread = new Thread(this::sample, "lag-sampler");

        Sampler(String monolithDb, Map<String, String> serviceDbs) {
            databases.add(monolithDb);
            databases.addAll(serviceDbs.values());
        }

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join();
        }

        private void sample() {
            while (running.get()) {
                for (String url : databases) {
                    try (Connection db = DriverManager.getConnection(url);
                            Statement sql = db.createStatement();
                            ResultSet row = sql.executeQuery("SELECT slot_name,"
                                    + " pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn) FROM pg_replication_slots"
                                    + " WHERE database = current_database() AND slot_name LIKE 'microposts_%'")) {
                        while (row.next()) {
                            lagPeaks.merge(row.getString(1), Math.max(0, row.getLong(2)), Math::max);
                        }
                    } catch (SQLException ex) {
                        // a database being restarted or a slot being dropped: next sample
                    }
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ex) {
                    return;
                }
            }
        }
    }

    /**
     * An open-loop load: requests started at a fixed rate whatever the answers take, from several
     * users: authors post, followers read their timelines, other users follow the authors, anyone
     * reads a collection. Every acknowledged write goes in a ledger.
     */
    private static final class Load {
        final Api api;
        final int rate;
        final List<String> authors = new ArrayList<>();
        final Map<String, String> tokens = new ConcurrentHashMap<>();
        final List<String> followers = new ArrayList<>();
        final ConcurrentLinkedQueue<Long> posts = new ConcurrentLinkedQueue<>();
        final Map<Long, String> authorOf = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<String> follows = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String[]> pending = new ConcurrentLinkedQueue<>();
        /** Authors who post little (at most {@link #MINOR_POSTS} each), whom the joiners follow and unfollow. */
        final List<String> minors = new ArrayList<>();

        final Map<String, AtomicInteger> minorPosts = new ConcurrentHashMap<>();
        final List<String> joiners = new ArrayList<>();
        /** The joiners' follows: each pair's last acknowledged state, true for following. */
        final Map<String, Boolean> following = new ConcurrentHashMap<>();
        /** Pairs followed, ready to be unfollowed; each pair is in one queue at a time. */
        final ConcurrentLinkedQueue<String[]> followed = new ConcurrentLinkedQueue<>();
        /** Microposts open to an edit or a delete; each is taken by one request at a time. */
        final ConcurrentLinkedQueue<Long> editable = new ConcurrentLinkedQueue<>();
        /** Each micropost's last acknowledged text. */
        final Map<Long, String> texts = new ConcurrentHashMap<>();

        final Set<Long> deleted = ConcurrentHashMap.newKeySet();
        /** Writes whose request failed: whether they took effect is unknown, so they are not checked. */
        final Set<String> uncertain = ConcurrentHashMap.newKeySet();
        /** Acknowledged writes under the load, by kind. */
        final Map<String, AtomicInteger> acknowledged = new LinkedHashMap<>();

        {
            for (String kind : List.of("new microposts", "edits", "deletes", "follows", "unfollows")) {
                acknowledged.put(kind, new AtomicInteger());
            }
        }

        final Map<String, java.time.Instant> acknowledgedAt = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        final AtomicInteger requests = new AtomicInteger();
        final AtomicInteger sequence = new AtomicInteger();
        private final AtomicBoolean paused = new AtomicBoolean();
        final AtomicInteger completed = new AtomicInteger();
        private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        private final ExecutorService workers;
        private java.util.concurrent.ScheduledFuture<?> ticks;

        /** The benchmark's mix as the rehearsal's request kinds: a new micropost, a timeline read, a collection read. */
        private static final int[] BENCH_MIX = {0, 5, 5, 5, 5, 5, 5, 9, 9, 9};

        /** Fewer than the 50 a follow brings into a timeline: a follower's timeline has all of them. */
        private static final int MINOR_POSTS = 40;

        private final boolean benchMix;

        Load(Api api, int rate, int highestRate, boolean benchMix) {
            this.api = api;
            this.rate = rate;
            // an open loop: enough threads for every request under way during a hold at the highest rate
            this.workers = Executors.newFixedThreadPool(Math.max(64, Math.min(2_000, 2 * highestRate)));
            this.benchMix = benchMix;
        }

        void prepare(int authorCount, int followerCount) {
            for (int i = 0; i < authorCount; i++) {
                String author = api.register("author");
                authors.add(author);
                tokens.put(author, api.token(author));
            }
            for (int i = 0; i < followerCount; i++) {
                String follower = api.register("reader");
                String token = api.token(follower);
                tokens.put(follower, token);
                for (String author : authors) {
                    Api.Response followed =
                            api.post("/api/users/" + follower + "/following", token, Api.json("username", author));
                    if (followed.status() != 201) {
                        throw new IllegalStateException("follow failed: " + followed);
                    }
                    follows.add(follower + ">" + author);
                }
                followers.add(follower);
            }
            for (int i = 0; i < 4; i++) {
                String minor = api.register("minor");
                tokens.put(minor, api.token(minor));
                minors.add(minor);
                minorPosts.put(minor, new AtomicInteger());
            }
            for (int i = 0; i < 16; i++) {
                String joiner = api.register("joiner");
                tokens.put(joiner, api.token(joiner));
                joiners.add(joiner);
                for (String minor : minors) {
                    pending.add(new String[] {joiner, minor});
                }
            }
        }

        void start() {
            rate(rate);
        }

        /** Requests from now on at this rate. */
        synchronized void rate(int perSecond) {
            if (ticks != null) {
                ticks.cancel(false);
            }
            long period = 1_000_000 / perSecond;
            ticks = ticker.scheduleAtFixedRate(
                    () -> {
                        if (!paused.get()) {
                            workers.execute(this::one);
                        }
                    },
                    0,
                    period,
                    TimeUnit.MICROSECONDS);
        }

        void pause() throws InterruptedException {
            paused.set(true);
            Thread.sleep(2_000); // the requests under way finish
        }

        void resume() {
            paused.set(false);
        }

        /** No new request; waits for those under way (each at most its 30 s time-out). */
        void stop() throws InterruptedException {
            ticker.shutdownNow();
            workers.shutdown();
            if (!workers.awaitTermination(90, TimeUnit.SECONDS)) {
                throw new IllegalStateException("requests still under way 90 s after the load stopped");
            }
        }

        /**
         * One request. The rehearsal's own proportions: 30% new microposts by the authors, 10% split
         * between an edit, a delete and a micropost by a minor author (or an author's, once the
         * minor has posted its share), 10% follows, unfollows and follower lists, 30% timeline
         * reads, 20% collection reads.
         */
        private void one() {
            int n = sequence.incrementAndGet();
            requests.incrementAndGet();
            try {
                switch (benchMix ? BENCH_MIX[n % 10] : n % 10) {
                    case 0, 1, 2 -> post(authors.get(n % authors.size()), n);
                    case 3 -> {
                        switch ((n / 10) % 4) {
                            case 0 -> edit(n);
                            case 1 -> delete(n);
                            case 2 -> {
                                String minor = minors.get((n / 40) % minors.size());
                                post(
                                        minorPosts.get(minor).incrementAndGet() <= MINOR_POSTS
                                                ? minor
                                                : authors.get(n % authors.size()),
                                        n);
                            }
                            default -> post(authors.get(n % authors.size()), n);
                        }
                    }
                    case 4 -> {
                        // a follow or unfollow when a pair is ready for one, a follower list otherwise
                        boolean wrote = n % 20 == 4 ? follow() : n % 40 == 14 && unfollow();
                        if (!wrote) {
                            read("/api/users/" + authors.get(n % authors.size()) + "/followers");
                        }
                    }
                    case 5, 6 -> read("/api/users/" + followers.get(n % followers.size()) + "/timeline");
                    case 7 -> read("/api/users/" + joiners.get(n % joiners.size()) + "/timeline");
                    default -> read("/api/users/" + authors.get(n % authors.size()) + "/collection");
                }
            } catch (RuntimeException ex) {
                failures.add(ex.toString());
            } finally {
                completed.incrementAndGet();
            }
        }

        /** A write whose request failed without an answer (a time-out): whether it took effect is unknown. */
        private Api.Response uncertainIfThrown(String key, java.util.function.Supplier<Api.Response> write) {
            try {
                return write.get();
            } catch (RuntimeException ex) {
                uncertain.add(key);
                throw ex;
            }
        }

        private void post(String author, int n) {
            String text = "rehearsal " + n;
            Api.Response posted =
                    api.post("/api/users/" + author + "/collection", tokens.get(author), Api.json("text", text));
            if (posted.status() == 201) {
                long id = posted.json().get("id").longValue();
                posts.add(id);
                authorOf.put(id, author);
                texts.put(id, text);
                acknowledgedAt.put("p" + id, java.time.Instant.now());
                editable.add(id);
                acknowledged.get("new microposts").incrementAndGet();
            } else {
                fail("POST collection", posted);
            }
        }

        private void edit(int n) {
            Long id = editable.poll();
            if (id == null) {
                post(authors.get(n % authors.size()), n);
                return;
            }
            String author = authorOf.get(id);
            String text = "edited " + n;
            Api.Response edited = uncertainIfThrown(
                    "p" + id,
                    () -> api.patch(
                            "/api/users/" + author + "/collection/" + id, tokens.get(author), Api.json("text", text)));
            if (edited.status() == 200) {
                texts.put(id, text);
                editable.add(id);
                acknowledged.get("edits").incrementAndGet();
            } else {
                uncertain.add("p" + id);
                fail("PATCH micropost", edited);
            }
        }

        private void delete(int n) {
            Long id = editable.poll();
            if (id == null) {
                post(authors.get(n % authors.size()), n);
                return;
            }
            String author = authorOf.get(id);
            Api.Response gone = uncertainIfThrown(
                    "p" + id, () -> api.delete("/api/users/" + author + "/collection/" + id, tokens.get(author)));
            if (gone.status() == 204) {
                deleted.add(id);
                acknowledged.get("deletes").incrementAndGet();
            } else {
                uncertain.add("p" + id);
                fail("DELETE micropost", gone);
            }
        }

        /**
         * A joiner follows a minor author (users registered beforehand: registering under the load
         * would measure the password hash's bulkhead, not the migration).
         */
        private boolean follow() {
            String[] pair = pending.poll();
            if (pair == null) {
                return false;
            }
            String key = pair[0] + ">" + pair[1];
            Api.Response response = uncertainIfThrown(
                    "f" + key,
                    () -> api.post(
                            "/api/users/" + pair[0] + "/following",
                            tokens.get(pair[0]),
                            Api.json("username", pair[1])));
            if (response.status() == 201 || response.status() == 200) {
                following.put(key, true);
                acknowledgedAt.put("f" + key, java.time.Instant.now());
                followed.add(pair);
                acknowledged.get("follows").incrementAndGet();
            } else {
                uncertain.add("f" + key);
                fail("POST following", response);
            }
            return true;
        }

        /** A joiner unfollows a minor author it follows; the pair may be followed again later. */
        private boolean unfollow() {
            String[] pair = followed.poll();
            if (pair == null) {
                return false;
            }
            String key = pair[0] + ">" + pair[1];
            Api.Response response = uncertainIfThrown(
                    "f" + key,
                    () -> api.delete("/api/users/" + pair[0] + "/following/" + pair[1], tokens.get(pair[0])));
            if (response.status() == 204) {
                following.put(key, false);
                acknowledgedAt.put("f" + key, java.time.Instant.now());
                pending.add(pair);
                acknowledged.get("unfollows").incrementAndGet();
            } else {
                uncertain.add("f" + key);
                fail("DELETE following", response);
            }
            return true;
        }

        private void read(String path) {
            Api.Response response = api.get(path);
            if (response.status() != 200) {
                fail("GET " + path, response);
            }
        }

        private void fail(String what, Api.Response response) {
            failures.add(what + " " + response.status() + " " + response.body());
        }
    }
}
