package dev.microposts.router;

import static dev.microposts.router.RouterControlPlaneTests.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** What the router's public port on Reactor Netty does that its Tomcat did not, and its guards. */
class PublicPortTests {

    @Test
    void onlyAPlainOriginFormTargetIsRoutedOnNetty() {
        for (String plain : List.of(
                "/api/users",
                "/api/users/alice_1/collection?page=2&q=a%20b",
                "/api/users/a.b/collection/7",
                "/.well-known/oauth-protected-resource",
                "/api/users/x?q=%2e%2e")) {
            assertThat(PublicPort.plainPath(plain)).as(plain).isTrue();
        }
        for (String odd : List.of(
                "",
                "*",
                "http://evil.example/api/users",
                "/api/users/%2e%2e/internal",
                "/api/users/../internal/x",
                "/api/users/./x",
                "/api/users/..",
                "/api/users/.",
                "/api//users",
                "/api/users;jsessionid=1",
                "/api/users\\x",
                "/api/users/%61lice",
                "/api/users/ü",
                "/api/users?q=ü")) {
            assertThat(PublicPort.plainPath(odd)).as(odd).isFalse();
        }
    }

    @Test
    void theBackstageBelievesTheClientsAddressOnlyFromItsOwnPublicPort() throws Exception {
        Backstage backstage = new Backstage("s3cret");
        for (String header : List.of("s3cret 203.0.113.7", "guess 203.0.113.7", "s3cret")) {
            MockHttpServletRequest request = new MockHttpServletRequest("GET", "/v3/api-docs");
            request.setRemoteAddr("127.0.0.1");
            request.addHeader(PublicPort.FRONT_HEADER, header);
            MockFilterChain chain = new MockFilterChain();
            backstage.doFilter(request, new MockHttpServletResponse(), chain);
            var passed = (jakarta.servlet.http.HttpServletRequest) chain.getRequest();
            assertThat(passed.getRemoteAddr())
                    .as(header)
                    .isEqualTo(header.equals("s3cret 203.0.113.7") ? "203.0.113.7" : "127.0.0.1");
            assertThat(passed.getHeader(PublicPort.FRONT_HEADER)).as(header).isNull();
            assertThat(java.util.Collections.list(passed.getHeaderNames()))
                    .as(header)
                    .doesNotContain(PublicPort.FRONT_HEADER);
        }
    }

