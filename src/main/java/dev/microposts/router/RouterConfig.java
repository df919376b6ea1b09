package dev.microposts.router;

import static org.springframework.cloud.gateway.server.mvc.handler.GatewayRouterFunctions.route;
import static org.springframework.cloud.gateway.server.mvc.handler.HandlerFunctions.http;
import static org.springframework.cloud.gateway.server.mvc.predicate.GatewayRequestPredicates.path;

import dev.microposts.platform.security.SecurityConfig;
import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.MicropostsProperties;
import dev.microposts.platform.topology.ModuleId;
import dev.microposts.platform.web.ForwardedProperties;
import dev.microposts.platform.web.RequestIds;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.catalina.connector.Connector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springdoc.core.models.GroupedOpenApi;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The router: one route group per business module (its public paths, from the module graph),
 * proxied with Spring Cloud Gateway (server-webmvc) to the backend the live route table chooses
 * for each request ({@link Routing}), and the control plane that changes that table at run time.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnModule(ModuleId.ROUTER)
class RouterConfig {

    private static final Logger log = LoggerFactory.getLogger(RouterConfig.class);

    /** As many as the router's own request threads (Tomcat's default of 200). */
    static final int MAX_CONNECTIONS_PER_MODULE = 200;

    /** The name of the one backend each group has until an operator adds another. */
    static final String INITIAL_BACKEND = "primary";

    /**
     * The router's client to the modules: a pool as large as the router's request threads
     * (Apache HttpClient's default of 5 per module would open and close a connection per request
     * above 5 concurrent ones), bodies passed on as they are, never decompressed, and no cookie
     * jar: the client's default one would keep a cookie a module set for one client and send it
     * with every later request, whoever made it.
     */
    @Bean
    ClientHttpRequestFactoryBuilderCustomizer<HttpComponentsClientHttpRequestFactoryBuilder> routerClient() {
        return builder -> builder.withConnectionManagerCustomizer(
                        pool -> pool.setMaxConnPerRoute(MAX_CONNECTIONS_PER_MODULE)
                                .setMaxConnTotal(4 * MAX_CONNECTIONS_PER_MODULE))
                .withHttpClientCustomizer(
                        client -> client.disableContentCompression().disableCookieManagement());
    }

    @Bean
    RoutingTable routingTable(MicropostsProperties settings) {
        return RoutingTable.from(settings);
    }

    /** The live table: saved in the data directory, or, the first time, from the environment. */
    @Bean
    RouteTable routeTable(RoutingTable initial, MicropostsProperties settings) {
        Map<String, RouteGroup> groups = new LinkedHashMap<>();
        initial.urls()
                .forEach((module, url) -> groups.put(
                        module.id(),
                        new RouteGroup(
                                module.id(),
                                List.of(new Backend(INITIAL_BACKEND, URI.create(url), 100)),
                                false,
                                null,
                                null)));
        return RouteTable.open(settings.dataDir().resolve("router"), groups);
    }

    @Bean(destroyMethod = "close")
    ControlPlane controlPlane(RouteTable table, RouterProperties settings, MeterRegistry meters) {
        AdminCredential admin = new AdminCredential(settings.adminToken());
        RouterMetrics metrics = new RouterMetrics(meters);
        RouterProperties.Judge thresholds = settings.judge();
        CanaryJudge judge = new CanaryJudge(new CanaryJudge.Thresholds(
                thresholds.maxErrorRateIncrease(),
                thresholds.p99Factor(),
                thresholds.p99Slack().toNanos() / 1e6,
                thresholds.minSamples(),
                thresholds.alpha()));
        return new ControlPlane(
                table,
                new Holds(settings.hold(), meters),
                new Shadowing(settings.shadow(), meters),
                new Shifts(table, metrics, judge),
                metrics,
                admin);
    }

    /** One route per route group, to the backend the table chooses per request. */
    @Bean
    RouterFunction<ServerResponse> moduleRoutes(RoutingTable table, ControlPlane plane) {
        RouterFunction<ServerResponse> routes = null;
        for (ModuleId module : ModuleId.BUSINESS) {
            if (table.urls().containsKey(module)) {
                RouterFunction<ServerResponse> route = proxy(module, plane);
                routes = routes == null ? route : routes.and(route);
            }
        }
        // the topology check refuses a router without every module's URL, so this is never empty
        return routes;
    }

