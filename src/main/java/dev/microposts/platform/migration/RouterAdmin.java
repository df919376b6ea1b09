package dev.microposts.platform.migration;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The router's admin API, as the migration steers it (docs/ROUTER.md). */
final class RouterAdmin {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String url;
    private final String token;
    // HTTP/1.1 at once: the JDK client's default asks a plain-HTTP server for an h2c upgrade first
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    RouterAdmin(String url, String token) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.token = token;
    }

    JsonNode group(String group) {
        return call("GET", "/admin/routes/" + group, null);
    }

    JsonNode replace(String group, Object change) {
        return call("PUT", "/admin/routes/" + group, change);
    }

    /** Starts a judged shift of the group's weight to {@code to}, step by step (docs/ROUTER.md, "Shift"). */
    JsonNode shift(String group, String to, java.util.List<Integer> steps, String interval) {
        return call(
                "POST",
                "/admin/routes/" + group + "/shift",
                java.util.Map.of("to", to, "steps", steps, "interval", interval));
    }

    void hold(String group, Duration max) {
        call("POST", "/admin/routes/" + group + "/hold", java.util.Map.of("max", max.toMillis() + "ms"));
    }

    void release(String group) {
        call("DELETE", "/admin/routes/" + group + "/hold", null);
    }

    private JsonNode call(String method, String path, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
                .timeout(Duration.ofSeconds(5))
                .header("Authorization", "Bearer " + token)
                .header("X-MicroPosts-Actor", "migrate")
                .header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new MigrationException("the router's admin API answered " + response.statusCode() + " to "
                        + method + " " + path + ": " + response.body());
            }
            return response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException ex) {
            String why =
                    ex.getMessage() != null ? ex.getMessage() : ex.getClass().getSimpleName();
            throw new MigrationException("the router's admin API at " + url + " cannot be reached (" + why
                    + "): give it with --router (default http://127.0.0.1:$MICROPOSTS_ROUTER_ADMIN_PORT)");
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new MigrationException("interrupted while calling the router");
        }
    }
}
