package dev.microposts.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * One report from the result files of one run: markdown tables with every figure and the ratio of
 * each topology to the monolith on H2, and an SVG chart of latency percentiles and capacity.
 */
final class Report {

    static final String BASELINE = "monolith-h2";
    static final List<String> ORDER =
            List.of("monolith-h2", "monolith-postgres", "microservices", "routed-monolith", "nginx-static");

    private Report() {}

    /** {@code value / baseline}, or NaN when the baseline is missing or zero. */
    static double ratio(double value, double baseline) {
        return baseline == 0 || Double.isNaN(baseline) ? Double.NaN : value / baseline;
    }

    /** CPU seconds per 1,000 requests. */
    static double perThousand(double cpuSeconds, long requests) {
        return requests == 0 ? Double.NaN : cpuSeconds * 1000.0 / requests;
    }

    static void write(Path in, Path markdown, Path chart) throws Exception {
        List<JsonNode> results = new ArrayList<>();
        try (Stream<Path> files = Files.list(in)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                results.add(BenchClient.JSON.readTree(Files.readString(file)));
            }
        }
        results.sort((a, b) -> Integer.compare(rank(a), rank(b)));
        Files.createDirectories(markdown.toAbsolutePath().getParent());
        Files.writeString(markdown, markdown(results, chart.getFileName().toString()));
        Files.writeString(
                chart, Chart.svg(results.stream().filter(r -> !isLarge(r)).toList()));
    }

    private static int rank(JsonNode result) {
        int index = ORDER.indexOf(result.get("topology").stringValue());
        return index < 0 ? ORDER.size() : index;
    }

    /** A result of the growth runs (only the timeline scenario, shown in its own table). */
    static boolean isLarge(JsonNode result) {
        return result.has("profile") && result.get("profile").stringValue().equals("large");
    }

    static String markdown(List<JsonNode> all, String chartName) {
        List<JsonNode> results = all.stream().filter(r -> !isLarge(r)).toList();
        List<JsonNode> large = all.stream().filter(Report::isLarge).toList();
        JsonNode base = find(results, BASELINE);
        JsonNode nginx = find(results, "nginx-static");
        JsonNode machine = all.isEmpty() ? null : all.get(0).get("machine");
        StringBuilder md = new StringBuilder();
        md.append("Run of ").append(LocalDate.now()).append(" on ");
        if (machine != null) {
            md.append(machine.get("cpu").stringValue())
                    .append(", ")
                    .append(machine.get("cores").asInt())
                    .append(" cores, ")
                    .append(machine.get("memory_gib").asInt())
                    .append(" GiB; load generator on ")
                    .append(machine.get("load_generator_jdk").stringValue())
                    .append(", ")
                    .append(machine.get("os").stringValue());
        }
        md.append(". Server JVMs, load generator and databases share the machine.\n\n");
        JsonNode first =
                results.stream().filter(r -> r.has("users")).findFirst().orElse(null);
        if (first != null) {
            md.append("Dataset: ")
                    .append(first.get("users").asInt())
                    .append(" users, ")
                    .append(first.get("follows").asInt())
                    .append(" follows, ")
                    .append(first.get("microposts").asInt())
                    .append(" microposts, loaded through the public API.\n\n");
        }

        md.append("### Latency at a fixed offered rate (open loop, ms)\n\n");
        md.append(
                "| topology | read-one p50 | read-one p99 | compose p50 | compose p99 | mix p50 | mix p90 | mix p99 | mix p99.9 | timeline p50 | timeline p99 | errors |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (JsonNode r : results) {
            if (!r.has("scenarios")) {
                continue;
            }
            JsonNode s = r.get("scenarios");
            long errors = 0;
            for (JsonNode scenario : s) {
                errors += scenario.get("errors").asLong();
            }
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d |\n",
                    r.get("topology").stringValue(),
                    num(s, "read-one", "p50_ms"),
                    num(s, "read-one", "p99_ms"),
                    num(s, "compose", "p50_ms"),
                    num(s, "compose", "p99_ms"),
                    num(s, "mix", "p50_ms"),
                    num(s, "mix", "p90_ms"),
                    num(s, "mix", "p99_ms"),
                    num(s, "mix", "p999_ms"),
                    num(s, "timeline", "p50_ms"),
                    num(s, "timeline", "p99_ms"),
                    errors));
        }
        if (first != null) {
            JsonNode s = first.get("scenarios");
            md.append(String.format(
                    Locale.ROOT,
                    "\nOffered rates: read-one %.0f/s, compose %.0f/s, mix %.0f/s, timeline (home timeline, limit=10) %s/s.\n",
                    s.get("read-one").get("rate").asDouble(),
                    s.get("compose").get("rate").asDouble(),
                    s.get("mix").get("rate").asDouble(),
                    fmt(value(s, "timeline", "rate"), 0)));
        }

        md.append("\n### Highest sustainable rate (p99 within the bound, under 0.1% errors)\n\n");
        md.append("| topology | mix req/s | × monolith | mix p99 ms | read-one req/s | × monolith | × nginx |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        for (JsonNode r : results) {
            double mix = value(r, "max", "mix", "throughput");
            double readOne = value(r, "max", "read-one", "throughput");
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | %s | %s | %s |\n",
                    r.get("topology").stringValue(),
                    fmt(mix, 0),
                    fmt(ratio(mix, value(base, "max", "mix", "throughput")), 2),
                    fmt(value(r, "max", "mix", "p99_ms"), 2),
                    fmt(readOne, 0),
                    fmt(ratio(readOne, value(base, "max", "read-one", "throughput")), 2),
                    fmt(ratio(readOne, value(nginx, "max", "read-one", "throughput")), 3)));
        }

        if (results.stream().anyMatch(r -> !Double.isNaN(value(r, "ceiling", "read-one", "throughput")))) {
            md.append("\n### Read-one ceiling (wrk: native closed-loop client, 2 threads, ")
                    .append(Ceiling.CONNECTIONS)
                    .append(" connections; measured after warm-up rounds until the rate rose by under 3%)\n\n");
            md.append("| topology | read-one req/s | × monolith | × nginx | errors | warm-up s |\n");
            md.append("|---|---|---|---|---|---|\n");
            for (JsonNode r : results) {
                double ceiling = value(r, "ceiling", "read-one", "throughput");
                md.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %s | %s | %s | %s |\n",
                        r.get("topology").stringValue(),
                        fmt(ceiling, 0),
                        fmt(ratio(ceiling, value(base, "ceiling", "read-one", "throughput")), 2),
                        fmt(ratio(ceiling, value(nginx, "ceiling", "read-one", "throughput")), 3),
                        fmt(value(r, "ceiling", "read-one", "errors"), 0),
                        fmt(value(r, "ceiling", "read-one", "warm-up-seconds"), 0)));
            }
        }

        md.append("\n### Cost and propagation\n\n");
        md.append(
                "| topology | processes | CPU-s per 1,000 requests | × monolith | peak RSS MiB | × monolith | propagation p50 ms | p99 ms | max ms |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (JsonNode r : results) {
            if (!r.has("cpu_seconds_per_1000_requests")) {
                continue;
            }
            double cpu = r.get("cpu_seconds_per_1000_requests").asDouble();
            double rss = r.get("peak_rss_mib").asDouble();
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %s | %s | %s | %s | %s | %s | %s |\n",
                    r.get("topology").stringValue(),
                    r.get("processes").asInt(),
                    fmt(cpu, 3),
                    fmt(ratio(cpu, value(base, "cpu_seconds_per_1000_requests")), 2),
                    fmt(rss, 0),
                    fmt(ratio(rss, value(base, "peak_rss_mib")), 2),
                    fmt(value(r, "propagation", "p50_ms"), 1),
                    fmt(value(r, "propagation", "p99_ms"), 1),
                    fmt(value(r, "propagation", "max_ms"), 1)));
        }
        JsonNode routed = find(results, "routed-monolith");
        if (routed != null && base != null) {
            md.append(String.format(
                    Locale.ROOT,
                    "\nThe router in front of the monolith adds %s ms to the mix p50 (%s → %s ms) and %s ms to the "
                            + "read-one p50 (%s → %s ms) at the same offered rates.\n",
                    fmt(value(routed, "scenarios", "mix", "p50_ms") - value(base, "scenarios", "mix", "p50_ms"), 2),
                    fmt(value(base, "scenarios", "mix", "p50_ms"), 2),
                    fmt(value(routed, "scenarios", "mix", "p50_ms"), 2),
                    fmt(
                            value(routed, "scenarios", "read-one", "p50_ms")
                                    - value(base, "scenarios", "read-one", "p50_ms"),
                            2),
                    fmt(value(base, "scenarios", "read-one", "p50_ms"), 2),
                    fmt(value(routed, "scenarios", "read-one", "p50_ms"), 2)));
        }
        if (!large.isEmpty()) {
            List<JsonNode> sizes = large.stream()
                    .sorted((a, b) -> Double.compare(value(a, "microposts"), value(b, "microposts")))
                    .toList();
            double smallest = value(sizes.get(0), "scenarios", "timeline", "p99_ms");
            md.append("\n### Home timeline read as the data grows (")
                    .append(sizes.get(0).get("topology").stringValue())
                    .append(": each size loaded into an empty database")
                    .append(
                            sizes.get(0).has("loader")
                                    ? " (loader: " + sizes.get(0).get("loader").stringValue() + ")"
                                    : "")
                    .append(", then the same reads at the same rate)\n\n");
            md.append(
                    "| users | follows | microposts | load s | timeline p50 ms | p99 ms | p99 × smallest | errors |\n");
            md.append("|---|---|---|---|---|---|---|---|\n");
            for (JsonNode row : sizes) {
                md.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %s | %s | %s | %s | %s | %s |\n",
                        fmt(value(row, "users"), 0),
                        fmt(value(row, "follows"), 0),
                        fmt(value(row, "microposts"), 0),
                        fmt(value(row, "load_seconds"), 0),
                        fmt(value(row, "scenarios", "timeline", "p50_ms"), 2),
                        fmt(value(row, "scenarios", "timeline", "p99_ms"), 2),
                        fmt(ratio(value(row, "scenarios", "timeline", "p99_ms"), smallest), 2),
                        fmt(value(row, "scenarios", "timeline", "errors"), 0)));
            }
        }
        md.append("\n![latency and capacity per topology](").append(chartName).append(")\n");
        return md.toString();
    }

    static JsonNode find(List<JsonNode> results, String topology) {
        return results.stream()
                .filter(r -> r.get("topology").stringValue().equals(topology))
                .findFirst()
                .orElse(null);
    }

    static double value(JsonNode node, String... path) {
        JsonNode current = node;
        for (String step : path) {
            if (current == null || !current.has(step)) {
                return Double.NaN;
            }
            current = current.get(step);
        }
        return current.asDouble();
    }

    private static String num(JsonNode scenarios, String scenario, String field) {
        return fmt(value(scenarios, scenario, field), 2);
    }

    static String fmt(double value, int decimals) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
