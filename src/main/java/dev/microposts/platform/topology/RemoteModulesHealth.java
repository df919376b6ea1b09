package dev.microposts.platform.topology;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * Readiness of the remote modules this process calls: DOWN while one of them does not answer its
 * liveness probe. The router is left out on purpose: it stays ready and answers 503 for the
 * routes of a module that is down, so the other routes keep working.
 */
@Component("remoteModules")
class RemoteModulesHealth extends CachedHealth {

    private final Map<String, String> required = new LinkedHashMap<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    RemoteModulesHealth(MicropostsProperties settings) {
        Set<ModuleId> local = settings.localModules();
        Set<ModuleId> needed = new TreeSet<>();
        for (ModuleId module : local) {
            if (module != ModuleId.ROUTER) {
                needed.addAll(module.calls());
            }
        }
        needed.removeAll(local);
        for (ModuleId module : needed) {
            String url = settings.baseUrl(module);
            if (url != null) {
                required.put(module.id(), url + "/actuator/health/liveness");
            }
        }
    }

    @Override
    protected Health check() {
        if (required.isEmpty()) {
            return Health.up().build();
        }
        Health.Builder health = Health.up();
        required.forEach((module, url) -> {
            boolean up;
            try {
                var response = http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(1))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                up = response.statusCode() == 200;
            } catch (Exception ex) {
                up = false;
            }
            health.withDetail(module, up ? "UP" : "DOWN");
            if (!up) {
                health.down();
            }
        });
        return health.build();
    }
}
