package dev.microposts.platform.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.MicroPostsApplication;
import dev.microposts.contract.Api;
import dev.microposts.contract.Api.Response;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The monolith runs every caller of every module itself: it serves no internal endpoint, on its
 * public port they are unknown paths (404), whatever the request carries. (The same context as
 * {@code ForwardedHeadersTests}.)
 */
@SpringBootTest(
        classes = MicroPostsApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "microposts.data-dir=target/test-data/web-edge-${random.uuid}")
class MonolithInternalEndpointsTests {

    @LocalServerPort
    int port;

    @Test
    void theMonolithAnswersInternalPathsLikeAnyUnknownPath() {
        Api api = new Api("http://127.0.0.1:" + port);
        String author = api.register("internal");
        api.createPost(author, api.token(author), "one");
        for (String path : new String[] {
            "/internal/posts/users/" + author + "/recent?limit=1000",
            "/internal/posts/users/" + author + "/recent",
            "/internal/accounts/users/" + author + "/exists"
        }) {
            Response response = api.get(path);
            assertThat(response.status()).as(path + ": " + response.body()).isEqualTo(404);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(api.get(path, InternalEndpoints.HEADER, "x".repeat(40)).status())
                    .isEqualTo(404);
        }
    }
}
