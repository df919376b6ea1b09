package dev.microposts.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.MicroPostsApplication;
import dev.microposts.contract.Api;
import dev.microposts.contract.Api.Response;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * {@code X-Forwarded-*} from a trusted proxy (the default list holds loopback, where the tests
 * connect from) set every URL the service writes; a malformed one is ignored, never an error.
 */
@SpringBootTest(
        classes = MicroPostsApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "microposts.data-dir=target/test-data/web-edge-${random.uuid}")
class ForwardedHeadersTests {

    @LocalServerPort
    int port;

    private Api api() {
        return new Api("http://127.0.0.1:" + port);
    }

    private Response register(String... headers) {
        String username = Api.uniqueName("fwd");
        return api().post("/api/users", null, Api.json("username", username, "password", "password123"), headers);
    }

    /** The answer of a registration, whose Location must be the user's href, absolute and parseable. */
    private static String location(Response created) {
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String location = created.header("Location");
        assertThat(created.json().get("href").stringValue()).isEqualTo(location);
        assertThat(URI.create(location).isAbsolute()).isTrue();
        return location;
    }

    @Test
    void fromATrustedProxyTheyAreHonoured() {
        String location = location(register(
                "X-Forwarded-Proto",
                "https",
                "X-Forwarded-Host",
                "proxy.example.org",
                "X-Forwarded-Prefix",
                "/micro/"));
        assertThat(location).startsWith("https://proxy.example.org/micro/api/users/fwd_");
        assertThat(location(register("X-Forwarded-Host", "proxy.example.org", "X-Forwarded-Port", "8443")))
                .startsWith("http://proxy.example.org:8443/api/users/");
    }

    @Test
    void aMalformedPrefixIsIgnored() {
        assertThat(location(register("X-Forwarded-Prefix", "/a b"))).startsWith(api().base() + "/api/users/fwd_");
        assertThat(location(register("X-Forwarded-Prefix", "no-leading-slash"))).startsWith(api().base() + "/api/");
        assertThat(location(register("X-Forwarded-Prefix", "/%zz"))).startsWith(api().base() + "/api/");
        // the others of the same request still count
        assertThat(location(register("X-Forwarded-Prefix", "/a b", "X-Forwarded-Host", "proxy.example.org")))
                .startsWith("http://proxy.example.org/api/users/");
    }

    @Test
    void aMalformedHostProtoOrPortIsIgnored() {
        assertThat(location(register("X-Forwarded-Host", "a b"))).startsWith(api().base() + "/api/users/");
        assertThat(location(register("X-Forwarded-Host", "proxy.example.org:abc")))
                .startsWith(api().base() + "/api/");
        assertThat(location(register("X-Forwarded-Host", "proxy.example.org/evil")))
                .startsWith(api().base() + "/api/");
        assertThat(location(register("X-Forwarded-Proto", "ht tp"))).startsWith(api().base() + "/api/");
        assertThat(location(register("X-Forwarded-Host", "proxy.example.org", "X-Forwarded-Port", "abc")))
                .startsWith("http://proxy.example.org/api/users/");

        String username = api().register("fwdread");
        Response read = api().get("/api/users/" + username, "X-Forwarded-Port", "abc");
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        assertThat(read.json().get("href").stringValue()).isEqualTo(api().base() + "/api/users/" + username);
        Response list = api().get(
                        "/api/users/" + username + "/collection",
                        "X-Forwarded-Host",
                        "a b",
                        "X-Forwarded-Prefix",
                        "/a b",
                        "X-Forwarded-Port",
                        "99999");
        assertThat(list.status()).as(list.body()).isEqualTo(200);
    }
}
