package dev.microposts.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;

/**
 * What the router's control plane costs, measured against the monolith it routes to, in one run:
 *
 * <ol>
 *   <li>latency added to p50 and p99 at the benchmark's fixed rates, by the router with its initial
 *       table (one backend per group) and with a weighted table of three backends per group and
 *       sticky users (the routing logic, rendezvous hashing included);
 *   <li>the same with every group's reads shadowed to a candidate, and what the shadow copies cost
 *       the backends: requests they received per client request, CPU of the backend and the router;
 *   <li>the time from a weight change's admin answer to the first request routed by it.
 * </ol>
 *
 * The configurations are measured in rounds, each round all of them in a rotating order, so that
 * a drift of the machine (another build, the JIT) falls on all of them alike; each configuration's
 * latencies are merged over the rounds.
 */
final class RouterBench {

    /** The configurations measured, in the order of the first round. */
    static final List<String> CONFIGS = List.of("direct", "router-static", "router-weighted-sticky", "router-shadow");

    /** Weights of the three backends of the weighted table. */
    static final int[] WEIGHTS = {60, 30, 10};

    static final List<String> NAMES = List.of("a", "b", "c");

    private final Map<String, String> options;
    private final boolean quick;
    private final BenchClient direct;
    private final BenchClient routed;
    private final Admin admin;
    private final List<String> backends;
    private final String candidate;
    private final String monolithUrl;
    private final String routerUrl;
    private final long monolithPid;
    private final long routerPid;

