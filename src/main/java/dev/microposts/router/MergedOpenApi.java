package dev.microposts.router;

import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.ModuleId;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Paths;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;

/**
 * The router's {@code /v3/api-docs}: the documents of the processes behind it, merged, so the
 * public entry point describes the whole contract whichever process serves which part.
 */
@Component
@ConditionalOnModule(ModuleId.ROUTER)
class MergedOpenApi implements OpenApiCustomizer {

    private static final Logger log = LoggerFactory.getLogger(MergedOpenApi.class);

    private final RoutingTable table;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    MergedOpenApi(RoutingTable table) {
        this.table = table;
    }

    @Override
    public void customise(OpenAPI merged) {
        if (merged.getPaths() == null) {
            merged.setPaths(new Paths());
        }
        if (merged.getComponents() == null) {
            merged.setComponents(new Components());
        }
        // the admin API is the router's own, documented in the admin group on the admin port only
        merged.getPaths().keySet().removeIf(path -> path.startsWith(AdminApi.BASE + "/"));
        for (String url : new LinkedHashSet<>(table.urls().values())) {
            OpenAPI part = fetch(url);
            if (part == null) {
                continue;
            }
            if (merged.getInfo() == null
                    || merged.getInfo().getTitle() == null
                    || merged.getInfo().getTitle().startsWith("OpenAPI")) {
                merged.setInfo(part.getInfo());
            }
            if (part.getPaths() != null) {
                part.getPaths().forEach(merged.getPaths()::addPathItem);
            }
            Components components = part.getComponents();
            if (components != null) {
                if (components.getSchemas() != null) {
                    components.getSchemas().forEach(merged.getComponents()::addSchemas);
                }
                if (components.getSecuritySchemes() != null) {
                    components.getSecuritySchemes().forEach(merged.getComponents()::addSecuritySchemes);
                }
                if (components.getHeaders() != null) {
                    components.getHeaders().forEach(merged.getComponents()::addHeaders);
                }
            }
        }
    }

    private OpenAPI fetch(String url) {
        try {
            var response = http.send(
                    HttpRequest.newBuilder(URI.create(url + "/v3/api-docs"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return null;
            }
            return Json31.mapper().readValue(response.body(), OpenAPI.class);
        } catch (Exception ex) {
            log.warn("No OpenAPI document from {}: {}", url, ex.toString());
            return null;
        }
    }
}
