package dev.microposts.platform.topology;

import dev.microposts.platform.web.Problem;
import dev.microposts.platform.web.RequestIds;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * A module's writes are refused (503 with {@code Retry-After}) in a process whose database
 * receives that module's tables by logical replication: while a module is extracted
 * ({@code migrate}), exactly one database takes its writes, and the other one is its replica. The
 * replica is recognised by a subscription named {@code microposts_<module>_...} in this process's
 * database, so the rule holds whichever side is the replica, across restarts, and is undone by
 * the same command that moves the writes. Normally the router sends no write to the replica: this
 * is the guard against a route set by hand, or a client that bypasses the router.
 * <p>
 * A replica's answer is looked up on every write (one catalog query); a database that is no
 * replica is believed for {@link ReplicaFence#TRUST_WRITABLE_MS}, so that the usual case costs
 * nothing.
 */
@Configuration(proxyBeanMethods = false)
class ReplicaWrites {

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> replicaWritesGuard(
            MicropostsProperties settings, ObjectProvider<DataSource> dataSource) {
        Set<ModuleId> local = settings.localModules();
        local.remove(ModuleId.ROUTER);
        DataSource data = dataSource.getIfAvailable();
        if (data == null) {
            local.clear();
        }
        FilterRegistrationBean<OncePerRequestFilter> registration =
                new FilterRegistrationBean<>(new Guard(local, new ReplicaFence(data)));
        registration.addUrlPatterns("/api/*");
        registration.setOrder(RequestIds.ORDER + 3);
        registration.setEnabled(!local.isEmpty());
        return registration;
    }

    static final class Guard extends OncePerRequestFilter {

        private final Map<ModuleId, List<PathPattern>> paths = new java.util.EnumMap<>(ModuleId.class);
        private final ReplicaFence subscriptions;

        Guard(Set<ModuleId> local, ReplicaFence subscriptions) {
            this.subscriptions = subscriptions;
            PathPatternParser parser = new PathPatternParser();
            for (ModuleId module : local) {
                List<PathPattern> patterns = new ArrayList<>();
                module.paths().forEach(path -> patterns.add(parser.parse(path)));
                paths.put(module, patterns);
            }
        }

        @Override
        protected boolean shouldNotFilter(HttpServletRequest request) {
            String method = request.getMethod();
            return "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method);
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            ModuleId module = moduleOf(request.getRequestURI());
            boolean replica = false;
            if (module != null) {
                try {
                    replica = subscriptions.replica(module);
                } catch (SQLException unavailable) {
                    // the write itself will meet the database's trouble and answer for it
                }
            }
            if (!replica) {
                chain.doFilter(request, response);
                return;
            }
            response.setHeader(HttpHeaders.RETRY_AFTER, "1");
            Problem.of(
                            HttpStatus.SERVICE_UNAVAILABLE,
                            "The " + module.id() + " module is being moved and this copy of its data is a replica:"
                                    + " its writes are taken elsewhere. Try again shortly (through the router).",
                            List.of())
                    .writeTo(response);
        }

        private ModuleId moduleOf(String uri) {
            PathContainer path = PathContainer.parsePath(uri);
            for (var entry : paths.entrySet()) {
                for (PathPattern pattern : entry.getValue()) {
                    if (pattern.matches(path)) {
                        return entry.getKey();
                    }
                }
            }
            return null;
        }
    }
}
