package dev.microposts.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.contract.Api;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A backend that dies while the router copies its answer: the router never answers a generic 500.
 * A write whose outcome it cannot know says so (502 with the type "outcome unknown", so a client
 * knows to retry with its Idempotency-Key); a read is a plain 502 (bad gateway).
 */
class BrokenBackendTests {

    private static ServerSocket backend;
    private static ConfigurableApplicationContext router;
    private static Api api;

    @BeforeAll
    static void start() throws IOException {
        backend = new ServerSocket(0);
        Thread server = new Thread(BrokenBackendTests::serve, "broken-backend");
        server.setDaemon(true);
        server.start();
        String url = "http://127.0.0.1:" + backend.getLocalPort();
        RouterInFront inFront = RouterInFront.of(url, "broken-backend");
        router = inFront.context();
        api = inFront.api();
    }

    @AfterAll
    static void stop() throws IOException {
        router.close();
        backend.close();
    }

    /** Answers every request with headers and the start of a chunked body, then hangs up. */
    private static void serve() {
        while (!backend.isClosed()) {
            try (Socket socket = backend.accept()) {
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[8192];
                StringBuilder request = new StringBuilder();
                while (!request.toString().contains("\r\n\r\n")) {
                    int read = in.read(buffer);
                    if (read < 0) {
                        break;
                    }
                    request.append(new String(buffer, 0, read, StandardCharsets.ISO_8859_1));
                }
                OutputStream out = socket.getOutputStream();
                out.write(
                        ("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                                        + "40\r\n{\"href\":\"http://x/api/users/a/collection/1\",\"id\":1,")
                                .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                socket.setSoLinger(true, 0); // reset, as a process killed mid-answer does
            } catch (IOException ex) {
                // the next connection
            }
        }
    }

    @Test
    void aWriteWhoseAnswerBrokeOffIsA502ThatSaysTheOutcomeIsUnknown() {
        Api.Response response = api.post("/api/users/alice/collection", "token", Api.json("text", "hello"));
        assertThat(response.status()).isEqualTo(502);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("type").stringValue()).isEqualTo(RouterProblems.OUTCOME_UNKNOWN);
        assertThat(response.json().get("detail").stringValue()).contains("Idempotency-Key");
    }

    @Test
    void aReadWhoseAnswerBrokeOffIsABadGateway() {
        Api.Response response = api.get("/api/users/alice/collection");
        assertThat(response.status()).isEqualTo(502);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("type").stringValue()).isEqualTo(RouterProblems.BAD_GATEWAY);
    }
}
