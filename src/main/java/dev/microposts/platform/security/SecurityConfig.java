package dev.microposts.platform.security;

import dev.microposts.platform.topology.MicropostsProperties;
import dev.microposts.platform.topology.ModuleId;
import dev.microposts.platform.web.Problem;
import dev.microposts.platform.web.RequestIds;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationEntryPointFailureHandler;

/**
 * Stateless bearer-token security for every process. Requests are let through the filter chain
 * so that unsupported methods still answer 405; a token that is present is always verified (an
 * invalid one is 401 even on a public read), and handlers that write ask {@link Caller} for the
 * user. Tokens are verified locally: with the accounts module's key in its own process, or with
 * the public keys fetched (and cached) from its JWKS endpoint elsewhere.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfig {

    /**
     * The OAuth 2.0 protected resource metadata (RFC 9728) that every 401's {@code WWW-Authenticate}
     * names as {@code resource_metadata}: served by Spring Security's filter in every process of
     * business modules, and routed to the accounts module by the router.
     */
    public static final String RESOURCE_METADATA = "/.well-known/oauth-protected-resource";

    @Bean
    SecurityFilterChain api(HttpSecurity http, Environment environment) throws Exception {
        AuthenticationEntryPoint entryPoint = new ProblemEntryPoint();
        http.securityMatcher(SecurityConfig::needsTheChain)
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .exceptionHandling(handling -> handling.authenticationEntryPoint(entryPoint));
        if (servesTheApi(environment)) {
            http.oauth2ResourceServer(server -> server.jwt(jwt -> {})
                    .protectedResourceMetadata(metadata -> metadata.protectedResourceMetadataCustomizer(
                            // tokens come from POST /api/token and are not bound to a TLS client certificate
                            described ->
                                    described.resourceName("MicroPosts").tlsClientCertificateBoundAccessTokens(false)))
                    .authenticationEntryPoint(entryPoint)
                    .withObjectPostProcessor(keysUnavailableAnswered(entryPoint)));
        }
        return http.build();
    }

    /**
     * Whether a request goes through the security filter chain: every request that carries
     * credentials or may change something, and the resource metadata, which a filter of the chain
     * serves. An anonymous read has nothing to verify and nothing to authorise (reads are public),
     * so it skips the chain, which is a sixth of the cost of serving it (see docs/BENCHMARKS.md);
     * {@link RequestIds} writes the one security header a JSON answer needs.
     */
    static boolean needsTheChain(HttpServletRequest request) {
        String method = request.getMethod();
        boolean read = "GET".equals(method) || "HEAD".equals(method);
        return !read || request.getHeader(HttpHeaders.AUTHORIZATION) != null || isResourceMetadata(request);
    }

    /**
     * Whether the request asks for the resource metadata (or that of a path below it), in the
     * application's own paths: behind a trusted proxy's X-Forwarded-Prefix the request URI starts
     * with the prefix, which is the context path.
     */
    static boolean isResourceMetadata(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        String path = context != null && uri.startsWith(context) ? uri.substring(context.length()) : uri;
        return path.equals(RESOURCE_METADATA) || path.startsWith(RESOURCE_METADATA + "/");
    }

    /** A process of business modules verifies tokens; a router-only process passes them on. */
    static boolean servesTheApi(Environment environment) {
        return MicropostsProperties.localModules(environment).stream().anyMatch(module -> module != ModuleId.ROUTER);
    }

    /**
     * A token that could not be checked at all (the keys that verify it cannot be had: the accounts
     * module is unreachable and none are cached) reaches the entry point too, instead of escaping
     * the filter chain as a 500 (Spring Security rethrows an AuthenticationServiceException by default).
     */
    private static ObjectPostProcessor<BearerTokenAuthenticationFilter> keysUnavailableAnswered(
            AuthenticationEntryPoint entryPoint) {
        return new ObjectPostProcessor<>() {

            @Override
            public <O extends BearerTokenAuthenticationFilter> O postProcess(O filter) {
                var failures = new AuthenticationEntryPointFailureHandler(entryPoint);
                failures.setRethrowAuthenticationServiceException(false);
                filter.setAuthenticationFailureHandler(failures);
                return filter;
            }
        };
    }

    /**
     * 401 with {@code WWW-Authenticate: Bearer} and a problem body; 503 when the token could not be
     * checked because the keys that verify it cannot be had.
     */
    static final class ProblemEntryPoint implements AuthenticationEntryPoint {

        private static final Logger log = LoggerFactory.getLogger(ProblemEntryPoint.class);

        private final BearerTokenAuthenticationEntryPoint bearer = new BearerTokenAuthenticationEntryPoint();

        @Override
        public void commence(
                HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
                throws IOException {
            if (exception instanceof AuthenticationServiceException) {
                log.warn("A bearer token could not be verified: {}", exception.getMessage());
                Problem.of(
                                HttpStatus.SERVICE_UNAVAILABLE,
                                "Bearer tokens cannot be verified now (the keys that verify them cannot be fetched); "
                                        + "try again shortly.",
                                List.of())
                        .writeTo(response);
                return;
            }
            bearer.commence(request, response, exception);
            Problem.of(HttpStatus.UNAUTHORIZED, "The bearer token is missing, invalid or expired.", List.of())
                    .writeTo(response);
        }
    }
}
