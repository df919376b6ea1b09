package dev.microposts.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.microposts.MicroPostsApplication;
import dev.microposts.platform.topology.ModuleId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The router's public port routes a request on Reactor Netty ({@link PublicPort}); its Tomcat
 * routes the same request on Spring Cloud Gateway, as the router always has. For each request
 * here, sent byte for byte to each, the backend must receive the same request (method, target,
 * headers, body) and the client the same answer (status, headers, body), but for what differs by
 * nature: the port in the Host, a request id the router made up, the trace, the date.
 */
class PublicPortEquivalenceTests {

    /** A request as a client sends it, before the Host line. */
    record Exchange(String name, String head, String body) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** What the backend received, or what the client got. */
    record Message(String line, Map<String, List<String>> headers, String body) {}

    static HttpServer backend;
    static final List<Message> received = new CopyOnWriteArrayList<>();
    static ConfigurableApplicationContext router;

    @BeforeAll
    static void start() throws IOException {
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        backend.createContext("/", exchange -> {
            Map<String, List<String>> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Message(
                    exchange.getRequestMethod() + " " + exchange.getRequestURI().toString(), headers, body));
            String path = exchange.getRequestURI().getPath();
            var answer = exchange.getResponseHeaders();
            answer.add("Set-Cookie", "a=1; Path=/");
            answer.add("Set-Cookie", "b=2; Path=/");
            if (!path.endsWith("/uncached")) {
                answer.add("Cache-Control", "no-store");
            }
            answer.add("Vary", "Accept");
            answer.add("X-Request-Id", "the-module-s-copy");
            answer.add("X-Content-Type-Options", "nosniff");
            answer.add("Connection", "keep-alive");
            answer.add("Keep-Alive", "timeout=5");
            answer.add("Link", "</api/users/alice/collection?page=2>; rel=\"next\"");
            int status = 200;
            String reply = "{\"seen\":" + body.length() + "}";
            if (path.endsWith("/moved")) {
                answer.add("Location", "/api/users/elsewhere");
                status = 302;
            } else if (path.endsWith("/gone")) {
                status = 404;
                answer.add("Content-Type", "application/problem+json");
                reply = "{\"type\":\"about:blank\",\"status\":404}";
            } else if (exchange.getRequestMethod().equals("DELETE")) {
                status = 204;
                reply = null;
            } else if (exchange.getRequestMethod().equals("POST")) {
                status = 201;
                answer.add("Location", "/api/users/alice/collection/7");
                answer.add("Content-Type", "application/json");
            } else {
                answer.add("Content-Type", "application/json");
            }
            boolean head = exchange.getRequestMethod().equals("HEAD");
            byte[] bytes = reply == null ? new byte[0] : reply.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, reply == null ? -1 : bytes.length);
            if (!head && reply != null) {
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        backend.start();
        String url = "http://127.0.0.1:" + backend.getAddress().getPort();
        List<String> arguments = new ArrayList<>(List.of(
                "--server.port=0",
                "--microposts.modules=router",
                "--microposts.forwarded.trusted-proxies=127.0.0.0/8",
                "--microposts.data-dir=target/test-data/router-equivalence"));
        for (ModuleId module : ModuleId.BUSINESS) {
            arguments.add("--microposts." + module.id() + ".url=" + url);
        }
        router = new SpringApplicationBuilder(MicroPostsApplication.class).run(arguments.toArray(String[]::new));
    }

    @AfterAll
    static void stop() {
        if (router != null) {
            router.close();
        }
        if (backend != null) {
            backend.stop(0);
        }
    }

    static Stream<Exchange> exchanges() {
        String json = "{\"text\":\"hello, world\"}";
        return Stream.of(
                new Exchange(
                        "a read with a query and the usual headers",
                        "GET /api/users/alice/collection?page=2&q=a%20b HTTP/1.1\r\n"
                                + "Accept: application/json\r\nAccept-Language: de\r\nUser-Agent: probe/1\r\n"
                                + "Authorization: Bearer abc.def.ghi\r\nCookie: c=3\r\nX-Custom: one\r\nX-Custom: two\r\n",
                        ""),
                new Exchange(
                        "a write with a body",
                        "POST /api/users/alice/collection HTTP/1.1\r\nContent-Type: application/json\r\n"
                                + "Idempotency-Key: k-1\r\nAuthorization: Bearer t\r\n",
                        json),
                new Exchange(
                        "a replacement",
                        "PUT /api/users/alice/collection/7 HTTP/1.1\r\nContent-Type: application/json\r\n",
                        json),
                new Exchange(
                        "a merge patch",
                        "PATCH /api/users/alice/collection/7 HTTP/1.1\r\nContent-Type: application/merge-patch+json\r\n",
                        json),
                new Exchange("a delete", "DELETE /api/users/alice/collection/7 HTTP/1.1\r\n", ""),
                new Exchange("a HEAD", "HEAD /api/users/alice HTTP/1.1\r\n", ""),
                new Exchange(
                        "a write whose answer says nothing of caching",
                        "POST /api/users/uncached HTTP/1.1\r\nContent-Type: application/json\r\n",
                        "{}"),
                new Exchange(
                        "a read with credentials whose answer says nothing of caching",
                        "GET /api/users/uncached HTTP/1.1\r\nAuthorization: Bearer x\r\n",
                        ""),
                new Exchange(
                        "an anonymous read whose answer says nothing of caching",
                        "GET /api/users/uncached HTTP/1.1\r\n",
                        ""),
                new Exchange("a redirect", "GET /api/users/moved HTTP/1.1\r\n", ""),
                new Exchange("a 404 of the module", "GET /api/users/gone HTTP/1.1\r\n", ""),
                new Exchange("the resource metadata", "GET /.well-known/oauth-protected-resource HTTP/1.1\r\n", ""),
                new Exchange(
                        "a caller's request id and trace",
                        "GET /api/users/alice HTTP/1.1\r\nX-Request-Id: mine-1\r\n"
                                + "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r\n",
                        ""),
                new Exchange(
                        "a trusted proxy's forwarded headers",
                        "GET /api/users/alice HTTP/1.1\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: proxy.example\r\n"
                                + "X-Forwarded-Port: 443\r\nX-Forwarded-Prefix: /p\r\nX-Forwarded-For: 203.0.113.9\r\n"
                                + "Forwarded: host=evil.example\r\nX-Forwarded-Ssl: on\r\n",
                        ""),
                new Exchange(
                        "malformed forwarded headers",
                        "GET /api/users/alice HTTP/1.1\r\nX-Forwarded-Host: a b\r\nX-Forwarded-Prefix: /a b\r\n",
                        ""),
                new Exchange(
                        "hop-by-hop headers and the router's own",
                        "GET /api/users/alice HTTP/1.1\r\nConnection: keep-alive, X-Gone\r\nKeep-Alive: timeout=5\r\n"
                                + "TE: trailers\r\nX-MicroPosts-Admin-Token: nope\r\n",
                        ""),
                new Exchange(
                        "an offer of h2c, as the JDK's HttpClient makes",
                        "GET /api/users/alice HTTP/1.1\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                                + "HTTP2-Settings: AAEAAEAAAAIAAAABAAMAAABkAAQBAAAAAAUAAEAA\r\n",
                        ""),
                new Exchange(
                        "a pin without the credential",
                        "GET /api/users/alice HTTP/1.1\r\nX-MicroPosts-Backend: primary\r\n",
                        ""),
                new Exchange(
                        "a chunked body",
                        "POST /api/users/alice/collection HTTP/1.1\r\nContent-Type: application/json\r\n"
                                + "Transfer-Encoding: chunked\r\n",
                        json),
                new Exchange(
                        "a chunked body over the limit",
                        "POST /api/users/alice/collection HTTP/1.1\r\nContent-Type: application/json\r\n"
                                + "Transfer-Encoding: chunked\r\n",
                        "y".repeat(70_000)),
                new Exchange(
                        "a body over the limit",
                        "POST /api/users/alice/collection HTTP/1.1\r\nContent-Type: application/json\r\n",
                        "x".repeat(70_000)));
    }

    @ParameterizedTest
    @MethodSource("exchanges")
    void theBackendGetsTheSameRequestAndTheClientTheSameAnswerOnEitherStack(Exchange exchange) throws IOException {
        int publicPort = router.getEnvironment().getProperty("local.server.port", Integer.class);
        int backstagePort = router.getEnvironment().getProperty("local.router.backstage.port", Integer.class);
        assertThat(publicPort).isNotEqualTo(backstagePort);

        received.clear();
        double passedOn = backstaged();
        Message viaNetty = send(publicPort, exchange);
        assertThat(backstaged())
                .as("requests the public port passed on to Tomcat")
                .isEqualTo(passedOn);
        List<Message> nettySent = List.copyOf(received);
        received.clear();
        Message viaTomcat = send(backstagePort, exchange);
        List<Message> tomcatSent = List.copyOf(received);

        assertThat(normal(viaNetty, publicPort)).as("the client's answer").isEqualTo(normal(viaTomcat, backstagePort));
        assertThat(nettySent).hasSameSizeAs(tomcatSent);
        for (int i = 0; i < nettySent.size(); i++) {
            assertThat(normal(nettySent.get(i), publicPort))
                    .as("what the backend received")
                    .isEqualTo(normal(tomcatSent.get(i), backstagePort));
        }
    }

    private static double backstaged() {
        return router.getBean(io.micrometer.core.instrument.MeterRegistry.class)
                .get("router.backstage.requests")
                .counter()
                .count();
    }

    /** The message without what differs by nature between two requests and two ports. */
    private static Message normal(Message message, int port) {
        Map<String, List<String>> headers = new TreeMap<>();
        message.headers().forEach((name, values) -> {
            if (name.equals("traceparent") || name.equals("tracestate")) {
                return;
            }
            if (name.equals("date")) {
                headers.put(name, List.of("DATE"));
                return;
            }
            List<String> kept = values.stream()
                    .map(value -> value.replace(":" + port, ":PORT").replace(Integer.toString(port), "PORT"))
                    .map(value -> name.equals("x-request-id") && !value.startsWith("mine") ? "GENERATED" : value)
                    .toList();
            headers.put(name, kept);
        });
        // the Host is the backend's; connection headers are each hop's own; without a client's
        // User-Agent, the Gateway's client sent its own
        headers.remove("host");
        headers.remove("connection");
        String line = message.line();
        if (!line.startsWith("HTTP/")) {
            // what the backend received. The Gateway rebuilt three things that the public port
            // passes on as the client sent them: the query (its parameters regrouped by name),
            // the Content-Type (with the servlet container's charset added) and the body's framing
            // (chunked, and Content-Length: 0 on a DELETE without a body)
            headers.remove("content-length");
            headers.remove("transfer-encoding");
            headers.computeIfPresent("content-type", (name, values) -> values.stream()
                    .map(value -> value.replace(";charset=UTF-8", ""))
                    .toList());
            int query = line.indexOf('?');
            if (query > 0) {
                line = line.substring(0, query + 1)
                        + Stream.of(line.substring(query + 1).split("&"))
                                .sorted()
                                .collect(java.util.stream.Collectors.joining("&"));
            }
        }
        if (headers.getOrDefault("user-agent", List.of()).stream()
                .anyMatch(agent -> agent.startsWith("Apache-HttpClient"))) {
            headers.remove("user-agent");
        }
        return new Message(line, headers, message.body());
    }

    /** Sends a request on a connection of its own and reads the whole answer. */
    private static Message send(int port, Exchange exchange) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            byte[] body = exchange.body().getBytes(StandardCharsets.UTF_8);
            boolean chunked = exchange.head().contains("Transfer-Encoding: chunked");
            String head = exchange.head() + "Host: 127.0.0.1:" + port + "\r\n"
                    + (body.length > 0 && !chunked ? "Content-Length: " + body.length + "\r\n" : "")
                    + "\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            if (chunked) {
                int half = body.length / 2;
                for (byte[] chunk : List.of(
                        java.util.Arrays.copyOfRange(body, 0, half),
                        java.util.Arrays.copyOfRange(body, half, body.length))) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            } else {
                out.write(body);
            }
            out.flush();
            return read(socket.getInputStream(), exchange.head().startsWith("HEAD"));
        }
    }

    private static Message read(InputStream in, boolean head) throws IOException {
        ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            headBytes.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1
                    : 0;
        }
        String[] lines = headBytes.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        Map<String, List<String>> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(
                                lines[i].substring(0, colon).toLowerCase(Locale.ROOT), name -> new ArrayList<>())
                        .add(lines[i].substring(colon + 1).trim());
            }
        }
        String body = "";
        List<String> length = headers.get("content-length");
        String[] status = lines[0].split(" ", 3);
        boolean none = head || status[1].equals("204") || status[1].equals("304");
        if (!none && length != null) {
            body = new String(in.readNBytes(Integer.parseInt(length.get(0))), StandardCharsets.UTF_8);
        } else if (!none && headers.containsKey("transfer-encoding")) {
            ByteArrayOutputStream chunks = new ByteArrayOutputStream();
            while (true) {
                String size = line(in);
                int n = Integer.parseInt(size.trim(), 16);
                if (n == 0) {
                    line(in);
                    break;
                }
                chunks.write(in.readNBytes(n));
                line(in);
            }
            body = chunks.toString(StandardCharsets.UTF_8);
            headers.remove("transfer-encoding");
            headers.put("content-length", List.of(Integer.toString(chunks.size())));
        }
        // whether each hop keeps the connection open is its own affair
        headers.remove("connection");
        headers.remove("keep-alive");
        return new Message(status[0] + " " + status[1], headers, body);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
