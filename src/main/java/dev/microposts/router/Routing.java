package dev.microposts.router;

import dev.microposts.platform.web.Problem;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.List;
import org.springframework.cloud.gateway.server.mvc.common.MvcUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.HandlerFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Routes each request of a group by the table as it is when the request arrives (after any hold
 * of the group): the backend a pin names, else the sticky or weighted choice; measures the
 * backend's answer; and hands a copy of a read to the shadow comparison when the group has a
 * candidate.
 */
final class Routing implements HandlerFilterFunction<ServerResponse, ServerResponse> {

    /** Pins a request to a backend by name; honoured only with {@link #ADMIN_HEADER}. */
    static final String PIN_HEADER = "X-MicroPosts-Backend";
    /** The admin credential on a public request (its Authorization is the user's). */
    static final String ADMIN_HEADER = "X-MicroPosts-Admin-Token";
    /** Which backend answered: on every routed response, for people testing a canary. */
    static final String BACKEND_HEADER = "X-MicroPosts-Backend";

    /** The largest read body captured for a shadow comparison; a larger one is not compared. */
    static final int MAX_SHADOW_BODY = 1 << 20;

    private final String group;
    private final RouteTable table;
    private final Holds holds;
    private final RouterMetrics metrics;
    private final Shadowing shadowing;
    private final AdminCredential admin;

    Routing(
            String group,
            RouteTable table,
            Holds holds,
            RouterMetrics metrics,
            Shadowing shadowing,
            AdminCredential admin) {
        this.group = group;
        this.table = table;
        this.holds = holds;
        this.metrics = metrics;
        this.shadowing = shadowing;
        this.admin = admin;
    }

    @Override
    public ServerResponse filter(ServerRequest request, HandlerFunction<ServerResponse> next) throws Exception {
        Holds.Outcome outcome = holds.enter(group);
        switch (outcome) {
            case FULL:
            case EXPIRED:
                Problem held = held(group, outcome);
                return ServerResponse.status(HttpStatus.SERVICE_UNAVAILABLE)
                        .header(HttpHeaders.RETRY_AFTER, "1")
                        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                        .body(held);
            default:
                break;
        }
        try {
            return route(request, next);
        } finally {
            holds.leave(group);
        }
    }

    private ServerResponse route(ServerRequest request, HandlerFunction<ServerResponse> next) throws Exception {
        RouteGroup routes = table.group(group);
        Backend backend;
        String pin = request.headers().firstHeader(PIN_HEADER);
        if (pin != null) {
            if (!admin.matches(request.headers().firstHeader(ADMIN_HEADER))) {
                return problem(pinRefused());
            }
            backend = routes.backend(pin);
            if (backend == null) {
                return problem(noSuchBackend(group, routes, pin));
            }
        } else if (routes.writes() != null
                && RouteGroup.isWrite(request.method().name())) {
            backend = routes.backend(routes.writes());
        } else {
            // the user is looked for only where it counts (a path match, a token decoded)
            backend = BackendChooser.choose(
                    routes,
                    routes.sticky()
                            ? BackendChooser.user(
                                    request.path(), request.headers().firstHeader(HttpHeaders.AUTHORIZATION))
                            : null);
        }
        // the pin, the admin credential and the trace are settled in the headers the Gateway sends
        // (TraceForwarding): the request itself is passed on, so its attributes are the proxy's
        ServerRequest forwarded = request;
        MvcUtils.setRequestUrl(forwarded, backend.url());
        forwarded.attributes().put(RouterMetrics.BACKEND_ATTRIBUTE, backend.name());
        long started = System.nanoTime();
        ServerResponse response;
        try {
            response = next.handle(forwarded);
        } catch (Exception failed) {
            metrics.failed(group, backend.name(), System.nanoTime() - started);
            throw failed;
        }
        metrics.answered(group, backend.name(), response.statusCode().value(), System.nanoTime() - started);
        try {
            response.headers().set(BACKEND_HEADER, backend.name());
        } catch (UnsupportedOperationException readOnly) {
            // an answer the router made itself
        }
        String method = request.method().name();
        if (routes.shadow() != null
                && !routes.shadow().equals(backend.name())
                && ("GET".equals(method) || "HEAD".equals(method))) {
            Backend candidate = routes.backend(routes.shadow());
            byte[] body = capture(forwarded);
            if (body != null) {
                shadowing.offer(
                        group,
                        request,
                        backend,
                        candidate,
                        response.statusCode().value(),
                        response.headers(),
                        body);
            } else {
                shadowing.skipped(group);
            }
        }
        return response;
    }

    /**
     * Reads the backend's answer (up to {@link #MAX_SHADOW_BODY}) so that it can be compared, and
     * puts it back for the client; null when it is larger.
     */
    private static byte[] capture(ServerRequest request) throws java.io.IOException {
        Object attribute = request.attributes().get(MvcUtils.CLIENT_RESPONSE_INPUT_STREAM_ATTR);
        if (!(attribute instanceof InputStream original)) {
            return new byte[0];
        }
        byte[] head = original.readNBytes(MAX_SHADOW_BODY + 1);
        if (head.length > MAX_SHADOW_BODY) {
            request.attributes()
                    .put(
                            MvcUtils.CLIENT_RESPONSE_INPUT_STREAM_ATTR,
                            new SequenceInputStream(new ByteArrayInputStream(head), original));
            return null;
        }
        request.attributes().put(MvcUtils.CLIENT_RESPONSE_INPUT_STREAM_ATTR, new ByteArrayInputStream(head));
        return head;
    }

    /** The 503 of a request a hold let through no further ({@link Holds.Outcome#FULL}, {@code EXPIRED}). */
    static Problem held(String group, Holds.Outcome outcome) {
        String detail = outcome == Holds.Outcome.FULL
                ? "Requests of route group '" + group
                        + "' are held (a backend is being switched) and too many are waiting already; try again shortly."
                : "Requests of route group '" + group
                        + "' were held (a backend is being switched) for longer than the hold's maximum; try again shortly.";
        return withType(Problem.of(HttpStatus.SERVICE_UNAVAILABLE, detail, List.of()), RouterProblems.HELD);
    }

    /** A pin without the admin credential. */
    static Problem pinRefused() {
        return Problem.of(
                HttpStatus.FORBIDDEN,
                "The " + PIN_HEADER + " header pins a request to a backend only with the admin credential in "
                        + ADMIN_HEADER + ".",
                List.of());
    }

    /** A pin to a backend the group does not have. */
    static Problem noSuchBackend(String group, RouteGroup routes, String pin) {
        return Problem.of(
                HttpStatus.BAD_REQUEST,
                "Route group '" + group + "' has no backend '" + pin + "'; it has "
                        + routes.backends().stream().map(Backend::name).toList() + ".",
                List.of());
    }

    private static ServerResponse problem(Problem problem) {
        return ServerResponse.status(problem.status())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    private static Problem withType(Problem problem, String type) {
        return new Problem(type, problem.title(), problem.status(), problem.detail(), problem.errors());
    }
}