    /**
     * Requests waiting in a hold hold no thread: more of them than Tomcat has request threads (200)
     * wait in one group while another group's requests are answered at once, and all of them are
     * answered once the hold is released.
     */
    @Test
    void aHoldParksMoreRequestsThanTheServletStackHadThreadsAndOtherGroupsGoOn() throws Exception {
        try (HttpBackend backend = new HttpBackend("base")) {
            int adminPort = freePort();
            ConfigurableApplicationContext router = RouterControlPlaneTests.startRouter(
                    backend,
                    "target/test-data/router-public-" + UUID.randomUUID(),
                    adminPort,
                    "microposts.router.hold.queue=400",
                    "microposts.router.hold.max-wait=20s");
            try {
                String publicUrl =
                        "http://127.0.0.1" + ":" + router.getEnvironment().getProperty("local.server.port");
                var admin = new RouterControlPlaneTests.Admin("http://127.0.0.1:" + adminPort);
                admin.expect(200, "POST", "/admin/routes/posts/hold", "{\"max\":\"20s\"}");
                HttpClient http = HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(5))
                        .executor(java.util.concurrent.Executors.newFixedThreadPool(8))
                        .build();
                List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
                // two clients: one JDK client keeps at most 200 requests in flight
                HttpClient second = HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(5))
                        .executor(java.util.concurrent.Executors.newFixedThreadPool(8))
                        .build();
                for (int i = 0; i < 300; i++) {
                    held.add((i % 2 == 0 ? http : second)
                            .sendAsync(
                                    HttpRequest.newBuilder(URI.create(publicUrl + "/api/users/u" + i + "/collection"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString()));
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (admin.expect(200, "GET", "/admin/routes/posts", null)
                                        .path("hold")
                                        .path("waiting")
                                        .asInt()
                                < 300
                        && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(admin.expect(200, "GET", "/admin/routes/posts", null)
                                .path("hold")
                                .path("waiting")
                                .asInt())
                        .isEqualTo(300);
                long started = System.nanoTime();
                HttpResponse<String> other = http.send(
                        HttpRequest.newBuilder(URI.create(publicUrl + "/api/users/someone/followers"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(other.statusCode()).isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
                assertThat(held).noneMatch(CompletableFuture::isDone);

                admin.expect(200, "DELETE", "/admin/routes/posts/hold", null);
                for (CompletableFuture<HttpResponse<String>> request : held) {
                    assertThat(request.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
                }
                assertThat(backend.received.get()).isEqualTo(301);
            } finally {
                router.close();
            }
        }
    }

    /** Stopping the router lets a request that is at its backend finish there and reach its client. */
    @Test
    void aRequestInFlightIsAnsweredWhenTheRouterStops() throws Exception {
        try (HttpBackend backend = new HttpBackend("base")) {
            backend.delayMillis = 1500;
            ConfigurableApplicationContext router =
                    RouterInFront.of(backend.url(), "router-stopping").context();
            String publicUrl = "http://127.0.0.1:" + router.getEnvironment().getProperty("local.server.port");
            CompletableFuture<HttpResponse<String>> inFlight = HttpClient.newHttpClient()
                    .sendAsync(
                            HttpRequest.newBuilder(URI.create(publicUrl + "/api/users/alice"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (backend.received.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            router.close();
            HttpResponse<String> answer = inFlight.get(10, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).contains("\"backend\":\"base\"");
        }
    }

    /**
     * A backend added with a trailing slash, a target in absolute form, a client that leaves
     * during a write, and a backend that never answers: each as the servlet path had them.
     */
    @Test
    void slashesAbsoluteTargetsClientsThatLeaveAndStalledBackends() throws Exception {
        try (HttpBackend backend = new HttpBackend("base")) {
            int adminPort = freePort();
            // a command-line argument: it wins over the topology's default of 30 s
            ConfigurableApplicationContext router = new org.springframework.boot.builder.SpringApplicationBuilder(
                            dev.microposts.MicroPostsApplication.class)
                    .properties(
                            "microposts.modules=router",
                            "microposts.data-dir=target/test-data/router-public-" + UUID.randomUUID(),
                            "microposts.accounts.url=" + backend.url(),
                            "microposts.posts.url=" + backend.url(),
                            "microposts.social.url=" + backend.url(),
                            "microposts.timeline.url=" + backend.url(),
                            "microposts.router.admin-port=" + adminPort,
                            "microposts.router.admin-token=" + RouterControlPlaneTests.TOKEN)
                    .run("--server.port=0", "--spring.http.clients.read-timeout=1s");
            try {
                int port = router.getEnvironment().getProperty("local.server.port", Integer.class);
                String publicUrl = "http://127.0.0.1:" + port;
                var admin = new RouterControlPlaneTests.Admin("http://127.0.0.1:" + adminPort);
                HttpClient http = HttpClient.newHttpClient();

                admin.expect(200, "PUT", "/admin/routes/posts", """
                        {"backends":[{"name":"slashed","url":"%s/","weight":100}]}""".formatted(backend.url()));
                HttpResponse<String> slashed = http.send(
                        HttpRequest.newBuilder(URI.create(publicUrl + "/api/users/ann/collection"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(slashed.statusCode()).isEqualTo(200);
                assertThat(slashed.body()).contains("\"path\":\"/api/users/ann/collection\"");

                String absolute =
                        raw(port, "GET " + publicUrl + "/api/users/ann/collection HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(absolute).startsWith("HTTP/1.1 200");
                assertThat(raw(port, "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 400");

                // the client of a write leaves; the write is in flight until its backend answers
                backend.delayMillis = 1500;
                try (java.net.Socket leaving = new java.net.Socket("127.0.0.1", port)) {
                    leaving.getOutputStream()
                            .write(
                                    ("POST /api/users/ann/collection HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                                    + "Content-Length: 2\r\n\r\n{}")
                                            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                    Thread.sleep(300);
                }
                Thread.sleep(300);
                assertThat(admin.expect(200, "GET", "/admin/routes/posts", null)
                                .path("inFlight")
                                .asInt())
                        .isEqualTo(1);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (admin.expect(200, "GET", "/admin/routes/posts", null)
                                        .path("inFlight")
                                        .asInt()
                                > 0
                        && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(admin.expect(200, "GET", "/admin/routes/posts", null)
                                .path("inFlight")
                                .asInt())
                        .isZero();

                // a backend slower than the read timeout (1 s here, 30 s by default): 502
                backend.delayMillis = 3000;
                long started = System.nanoTime();
                HttpResponse<String> stalled = http.send(
                        HttpRequest.newBuilder(URI.create(publicUrl + "/api/users/ann/collection"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(stalled.statusCode()).isEqualTo(502);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2500));
                backend.delayMillis = 0;
            } finally {
                router.close();
            }
        }
    }

    private static String raw(int port, String request) throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            byte[] head = new byte[12];
            int read = socket.getInputStream().readNBytes(head, 0, head.length);
            return new String(head, 0, read, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }
}
