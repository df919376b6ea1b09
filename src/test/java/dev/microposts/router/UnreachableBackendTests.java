package dev.microposts.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.contract.Api;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A module's process too busy to take a connection (its accept queue full, as under overload): the
 * router's connect times out and nothing was sent, so even a write is a plain 503 "unavailable,
 * try again", not a 502 "the outcome is unknown".
 */
class UnreachableBackendTests {

    private static ServerSocket busy;
    private static final List<SocketChannel> queued = new ArrayList<>();
    private static ConfigurableApplicationContext router;
    private static Api api;

    @BeforeAll
    static void start() throws IOException {
        // a listening socket that never accepts, its queue filled: the kernel drops further SYNs
        busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), busy.getLocalPort());
        for (int i = 0; i < 8; i++) {
            SocketChannel channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.connect(address);
            queued.add(channel);
        }
        String url = "http://127.0.0.1:" + busy.getLocalPort();
        RouterInFront inFront = RouterInFront.of(url, "unreachable-backend");
        router = inFront.context();
        api = inFront.api();
    }

    @AfterAll
    static void stop() throws IOException {
        if (router != null) {
            router.close();
        }
        for (SocketChannel channel : queued) {
            channel.close();
        }
        busy.close();
    }

    @Test
    void aWriteThatCouldNotConnectIsA503ThatSaysTryAgain() {
        long started = System.nanoTime();
        Api.Response response = api.post("/api/users/alice/collection", "token", Api.json("text", "hello"));
        assertThat(response.status()).as(response.body()).isEqualTo(503);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("type").stringValue()).isEqualTo(RouterProblems.UNAVAILABLE);
        assertThat(response.headers().entrySet().stream()
                        .filter(header -> header.getKey().equalsIgnoreCase("Retry-After"))
                        .flatMap(header -> header.getValue().stream()))
                .containsExactly("1");
        // within the router's connect timeout (1 s), give or take a busy machine
        assertThat((System.nanoTime() - started) / 1e9).isLessThan(15);
    }

    @Test
    void aReadThatCouldNotConnectIsA503Too() {
        Api.Response response = api.get("/api/users/alice/collection");
        assertThat(response.status()).as(response.body()).isEqualTo(503);
        assertThat(response.json().get("type").stringValue()).isEqualTo(RouterProblems.UNAVAILABLE);
    }
}
