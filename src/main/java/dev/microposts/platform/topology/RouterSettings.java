package dev.microposts.platform.topology;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * What the web stack of a process needs for its modules: the router's process keeps Spring Cloud
 * Gateway and passes forwarded headers on; a process of business modules leaves the Gateway out.
 */
final class RouterSettings {

    private static final String GATEWAY = String.join(
            ",",
            "org.springframework.cloud.gateway.server.mvc.GatewayServerMvcAutoConfiguration",
            "org.springframework.cloud.gateway.server.mvc.GatewayMvcClassPathWarningAutoConfiguration",
            "org.springframework.cloud.gateway.server.mvc.filter.FilterAutoConfiguration",
            "org.springframework.cloud.gateway.server.mvc.handler.HandlerFunctionAutoConfiguration",
            "org.springframework.cloud.gateway.server.mvc.handler.GatewayMultipartAutoConfiguration",
            "org.springframework.cloud.gateway.server.mvc.predicate.PredicateAutoConfiguration",
            "org.springframework.cloud.gateway.server.mvc.config.DefaultFunctionConfiguration");

    private RouterSettings() {}

    static Map<String, Object> settings(ConfigurableEnvironment environment, Set<ModuleId> local) {
        Map<String, Object> settings = new HashMap<>();
        // forwarded headers are believed only from trusted proxies (platform.web.ForwardedHeaders), in
        // every process: none of Spring Boot's strategies may apply them before that check
        settings.put("server.forward-headers-strategy", "none");
        if (local.equals(Set.of(ModuleId.ROUTER))) {
            // the router passes X-Forwarded-* on (appending its own) instead of applying them itself;
            // ForwardedHeaders has already hidden what an untrusted client sent, so the Gateway trusts
            // what reaches it and its own values replace the client's
            settings.put("spring.cloud.gateway.server.webmvc.trusted-proxies", ".*");
            settings.put("spring.cloud.gateway.server.webmvc.forwarded-request-headers-filter.enabled", "false");
            settings.put("spring.cloud.gateway.server.webmvc.x-forwarded-request-headers-filter.port-enabled", "false");
            // no route is weighted: the filter that computes weights per request has nothing to do
            settings.put("spring.cloud.gateway.server.webmvc.weight-calculator-filter.enabled", "false");
            settings.put("springdoc.cache.disabled", "true");
            // http.server.requests already times every proxied request; a second timer per request
            // for the router's call to the module costs a tenth of the hop (docs/BENCHMARKS.md)
            settings.put("management.observations.enable.http.client.requests", "false");
        } else if (!local.contains(ModuleId.ROUTER)) {
            // Spring Cloud Gateway is the router's: without it, a module process would still run every
            // request through the Gateway's servlet filters (weight calculator, form) and route table
            // (its enabled=false leaves the other Gateway auto-configurations wanting its beans)
            String excluded = environment.getProperty("spring.autoconfigure.exclude", "");
            settings.put("spring.autoconfigure.exclude", (excluded.isBlank() ? "" : excluded + ",") + GATEWAY);
        }
        return settings;
    }
}
