package dev.microposts.bench;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import tools.jackson.databind.JsonNode;

/**
 * The load and the bookkeeping of one fault run ({@code bin/microposts-faults}): one author creates
 * microposts at a steady rate, open loop (each request leaves at its time whatever the server
 * does), and another user follows the author. The script injects the fault and recovers from it,
 * and says when through marker files in the run's directory. This program records every
 * acknowledged create (201 and the id it answered), counts every other outcome by status or by how
 * the connection failed, and afterwards checks that each acknowledged micropost is still there
 * (GET answers 200) and when it reached the follower's home timeline.
 * <pre>
 * Faults --url URL --dir RUN_DIR --out FILE.json [--rate 40] [--after-recovery 10]
 *        [--max-seconds 150] [--converge-timeout 60] [--poll-ms 500]
 * </pre>
 * Markers, each holding epoch milliseconds: {@code RUN_DIR/loading} (written here when the steady
 * load begins), {@code RUN_DIR/fault} and {@code RUN_DIR/recovered} (written by the script);
 * {@code RUN_DIR/abort} stops the load at once. The load stops {@code after-recovery} seconds after
 * the recovery, or {@code max-seconds} after it began. The follower's timeline is read every
 * {@code poll-ms} from the start of the load, so the time a micropost reached it is known to that
 * resolution.
 */
public final class Faults {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final String PASSWORD = "fault run password";

    /** One create: when it was due, when it ended, how (a status, or how the connection failed). */
    private record Outcome(long dueMillis, long doneMillis, String result, long id) {}

    private final String base;
    private final Path dir;
    private final HttpClient http;

    private Faults(String base, Path dir) {
        this.base = base.replaceAll("/+$", "");
        this.dir = dir;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .executor(Executors.newFixedThreadPool(8))
                .build();
    }

