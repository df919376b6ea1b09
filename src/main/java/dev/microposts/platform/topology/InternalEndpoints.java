package dev.microposts.platform.topology;

import dev.microposts.platform.web.Problem;
import dev.microposts.platform.web.RequestIds;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The internal endpoints ({@code /internal/**}): the HTTP form of a module's API for the modules
 * that call it from another process ({@link RemoteModules}). A process serves them only for its
 * modules whose callers run elsewhere ({@link ConditionalOnRemoteCallers}; the monolith serves
 * none: 404 like any unknown path), and only to a caller that presents the deployment's shared
 * token ({@code MICROPOSTS_INTERNAL_TOKEN}, compared in constant time): anyone else gets 401. The
 * router never forwards them (it routes only the public paths of {@link ModuleId}).
 */
@Configuration(proxyBeanMethods = false)
public class InternalEndpoints {

    /** The request header that carries the token. */
    public static final String HEADER = "X-MicroPosts-Internal-Token";

    /** The path prefix of every internal endpoint. */
    public static final String PATH = "/internal/";

    /** A token shorter than this is refused at start. */
    static final int MIN_TOKEN_LENGTH = 32;

    /** The modules of this process that a module in another process calls: their endpoints are served here. */
    public static Set<ModuleId> served(Set<ModuleId> local) {
        return served(local, Set.of());
    }

    /**
     * The same, for a process some of whose modules are being extracted: the extracted process
     * calls their callees here.
     */
    public static Set<ModuleId> served(Set<ModuleId> local, Set<ModuleId> extracting) {
        Set<ModuleId> served = EnumSet.noneOf(ModuleId.class);
        for (ModuleId caller : ModuleId.BUSINESS) {
            if (!local.contains(caller) || extracting.contains(caller)) {
                caller.calls().stream().filter(local::contains).forEach(served::add);
            }
        }
        return served;
    }

    /** The modules this process's modules call in another process, through their endpoints. */
    public static Set<ModuleId> called(Set<ModuleId> local) {
        Set<ModuleId> called = EnumSet.noneOf(ModuleId.class);
        for (ModuleId module : local) {
            if (module != ModuleId.ROUTER) {
                module.calls().stream()
                        .filter(callee -> !local.contains(callee))
                        .forEach(called::add);
            }
        }
        return called;
    }

    /** The token this process sends to the internal endpoints of other processes, when it has one. */
    static Optional<String> credential(MicropostsProperties settings) {
        return settings.internal().configured()
                ? Optional.of(settings.internal().token())
                : Optional.empty();
    }

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> internalEndpointsGuard(MicropostsProperties settings) {
        FilterRegistrationBean<OncePerRequestFilter> registration =
                new FilterRegistrationBean<>(new Guard(settings.internal().token()));
        registration.addUrlPatterns(PATH + "*");
        // after the request id (its 401 carries one), before everything else
        registration.setOrder(RequestIds.ORDER + 2);
        // a process that serves no internal endpoint answers them 404, like any unknown path
        registration.setEnabled(
                !served(settings.localModules(), settings.extractingModules()).isEmpty());
        return registration;
    }

    /** Lets through only the requests that carry the token. */
    static final class Guard extends OncePerRequestFilter {

        private final byte[] expected;

        Guard(String token) {
            this.expected = token == null || token.isEmpty() ? null : digest(token);
        }

        /** Whether a presented token is the expected one, in time independent of where they differ. */
        boolean accepts(String presented) {
            return expected != null && presented != null && MessageDigest.isEqual(expected, digest(presented));
        }

        private static byte[] digest(String token) {
            try {
                // equal-length digests: MessageDigest.isEqual's time then says nothing about the token
                return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            } catch (NoSuchAlgorithmException ex) {
                throw new IllegalStateException(ex);
            }
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (accepts(request.getHeader(HEADER))) {
                chain.doFilter(request, response);
                return;
            }
            response.setHeader("WWW-Authenticate", "MicroPosts-Internal");
            Problem.of(HttpStatus.UNAUTHORIZED, "This endpoint is internal to MicroPosts' processes.", List.of())
                    .writeTo(response);
        }
    }
}
