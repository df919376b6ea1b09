package dev.microposts.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.MicroPostsApplication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** A few seconds of the real benchmark against the monolith: the report comes out, with no errors. */
@SpringBootTest(
        classes = MicroPostsApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "microposts.data-dir=target/test-data/bench-${random.uuid}",
            "logging.level.dev.microposts.access=warn"
        })
class BenchSmokeTests {

    @LocalServerPort
    int port;

    @Test
    @SuppressWarnings("unchecked")
    void aQuickRunProducesTheReportWithoutErrors() throws Exception {
        Path dir = Path.of("target", "bench-smoke");
        Map<String, Object> result = Bench.run(Map.of(
                "url",
                "http://127.0.0.1:" + port,
                "topology",
                "monolith-h2",
                "quick",
                "true",
                "pids",
                Long.toString(ProcessHandle.current().pid())));
        Bench.write(dir.resolve("monolith-h2.json"), result);
        var scenarios = (Map<String, Map<String, Object>>) result.get("scenarios");
        assertThat(scenarios).containsOnlyKeys("read-one", "compose", "mix", "timeline");
        scenarios.forEach((name, figures) -> {
            assertThat(((Number) figures.get("errors")).longValue())
                    .as(name + " errors")
                    .isZero();
            assertThat(((Number) figures.get("completed")).longValue()).as(name).isPositive();
        });
        assertThat(((Number) result.get("cpu_seconds_per_1000_requests")).doubleValue())
                .isPositive();

        Map<String, Object> large = Bench.large(Map.of(
                "url",
                "http://127.0.0.1:" + port,
                "topology",
                "monolith-h2-large",
                "users",
                "40",
                "posts",
                "2",
                "seconds",
                "1",
                "rate",
                "50"));
        var timeline = ((Map<String, Map<String, Object>>) large.get("scenarios")).get("timeline");
        assertThat(((Number) timeline.get("errors")).longValue()).isZero();
        assertThat(((Number) timeline.get("completed")).longValue()).isPositive();
        Bench.write(dir.resolve("monolith-h2-large.json"), large);

        Report.write(dir, dir.resolve("report.md"), dir.resolve("report.svg"));
        assertThat(Files.readString(dir.resolve("report.md")))
                .contains("| monolith-h2 |")
                .contains("| 40 | ");
        assertThat(Files.readString(dir.resolve("report.svg"))).startsWith("<svg");
    }
}
