package dev.microposts.router;

import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.springframework.web.servlet.function.ServerRequest;

/**
 * Passes the request's trace on to the module the router calls: the context of the router's own
 * span ({@code http.server.requests}) goes in the proxied request's headers (W3C
 * {@code traceparent}), replacing a client's, so the module's span is that span's child. The router
 * makes no client span of its own for the hop: that observation is off in its process (its timer
 * cost a tenth of the hop, docs/BENCHMARKS.md), and its server span already lasts as long as the
 * proxied call.
 */
final class TraceForwarding implements Function<ServerRequest, ServerRequest> {

    private final Tracer tracer;
    private final Propagator propagator;

    TraceForwarding(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    @Override
    public ServerRequest apply(ServerRequest request) {
        TraceContext context = tracer.currentTraceContext().context();
        if (context == null) {
            return request;
        }
        Map<String, String> fields = new LinkedHashMap<>(4);
        propagator.inject(context, fields, Map::put);
        if (fields.isEmpty()) {
            return request;
        }
        return ServerRequest.from(request)
                .headers(headers -> fields.forEach(headers::set))
                .build();
    }
}
