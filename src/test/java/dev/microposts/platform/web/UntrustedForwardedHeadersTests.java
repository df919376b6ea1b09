package dev.microposts.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.MicroPostsApplication;
import dev.microposts.contract.Api;
import dev.microposts.contract.Api.Response;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * {@code X-Forwarded-*} from a peer that is not a trusted proxy are ignored: here the trusted list
 * leaves out loopback, where the tests connect from, so they are such a peer.
 */
@SpringBootTest(
        classes = MicroPostsApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "microposts.data-dir=target/test-data/untrusted-forwarded-${random.uuid}",
            "microposts.forwarded.trusted-proxies=10.0.0.0/8,fc00::/7"
        })
class UntrustedForwardedHeadersTests {

    private static final String[] FORWARDED = {
        "X-Forwarded-Proto",
        "https",
        "X-Forwarded-Host",
        "evil.example",
        "X-Forwarded-Port",
        "8443",
        "X-Forwarded-Prefix",
        "/evil",
        "Forwarded",
        "host=evil.example;proto=https"
    };

    @LocalServerPort
    int port;

    @Test
    void fromAnyoneElseTheyAreIgnoredInHrefsLocationsAndLinks() {
        Api api = new Api("http://127.0.0.1:" + port);
        String base = api.base();
        String username = Api.uniqueName("untrusted");
        Response created =
                api.post("/api/users", null, Api.json("username", username, "password", "password123"), FORWARDED);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo(base + "/api/users/" + username);
        assertThat(created.json().get("timeline").stringValue())
                .isEqualTo(base + "/api/users/" + username + "/timeline");

        String token = api.token(username);
        Response post = api.post("/api/users/" + username + "/collection", token, Api.json("text", "one"), FORWARDED);
        assertThat(post.header("Location")).startsWith(base + "/api/users/" + username + "/collection/");
        api.createPost(username, token, "two");
        Response list = api.get("/api/users/" + username + "/collection?limit=1", FORWARDED);
        assertThat(list.next()).startsWith(base + "/api/users/" + username + "/collection?");
        assertThat(list.json().get(0).get("href").stringValue()).startsWith(base + "/api/users/");
    }
}
