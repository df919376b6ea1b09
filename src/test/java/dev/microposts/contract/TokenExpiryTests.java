package dev.microposts.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.MicroPostsApplication;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** A token stops working at its {@code expires_at}, with no leeway. */
@SpringBootTest(
        classes = MicroPostsApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"microposts.data-dir=target/test-data/expiry-${random.uuid}", "microposts.token.ttl=PT2S"})
class TokenExpiryTests {

    @LocalServerPort
    int port;

    @Test
    void anExpiredTokenIs401() throws InterruptedException {
        Api api = new Api("http://127.0.0.1:" + port);
        String user = api.register("expiry");
        var login = api.post("/api/token", null, Api.json("username", user, "password", "password123"));
        String token = login.json().get("token").stringValue();
        Instant expiresAt = Instant.parse(login.json().get("expires_at").stringValue());
        assertThat(api.createPost(user, token, "still valid").get("id").asLong())
                .isPositive();
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), expiresAt).toMillis()) + 1100);
        var expired = api.post("/api/users/" + user + "/collection", token, Api.json("text", "too late"));
        ContractTests.assertProblem(expired, 401);
        assertThat(expired.header("WWW-Authenticate")).startsWith("Bearer");
    }
}
