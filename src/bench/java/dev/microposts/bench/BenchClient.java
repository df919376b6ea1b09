package dev.microposts.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The load generator's HTTP side: the JDK client, HTTP/1.1 keep-alive, JSON in and out. */
final class BenchClient {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final String base;
    private final HttpClient http;

    BenchClient(String base, int threads) {
        this.base = base.replaceAll("/+$", "");
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newFixedThreadPool(threads))
                .build();
    }

    String base() {
        return base;
    }

    HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build();
    }

    HttpRequest post(String path, String token, String json) {
        var builder = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder.build();
    }

    CompletableFuture<HttpResponse<byte[]>> send(HttpRequest request) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A blocking call that must succeed with {@code expected}; returns the JSON body. */
    JsonNode call(HttpRequest request, int... expected) {
        HttpResponse<byte[]> response = send(request).join();
        // a 503 with Retry-After was not served (a full bulkhead, a module restarting): ask again,
        // as a well-behaved client would, a few times
        for (int attempt = 1;
                attempt <= 8
                        && response.statusCode() == 503
                        && response.headers().firstValue("Retry-After").isPresent();
                attempt++) {
            try {
                Thread.sleep(100L * attempt
                        + java.util.concurrent.ThreadLocalRandom.current().nextInt(100));
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                break;
            }
            response = send(request).join();
        }
        for (int status : expected) {
            if (response.statusCode() == status) {
                return response.body().length == 0 ? null : JSON.readTree(response.body());
            }
        }
        throw new IllegalStateException(request.method() + " " + request.uri() + " answered " + response.statusCode()
                + ": " + new String(response.body(), StandardCharsets.UTF_8));
    }

    static String json(Object... keyValues) {
        var map = new java.util.LinkedHashMap<String, Object>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return JSON.writeValueAsString(map);
    }
}
