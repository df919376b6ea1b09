package dev.microposts.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;

/**
 * The benchmark's command line.
 * <pre>
 * run    --url URL --topology NAME --out FILE [--pids 1,2] [--users 1000] [--posts 20] [--seconds 20]
 *        [--step-seconds 10] [--p99-bound-ms 100] [--refine 2] [--propagation 100] [--quick]
 * large  --url URL --topology NAME --out FILE [--users 100000] [--posts 10] [--seconds 20] [--rate 200]
 *        [--loaded BULK.json]  (the dataset was loaded by bulk, which wrote BULK.json: measure only)
 *        (the large profile: loads 1,000,000 microposts, then measures home-timeline reads only)
 * bulk   --out FILE [--users 100000] [--posts 10] [--parallelism 4]
 *        (loads the same dataset in-process through the modules' services, into the database the
 *        MICROPOSTS_* environment configures; no server may be running on it)
 * static --url URL --path /file --out FILE [--step-seconds 10] [--refine 2]  (the nginx baseline: read-one max)
 * report --in DIR --out FILE.md --chart FILE.svg                    (all results of DIR in one report)
 * router --monolith-url URL --router-url URL --admin-url URL --backends A,B,C --out FILE [--candidate URL]
 *        [--monolith-pid N] [--router-pid N] [--rounds 3] [--seconds 15] [--changes 50] [--quick]
 *        (what the router's control plane adds: {@link RouterBench}; the admin credential in
 *        MICROPOSTS_ROUTER_ADMIN_TOKEN)
 * </pre>
 * Every figure goes to a JSON file; {@link Report} turns the files of one run into the report.
 */
public final class Bench {

    private Bench() {}

