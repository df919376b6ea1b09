package dev.microposts.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShadowDiffsTests {

    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

    private static ShadowResponse json(String body) {
        return new ShadowResponse(200, JSON, body.getBytes(StandardCharsets.UTF_8));
    }

    private static String post(int id, String text, String nonce, long at) {
        return "{\"items\":[{\"id\":" + id + ",\"text\":\"" + text + "\",\"at\":" + at + "}],\"nonce\":\"" + nonce
                + "\",\"next\":null}";
    }

    @Test
    void twoBackendsThatDifferInOneFieldAreReportedOnThatFieldAndNowhereElse() {
        ShadowDiffs diffs = new ShadowDiffs();
        for (int i = 0; i < 1000; i++) {
            String same = post(i, "hello " + i, "n", 7);
            String changed = post(i, "HELLO " + i, "n", 7);
            diffs.record("timeline", json(same), json(same), json(changed));
        }
        ShadowDiffs.Report report = diffs.report("timeline");
        assertThat(report.compared()).isEqualTo(1000);
        assertThat(report.fields()).extracting(ShadowDiffs.FieldReport::path).containsExactly("body.items[0].text");
        ShadowDiffs.FieldReport text = report.field("body.items[0].text");
        assertThat(text.raw()).isEqualTo(1000);
        assertThat(text.noise()).isZero();
        assertThat(text.relative()).isEqualTo(100.0);
        assertThat(text.difference()).isTrue();
        assertThat(text.examples()).hasSize(20);
        ShadowDiffs.Example last = text.examples().get(19);
        assertThat(last.primaryValue()).isEqualTo("\"hello 999\"");
        assertThat(last.secondaryValue()).isEqualTo("\"hello 999\"");
        assertThat(last.candidateValue()).isEqualTo("\"HELLO 999\"");
        assertThat(last.primary())
                .startsWith("200\nContent-Type: application/json\n\n{")
                .contains("hello 999");
        assertThat(last.candidate()).contains("HELLO 999");
    }

    @Test
    void aFieldThatDiffersInEveryAnswerIsCancelledAsNoise() {
        ShadowDiffs diffs = new ShadowDiffs();
        long clock = 1_000;
        for (int i = 0; i < 500; i++) {
            String primary = post(i, "t", UUID.randomUUID().toString(), clock++);
            String secondary = post(i, "t", UUID.randomUUID().toString(), clock++);
            String candidate = post(i, "t", UUID.randomUUID().toString(), clock++);
            diffs.record("timeline", json(primary), json(secondary), json(candidate));
        }
        ShadowDiffs.Report report = diffs.report("timeline");
        assertThat(report.fields())
                .extracting(ShadowDiffs.FieldReport::path)
                .containsExactlyInAnyOrder("body.nonce", "body.items[0].at");
        assertThat(report.differences()).isEmpty();
        ShadowDiffs.FieldReport nonce = report.field("body.nonce");
        assertThat(nonce.raw()).isEqualTo(500);
        assertThat(nonce.noise()).isEqualTo(500);
        assertThat(nonce.relative()).isZero();
    }

    @Test
    void aFieldThatIsSometimesNoisyIsCancelledAndARealChangeOnTopOfNoiseIsNot() {
        ShadowDiffs diffs = new ShadowDiffs();
        Random random = new Random(42);
        for (int i = 0; i < 2000; i++) {
            // the order of two items is not stable: half the answers swap them
            String stable = "[{\"id\":1},{\"id\":2}]";
            String swapped = "[{\"id\":2},{\"id\":1}]";
            String primary = random.nextBoolean() ? stable : swapped;
            String secondary = random.nextBoolean() ? stable : swapped;
            String candidate = random.nextBoolean() ? stable : swapped;
            diffs.record("noisy", json(primary), json(secondary), json(candidate));
            // a rank that is noisy in 10% of the answers, and that the candidate gets wrong in 30%
            String p = "{\"rank\":" + (random.nextInt(10) == 0 ? 2 : 1) + "}";
            String s = "{\"rank\":" + (random.nextInt(10) == 0 ? 2 : 1) + "}";
            String c = "{\"rank\":" + (random.nextInt(10) < 3 ? 2 : 1) + "}";
            diffs.record("ranked", json(p), json(s), json(c));
        }
        assertThat(diffs.report("noisy").differences()).isEmpty();
        assertThat(diffs.report("noisy").field("body[0].id").raw()).isBetween(800L, 1200L);
        assertThat(diffs.report("ranked").differences())
                .extracting(ShadowDiffs.FieldReport::path)
                .containsExactly("body.rank");
    }

    @Test
    void statusAndHeaderDifferencesAreReportedWithHeaderNamesCaseInsensitive() {
        ShadowDiffs diffs = new ShadowDiffs();
        byte[] body = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);
        ShadowResponse primary = new ShadowResponse(
                200, Map.of("content-type", "application/json", "LINK", "</p?page=2>; rel=\"next\""), body);
        ShadowResponse secondary = new ShadowResponse(
                200, Map.of("Content-Type", "application/json", "Link", "</p?page=2>; rel=\"next\""), body);
        ShadowResponse candidate = new ShadowResponse(
                201,
                Map.of(
                        "Content-Type",
                        "application/json",
                        "Location",
                        "/posts/1",
                        "X-Other",
                        "ignored",
                        "Set-Cookie",
                        "secret"),
                body);
        for (int i = 0; i < 10; i++) {
            diffs.record("create", primary, secondary, candidate);
        }
        ShadowDiffs.Report report = diffs.report("create");
        assertThat(report.differences())
                .extracting(ShadowDiffs.FieldReport::path)
                .containsExactly("header.Link", "header.Location", "status");
        assertThat(report.fields()).hasSize(3);
        ShadowDiffs.Example example = report.field("header.Location").examples().get(0);
        assertThat(example.primaryValue()).isEqualTo(ShadowDiffs.ABSENT);
        assertThat(example.candidateValue()).isEqualTo("/posts/1");
        assertThat(example.candidate())
                .startsWith("201\n")
                .doesNotContain("secret")
                .doesNotContain("X-Other");
        assertThat(report.field("status").examples().get(0).candidateValue()).isEqualTo("201");
    }

    @Test
    void nonJsonBodiesAreComparedWhole() {
        ShadowDiffs diffs = new ShadowDiffs();
        Map<String, String> html = Map.of("Content-Type", "text/html");
        ShadowResponse a = new ShadowResponse(200, html, "<p>hi</p>".getBytes(StandardCharsets.UTF_8));
        ShadowResponse b = new ShadowResponse(200, html, "<p>ho</p>".getBytes(StandardCharsets.UTF_8));
        diffs.record("page", a, a, a);
        diffs.record("page", a, a, b);
        ShadowDiffs.Report report = diffs.report("page");
        assertThat(report.compared()).isEqualTo(2);
        assertThat(report.fields()).extracting(ShadowDiffs.FieldReport::path).containsExactly("body");
        assertThat(report.field("body").raw()).isEqualTo(1);
        assertThat(report.field("body").examples().get(0).candidate()).endsWith("<p>ho</p>");

        // JSON that does not parse is a body too; an empty body is one
        ShadowDiffs other = new ShadowDiffs();
        other.record("broken", json("{\"a\":1}"), json("{\"a\":1}"), json("{\"a\":"));
        other.record("broken", json(""), json(""), json(""));
        assertThat(other.report("broken").fields())
                .extracting(ShadowDiffs.FieldReport::path)
                .containsExactlyInAnyOrder("body", "body.a");
        // JSON without a JSON content type is still compared by field
        assertThat(new ShadowDiffs()
                        .fields(new ShadowResponse(200, null, "{\"a\":1}".getBytes(StandardCharsets.UTF_8))))
                .containsEntry("body.a", "1");
    }

    @Test
    void bigArraysAreReportedByElementAndBeyondTheLimitTogether() {
        ShadowDiffs diffs = new ShadowDiffs();
        StringBuilder one = new StringBuilder("{\"items\":[");
        StringBuilder two = new StringBuilder("{\"items\":[");
        for (int i = 0; i < 20_000; i++) {
            String sep = i == 0 ? "" : ",";
            one.append(sep).append("{\"id\":").append(i).append('}');
            two.append(sep)
                    .append("{\"id\":")
                    .append(i == 3 || i == 15_000 ? -i : i)
                    .append('}');
        }
        String a = one.append("]}").toString();
        String b = two.append("]}").toString();
        diffs.record("list", json(a), json(a), json(b));
        ShadowDiffs.Report report = diffs.report("list");
        assertThat(report.fields())
                .extracting(ShadowDiffs.FieldReport::path)
                .containsExactlyInAnyOrder("body.items[3].id", "body.items[100..]");
        ShadowDiffs.Example example =
                report.field("body.items[3].id").examples().get(0);
        assertThat(example.primary().length()).isLessThan(4096 + 100);
        assertThat(example.primary()).endsWith("… (" + a.length() + " bytes)");
    }

    @Test
    void hostileDepthIsBoundedAndReportedAtTheCap() {
        ShadowDiffs diffs = new ShadowDiffs();
        int depth = 10_000;
        String a = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
        String b = "{\"a\":".repeat(depth) + "2" + "}".repeat(depth);
        diffs.record("deep", json(a), json(a), json(b));
        ShadowDiffs.Report report = diffs.report("deep");
        String capped = "body" + ".a".repeat(JsonFields.Limits.DEFAULT.maxDepth());
        assertThat(report.fields()).extracting(ShadowDiffs.FieldReport::path).containsExactly(capped);
        assertThat(report.field(capped).difference()).isTrue();
    }

    @Test
    void examplesAreCappedAtNAndAreTheLastOnes() {
        ShadowDiffs diffs = new ShadowDiffs(new ShadowDiffs.NoiseRule(20, 0.03, 5));
        for (int i = 0; i < 50; i++) {
            diffs.record("g", json("{\"v\":" + i + "}"), json("{\"v\":" + i + "}"), json("{\"v\":-1}"));
        }
        List<ShadowDiffs.Example> examples = diffs.report("g").field("body.v").examples();
        assertThat(examples)
                .extracting(ShadowDiffs.Example::primaryValue)
                .containsExactly("45", "46", "47", "48", "49");
        ShadowDiffs none = new ShadowDiffs(new ShadowDiffs.NoiseRule(20, 0.03, 0));
        none.record("g", json("{\"v\":1}"), json("{\"v\":1}"), json("{\"v\":2}"));
        assertThat(none.report("g").field("body.v").examples()).isEmpty();
        assertThat(none.report("g").field("body.v").raw()).isEqualTo(1);
    }

    @Test
    void diffysRuleWithItsThresholds() {
        ShadowDiffs.NoiseRule rule = ShadowDiffs.NoiseRule.DEFAULT;
        // not more than noise
        assertThat(rule.isDifference(5, 5, 100)).isFalse();
        assertThat(rule.isDifference(4, 5, 100)).isFalse();
        // relative: (3 - 2) / 5 = 20% is not more than 20%; (4 - 2) / 6 = 33% is
        assertThat(rule.isDifference(3, 2, 100)).isFalse();
        assertThat(rule.isDifference(4, 2, 100)).isTrue();
        // absolute: 3 of 10,000 = 0.03% is not more than 0.03%; 4 of 10,000 is
        assertThat(rule.isDifference(3, 0, 10_000)).isFalse();
        assertThat(rule.isDifference(4, 0, 10_000)).isTrue();
        assertThat(rule.isDifference(0, 0, 0)).isFalse();

        ShadowDiffs diffs = new ShadowDiffs();
        for (int i = 0; i < 10_000; i++) {
            String p = "{\"v\":1}";
            diffs.record("rare", json(p), json(p), json(i < 3 ? "{\"v\":2}" : p));
            diffs.record("less rare", json(p), json(p), json(i < 4 ? "{\"v\":2}" : p));
        }
        assertThat(diffs.report("rare").field("body.v").difference()).isFalse();
        assertThat(diffs.report("rare").field("body.v").absolute())
                .isEqualTo(0.03, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(diffs.report("less rare").field("body.v").difference()).isTrue();

        ShadowDiffs strict = new ShadowDiffs(new ShadowDiffs.NoiseRule(0, 0, 1));
        strict.record("g", json("{\"v\":1}"), json("{\"v\":1}"), json("{\"v\":2}"));
        assertThat(strict.report("g").differences()).hasSize(1);
    }

    @Test
    void groupsAreSeparateAndPathsAreBounded() {
        ShadowDiffs diffs = new ShadowDiffs(
                ShadowDiffs.NoiseRule.DEFAULT,
                new ShadowDiffs.Limits(2, 3, 64, JsonFields.Limits.DEFAULT),
                java.time.Clock.systemUTC());
        diffs.record("a", json("{\"x\":1}"), json("{\"x\":1}"), json("{\"x\":2}"));
        diffs.record("b", json("{\"x\":1}"), json("{\"x\":1}"), json("{\"x\":1}"));
        diffs.record("c", json("{\"x\":1}"), json("{\"x\":1}"), json("{\"x\":1}"));
        assertThat(diffs.all()).containsOnlyKeys("a", "b", ShadowDiffs.OTHER);
        assertThat(diffs.report("a").compared()).isEqualTo(1);
        assertThat(diffs.report("b").fields()).isEmpty();
        assertThat(diffs.report("nothing").compared()).isZero();

        diffs.record(
                "a", json("{\"p\":1,\"q\":1,\"r\":1,\"s\":1}"), json("{\"p\":1,\"q\":1,\"r\":1,\"s\":1}"), json("{}"));
        assertThat(diffs.report("a").fields()).hasSizeLessThanOrEqualTo(3 + 1);
        assertThat(diffs.report("a").field(ShadowDiffs.OTHER)).isNotNull();
        // the paths beyond the bound are counted once per request together
        assertThat(diffs.report("a").field(ShadowDiffs.OTHER).raw()).isEqualTo(1);

        diffs.clear("a");
        assertThat(diffs.report("a").compared()).isZero();
    }

    @Test
    void recordsFromSeveralThreadsAreCountedExactly() throws Exception {
        ShadowDiffs diffs = new ShadowDiffs(new ShadowDiffs.NoiseRule(20, 0.03, 3));
        int threads = 8;
        int each = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String group = t % 2 == 0 ? "even" : "odd";
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < each; i++) {
                    String p = "{\"id\":" + i + ",\"n\":\"" + i + "\"}";
                    String c = "{\"id\":" + (i % 4 == 0 ? -1 : i) + ",\"n\":\"x\"}";
                    diffs.record(group, json(p), json(p), json(c));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        for (String group : List.of("even", "odd")) {
            ShadowDiffs.Report report = diffs.report(group);
            assertThat(report.compared()).isEqualTo(4L * each);
            assertThat(report.field("body.id").raw()).isEqualTo(4L * each / 4);
            assertThat(report.field("body.n").raw()).isEqualTo(4L * each);
            assertThat(report.field("body.id").noise()).isZero();
            assertThat(report.field("body.id").examples()).hasSize(3);
        }
    }
}