    public static void main(String[] args) {
        try {
            Map<String, String> options = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (args[i].startsWith("--")) {
                    boolean flag = i + 1 >= args.length || args[i + 1].startsWith("--");
                    options.put(args[i].substring(2), flag ? "true" : args[++i]);
                }
            }
            if (args.length > 0 && args[0].equals("table")) {
                table(Path.of(options.get("in")), Path.of(options.get("out")));
                System.exit(0);
            }
            Faults faults = new Faults(options.get("url"), Path.of(options.get("dir")));
            Map<String, Object> result = faults.run(
                    Double.parseDouble(options.getOrDefault("rate", "40")),
                    Long.parseLong(options.getOrDefault("after-recovery", "10")),
                    Long.parseLong(options.getOrDefault("max-seconds", "150")),
                    Long.parseLong(options.getOrDefault("converge-timeout", "60")),
                    Long.parseLong(options.getOrDefault("poll-ms", "500")));
            Path out = Path.of(options.get("out"));
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(
                    out, BenchClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        } catch (Throwable failure) {
            failure.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private Map<String, Object> run(
            double rate, long afterRecoverySeconds, long maxSeconds, long convergeTimeoutSeconds, long pollMillis)
            throws Exception {
        String tag = Long.toString(System.currentTimeMillis(), 36);
        String author = "fault_" + tag + "_a";
        String follower = "fault_" + tag + "_f";
        log("setting up " + author + " followed by " + follower);
        setUp(201, "POST", "/api/users", null, BenchClient.json("username", author, "password", PASSWORD));
        setUp(201, "POST", "/api/users", null, BenchClient.json("username", follower, "password", PASSWORD));
        String authorToken = token(author);
        String followerToken = token(follower);
        setUp(
                201,
                "POST",
                "/api/users/" + follower + "/following",
                followerToken,
                BenchClient.json("username", author));
        // the follow is in effect once a micropost of the author reaches the follower's timeline
        long probe = setUp(
                        201,
                        "POST",
                        "/api/users/" + author + "/collection",
                        authorToken,
                        BenchClient.json("text", "probe"))
                .get("id")
                .longValue();
        long probeDeadline = System.currentTimeMillis() + 60_000;
        while (!timelinePage(follower, null).contains(probe)) {
            if (System.currentTimeMillis() > probeDeadline) {
                throw new IllegalStateException("the follow did not take effect within 60 s");
            }
            Thread.sleep(200);
        }

        ConcurrentSkipListMap<Long, Long> acknowledged = new ConcurrentSkipListMap<>(); // id -> when
        Map<Long, Long> seen = new ConcurrentHashMap<>(); // id -> first seen in the follower's timeline
        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        Semaphore inFlight = new Semaphore(1000);
        long[] loadEnd = {Long.MAX_VALUE};

        long startNanos = System.nanoTime();
        long startMillis = System.currentTimeMillis();
        Files.writeString(dir.resolve("loading"), Long.toString(startMillis));
        log("steady load: " + rate + " creates/s");
        Thread watcher =
                new Thread(() -> watch(follower, acknowledged, seen, loadEnd, convergeTimeoutSeconds, pollMillis));
        watcher.setDaemon(true);
        watcher.start();

        long period = (long) (1e9 / rate);
        long recovered = -1;
        long nextMarkerCheck = 0;
        String endedBy = "max-seconds";
        for (long i = 0; ; i++) {
            long due = startNanos + i * period;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            long now = System.currentTimeMillis();
            if (now >= nextMarkerCheck) {
                nextMarkerCheck = now + 100;
                if (recovered < 0) {
                    recovered = marker("recovered");
                }
                if (marker("abort") > 0) {
                    endedBy = "abort";
                    break;
                }
            }
            if (recovered > 0 && now >= recovered + afterRecoverySeconds * 1000) {
                endedBy = "recovery";
                break;
            }
            if (now - startMillis >= maxSeconds * 1000) {
                break;
            }
            long dueMillis = startMillis + (due - startNanos) / 1_000_000;
            if (!inFlight.tryAcquire()) {
                outcomes.add(new Outcome(dueMillis, now, "not sent: 1000 in flight", -1));
                continue;
            }
            HttpRequest request = request(
                            "POST",
                            "/api/users/" + author + "/collection",
                            authorToken,
                            BenchClient.json("text", "fault run " + tag + " #" + i))
                    .build();
            long sent = System.currentTimeMillis();
            http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((response, failure) -> {
                long done = System.currentTimeMillis();
                try {
                    if (response != null && response.statusCode() == 201) {
                        long id = BenchClient.JSON
                                .readTree(response.body())
                                .get("id")
                                .longValue();
                        acknowledged.put(id, done);
                        outcomes.add(new Outcome(dueMillis, done, "201", id));
                    } else if (response != null) {
                        outcomes.add(new Outcome(dueMillis, done, Integer.toString(response.statusCode()), -1));
                    } else {
                        outcomes.add(new Outcome(dueMillis, done, kind(failure, done - sent), -1));
                    }
                } catch (RuntimeException ex) {
                    outcomes.add(new Outcome(dueMillis, done, "unreadable 201: " + ex.getMessage(), -1));
                } finally {
                    inFlight.release();
                }
            });
        }
        long stoppedMillis = System.currentTimeMillis();
        log("load stopped (" + endedBy + "); waiting for the requests in flight");
        inFlight.tryAcquire(1000, REQUEST_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
        loadEnd[0] = System.currentTimeMillis();

        // every acknowledged micropost must still be there
        log("checking " + acknowledged.size() + " acknowledged microposts");
        Map<String, Long> check = checkAcknowledged(author, acknowledged.keySet());
        List<Long> lost = new ArrayList<>();
        // what the collection holds beyond the acknowledged: creates whose answer never came
        Set<Long> stored = collection(author);
        for (long id : acknowledged.keySet()) {
            if (!stored.contains(id)) {
                lost.add(id);
            }
        }
        Set<Long> unacknowledgedStored = new HashSet<>(stored);
        unacknowledgedStored.removeAll(acknowledged.keySet());
        unacknowledgedStored.remove(probe);
        watcher.join((convergeTimeoutSeconds + 15) * 1000);

        long fault = marker("fault");
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("author", author);
        result.put("follower", follower);
        result.put("rate", rate);
        result.put("load_seconds", round((stoppedMillis - startMillis) / 1000.0));
        result.put("load_ended_by", endedBy);
        result.put("fault_at_s", fault > 0 ? round((fault - startMillis) / 1000.0) : null);
        for (String name : List.of("exited", "restarting")) {
            long at = marker(name);
            result.put(name + "_at_s", at > 0 ? round((at - startMillis) / 1000.0) : null);
        }
        result.put("recovered_at_s", recovered > 0 ? round((recovered - startMillis) / 1000.0) : null);
        result.put("sent", outcomes.size());
        result.put("acknowledged", acknowledged.size());
        Map<String, Integer> failures = new TreeMap<>();
        Map<String, Map<String, Integer>> byPhase = new LinkedHashMap<>();
        Map<String, List<Double>> windows = new TreeMap<>(); // kind -> first and last due, after the fault
        long firstFailure = Long.MAX_VALUE;
        long lastFailure = Long.MIN_VALUE;
        for (Outcome outcome : List.copyOf(outcomes)) {
            if (outcome.result().equals("201")) {
                continue;
            }
            failures.merge(outcome.result(), 1, Integer::sum);
            // by the time the request ended: under overload a request due before the fault may be
            // sent after it, as the client queues what the server does not take
            String phase = fault < 0 || outcome.doneMillis() < fault
                    ? "ended before the fault"
                    : recovered < 0 || outcome.doneMillis() < recovered
                            ? "ended between fault and recovery"
                            : "ended after recovery";
            byPhase.computeIfAbsent(phase, p -> new TreeMap<>()).merge(outcome.result(), 1, Integer::sum);
            if (fault > 0) {
                double after = round((outcome.dueMillis() - fault) / 1000.0);
                windows.merge(
                        outcome.result(),
                        List.of(after, after),
                        (a, b) -> List.of(Math.min(a.get(0), b.get(0)), Math.max(a.get(1), b.get(1))));
            }
            firstFailure = Math.min(firstFailure, outcome.dueMillis());
            lastFailure = Math.max(lastFailure, outcome.doneMillis());
        }
        result.put(
                "failed", failures.values().stream().mapToInt(Integer::intValue).sum());
        result.put("failed_by_kind", failures);
        result.put("failed_by_phase", byPhase);
        result.put("failed_due_after_fault_s", windows); // first and last due time of each kind
        if (fault > 0 && firstFailure != Long.MAX_VALUE) {
            result.put("first_failure_after_fault_s", round((firstFailure - fault) / 1000.0));
            result.put("last_failure_after_fault_s", round((lastFailure - fault) / 1000.0));
        }
        result.put("acknowledged_lost", lost.size());
        result.put("acknowledged_lost_ids", lost.stream().limit(50).toList());
        result.put("acknowledged_get", check);
        result.put("stored_unacknowledged", unacknowledgedStored.size());

        // the follower's timeline: when each acknowledged micropost reached it
        List<Long> missing = new ArrayList<>();
        List<Long> lags = new ArrayList<>();
        long convergedAfterRecovery = Long.MIN_VALUE;
        long convergedAfterLoad = Long.MIN_VALUE;
        for (var entry : acknowledged.entrySet()) {
            Long at = seen.get(entry.getKey());
            if (at == null) {
                missing.add(entry.getKey());
                continue;
            }
            lags.add(Math.max(0, at - entry.getValue()));
            if (recovered > 0 && entry.getValue() < recovered) {
                convergedAfterRecovery = Math.max(convergedAfterRecovery, at - recovered);
            }
            convergedAfterLoad = Math.max(convergedAfterLoad, at - stoppedMillis);
        }
        Collections.sort(lags);
        result.put("timeline_missing", missing.size());
        result.put("timeline_missing_ids", missing.stream().limit(50).toList());
        result.put(
                "converged_after_recovery_s",
                missing.isEmpty() && recovered > 0 ? round(Math.max(0, convergedAfterRecovery) / 1000.0) : null);
        result.put(
                "converged_after_load_end_s",
                missing.isEmpty() ? round(Math.max(0, convergedAfterLoad) / 1000.0) : null);
        result.put("timeline_lag_p50_s", lags.isEmpty() ? null : round(lags.get(lags.size() / 2) / 1000.0));
        result.put("timeline_lag_p99_s", lags.isEmpty() ? null : round(lags.get((int) (lags.size() * 0.99)) / 1000.0));
        result.put("timeline_lag_max_s", lags.isEmpty() ? null : round(lags.get(lags.size() - 1) / 1000.0));
        result.put("timeline_poll_ms", pollMillis);
        List<Long> latencies = new ArrayList<>();
        for (Outcome outcome : List.copyOf(outcomes)) {
            if (outcome.result().equals("201")) {
                latencies.add(outcome.doneMillis() - outcome.dueMillis());
            }
        }
        Collections.sort(latencies);
        if (!latencies.isEmpty()) {
            result.put("create_latency_p50_ms", latencies.get(latencies.size() / 2));
            result.put("create_latency_p99_ms", latencies.get((int) (latencies.size() * 0.99)));
            result.put("create_latency_max_ms", latencies.get(latencies.size() - 1));
        }
        log(summary(result));
        return result;
    }

    /** The results of one run's scenarios (each directory of {@code in} with a result.json) as a Markdown table. */
    static void table(Path in, Path out) throws IOException {
        StringBuilder table = new StringBuilder();
        table.append("| scenario | creates sent | acknowledged (201) | acknowledged lost | failed requests | stored"
                + " without 201 | fault → recovered | all acknowledged in the follower's timeline | timeline lag"
                + " p50 / p99 / max |\n");
        table.append("|---|---:|---:|---:|---|---:|---:|---:|---:|\n");
        List<Path> runs;
        try (var list = Files.list(in)) {
            runs = list.filter(run -> Files.exists(run.resolve("scenario")))
                    .sorted(java.util.Comparator.comparingLong(Faults::modified))
                    .toList();
        }
        for (Path run : runs) {
            String scenario = run.getFileName().toString();
            if (!Files.exists(run.resolve("result.json"))) {
                table.append("| ").append(scenario).append(" | no result: see its load.log |||||||| \n");
                continue;
            }
            JsonNode r = BenchClient.JSON.readTree(Files.readString(run.resolve("result.json")));
            StringBuilder failed = new StringBuilder(r.get("failed").asString());
            if (r.get("failed").asInt() > 0) {
                failed.append(": ");
                var kinds = new ArrayList<String>();
                r.get("failed_by_kind")
                        .properties()
                        .forEach(e -> kinds.add(e.getValue().asString() + " " + e.getKey()));
                failed.append(String.join(", ", kinds));
            }
            String down =
                    r.get("fault_at_s").isNull() || r.get("recovered_at_s").isNull()
                            ? "not recovered"
                            : round(r.get("recovered_at_s").asDouble()
                                            - r.get("fault_at_s").asDouble()) + " s";
            String converged = r.get("timeline_missing").asInt() > 0
                    ? r.get("timeline_missing").asString() + " missing after 90 s"
                    : r.get("converged_after_recovery_s").isNull()
                            ? "?"
                            : r.get("converged_after_recovery_s").asString() + " s after recovery";
            table.append("| ")
                    .append(scenario)
                    .append(" | ")
                    .append(r.get("sent").asString())
                    .append(" | ")
                    .append(r.get("acknowledged").asString())
                    .append(" | ")
                    .append(r.get("acknowledged_lost").asString())
                    .append(" | ")
                    .append(failed)
                    .append(" | ")
                    .append(r.get("stored_unacknowledged").asString())
                    .append(" | ")
                    .append(down)
                    .append(" | ")
                    .append(converged)
                    .append(" | ")
                    .append(r.get("timeline_lag_p50_s").asString())
                    .append(" / ")
                    .append(r.get("timeline_lag_p99_s").asString())
                    .append(" / ")
                    .append(r.get("timeline_lag_max_s").asString())
                    .append(" s |\n");
        }
        Files.writeString(out, table.toString());
    }

    private static long modified(Path path) {
        try {
            return Files.getLastModifiedTime(path.resolve("scenario")).toMillis();
        } catch (IOException ex) {
            return 0;
        }
    }

    /** Polls the follower's timeline, reading down to the oldest acknowledged micropost not seen yet. */
    private void watch(
            String follower,
            ConcurrentSkipListMap<Long, Long> acknowledged,
            Map<Long, Long> seen,
            long[] loadEnd,
            long convergeTimeoutSeconds,
            long pollMillis) {
        while (true) {
            Long oldestUnseen = null;
            for (long id : acknowledged.keySet()) {
                if (!seen.containsKey(id)) {
                    oldestUnseen = id;
                    break;
                }
            }
            long now = System.currentTimeMillis();
            if (loadEnd[0] != Long.MAX_VALUE
                    && (oldestUnseen == null || now > loadEnd[0] + convergeTimeoutSeconds * 1000)) {
                return;
            }
            Long cursor = null;
            try {
                while (true) {
                    List<Long> page = timelinePage(follower, cursor);
                    long at = System.currentTimeMillis();
                    for (long id : page) {
                        seen.putIfAbsent(id, at);
                    }
                    if (page.size() < 100 || oldestUnseen == null || page.get(page.size() - 1) <= oldestUnseen) {
                        break;
                    }
                    cursor = page.get(page.size() - 1);
                }
            } catch (RuntimeException unavailable) {
                // the timeline cannot be read now: the next poll tries again
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pollMillis));
        }
    }

    /** The ids of one page of the follower's timeline, newest first; empty when it cannot be read. */
    private List<Long> timelinePage(String follower, Long cursor) {
        String path = "/api/users/" + follower + "/timeline?limit=100" + (cursor == null ? "" : "&cursor=" + cursor);
        try {
            HttpResponse<byte[]> response = http.send(
                    request("GET", path, null, null)
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                return List.of();
            }
            List<Long> ids = new ArrayList<>();
            for (JsonNode item : BenchClient.JSON.readTree(response.body())) {
                ids.add(item.get("id").longValue());
            }
            return ids;
        } catch (IOException ex) {
            return List.of();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /** GET of every acknowledged micropost, eight at a time: how many answered 200, 404, or else. */
    private Map<String, Long> checkAcknowledged(String author, Set<Long> ids) throws InterruptedException {
        Map<String, Long> answers = new ConcurrentHashMap<>();
        Semaphore parallel = new Semaphore(8);
        ExecutorService checkers = Executors.newFixedThreadPool(8);
        for (long id : ids) {
            parallel.acquire();
            checkers.execute(() -> {
                try {
                    String answer = "other";
                    for (int attempt = 0; attempt < 5; attempt++) {
                        try {
                            int status = http.send(
                                            request("GET", "/api/users/" + author + "/collection/" + id, null, null)
                                                    .build(),
                                            HttpResponse.BodyHandlers.discarding())
                                    .statusCode();
                            if (status == 200 || status == 404) {
                                answer = Integer.toString(status);
                                break;
                            }
                        } catch (IOException ex) {
                            // asked again below
                        }
                        Thread.sleep(1000);
                    }
                    answers.merge(answer, 1L, Long::sum);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                } finally {
                    parallel.release();
                }
            });
        }
        parallel.acquire(8);
        checkers.shutdown();
        return new TreeMap<>(answers);
    }

    /** Every id in the author's collection, page by page. */
    private Set<Long> collection(String author) throws Exception {
        Set<Long> ids = new HashSet<>();
        Long cursor = null;
        while (true) {
            JsonNode page = setUp(
                    200,
                    "GET",
                    "/api/users/" + author + "/collection?limit=100" + (cursor == null ? "" : "&cursor=" + cursor),
                    null,
                    null);
            long last = -1;
            for (JsonNode item : page) {
                last = item.get("id").longValue();
                ids.add(last);
            }
            if (page.size() < 100) {
                return ids;
            }
            cursor = last;
        }
    }

    private String token(String username) throws Exception {
        return setUp(200, "POST", "/api/token", null, BenchClient.json("username", username, "password", PASSWORD))
                .get("token")
                .stringValue();
    }

    /** A call that must answer {@code expected}; asked again for up to 60 s while it does not. */
    private JsonNode setUp(int expected, String method, String path, String token, String body) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            try {
                HttpResponse<byte[]> response =
                        http.send(request(method, path, token, body).build(), HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() == expected) {
                    return BenchClient.JSON.readTree(response.body());
                }
                last = response.statusCode() + " " + new String(response.body(), StandardCharsets.UTF_8);
                if (response.statusCode() == 409 && path.equals("/api/users")) {
                    throw new IllegalStateException(method + " " + path + ": " + last);
                }
            } catch (IOException ex) {
                last = kind(ex, 0);
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(method + " " + path + " did not answer " + expected + ": " + last);
    }

    private HttpRequest.Builder request(String method, String path, String token, String body) {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(URI.create(base + path)).timeout(REQUEST_TIMEOUT);
        if (body != null) {
            builder.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        } else {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        }
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    /**
     * How a request failed without an answer: refused, timed out, or broken off. The JDK's client
     * reports a connect that timed out sometimes as a plain ConnectException: one that took the
     * whole connect timeout is counted as a timeout.
     */
    static String kind(Throwable failure, long millis) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof HttpConnectTimeoutException) {
                return "connect timeout";
            }
            if (c instanceof ConnectException) {
                return millis >= 1900 ? "connect timeout" : "connection refused";
            }
        }
        if (cause instanceof HttpTimeoutException) {
            return "timeout (outcome unknown)";
        }
        if (cause instanceof IOException) {
            return "connection broken (outcome unknown)";
        }
        return cause.getClass().getSimpleName();
    }

    private long marker(String name) {
        try {
            Path file = dir.resolve(name);
            return Files.exists(file) ? Long.parseLong(Files.readString(file).trim()) : -1;
        } catch (IOException | NumberFormatException ex) {
            return -1;
        }
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    private static String summary(Map<String, Object> result) {
        return "sent " + result.get("sent") + ", acknowledged " + result.get("acknowledged") + ", failed "
                + result.get("failed") + " " + result.get("failed_by_kind") + ", acknowledged lost "
                + result.get("acknowledged_lost") + ", stored unacknowledged " + result.get("stored_unacknowledged")
                + ", missing from the timeline " + result.get("timeline_missing") + ", converged "
                + result.get("converged_after_recovery_s") + " s after recovery";
    }

    private static void log(String message) {
        System.out.println("  " + message);
    }
}