    public static void main(String[] args) {
        try {
            command(args);
        } catch (Throwable failure) {
            // the HTTP client's and the executors' threads would keep a failed run's JVM alive
            failure.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void command(String[] args) throws Exception {
        Map<String, String> options = options(Arrays.copyOfRange(args, 1, args.length));
        switch (args.length == 0 ? "" : args[0]) {
            case "run" -> write(Path.of(options.get("out")), run(options));
            case "large" -> write(Path.of(options.get("out")), large(options));
            case "bulk" -> write(Path.of(options.get("out")), bulk(options));
            case "static" -> write(Path.of(options.get("out")), staticBaseline(options));
            case "router" -> write(Path.of(options.get("out")), RouterBench.run(options));
            case "report" ->
                Report.write(Path.of(options.get("in")), Path.of(options.get("out")), Path.of(options.get("chart")));
            default -> {
                System.err.println("usage: Bench run|large|bulk|static|router|report --option value ...");
                System.exit(2);
            }
        }
    }

    static Map<String, Object> run(Map<String, String> options) throws Exception {
        boolean quick = options.containsKey("quick");
        int users = Integer.parseInt(options.getOrDefault("users", quick ? "50" : "1000"));
        int posts = Integer.parseInt(options.getOrDefault("posts", quick ? "3" : "20"));
        Duration fixed = Duration.ofSeconds(Long.parseLong(options.getOrDefault("seconds", quick ? "2" : "20")));
        Duration step = Duration.ofSeconds(Long.parseLong(options.getOrDefault("step-seconds", quick ? "1" : "10")));
        double bound = Double.parseDouble(options.getOrDefault("p99-bound-ms", "100"));
        int probes = Integer.parseInt(options.getOrDefault("propagation", quick ? "10" : "100"));
        int refinements = Integer.parseInt(options.getOrDefault("refine", quick ? "1" : "2"));
        List<Long> pids = pids(options.get("pids"));
        String topology = options.getOrDefault("topology", "unnamed");

        BenchClient client = new BenchClient(options.get("url"), 4);
        Dataset dataset = Dataset.generate(users, Math.min(40, users / 4.0), posts, 42);
        long loadStarted = System.nanoTime();
        log(topology + ": loading " + users + " users, " + dataset.follows().size() + " follows, " + users * posts
                + " microposts");
        DatasetLoader.Loaded data = new DatasetLoader(client, 8).load(dataset);
        double loadSeconds = (System.nanoTime() - loadStarted) / 1e9;
        log(topology + ": loaded in " + Math.round(loadSeconds) + " s");
        Workload workload = new Workload(client, data, 7);

        // every code path the scenarios take is compiled before anything is measured
        for (Supplier<java.net.http.HttpRequest> warmUp :
                List.of(workload.readOne(), workload.compose(), workload.mix())) {
            OpenLoop.run(
                    "warm-up",
                    client,
                    warmUp,
                    quick ? 50 : 200,
                    quick ? Duration.ofSeconds(1) : Duration.ofSeconds(10),
                    256);
        }
        double cpuBefore = ProcessStats.cpuSeconds(pids);
        long requests = 0;
        Map<String, Object> scenarios = new LinkedHashMap<>();
        Map<String, Supplier<java.net.http.HttpRequest>> fixedRate = new LinkedHashMap<>();
        fixedRate.put("read-one", workload.readOne());
        fixedRate.put("compose", workload.compose());
        fixedRate.put("mix", workload.mix());
        fixedRate.put("timeline", workload.timeline());
        Map<String, Double> rates = Map.of(
                "read-one",
                quick ? 50.0 : 500.0,
                "compose",
                quick ? 20.0 : 100.0,
                "mix",
                quick ? 50.0 : 300.0,
                "timeline",
                quick ? 50.0 : TIMELINE_RATE);
        for (var scenario : fixedRate.entrySet()) {
            OpenLoop.Result result = OpenLoop.run(
                    scenario.getKey(), client, scenario.getValue(), rates.get(scenario.getKey()), fixed, 512);
            requests += result.completed();
            scenarios.put(scenario.getKey(), describe(result));
            log(topology + ": " + line(result));
        }
        Map<String, Object> max = new LinkedHashMap<>();
        for (String name : List.of("mix", "read-one")) {
            Supplier<java.net.http.HttpRequest> next = name.equals("mix") ? workload.mix() : workload.readOne();
            List<OpenLoop.Result> steps = new ArrayList<>();
            OpenLoop.Result best = OpenLoop.max(
                    name,
                    client,
                    next,
                    quick ? 50 : 200,
                    1.3,
                    quick ? 100 : 20_000,
                    step,
                    bound,
                    1024,
                    refinements,
                    result -> {
                        steps.add(result);
                        log(topology + ": max " + line(result));
                    });
            requests += steps.stream().mapToLong(OpenLoop.Result::completed).sum();
            max.put(name, best == null ? Map.of("rate", 0) : describe(best));
        }
        double cpuSeconds = ProcessStats.cpuSeconds(pids) - cpuBefore;
        String sample = client.base() + "/api/users/" + dataset.users().get(0) + "/collection/"
                + data.postsByUser().get(0)[0];
        Map<String, Object> ceiling = Ceiling.measure(sample, quick ? 2 : 10);
        log(topology + ": read-one ceiling " + ceiling);
        Histogram propagation = workload.propagation(probes, Duration.ofSeconds(5));
        OpenLoop.Summary spread = OpenLoop.Summary.of(propagation);
        log(topology + ": propagation " + spread);

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("topology", topology);
        out.put("machine", Machine.describe());
        out.put("users", users);
        out.put("follows", dataset.follows().size());
        out.put("microposts", users * posts);
        out.put("load_seconds", loadSeconds);
        out.put("scenarios", scenarios);
        out.put("max", max);
        out.put("ceiling", Map.of("read-one", ceiling));
        out.put("propagation", describe(spread));
        out.put("cpu_seconds", cpuSeconds);
        out.put("requests", requests);
        out.put("cpu_seconds_per_1000_requests", Report.perThousand(cpuSeconds, requests));
        out.put("peak_rss_mib", ProcessStats.peakRssMiB(pids));
        out.put("sample_micropost", sample);
        out.put("processes", pids.size());
        return out;
    }

    /** The offered rate of the home-timeline scenario, the same in both profiles. */
    static final double TIMELINE_RATE = 200;

    /**
     * The large profile: 100,000 users, 1,000,000 microposts, the same generator and loader; then
     * home-timeline reads at the rate of the default profile's timeline scenario, so the two p99s
     * show whether the read grows with the data.
     */
    static Map<String, Object> large(Map<String, String> options) throws Exception {
        int users = Integer.parseInt(options.getOrDefault("users", "100000"));
        int posts = Integer.parseInt(options.getOrDefault("posts", "10"));
        Duration fixed = Duration.ofSeconds(Long.parseLong(options.getOrDefault("seconds", "20")));
        double rate = Double.parseDouble(options.getOrDefault("rate", String.valueOf(TIMELINE_RATE)));
        String topology = options.getOrDefault("topology", "unnamed");
        BenchClient client = new BenchClient(options.get("url"), 4);
        Dataset dataset = Dataset.generate(users, Math.min(40, users / 4.0), posts, 42);
        log(topology + ": loading " + users + " users, " + dataset.follows().size() + " follows, "
                + (long) users * posts + " microposts");
        DatasetLoader.Loaded data;
        double loadSeconds;
        String loader;
        if (options.containsKey("loaded")) {
            JsonNode bulk =
                    BenchClient.JSON.readTree(Path.of(options.get("loaded")).toFile());
            if (bulk.path("users").asInt() != users || bulk.path("microposts").asLong() != (long) users * posts) {
                throw new IllegalArgumentException(options.get("loaded") + " is of another dataset");
            }
            data = new DatasetLoader.Loaded(dataset, new String[users], List.of());
            loadSeconds = bulk.path("load_seconds").asDouble();
            loader = bulk.path("loader").asString();
        } else {
            long started = System.nanoTime();
            data = new DatasetLoader(client, 16).load(dataset);
            loadSeconds = (System.nanoTime() - started) / 1e9;
            loader = "the public API";
        }
        log(topology + ": loaded in " + Math.round(loadSeconds) + " s (" + loader + ")");
        Workload workload = new Workload(client, data, 7);
        Duration warmUp = fixed.compareTo(Duration.ofSeconds(10)) < 0 ? fixed : Duration.ofSeconds(10);
        OpenLoop.run("warm-up", client, workload.timeline(), rate, warmUp, 256);
        OpenLoop.Result timeline = OpenLoop.run("timeline", client, workload.timeline(), rate, fixed, 512);
        log(topology + ": " + line(timeline));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("topology", topology);
        out.put("profile", "large");
        out.put("machine", Machine.describe());
        out.put("users", users);
        out.put("follows", dataset.follows().size());
        out.put("microposts", (long) users * posts);
        out.put("load_seconds", loadSeconds);
        out.put("loader", loader);
        out.put("scenarios", Map.of("timeline", describe(timeline)));
        return out;
    }

    /** The large profile's dataset (or another size of it), loaded in-process by {@link BulkLoader}. */
    static Map<String, Object> bulk(Map<String, String> options) throws Exception {
        int users = Integer.parseInt(options.getOrDefault("users", "100000"));
        int posts = Integer.parseInt(options.getOrDefault("posts", "10"));
        Dataset dataset = Dataset.generate(users, Math.min(40, users / 4.0), posts, 42);
        log("bulk: loading " + users + " users, " + dataset.follows().size() + " follows, " + (long) users * posts
                + " microposts");
        Map<String, Object> loaded =
                BulkLoader.load(dataset, Integer.parseInt(options.getOrDefault("parallelism", "4")));
        log("bulk: loaded in " + Math.round((double) loaded.get("load_seconds")) + " s");
        return loaded;
    }

    /** The nginx baseline: the same response bytes as read-one, served from a file, at max rate. */
    static Map<String, Object> staticBaseline(Map<String, String> options) {
        BenchClient client = new BenchClient(options.get("url"), 4);
        String path = options.get("path");
        Duration step = Duration.ofSeconds(Long.parseLong(options.getOrDefault("step-seconds", "10")));
        OpenLoop.run("warm-up", client, () -> client.get(path), 500, Duration.ofSeconds(3), 256);
        OpenLoop.Result best = OpenLoop.max(
                "read-one",
                client,
                () -> client.get(path),
                500,
                1.3,
                100_000,
                step,
                Double.parseDouble(options.getOrDefault("p99-bound-ms", "100")),
                1024,
                Integer.parseInt(options.getOrDefault("refine", "2")),
                result -> log("nginx: max " + line(result)));
        Map<String, Object> ceiling = Ceiling.measure(client.base() + path, step.toSeconds() < 5 ? 2 : 10);
        log("nginx: read-one ceiling " + ceiling);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("topology", "nginx-static");
        out.put("machine", Machine.describe());
        out.put("max", Map.of("read-one", best == null ? Map.of("rate", 0) : describe(best)));
        out.put("ceiling", Map.of("read-one", ceiling));
        return out;
    }

    static Map<String, Object> describe(OpenLoop.Result result) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rate", result.offeredRate());
        out.put("throughput", result.throughput());
        out.put("completed", result.completed());
        out.put("errors", result.errors());
        out.put("statuses", result.statuses());
        out.putAll(describe(result.summary()));
        return out;
    }

    static Map<String, Object> describe(OpenLoop.Summary summary) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("p50_ms", summary.p50());
        out.put("p90_ms", summary.p90());
        out.put("p99_ms", summary.p99());
        out.put("p999_ms", summary.p999());
        out.put("max_ms", summary.max());
        out.put("count", summary.count());
        return out;
    }

    private static String line(OpenLoop.Result result) {
        OpenLoop.Summary s = result.summary();
        return String.format(
                "%s at %.0f/s: %.0f ok/s, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, statuses %s",
                result.scenario(),
                result.offeredRate(),
                result.throughput(),
                s.p50(),
                s.p99(),
                s.p999(),
                result.statuses());
    }

    private static List<Long> pids(String list) {
        List<Long> pids = new ArrayList<>();
        if (list != null) {
            for (String pid : list.split(",")) {
                if (!pid.isBlank()) {
                    pids.add(Long.parseLong(pid.trim()));
                }
            }
        }
        return pids;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                boolean flag = i + 1 >= args.length || args[i + 1].startsWith("--");
                options.put(args[i].substring(2), flag ? "true" : args[++i]);
            }
        }
        return options;
    }

    static void write(Path file, Map<String, Object> result) throws Exception {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(
                file, BenchClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
    }

    static void log(String message) {
        System.out.println(message);
    }
}
