package dev.microposts.posts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.MicroPostsApplication;
import dev.microposts.contract.Api;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A create sent with an Idempotency-Key can be retried safely: the same key and body by the same
 * author answers the first answer again and creates nothing, also when the retries race; the same
 * key with another body is 422.
 */
@SpringBootTest(
        classes = MicroPostsApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "microposts.data-dir=target/test-data/idempotency-${random.uuid}")
class IdempotencyKeyTests {

    @LocalServerPort
    int port;

    Api api;
    String author;
    String token;

    @BeforeEach
    void user() {
        api = new Api("http://127.0.0.1:" + port);
        author = api.register("idem");
        token = api.token(author);
    }

    private Api.Response create(String key, String text) {
        return api.post("/api/users/" + author + "/collection", token, Api.json("text", text), "Idempotency-Key", key);
    }

    @Test
    void aRetryWithTheSameKeyAndBodyAnswersTheFirstAnswerAndCreatesNothing() {
        Api.Response first = create("retry-1", "only once");
        Api.Response again = create("retry-1", "only once");
        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.json()).isEqualTo(first.json());
        assertThat(again.header("Location")).isEqualTo(first.header("Location"));
        assertThat(api.get("/api/users/" + author + "/collection").json()).hasSize(1);
        // without a key, the same body is a new micropost
        assertThat(api.post("/api/users/" + author + "/collection", token, Api.json("text", "only once"))
                        .status())
                .isEqualTo(201);
        assertThat(api.get("/api/users/" + author + "/collection").json()).hasSize(2);
    }

    @Test
    void theSameKeyWithAnotherBodyIs422AndCreatesNothing() {
        assertThat(create("reused", "first").status()).isEqualTo(201);
        Api.Response other = create("reused", "second");
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.contentType()).startsWith("application/problem+json");
        assertThat(api.get("/api/users/" + author + "/collection").json()).hasSize(1);
    }

    @Test
    void racingRetriesCreateOneMicropost() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Callable<Api.Response>> retries = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            retries.add(() -> create("race", "raced"));
        }
        List<Long> ids = new ArrayList<>();
        for (Future<Api.Response> response : pool.invokeAll(retries)) {
            assertThat(response.get().status()).isEqualTo(201);
            ids.add(response.get().json().get("id").longValue());
        }
        pool.shutdown();
        assertThat(ids).containsOnly(ids.get(0));
        assertThat(api.get("/api/users/" + author + "/collection").json()).hasSize(1);
    }

    @Test
    void keysAreTheAuthorsOwn() {
        String other = api.register("idem_other");
        Api.Response mine = create("shared-key", "mine");
        Api.Response theirs = api.post(
                "/api/users/" + other + "/collection",
                api.token(other),
                Api.json("text", "theirs"),
                "Idempotency-Key",
                "shared-key");
        assertThat(theirs.status()).isEqualTo(201);
        assertThat(theirs.json().get("id")).isNotEqualTo(mine.json().get("id"));
    }

    @Test
    void aMalformedKeyIs400() {
        Api.Response tooLong = create("k".repeat(256), "text");
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().get("errors").get(0).get("field").stringValue())
                .isEqualTo("Idempotency-Key");
        assertThat(create("tab\tkey", "text").status()).isEqualTo(400);
        assertThat(api.get("/api/users/" + author + "/collection").json()).isEmpty();
    }
}
