package dev.microposts.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microposts.platform.core.FieldError;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonBodyTests {

    private static JsonBody parse(String json) {
        return JsonBody.parse("application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    private static int status(Runnable action) {
        try {
            action.run();
            return 200;
        } catch (ApiProblem problem) {
            return problem.status().value();
        }
    }

    @Test
    void distinguishesAbsentNullAndValue() {
        JsonBody body = parse("{\"a\": \"x\", \"b\": null}");
        assertThat(body.string("a")).isEqualTo(new JsonBody.Field<>(true, "x"));
        assertThat(body.string("b")).isEqualTo(new JsonBody.Field<>(true, null));
        assertThat(body.string("c").present()).isFalse();
        body.validate();
    }

    @Test
    void collectsEveryFieldError() {
        JsonBody body = parse("{\"a\": 1, \"b\": null}");
        body.requiredString("a");
        body.requiredString("b");
        body.requiredString("c");
        assertThatThrownBy(body::validate).isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.errors())
                .extracting(FieldError::field)
                .containsExactly("a", "b", "c"));
    }

    @Test
    void answers400ForNonObjectsAndBrokenJsonAnd415ForOtherMediaTypes() {
        assertThat(status(() -> parse("[1]"))).isEqualTo(400);
        assertThat(status(() -> parse("{"))).isEqualTo(400);
        assertThat(status(() -> parse("null"))).isEqualTo(400);
        assertThat(status(() -> JsonBody.parse(null, new byte[0]))).isEqualTo(400);
        assertThat(status(() -> JsonBody.parse("text/plain", "{}".getBytes()))).isEqualTo(415);
        assertThat(status(() -> JsonBody.parse("application/merge-patch+json", "{}".getBytes())))
                .isEqualTo(200);
        assertThat(status(() -> JsonBody.parse("application/json; charset=utf-8", "{}".getBytes())))
                .isEqualTo(200);
    }
}
