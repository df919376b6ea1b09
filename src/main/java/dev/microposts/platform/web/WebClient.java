package dev.microposts.platform.web;

import dev.microposts.platform.topology.MicropostsProperties;
import dev.microposts.platform.topology.ModuleId;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The web client for people: one page at {@code /} and its script and style sheet under
 * {@code /assets/}, served by the process that is the public entry point (the monolith, or the
 * router in front of any topology; a module's process behind the router serves none). The client
 * is a client of the public API only, so it works unchanged in every topology.
 *
 * <p>Its answers carry a Content-Security-Policy that allows this origin's scripts, styles and
 * API only: no inline script, no other origin, no framing ({@link #POLICY}).
 */
@Configuration(proxyBeanMethods = false)
@Conditional(WebClient.PublicEntryPoint.class)
public class WebClient implements WebMvcConfigurer {

    /** What the client's pages may load and do: this origin only, no inline script, no framing. */
    public static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    static final String ASSETS = "/assets/";

    private static final Resource INDEX = new ClassPathResource("web/index.html", WebClient.class.getClassLoader());

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler(ASSETS + "**")
                .addResourceLocations("classpath:/web/assets/")
                .setCacheControl(CacheControl.noCache());
    }

    @Bean
    RouterFunction<ServerResponse> webClientPage() {
        return RouterFunctions.route()
                .GET("/", request -> ServerResponse.ok()
                        .contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
                        .cacheControl(CacheControl.noCache())
                        .body(INDEX))
                .build();
    }

    @Bean
    FilterRegistrationBean<PageHeaders> webClientHeaders() {
        FilterRegistrationBean<PageHeaders> registration =
                new FilterRegistrationBean<>(new PageHeaders(POLICY, Set.of("/"), ASSETS));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 4);
        return registration;
    }

    /**
     * The security headers of a page and its assets: the Content-Security-Policy, no framing, no
     * referrer. Public so that the router's console, on its admin port, sends the same.
     */
    public static final class PageHeaders extends OncePerRequestFilter {

        private final String policy;
        private final Set<String> pages;
        private final String assets;

        public PageHeaders(String policy, Set<String> pages, String assets) {
            this.policy = policy;
            this.pages = pages;
            this.assets = assets;
        }

        @Override
        protected boolean shouldNotFilter(HttpServletRequest request) {
            String path = request.getRequestURI();
            return !pages.contains(path) && !path.startsWith(assets);
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            response.setHeader("Content-Security-Policy", policy);
            response.setHeader("X-Frame-Options", "DENY");
            response.setHeader("Referrer-Policy", "no-referrer");
            response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
            chain.doFilter(request, response);
        }
    }

    /** The monolith (every business module here) or the router: the processes people reach. */
    static final class PublicEntryPoint implements Condition {

        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            Set<ModuleId> local = MicropostsProperties.localModules(context.getEnvironment());
            return local.contains(ModuleId.ROUTER) || local.containsAll(ModuleId.BUSINESS);
        }
    }
}
