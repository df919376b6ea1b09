package dev.microposts.web;

import dev.microposts.MicroPostsApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The web client's journey in real browsers against the monolith (H2), which serves it at {@code /}. */
@SpringBootTest(
        classes = MicroPostsApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "microposts.data-dir=target/test-data/web-client-${random.uuid}")
class MonolithWebClientTests extends WebClientJourney {

    @LocalServerPort
    int port;

    @Override
    protected String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    protected String topology() {
        return "monolith";
    }
}