    /** The headers the Gateway sends to a backend: the trace on, the router's own headers off. */
    @Bean
    TraceForwarding traceForwarding(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        return new TraceForwarding(
                tracer.getIfAvailable(() -> Tracer.NOOP), propagator.getIfAvailable(() -> Propagator.NOOP));
    }

    /** The secret by which the router's Tomcat knows requests its public port passed on. */
    @Bean
    Backstage.Secret backstageSecret() {
        return new Backstage.Secret(Backstage.newSecret());
    }

    @Bean
    FilterRegistrationBean<Backstage> backstage(Backstage.Secret secret) {
        FilterRegistrationBean<Backstage> registration = new FilterRegistrationBean<>(new Backstage(secret.value()));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /**
     * The router's Tomcat listens on a loopback port of its own: the public port ({@code
     * server.port}, {@code server.address}) is {@link PublicPort}'s.
     */
    @Bean
    BackstagePort backstagePort() {
        return new BackstagePort();
    }

    static final class BackstagePort implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

        @Override
        public void customize(TomcatServletWebServerFactory factory) {
            factory.setPort(0);
            factory.setAddress(java.net.InetAddress.getLoopbackAddress());
        }

        /** After Spring Boot's own, which sets server.port. */
        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }

    @Bean
    PublicPortLifecycle publicPort(
            Environment environment,
            RoutingTable table,
            ControlPlane plane,
            ForwardedProperties forwarded,
            ObjectProvider<Tracer> tracer,
            ObjectProvider<Propagator> propagator,
            Backstage.Secret secret,
            MeterRegistry meters,
            org.springframework.context.ApplicationContext context) {
        String address = environment.getProperty("server.address");
        PublicPort port = new PublicPort(
                address == null || address.isBlank() ? null : address,
                environment.getProperty("server.port", Integer.class, 8080),
                table.urls().keySet(),
                plane,
                forwarded.proxies(),
                tracer.getIfAvailable(() -> Tracer.NOOP),
                propagator.getIfAvailable(() -> Propagator.NOOP),
                secret.value(),
                () -> ((WebServerApplicationContext) context).getWebServer().getPort(),
                meters,
                environment.getProperty(
                        "spring.http.clients.connect-timeout",
                        java.time.Duration.class,
                        java.time.Duration.ofSeconds(1)),
                environment.getProperty(
                        "spring.http.clients.read-timeout",
                        java.time.Duration.class,
                        java.time.Duration.ofSeconds(30)));
        return new PublicPortLifecycle(
                port,
                (ConfigurableEnvironment) environment,
                environment.getProperty(
                        "spring.lifecycle.timeout-per-shutdown-phase",
                        java.time.Duration.class,
                        java.time.Duration.ofSeconds(30)));
    }

    /**
     * Opens the public port once the router's Tomcat is listening, and closes it first at shutdown,
     * letting the requests in flight finish. {@code local.server.port} is then the public port.
     */
    static final class PublicPortLifecycle implements SmartLifecycle {

        private final PublicPort port;
        private final ConfigurableEnvironment environment;
        private final java.time.Duration grace;
        private volatile boolean running;

        PublicPortLifecycle(PublicPort port, ConfigurableEnvironment environment, java.time.Duration grace) {
            this.port = port;
            this.environment = environment;
            this.grace = grace;
        }

        @Override
        public void start() {
            port.start();
            running = true;
            PropertySource<?> ports = environment.getPropertySources().get("server.ports");
            if (ports != null && ports.getSource() instanceof Map<?, ?> map) {
                @SuppressWarnings("unchecked")
                Map<String, Object> values = (Map<String, Object>) map;
                values.put("local.router.backstage.port", values.get("local.server.port"));
                values.put("local.server.port", port.port());
            }
        }

        @Override
        public void stop() {
            running = false;
            port.stop(grace);
        }

        @Override
        public boolean isRunning() {
            return running;
        }

        /** After the web server's start and its graceful shutdown: started last, stopped first. */
        @Override
        public int getPhase() {
            return Integer.MAX_VALUE - 512;
        }
    }

