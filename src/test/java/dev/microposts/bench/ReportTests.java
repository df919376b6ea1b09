package dev.microposts.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ReportTests {

    @Test
    void percentilesComeFromTheHistogramInMilliseconds() {
        Histogram micros = new Histogram(60_000_000, 3);
        for (int i = 1; i <= 1000; i++) {
            micros.recordValue(i * 1000L);
        }
        OpenLoop.Summary summary = OpenLoop.Summary.of(micros);
        assertThat(summary.p50()).isCloseTo(500, within(1.0));
        assertThat(summary.p90()).isCloseTo(900, within(1.0));
        assertThat(summary.p99()).isCloseTo(990, within(1.0));
        assertThat(summary.p999()).isCloseTo(999, within(1.0));
        assertThat(summary.max()).isCloseTo(1000, within(1.0));
        assertThat(summary.count()).isEqualTo(1000);
    }

    @Test
    void maxSearchStepsUpThenBisectsBetweenTheLastRateThatHeldAndTheFirstThatDidNot() {
        List<Double> tried = new java.util.ArrayList<>();
        double found = OpenLoop.search(200, 1.3, 20_000, 2, rate -> {
            tried.add(rate);
            return rate <= 800;
        });
        // 200, 260, 338, 439.4, 571.2, 742.6 held; 965.4 did not; then 846.7 (no), 792.9 (yes)
        assertThat(tried).hasSize(9);
        assertThat(found).isCloseTo(792.9, within(0.1));
        assertThat(found / 800).isGreaterThan(1 / Math.pow(1.3, 0.25));
    }

    @Test
    void maxSearchReportsNothingWhenTheFirstRateFailsAndStopsAtTheCeiling() {
        assertThat(OpenLoop.search(200, 1.3, 20_000, 2, rate -> false)).isZero();
        List<Double> tried = new java.util.ArrayList<>();
        assertThat(OpenLoop.search(50, 2, 100, 2, rate -> tried.add(rate))).isEqualTo(100);
        assertThat(tried).containsExactly(50.0, 100.0);
    }

    @Test
    void throughputCountsOnlySuccessesPerSecond() {
        var result = new OpenLoop.Result(
                "mix", 100, 10, 1000, 990, new TreeMap<>(Map.of(200, 990L, 503, 10L)), new Histogram(3));
        assertThat(result.throughput()).isEqualTo(99.0);
        assertThat(result.errors()).isEqualTo(10);
        assertThat(result.errorRate()).isEqualTo(0.01);
    }

    @Test
    void ratiosAndCostsAreRelativeToTheMonolith() {
        assertThat(Report.ratio(50, 200)).isEqualTo(0.25);
        assertThat(Report.ratio(1, 0)).isNaN();
        assertThat(Report.perThousand(3.0, 6000)).isEqualTo(0.5);
        assertThat(Report.perThousand(3.0, 0)).isNaN();
        assertThat(Report.fmt(Double.NaN, 2)).isEqualTo("–");
    }

    @Test
    void theReportShowsEveryTopologyWithItsRatio() {
        JsonNode monolith = result("monolith-h2", 1000, 2.0);
        JsonNode micro = result("microservices", 600, 3.0);
        String markdown = Report.markdown(List.of(monolith, micro), "chart.svg");
        assertThat(markdown)
                .contains("| monolith-h2 | 1000 | 1.00 |")
                .contains("| microservices | 600 | 0.60 |")
                .contains("![latency and capacity per topology](chart.svg)");
        assertThat(Chart.svg(List.of(monolith, micro)))
                .startsWith("<svg")
                .contains("microservices")
                .endsWith("</svg>\n");
    }

    @Test
    void theCeilingComesFromWrksReportWithEveryErrorCounted() {
        String report = """
				Running 10s test @ http://127.0.0.1:8080/api/users/u/collection/1
				  2 threads and 32 connections
				  Thread Stats   Avg      Stdev     Max   +/- Stdev
				    Latency     1.56ms    1.10ms  22.48ms   88.12%
				  213400 requests in 10.01s, 120.13MB read
				  Socket errors: connect 0, read 2, write 0, timeout 1
				  Non-2xx or 3xx responses: 7
				Requests/sec:  21319.41
				Transfer/sec:     12.00MB
				""";
        var ceiling = Ceiling.parse(report);
        assertThat(ceiling)
                .containsEntry("throughput", 21319.41)
                .containsEntry("completed", 213400L)
                .containsEntry("errors", 10L);
        assertThat(Ceiling.parse("Requests/sec: 100.5\n")).containsEntry("errors", 0L);
    }

    @Test
    void theCeilingWarmsUpWhileTheRateStillRisesByMoreThanThreePercent() {
        assertThat(Ceiling.stillRising(0, 9_000)).isTrue();
        assertThat(Ceiling.stillRising(9_000, 9_400)).isTrue();
        assertThat(Ceiling.stillRising(9_400, 9_600)).isFalse();
        assertThat(Ceiling.stillRising(9_600, 9_100)).isFalse();
    }

    @Test
    void theCeilingTableSetsEachTopologyBesideNginx() {
        var nginx = BenchClient.JSON.valueToTree(Map.of(
                "topology", "nginx-static", "ceiling", Map.of("read-one", Map.of("throughput", 80000.0, "errors", 0))));
        var monolith = (tools.jackson.databind.node.ObjectNode) result("monolith-h2", 1000, 2.0);
        monolith.set(
                "ceiling",
                BenchClient.JSON.valueToTree(
                        Map.of("read-one", Map.of("throughput", 20000.0, "errors", 0, "warm-up-seconds", 45))));
        String markdown = Report.markdown(List.of(monolith, (JsonNode) nginx), "chart.svg");
        assertThat(markdown)
                .contains("### Read-one ceiling")
                .contains("| monolith-h2 | 20000 | 1.00 | 0.250 | 0 | 45 |")
                .contains("| nginx-static | 80000 | 4.00 | 1.000 | 0 | – |");
    }

    @Test
    void theGrowthTableSetsEachSizeBesideTheSmallest() {
        JsonNode postgres = result("monolith-postgres", 1000, 2.0);
        JsonNode small = growth(1000, 41607, 20000, 8.0);
        JsonNode large = growth(100000, 4000000, 1000000, 6.0);
        String markdown = Report.markdown(List.of(postgres, large, small), "chart.svg");
        assertThat(markdown)
                .contains("### Home timeline read as the data grows (monolith-postgres-large")
                .contains("| 1000 | 41607 | 20000 | 60 | 1.50 | 8.00 | 1.00 | 0 |")
                .contains("| 100000 | 4000000 | 1000000 | 60 | 1.50 | 6.00 | 0.75 | 0 |")
                .doesNotContain("| monolith-postgres-large |");
        assertThat(markdown.indexOf("| 1000 | 41607")).isLessThan(markdown.indexOf("| 100000 |"));
    }

    private static JsonNode growth(int users, int follows, int microposts, double p99) {
        var timeline = Map.of("rate", 200, "throughput", 200, "errors", 0, "p50_ms", 1.5, "p99_ms", p99);
        return BenchClient.JSON.valueToTree(Map.of(
                "topology",
                "monolith-postgres-large",
                "profile",
                "large",
                "users",
                users,
                "follows",
                follows,
                "microposts",
                microposts,
                "load_seconds",
                60.0,
                "scenarios",
                Map.of("timeline", timeline)));
    }

    private static JsonNode result(String topology, double mixMax, double p50) {
        var scenario = Map.of(
                "rate",
                300,
                "throughput",
                300,
                "errors",
                0,
                "p50_ms",
                p50,
                "p90_ms",
                p50 * 2,
                "p99_ms",
                p50 * 4,
                "p999_ms",
                p50 * 8);
        var out = Map.of(
                "topology",
                topology,
                "scenarios",
                Map.of("read-one", scenario, "compose", scenario, "mix", scenario, "timeline", scenario),
                "max",
                Map.of(
                        "mix",
                        Map.of("throughput", mixMax, "p99_ms", 9.0),
                        "read-one",
                        Map.of("throughput", mixMax * 3)),
                "cpu_seconds_per_1000_requests",
                0.5,
                "peak_rss_mib",
                400.0,
                "processes",
                1,
                "propagation",
                Map.of("p50_ms", 10.0, "p99_ms", 20.0, "max_ms", 30.0));
        return BenchClient.JSON.valueToTree(out);
    }
}
