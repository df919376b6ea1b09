package dev.microposts.contract;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small black-box client of the public API: plain HTTP against a base URL, whatever topology
 * serves it.
 */
public final class Api {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");
    private static final Map<String, Consumer<Exchange>> OBSERVERS = new ConcurrentHashMap<>();

    public record Response(int status, Map<String, List<String>> headers, String body) {

        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }

        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String contentType() {
            return header("Content-Type");
        }

        /** The URL of the next page, or null on the last page. */
        public String next() {
            String link = header("Link");
            if (link == null) {
                return null;
            }
            Matcher matcher = NEXT.matcher(link);
            return matcher.find() ? matcher.group(1) : null;
        }
    }

    /** One request as sent (headers as given, before the client adds its own) and its response. */
    public record Exchange(
            String method, URI uri, Map<String, List<String>> requestHeaders, String requestBody, Response response) {}

    /** Ends an {@link #observe observation}. */
    public interface Observation extends AutoCloseable {

        @Override
        void close();
    }

    /**
     * Shows {@code observer} every exchange that any {@code Api} on {@code base} has from now until the
     * returned observation is closed (the contract suite checks every response this way). Without
     * an observer an {@code Api} only sends.
     */
    public static Observation observe(String base, Consumer<Exchange> observer) {
        String key = base.replaceAll("/+$", "");
        if (OBSERVERS.putIfAbsent(key, observer) != null) {
            throw new IllegalStateException("Exchanges with " + key + " are observed already");
        }
        return () -> OBSERVERS.remove(key, observer);
    }

    private final String base;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    public Api(String base) {
        this.base = base.replaceAll("/+$", "");
    }

    public String base() {
        return base;
    }

    /** A username no other test uses. */
    public static String uniqueName(String prefix) {
        String suffix = Integer.toString(SEQUENCE.incrementAndGet(), 36)
                + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        return (prefix + "_" + suffix).toLowerCase();
    }

    public static String json(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return JSON.writeValueAsString(map);
    }

    public Response get(String path, String... headers) {
        return send("GET", path, null, null, headers);
    }

    public Response post(String path, String token, String body, String... headers) {
        return send("POST", path, token, body, headers);
    }

    public Response put(String path, String token, String body, String... headers) {
        return send("PUT", path, token, body, headers);
    }

    public Response patch(String path, String token, String body, String... headers) {
        return send("PATCH", path, token, body, headers);
    }

    public Response delete(String path, String token, String... headers) {
        return send("DELETE", path, token, null, headers);
    }

    /** Sends a request; {@code path} is relative to the base URL unless absolute. */
    public Response send(String method, String path, String token, String body, String... headers) {
        var builder = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path))
                .timeout(Duration.ofSeconds(30));
        boolean typed = false;
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
            typed |= headers[i].equalsIgnoreCase("Content-Type");
        }
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        if (body != null && !typed) {
            builder.header("Content-Type", "application/json");
        }
        builder.method(
                method,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        try {
            HttpRequest request = builder.build();
            HttpResponse<String> response =
                    http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            Response result =
                    new Response(response.statusCode(), response.headers().map(), response.body());
            Consumer<Exchange> observer = OBSERVERS.get(base);
            if (observer != null) {
                observer.accept(
                        new Exchange(method, request.uri(), request.headers().map(), body, result));
            }
            return result;
        } catch (IOException ex) {
            throw new IllegalStateException(method + " " + path + " failed", ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** Registers a user with the password {@code password123} and returns its name. */
    public String register(String prefix) {
        String username = uniqueName(prefix);
        Response response = post("/api/users", null, json("username", username, "password", "password123"));
        if (response.status() != 201) {
            throw new IllegalStateException("registration failed: " + response);
        }
        return username;
    }

    public String token(String username) {
        Response response = post("/api/token", null, json("username", username, "password", "password123"));
        if (response.status() != 200) {
            throw new IllegalStateException("login failed: " + response);
        }
        return response.json().get("token").stringValue();
    }

    public JsonNode createPost(String username, String token, String text) {
        Response response = post("/api/users/" + username + "/collection", token, json("text", text));
        if (response.status() != 201) {
            throw new IllegalStateException("create failed: " + response);
        }
        return response.json();
    }
}
