package dev.microposts.platform.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.microposts.platform.topology.RemoteModules.ModuleUnavailable;
import dev.microposts.platform.topology.RemoteModules.Remote;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/**
 * The remote binding against a real HTTP server (the JDK's) that answers 503 before it answers:
 * an idempotent read is asked again and succeeds, a write is sent once and surfaces as
 * unavailable, a 4xx or a timeout is not repeated, and the attempts are bounded.
 */
class RemoteModulesRetryTests {

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    /** Status of each next request (then 200); an entry of 0 answers after the read timeout. */
    private final Deque<Integer> statuses = new ArrayDeque<>();

    private Remote posts;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
        MockEnvironment environment = new MockEnvironment()
                .withProperty(
                        "microposts.posts.url",
                        "http://127.0.0.1:" + server.getAddress().getPort())
                .withProperty("microposts.remote.read-timeout", "300ms");
        posts = new RemoteModules(MicropostsProperties.of(environment)).of(ModuleId.POSTS);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        Integer status;
        synchronized (statuses) {
            status = statuses.poll();
        }
        if (status != null && status == 0) {
            sleep(1_000);
            status = 200;
        }
        byte[] body = (status == null || status == 200 ? "\"answered\"" : "{}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status == null ? 200 : status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private void failFirst(Integer... answers) {
        synchronized (statuses) {
            statuses.addAll(java.util.List.of(answers));
        }
    }

    private String read() {
        return posts.read(
                () -> posts.client().get().uri("/internal/read").retrieve().body(String.class));
    }

    @Test
    void aReadThatFailsOnceWith503IsRetriedAndSucceeds() {
        failFirst(503);
        assertThat(read()).isEqualTo("\"answered\"");
        assertThat(requests).hasValue(2);
    }

    @Test
    void aWriteIsNeverRepeated() {
        failFirst(503);
        assertThatThrownBy(() -> posts.write(() -> posts.client()
                        .post()
                        .uri("/internal/write")
                        .body("{}")
                        .retrieve()
                        .body(String.class)))
                .isInstanceOf(ModuleUnavailable.class);
        assertThat(requests).hasValue(1);
    }

    @Test
    void readsAreRetriedABoundedNumberOfTimes() {
        failFirst(503, 502, 503, 503, 503);
        assertThatThrownBy(this::read).isInstanceOf(ModuleUnavailable.class);
        assertThat(requests).hasValue(3);
    }

    @Test
    void aClientErrorIsNotRetried() {
        failFirst(404);
        assertThatThrownBy(this::read).isNotInstanceOf(ModuleUnavailable.class);
        assertThat(requests).hasValue(1);
    }

    @Test
    void aReadThatTimedOutIsNotAskedAgain() {
        failFirst(0);
        assertThatThrownBy(this::read).isInstanceOf(ModuleUnavailable.class);
        assertThat(requests).hasValue(1);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
