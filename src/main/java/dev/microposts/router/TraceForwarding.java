package dev.microposts.router;

import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.cloud.gateway.server.mvc.filter.HttpHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.function.ServerRequest;

/**
 * Passes the request's trace on to the module the router calls: the context of the router's own
 * span ({@code http.server.requests}) goes in the proxied request's headers (W3C
 * {@code traceparent}), replacing a client's, so the module's span is that span's child. The router
 * makes no client span of its own for the hop: that observation is off in its process (its timer
 * cost a tenth of the hop, docs/BENCHMARKS.md), and its server span already lasts as long as the
 * proxied call.
 */
final class TraceForwarding implements HttpHeadersFilter.RequestHttpHeadersFilter {

    private final Tracer tracer;
    private final Propagator propagator;

    TraceForwarding(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /**
     * The headers the Gateway sends to the backend, with the trace's fields set (and the router's
     * own pin and admin credential removed: they are never passed on).
     */
    @Override
    public HttpHeaders apply(HttpHeaders input, ServerRequest request) {
        boolean routerOwn = input.containsHeader(Routing.PIN_HEADER) || input.containsHeader(Routing.ADMIN_HEADER);
        TraceContext context = tracer.currentTraceContext().context();
        Map<String, String> fields = new LinkedHashMap<>(4);
        if (context != null) {
            propagator.inject(context, fields, Map::put);
        }
        if (fields.isEmpty() && !routerOwn) {
            return input;
        }
        HttpHeaders output = new HttpHeaders();
        output.putAll(input);
        output.remove(Routing.PIN_HEADER);
        output.remove(Routing.ADMIN_HEADER);
        fields.forEach(output::set);
        return output;
    }
}
