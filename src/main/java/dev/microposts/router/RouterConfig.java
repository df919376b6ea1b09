package dev.microposts.router;

import static org.springframework.cloud.gateway.server.mvc.filter.BeforeFilterFunctions.uri;
import static org.springframework.cloud.gateway.server.mvc.handler.GatewayRouterFunctions.route;
import static org.springframework.cloud.gateway.server.mvc.handler.HandlerFunctions.http;
import static org.springframework.cloud.gateway.server.mvc.predicate.GatewayRequestPredicates.path;

import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.MicropostsProperties;
import dev.microposts.platform.topology.ModuleId;
import dev.microposts.platform.web.RequestIds;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/** The routes of the routing table, proxied with Spring Cloud Gateway (server-webmvc). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnModule(ModuleId.ROUTER)
class RouterConfig {

    private static final Logger log = LoggerFactory.getLogger(RouterConfig.class);

    /** As many as the router's own request threads (Tomcat's default of 200). */
    static final int MAX_CONNECTIONS_PER_MODULE = 200;

    /**
     * The router's client to the modules: a pool as large as the router's request threads
     * (Apache HttpClient's default of 5 per module would open and close a connection per request
     * above 5 concurrent ones), and bodies passed on as they are, never decompressed.
     */
    @Bean
    ClientHttpRequestFactoryBuilderCustomizer<HttpComponentsClientHttpRequestFactoryBuilder> routerClient() {
        return builder -> builder.withConnectionManagerCustomizer(
                        pool -> pool.setMaxConnPerRoute(MAX_CONNECTIONS_PER_MODULE)
                                .setMaxConnTotal(4 * MAX_CONNECTIONS_PER_MODULE))
                .withHttpClientCustomizer(HttpClientBuilder::disableContentCompression);
    }

    @Bean
    RoutingTable routingTable(MicropostsProperties settings) {
        return RoutingTable.from(settings);
    }

    /** One route per business module, from the module graph's paths. */
    @Bean
    RouterFunction<ServerResponse> moduleRoutes(
            RoutingTable table, ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        TraceForwarding trace = new TraceForwarding(
                tracer.getIfAvailable(() -> Tracer.NOOP), propagator.getIfAvailable(() -> Propagator.NOOP));
        RouterFunction<ServerResponse> routes = null;
        for (ModuleId module : ModuleId.BUSINESS) {
            String url = table.urls().get(module);
            if (url != null) {
                RouterFunction<ServerResponse> route = proxy(module, url, trace);
                routes = routes == null ? route : routes.and(route);
            }
        }
        // the topology check refuses a router without every module's URL, so this is never empty
        return routes;
    }

    /** The router's own X-Request-Id (the same id) is already on the response. */
    private static ServerResponse withoutBackendRequestId(ServerRequest request, ServerResponse response) {
        HttpHeaders headers = response.headers();
        if (headers.containsHeader(RequestIds.HEADER)) {
            try {
                headers.remove(RequestIds.HEADER);
            } catch (UnsupportedOperationException readOnly) {
                // a response the router made itself (the 503 below) has no backend headers
            }
        }
        return response;
    }

    private static RouterFunction<ServerResponse> proxy(ModuleId module, String url, TraceForwarding trace) {
        return route(module.id())
                .route(path(module.paths().toArray(String[]::new)), http())
                .before(uri(url))
                .before(trace)
                .after(RouterConfig::withoutBackendRequestId)
                .onError(Exception.class, (error, request) -> {
                    log.warn(
                            "The {} module at {} did not answer {} {}: {}",
                            module.id(),
                            url,
                            request.method(),
                            request.path(),
                            error.toString());
                    var answer = RouterProblems.answer(error, request.method().name(), module.id());
                    return ServerResponse.status(answer.getStatusCode())
                            .headers(headers -> headers.putAll(answer.getHeaders()))
                            .body(answer.getBody());
                })
                .build();
    }
}
