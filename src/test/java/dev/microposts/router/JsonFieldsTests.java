package dev.microposts.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JsonFieldsTests {

    private final JsonFields json = new JsonFields();

    private Map<String, String> flat(String text) {
        return flat(json, text);
    }

    private static Map<String, String> flat(JsonFields json, String text) {
        Optional<Map<String, String>> fields = json.flatten("body", text.getBytes(StandardCharsets.UTF_8));
        assertThat(fields).as("parsed %s", text).isPresent();
        return fields.get();
    }

    @Test
    void objectsArraysAndLeavesArePaths() {
        Map<String, String> fields =
                flat("{\"items\":[{\"id\":1,\"text\":\"hi\"},{\"id\":2.50,\"text\":null}],\"more\":true,\"next\":{}}");
        assertThat(fields)
                .containsOnly(
                        entry("body", "object"),
                        entry("body.items", "array"),
                        entry("body.items[0]", "object"),
                        entry("body.items[0].id", "1"),
                        entry("body.items[0].text", "\"hi\""),
                        entry("body.items[1]", "object"),
                        entry("body.items[1].id", "2.5"),
                        entry("body.items[1].text", "null"),
                        entry("body.items.length", "2"),
                        entry("body.more", "true"),
                        entry("body.next", "object"));
    }

    @Test
    void typeChangesMissingAndNullAreDifferentValues() {
        assertThat(flat("{\"a\":\"1\"}")).containsEntry("body.a", "\"1\"");
        assertThat(flat("{\"a\":1}")).containsEntry("body.a", "1");
        assertThat(flat("{\"a\":null}")).containsEntry("body.a", "null");
        assertThat(flat("{\"a\":[]}")).containsEntry("body.a", "array").containsEntry("body.a.length", "0");
        assertThat(flat("{\"a\":{}}")).containsEntry("body.a", "object");
        assertThat(flat("{}")).doesNotContainKey("body.a");
    }

    @Test
    void numbersAreComparedByValue() {
        assertThat(flat("[1, 1.0, 1e0, 100, 1E2, -0, 0.000, 12345678901234567890123]"))
                .containsEntry("body[0]", "1")
                .containsEntry("body[1]", "1")
                .containsEntry("body[2]", "1")
                .containsEntry("body[3]", "100")
                .containsEntry("body[4]", "100")
                .containsEntry("body[5]", "0")
                .containsEntry("body[6]", "0")
                .containsEntry("body[7]", "12345678901234567890123");
        assertThat(flat("[1e300]")).containsEntry("body[0]", "1E+300");
    }

    @Test
    void oddMemberNamesAreQuoted() {
        assertThat(flat("{\"a.b\":1,\"x[0]\":2,\"q\\\"\":3,\"ok_1\":4}"))
                .containsEntry("body[\"a.b\"]", "1")
                .containsEntry("body[\"x[0]\"]", "2")
                .containsEntry("body[\"q\\\"\"]", "3")
                .containsEntry("body.ok_1", "4");
    }

    @Test
    void longMemberNamesAreShortenedWithADigest() {
        String a = "a".repeat(1000) + "x";
        String b = "a".repeat(1000) + "y";
        Map<String, String> fields = flat("{\"" + a + "\":1,\"" + b + "\":2}");
        assertThat(fields).hasSize(3);
        assertThat(fields.keySet()).allSatisfy(path -> assertThat(path.length()).isLessThan(100));
    }

    @Test
    void scalarsAtTheRoot() {
        assertThat(flat("\"hello\"")).containsOnly(entry("body", "\"hello\""));
        assertThat(flat(" 42 ")).containsOnly(entry("body", "42"));
    }

    @Test
    void notJsonIsEmpty() {
        for (String text : new String[] {"", "<html>", "{\"a\":", "{} {}", "[1,2", "{\"a\" 1}", "hello"}) {
            assertThat(json.flatten("body", text.getBytes(StandardCharsets.UTF_8)))
                    .as(text)
                    .isEmpty();
        }
        assertThat(json.flatten("body", null)).isEmpty();
    }

    @Test
    void bigArraysAreComparedElementByElementUpToTheLimitThenDigested() {
        StringBuilder one = new StringBuilder("[");
        StringBuilder two = new StringBuilder("[");
        for (int i = 0; i < 100_000; i++) {
            one.append(i == 0 ? "" : ",").append(i);
            two.append(i == 0 ? "" : ",").append(i == 99_999 ? -1 : i);
        }
        Map<String, String> first = flat(one.append("]").toString());
        Map<String, String> second = flat(two.append("]").toString());
        assertThat(first).hasSize(1 + 100 + 1 + 1).containsEntry("body.length", "100000");
        assertThat(first.get("body[100..]")).startsWith("sha256:");
        assertThat(second.get("body[100..]")).isNotEqualTo(first.get("body[100..]"));
        assertThat(second.get("body[99]")).isEqualTo(first.get("body[99]"));
    }

    @Test
    void hostileDepthIsCappedWithoutStackOverflowAndReportedAtTheCap() {
        int depth = 10_000;
        String one = "[".repeat(depth) + "1" + "]".repeat(depth);
        String two = "[".repeat(depth) + "2" + "]".repeat(depth);
        Map<String, String> first = flat(one);
        Map<String, String> second = flat(two);
        String capped = "body" + "[0]".repeat(JsonFields.Limits.DEFAULT.maxDepth());
        assertThat(first.get(capped)).startsWith("depth-capped array sha256:");
        assertThat(second.get(capped)).isNotEqualTo(first.get(capped));
        assertThat(first).hasSize(2 * JsonFields.Limits.DEFAULT.maxDepth() + 1);
        first.remove(capped);
        second.remove(capped);
        assertThat(second).isEqualTo(first);

        String objects = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
        assertThat(flat(objects)).containsKey("body" + ".a".repeat(JsonFields.Limits.DEFAULT.maxDepth()));
    }

    @Test
    void fieldsBeyondTheBudgetAreDigestedTogether() {
        JsonFields small = new JsonFields(new JsonFields.Limits(64, 100, 10, 64));
        Map<String, String> fields = flat(small, "{\"a\":[1,2,3,4,5,6,7,8,9,10,11,12]}");
        assertThat(fields).hasSize(11).containsKey("body.(truncated)");
        Map<String, String> other = flat(small, "{\"a\":[1,2,3,4,5,6,7,8,9,10,11,13]}");
        assertThat(other.get("body.(truncated)")).isNotEqualTo(fields.get("body.(truncated)"));
    }
}