    /** The admin API's own port, opened only when the admin credential is set. */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> adminConnector(
            RouterProperties settings, Environment environment) {
        return factory -> {
            String token = settings.adminToken();
            if (token == null || token.isEmpty()) {
                log.warn("MICROPOSTS_ROUTER_ADMIN_TOKEN is not set: the router's admin API is not served, and the"
                        + " route table can only be what the environment gives");
                return;
            }
            if (token.length() < RouterProperties.MIN_TOKEN_LENGTH) {
                throw new IllegalStateException("MICROPOSTS_ROUTER_ADMIN_TOKEN must be at least "
                        + RouterProperties.MIN_TOKEN_LENGTH + " characters (e.g. openssl rand -hex 32)");
            }
            int publicPort = environment.getProperty("server.port", Integer.class, 8080);
            if (settings.adminPort() == publicPort && publicPort != 0) {
                throw new IllegalStateException("MICROPOSTS_ROUTER_ADMIN_PORT must differ from the public port "
                        + publicPort + ": the admin API is never served on the public port");
            }
            Connector admin = new Connector(TomcatServletWebServerFactory.DEFAULT_PROTOCOL);
            admin.setPort(settings.adminPort());
            factory.addAdditionalConnectors(admin);
            log.info("The router's admin API is served on port {}", settings.adminPort());
        };
    }

    @Bean
    FilterRegistrationBean<AdminPort> adminPort(RouterProperties settings, ControlPlane plane) {
        FilterRegistrationBean<AdminPort> registration =
                new FilterRegistrationBean<>(new AdminPort(settings.adminPort(), plane.admin()));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 3);
        return registration;
    }

    /** The admin API's OpenAPI document, served on the admin port only. */
    @Bean
    GroupedOpenApi adminOpenApi() {
        return GroupedOpenApi.builder()
                .group("admin")
                .pathsToMatch(AdminApi.BASE + "/**")
                .addOpenApiCustomizer(admin -> admin.info(new io.swagger.v3.oas.models.info.Info()
                        .title("MicroPosts router admin API")
                        .version("1")
                        .description("The router's control plane (docs/ROUTER.md): served on the admin port only,"
                                + " with the admin credential as a bearer token.")))
                .build();
    }

    /**
     * The headers the router's own filters have already put on every response ({@link RequestIds}:
     * the request's X-Request-Id, the same id the module answered with, and
     * {@code X-Content-Type-Options}): the module's copies would make each appear twice.
     */
    private static final List<String> ROUTER_OWN_RESPONSE_HEADERS = List.of(RequestIds.HEADER, RequestIds.NOSNIFF);

    private static ServerResponse withoutModuleCopiesOfRouterHeaders(ServerRequest request, ServerResponse response) {
        HttpHeaders headers = response.headers();
        for (String header : ROUTER_OWN_RESPONSE_HEADERS) {
            if (headers.containsHeader(header)) {
                try {
                    headers.remove(header);
                } catch (UnsupportedOperationException readOnly) {
                    // a response the router made itself (the 503 below) has no module headers
                }
            }
        }
        return response;
    }

    /**
     * A module's public paths; the accounts module's also the resource metadata that every 401
     * names (each process of business modules serves it alike, {@link SecurityConfig}).
     */
    static String[] routedPaths(ModuleId module) {
        List<String> paths = new ArrayList<>(module.paths());
        if (module == ModuleId.ACCOUNTS) {
            paths.add(SecurityConfig.RESOURCE_METADATA);
            paths.add(SecurityConfig.RESOURCE_METADATA + "/**");
        }
        return paths.toArray(String[]::new);
    }

    private static RouterFunction<ServerResponse> proxy(ModuleId module, ControlPlane plane) {
        String group = module.id();
        return route(group)
                .route(path(routedPaths(module)), http())
                .filter(new Routing(
                        group, plane.table(), plane.holds(), plane.metrics(), plane.shadowing(), plane.admin()))
                .after(RouterConfig::withoutModuleCopiesOfRouterHeaders)
                .onError(Exception.class, (error, request) -> {
                    Object backend = request.attributes().get(RouterMetrics.BACKEND_ATTRIBUTE);
                    log.warn(
                            "Backend {} of route group {} did not answer {} {}: {}",
                            backend,
                            group,
                            request.method(),
                            request.path(),
                            error.toString());
                    var answer = RouterProblems.answer(error, request.method().name(), group);
                    return ServerResponse.status(answer.getStatusCode())
                            .headers(headers -> headers.putAll(answer.getHeaders()))
                            .body(answer.getBody());
                })
                .build();
    }
}