    private RouterBench(Map<String, String> options) {
        this.options = options;
        this.quick = options.containsKey("quick");
        this.monolithUrl = require(options, "monolith-url");
        this.routerUrl = require(options, "router-url");
        this.direct = new BenchClient(monolithUrl, 4);
        this.routed = new BenchClient(routerUrl, 4);
        String token = System.getenv("MICROPOSTS_ROUTER_ADMIN_TOKEN");
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("MICROPOSTS_ROUTER_ADMIN_TOKEN must hold the router's admin credential");
        }
        this.admin = new Admin(require(options, "admin-url"), token);
        this.backends = Arrays.asList(require(options, "backends").split(","));
        if (backends.size() != 3) {
            throw new IllegalArgumentException("--backends needs three URLs (a,b,c)");
        }
        this.candidate = options.getOrDefault("candidate", backends.get(0));
        this.monolithPid = Long.parseLong(options.getOrDefault("monolith-pid", "0"));
        this.routerPid = Long.parseLong(options.getOrDefault("router-pid", "0"));
    }

    static Map<String, Object> run(Map<String, String> options) throws Exception {
        return new RouterBench(options).measure();
    }

    private Map<String, Object> measure() throws Exception {
        int users = Integer.parseInt(options.getOrDefault("users", quick ? "50" : "1000"));
        int posts = Integer.parseInt(options.getOrDefault("posts", quick ? "3" : "20"));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", quick ? "1" : "3"));
        Duration fixed = Duration.ofSeconds(Long.parseLong(options.getOrDefault("seconds", quick ? "2" : "15")));
        int changes = Integer.parseInt(options.getOrDefault("changes", quick ? "10" : "50"));
        Map<String, Double> rates = new LinkedHashMap<>();
        rates.put("mix", quick ? 50.0 : 300.0);
        rates.put("read-one", quick ? 50.0 : 500.0);

        List<String> groups = admin.groups();
        Dataset dataset = Dataset.generate(users, Math.min(40, users / 4.0), posts, 42);
        long loadStarted = System.nanoTime();
        log("loading " + users + " users, " + dataset.follows().size() + " follows, " + users * posts
                + " microposts (directly into the monolith)");
        DatasetLoader.Loaded data = new DatasetLoader(direct, 8).load(dataset);
        log("loaded in " + Math.round((System.nanoTime() - loadStarted) / 1e9) + " s");
        // the timelines fill by fan-out after the composes were answered: measure once that is done
        waitUntilIdle(Duration.ofMinutes(quick ? 1 : 10));
        Map<String, Workload> workloads =
                Map.of("direct", new Workload(direct, data, 7), "router", new Workload(routed, data, 7));
        int pairs = Integer.parseInt(options.getOrDefault("pairs", quick ? "500" : "5000"));
        if (options.containsKey("paired-only")) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("benchmark", "router control plane, one request at a time");
            out.put("machine", Machine.describe());
            out.put("paired", paired(groups, workloads.get("direct"), pairs));
            out.put("load_average_at_end", loadAverage());
            return out;
        }

        // every path of every configuration compiled before anything is measured
        for (String config : CONFIGS) {
            configure(groups, config);
            for (var rate : rates.entrySet()) {
                OpenLoop.run(
                        "warm-up",
                        client(config),
                        scenario(workloads, config, rate.getKey()),
                        rate.getValue(),
                        quick ? Duration.ofSeconds(1) : Duration.ofSeconds(8),
                        256);
            }
            drainShadowQueue();
        }

        Map<String, Map<String, Histogram>> merged = new LinkedHashMap<>();
        Map<String, Map<String, List<Double>>> roundP50 = new LinkedHashMap<>();
        Map<String, Map<String, Load>> loads = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < CONFIGS.size(); i++) {
                String config = CONFIGS.get((i + round) % CONFIGS.size());
                configure(groups, config);
                for (var rate : rates.entrySet()) {
                    String scenario = rate.getKey();
                    Snapshot before = snapshot();
                    OpenLoop.Result result = OpenLoop.run(
                            scenario,
                            client(config),
                            scenario(workloads, config, scenario),
                            rate.getValue(),
                            fixed,
                            512);
                    // the last shadow copies leave after their read has been answered
                    drainShadowQueue();
                    Snapshot after = snapshot();
                    merged.computeIfAbsent(config, k -> new LinkedHashMap<>())
                            .computeIfAbsent(scenario, k -> new Histogram(60_000_000L, 3))
                            .add(result.latencyMicros());
                    roundP50.computeIfAbsent(config, k -> new LinkedHashMap<>())
                            .computeIfAbsent(scenario, k -> new ArrayList<>())
                            .add(result.summary().p50());
                    loads.computeIfAbsent(config, k -> new LinkedHashMap<>())
                            .merge(scenario, Load.of(result, before, after), Load::plus);
                    log(String.format(
                            "round %d %s %s at %.0f/s: p50 %.3f ms, p99 %.3f ms, statuses %s, backend requests %.2f"
                                    + " per client request; load average %s",
                            round + 1,
                            config,
                            scenario,
                            result.offeredRate(),
                            result.summary().p50(),
                            result.summary().p99(),
                            result.statuses(),
                            Load.of(result, before, after).perClientRequest(),
                            loadAverage()));
                }
            }
        }
        Map<String, Object> shadowReport = shadowDiffs(groups);
        Map<String, Object> paired = paired(groups, workloads.get("direct"), pairs);

        configure(groups, "router-weighted-sticky");
        Map<String, Object> weightChanges = weightChanges(workloads.get("router"), data, changes, rates.get("mix"));

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("benchmark", "router control plane");
        out.put("machine", Machine.describe());
        out.put("users", users);
        out.put("microposts", users * posts);
        out.put("rounds", rounds);
        out.put("load_average_at_end", loadAverage());
        out.put("seconds_per_step", fixed.toSeconds());
        out.put("backends", Map.of("a", backends.get(0), "b", backends.get(1), "c", backends.get(2)));
        out.put("weights", Map.of("a", WEIGHTS[0], "b", WEIGHTS[1], "c", WEIGHTS[2]));
        out.put("shadow_candidate", candidate);
        Map<String, Object> latency = new LinkedHashMap<>();
        for (String scenario : rates.keySet()) {
            Map<String, Object> byConfig = new LinkedHashMap<>();
            OpenLoop.Summary base = OpenLoop.Summary.of(merged.get("direct").get(scenario));
            for (String config : CONFIGS) {
                OpenLoop.Summary s = OpenLoop.Summary.of(merged.get(config).get(scenario));
                Map<String, Object> figures = new LinkedHashMap<>(Bench.describe(s));
                figures.put("rate", rates.get(scenario));
                figures.put("p50_added_ms", s.p50() - base.p50());
                figures.put("p99_added_ms", s.p99() - base.p99());
                figures.put("p50_by_round_ms", roundP50.get(config).get(scenario));
                List<Double> added = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    added.add(roundP50.get(config).get(scenario).get(r)
                            - roundP50.get("direct").get(scenario).get(r));
                }
                figures.put("p50_added_by_round_ms", added);
                figures.putAll(loads.get(config).get(scenario).describe());
                byConfig.put(config, figures);
            }
            latency.put(scenario, byConfig);
        }
        out.put("scenarios", latency);
        out.put("shadow_diffs", shadowReport);
        out.put("weight_changes", weightChanges);
        out.put("paired", paired);
        print(out, rates.keySet());
        return out;
    }

    /**
     * What the router adds to one request when nothing else runs: {@code pairs} reads of one
     * micropost, each sent once to the monolith and once through the router, one request at a time
     * and in alternating order, the same micropost for both of a pair. The median of the pairs'
     * differences cancels the machine's drift pair by pair (another process, a GC, the JIT), which
     * the open-loop rounds cannot; it is not a figure at the benchmark's rates. With
     * {@code --reference-url} (URLs separated by commas), other proxies in front of the same
     * monolith (nginx, a bare Gateway) are measured the same way after the router's configurations,
     * as what a hop costs elsewhere on the same machine.
     */
    private Map<String, Object> paired(List<String> groups, Workload workload, int pairs) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Map<String, Object> out = new LinkedHashMap<>();
        Supplier<HttpRequest> reads = workload.readOne();
        // the JIT first: both sides' paths compiled before anything is kept (C2 after some 10,000 calls)
        configure(groups, "router-weighted-sticky");
        for (int i = 0; i < Math.max(1_000, 2 * pairs); i++) {
            String path = reads.get().uri().getRawPath();
            once(http, monolithUrl + path);
            once(http, routerUrl + path);
        }
        // each configuration twice, alternating, so that a drift shows as a difference between its two
        List<String> order = new ArrayList<>(
                List.of("router-static", "router-weighted-sticky", "router-static#2", "router-weighted-sticky#2"));
        for (String reference : options.getOrDefault("reference-url", "").split(",")) {
            if (!reference.isBlank()) {
                order.add("reference " + reference);
                for (int i = 0; i < Math.max(1_000, 2 * pairs); i++) {
                    once(http, reference + reads.get().uri().getRawPath());
                }
            }
        }
        for (String config : order) {
            boolean reference = config.startsWith("reference ");
            String through = reference ? config.substring("reference ".length()) : routerUrl;
            if (!reference) {
                configure(groups, config.replace("#2", ""));
            }
            int warm = Math.max(200, pairs / 10);
            double[] alone = new double[pairs];
            double[] routedMs = new double[pairs];
            double[] added = new double[pairs];
            for (int i = -warm; i < pairs; i++) {
                String path = reads.get().uri().getRawPath();
                boolean directFirst = (i & 1) == 0;
                double first = once(http, (directFirst ? monolithUrl : through) + path);
                double second = once(http, (directFirst ? through : monolithUrl) + path);
                if (i >= 0) {
                    alone[i] = directFirst ? first : second;
                    routedMs[i] = directFirst ? second : first;
                    added[i] = routedMs[i] - alone[i];
                }
            }
            Arrays.sort(alone);
            Arrays.sort(routedMs);
            Arrays.sort(added);
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("pairs", pairs);
            figures.put("direct_p50_ms", quantile(alone, 0.5));
            figures.put("router_p50_ms", quantile(routedMs, 0.5));
            figures.put("added_p25_ms", quantile(added, 0.25));
            figures.put("added_p50_ms", quantile(added, 0.5));
            figures.put("added_p75_ms", quantile(added, 0.75));
            figures.put("direct_p99_ms", quantile(alone, 0.99));
            figures.put("router_p99_ms", quantile(routedMs, 0.99));
            out.put(config, figures);
            log(String.format(
                    "one at a time, %s: %d pairs, direct p50 %.3f ms, through %s p50 %.3f ms,"
                            + " added per pair p25 / p50 / p75 %.3f / %.3f / %.3f ms; load average %s",
                    config,
                    pairs,
                    quantile(alone, 0.5),
                    reference ? "it" : "the router",
                    quantile(routedMs, 0.5),
                    quantile(added, 0.25),
                    quantile(added, 0.5),
                    quantile(added, 0.75),
                    loadAverage()));
        }
        return out;
    }

    /** One GET, its whole body read; its time in milliseconds. */
    private static double once(HttpClient http, String url) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build();
        long started = System.nanoTime();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        double ms = (System.nanoTime() - started) / 1e6;
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + url + ": " + response.statusCode());
        }
        return ms;
    }

    private static double quantile(double[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
    }

    private BenchClient client(String config) {
        return config.equals("direct") ? direct : routed;
    }

    private static Supplier<HttpRequest> scenario(Map<String, Workload> workloads, String config, String scenario) {
        Workload workload = workloads.get(config.equals("direct") ? "direct" : "router");
        return scenario.equals("mix") ? workload.mix() : workload.readOne();
    }

    /** Puts every group in the configuration's table (the direct configuration leaves it as it is). */
    private void configure(List<String> groups, String config) {
        for (String group : groups) {
            switch (config) {
                case "direct" -> {}
                case "router-static" -> admin.put(group, List.of(backend("primary", backends.get(0), 100)), false, "");
                case "router-weighted-sticky" -> admin.put(group, weighted(false), true, "");
                case "router-shadow" -> admin.put(group, weighted(true), true, "candidate");
                default -> throw new IllegalArgumentException(config);
            }
        }
    }

    private List<Map<String, Object>> weighted(boolean withCandidate) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            list.add(backend(NAMES.get(i), backends.get(i), WEIGHTS[i]));
        }
        if (withCandidate) {
            list.add(backend("candidate", candidate, 0));
        }
        return list;
    }

    private static Map<String, Object> backend(String name, String url, int weight) {
        Map<String, Object> backend = new LinkedHashMap<>();
        backend.put("name", name);
        backend.put("url", url);
        backend.put("weight", weight);
        return backend;
    }

    /**
     * Weight changes under load: the posts group goes wholly to one backend after another while
     * the mix runs through the router; after each change's admin answer, reads of the posts group
     * are sent one at a time until one is answered by the new backend.
     */
    private Map<String, Object> weightChanges(Workload load, DatasetLoader.Loaded data, int changes, double rate)
            throws Exception {
        String group = "posts";
        BenchClient probes = new BenchClient(routed.base(), 2);
        String path = "/api/users/" + data.dataset().users().get(0) + "/collection/"
                + data.postsByUser().get(0)[0];
        admin.weights(group, Map.of("a", 100, "b", 0, "c", 0));
        Duration background = Duration.ofMillis(1_000L + changes * 250L);
        // on a thread of its own: the JDK client completes its futures in the common pool, which on
        // two cores has one thread, and the generator's pacing would hold it
        ExecutorService loader = Executors.newSingleThreadExecutor();
        CompletableFuture<OpenLoop.Result> mix = CompletableFuture.supplyAsync(
                () -> OpenLoop.run("mix", routed, load.mix(), rate, background, 512), loader);
        Thread.sleep(500);
        Histogram answer = new Histogram(60_000_000L, 3);
        Histogram effect = new Histogram(60_000_000L, 3);
        long firstProbeOnNew = 0;
        long maxProbes = 0;
        for (int n = 0; n < changes; n++) {
            String target = NAMES.get((n + 1) % 3);
            Map<String, Integer> weights = new LinkedHashMap<>();
            for (String name : NAMES) {
                weights.put(name, name.equals(target) ? 100 : 0);
            }
            long sent = System.nanoTime();
            admin.weights(group, weights);
            long answered = System.nanoTime();
            long probesSent = 0;
            String on = null;
            while (!target.equals(on) && System.nanoTime() - answered < 5_000_000_000L) {
                HttpResponse<byte[]> response = probes.send(probes.get(path)).join();
                probesSent++;
                on = response.headers().firstValue("X-MicroPosts-Backend").orElse(null);
            }
            long landed = System.nanoTime();
            if (!target.equals(on)) {
                throw new IllegalStateException(
                        "no read reached backend " + target + " within 5 s of its weight change");
            }
            answer.recordValue((answered - sent) / 1000);
            effect.recordValue((landed - answered) / 1000);
            firstProbeOnNew += probesSent == 1 ? 1 : 0;
            maxProbes = Math.max(maxProbes, probesSent);
            Thread.sleep(200);
        }
        OpenLoop.Result under = mix.join();
        loader.shutdown();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("changes", changes);
        out.put("group", group);
        out.put("admin_answer_ms", Bench.describe(OpenLoop.Summary.of(answer)));
        out.put("answer_to_first_routed_ms", Bench.describe(OpenLoop.Summary.of(effect)));
        out.put("first_read_after_answer_routed_by_change", firstProbeOnNew);
        out.put("max_reads_until_routed", maxProbes);
        out.put("background_mix", Bench.describe(under));
        return out;
    }

    /** Waits until the backend uses less than a tenth of a core over 5 s (at most {@code max}). */
    private void waitUntilIdle(Duration max) throws InterruptedException {
        if (monolithPid == 0) {
            return;
        }
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            double before = ProcessStats.cpuSeconds(List.of(monolithPid));
            Thread.sleep(5_000);
            double cores = (ProcessStats.cpuSeconds(List.of(monolithPid)) - before) / 5;
            log(String.format("backend at %.2f cores with no load", cores));
            if (cores < 0.1) {
                return;
            }
        }
    }

    /** Waits until the router's shadow queue is empty (at most 30 s), then for the copies in flight. */
    private void drainShadowQueue() throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (metric(routerUrl, "router_shadow_queue", line -> true) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        Thread.sleep(300);
    }

    /** Per group: reads compared and field paths reported as differences. */
    private Map<String, Object> shadowDiffs(List<String> groups) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String group : groups) {
            JsonNode report = admin.get("/admin/routes/" + group + "/shadow");
            List<String> differing = new ArrayList<>();
            for (JsonNode field : report.path("fields")) {
                if (field.path("difference").asBoolean()) {
                    differing.add(field.path("path").asString());
                }
            }
            out.put(group, Map.of("compared", report.path("compared").asLong(), "differences", differing));
        }
        return out;
    }

    /** CPU and counters of the backend and the router at one moment. */
    record Snapshot(
            double backendCpu, double routerCpu, double backendRequests, double shadowed, double shadowDropped) {}

    private Snapshot snapshot() {
        return new Snapshot(
                monolithPid == 0 ? 0 : ProcessStats.cpuSeconds(List.of(monolithPid)),
                routerPid == 0 ? 0 : ProcessStats.cpuSeconds(List.of(routerPid)),
                metric(monolithUrl, "http_server_requests_seconds_count", line -> !line.contains("uri=\"/actuator")),
                metric(routerUrl, "router_shadow_compared_total", line -> true),
                metric(routerUrl, "router_shadow_dropped_total", line -> true));
    }

    /** What one configuration's steps of a scenario cost, summed over the rounds. */
    record Load(
            double seconds,
            long clientRequests,
            double backendRequests,
            double backendCpu,
            double routerCpu,
            double shadowed,
            double shadowDropped) {

        static Load of(OpenLoop.Result result, Snapshot before, Snapshot after) {
            return new Load(
                    result.seconds(),
                    result.completed(),
                    after.backendRequests() - before.backendRequests(),
                    after.backendCpu() - before.backendCpu(),
                    after.routerCpu() - before.routerCpu(),
                    after.shadowed() - before.shadowed(),
                    after.shadowDropped() - before.shadowDropped());
        }

        Load plus(Load other) {
            return new Load(
                    seconds + other.seconds,
                    clientRequests + other.clientRequests,
                    backendRequests + other.backendRequests,
                    backendCpu + other.backendCpu,
                    routerCpu + other.routerCpu,
                    shadowed + other.shadowed,
                    shadowDropped + other.shadowDropped);
        }

        double perClientRequest() {
            return clientRequests == 0 ? 0 : backendRequests / clientRequests;
        }

        Map<String, Object> describe() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("client_requests_per_second", clientRequests / seconds);
            out.put("backend_requests_per_second", backendRequests / seconds);
            out.put("backend_requests_per_client_request", perClientRequest());
            out.put("backend_cpu_cores", backendCpu / seconds);
            out.put("router_cpu_cores", routerCpu / seconds);
            out.put("backend_cpu_ms_per_client_request", clientRequests == 0 ? 0 : 1000 * backendCpu / clientRequests);
            out.put("router_cpu_ms_per_client_request", clientRequests == 0 ? 0 : 1000 * routerCpu / clientRequests);
            out.put("reads_shadowed", shadowed);
            out.put("reads_not_shadowed_queue_full", shadowDropped);
            return out;
        }
    }

    private static double metric(String base, String name, Predicate<String> lines) {
        HttpResponse<String> response = plain(base + "/actuator/prometheus", null);
        double sum = 0;
        for (String line : response.body().split("\n")) {
            if ((line.startsWith(name + "{") || line.startsWith(name + " ")) && lines.test(line)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static final HttpClient PLAIN = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private static HttpResponse<String> plain(String url, HttpRequest.Builder builder) {
        try {
            HttpRequest request = (builder == null
                            ? HttpRequest.newBuilder(URI.create(url)).GET()
                            : builder)
                    .timeout(Duration.ofSeconds(30))
                    .build();
            return PLAIN.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (java.io.IOException failed) {
            throw new java.io.UncheckedIOException(failed);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        }
    }

    /** The router's admin API, with its credential. */
    record Admin(String base, String token) {

        List<String> groups() {
            List<String> groups = new ArrayList<>();
            for (JsonNode group : get("/admin/routes").path("groups")) {
                groups.add(group.path("name").asString());
            }
            return groups;
        }

        JsonNode get(String path) {
            return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
        }

        void put(String group, List<Map<String, Object>> backends, boolean sticky, String shadow) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("backends", backends);
            body.put("sticky", sticky);
            body.put("shadow", shadow);
            send(HttpRequest.newBuilder(URI.create(base + "/admin/routes/" + group))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(BenchClient.JSON.writeValueAsString(body))));
        }

        void weights(String group, Map<String, Integer> weights) {
            send(HttpRequest.newBuilder(URI.create(base + "/admin/routes/" + group + "/weights"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(BenchClient.JSON.writeValueAsString(weights))));
        }

        private JsonNode send(HttpRequest.Builder request) {
            HttpResponse<String> response = plain(
                    null,
                    request.header("Authorization", "Bearer " + token).header("X-MicroPosts-Actor", "router-bench"));
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        "the admin API answered " + response.statusCode() + ": " + response.body());
            }
            return BenchClient.JSON.readTree(response.body());
        }
    }

    private void print(Map<String, Object> out, Iterable<String> scenarios) {
        StringBuilder text = new StringBuilder("\n");
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Map<String, Object>>> latency =
                (Map<String, Map<String, Map<String, Object>>>) out.get("scenarios");
        text.append(String.format(
                "%-9s %-23s %8s %8s %9s %9s %9s %9s %8s %8s%n",
                "scenario",
                "configuration",
                "p50 ms",
                "p99 ms",
                "p50 +ms",
                "p99 +ms",
                "client/s",
                "backend/s",
                "be cores",
                "rt cores"));
        for (String scenario : scenarios) {
            for (var entry : latency.get(scenario).entrySet()) {
                Map<String, Object> f = entry.getValue();
                text.append(String.format(
                        "%-9s %-23s %8.3f %8.3f %+9.3f %+9.3f %9.1f %9.1f %8.2f %8.2f%n",
                        scenario,
                        entry.getKey(),
                        f.get("p50_ms"),
                        f.get("p99_ms"),
                        f.get("p50_added_ms"),
                        f.get("p99_added_ms"),
                        f.get("client_requests_per_second"),
                        f.get("backend_requests_per_second"),
                        f.get("backend_cpu_cores"),
                        f.get("router_cpu_cores")));
            }
        }
        text.append("p50 added, round by round (ms): ");
        for (String scenario : scenarios) {
            for (var entry : latency.get(scenario).entrySet()) {
                if (!entry.getKey().equals("direct")) {
                    text.append(scenario + " " + entry.getKey() + " "
                            + rounded(entry.getValue().get("p50_added_by_round_ms")) + "; ");
                }
            }
        }
        text.append("\n");
        @SuppressWarnings("unchecked")
        Map<String, Object> changes = (Map<String, Object>) out.get("weight_changes");
        @SuppressWarnings("unchecked")
        Map<String, Object> effect = (Map<String, Object>) changes.get("answer_to_first_routed_ms");
        @SuppressWarnings("unchecked")
        Map<String, Object> answer = (Map<String, Object>) changes.get("admin_answer_ms");
        text.append(String.format(
                "%nweight changes (%s): admin answer p50 %.2f ms, max %.2f ms; answer -> first read on the new"
                        + " backend p50 %.2f ms, max %.2f ms; first read after the answer already on it %s of %s%n",
                changes.get("group"),
                answer.get("p50_ms"),
                answer.get("max_ms"),
                effect.get("p50_ms"),
                effect.get("max_ms"),
                changes.get("first_read_after_answer_routed_by_change"),
                changes.get("changes")));
        text.append("shadow comparisons: " + out.get("shadow_diffs") + "\n");
        System.out.print(text);
    }

    /** The machine's load averages (1, 5, 15 minutes): whether something else ran meanwhile. */
    static String loadAverage() {
        try {
            String[] fields = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                    .split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (java.io.IOException | RuntimeException unknown) {
            return "unknown";
        }
    }

    private static String rounded(Object values) {
        List<String> out = new ArrayList<>();
        for (Object value : (List<?>) values) {
            out.add(String.format("%+.3f", (Double) value));
        }
        return out.toString();
    }

    private static String require(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    private static void log(String message) {
        Bench.log("router-bench: " + message);
    }
}
