package dev.microposts.router;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server standing for one backend of a route group: it answers every request with
 * JSON naming itself, the path, a field whose value the test sets, and a nonce that differs in
 * every answer; it can be made slow or make a share of its answers 500s, and it records what it
 * received.
 */
final class HttpBackend implements AutoCloseable {

    final String name;
    private final HttpServer server;
    volatile String value = "same";
    volatile long delayMillis;
    volatile double errorRate;
    final AtomicInteger received = new AtomicInteger();
    final AtomicInteger writes = new AtomicInteger();
    final List<String> requestIds = new CopyOnWriteArrayList<>();
    final Map<String, String> lastHeaders = new ConcurrentHashMap<>();

    HttpBackend(String name) throws IOException {
        this.name = name;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        server.setExecutor(Executors.newFixedThreadPool(32));
        server.createContext("/", this::answer);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void answer(HttpExchange exchange) throws IOException {
        received.incrementAndGet();
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            writes.incrementAndGet();
        }
        lastHeaders.clear();
        exchange.getRequestHeaders().forEach((header, values) -> lastHeaders.put(header.toLowerCase(), values.get(0)));
        String id = exchange.getRequestHeaders().getFirst("X-Test-Id");
        if (id != null) {
            requestIds.add(id);
        }
        exchange.getRequestBody().readAllBytes();
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
        boolean fail = errorRate > 0 && ThreadLocalRandom.current().nextDouble() < errorRate;
        String body = fail
                ? "{\"type\":\"about:blank\",\"title\":\"Internal Server Error\",\"status\":500}"
                : "{\"backend\":\"" + name + "\",\"path\":\""
                        + exchange.getRequestURI().getPath() + "\",\"value\":\"" + value + "\",\"nonce\":\""
                        + UUID.randomUUID() + "\",\"items\":[{\"id\":1},{\"id\":2}]}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", fail ? "application/problem+json" : "application/json");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(fail ? 500 : 200, head ? -1 : bytes.length);
        if (!head) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
