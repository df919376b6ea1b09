package dev.microposts.router;

import dev.microposts.platform.topology.ModuleId;
import dev.microposts.platform.web.BodySizeLimit;
import dev.microposts.platform.web.ForwardedHeaders;
import dev.microposts.platform.web.Problem;
import dev.microposts.platform.web.RequestIds;
import dev.microposts.platform.web.TrustedProxies;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.NettyOutbound;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The router's public port, on Reactor Netty's HTTP server and client: a request of a route
 * group's paths is routed here by the live table, the way {@link Routing} does it (holds, pins,
 * sticky and weighted choice, measurements, shadow copies of reads), without the servlet stack,
 * which cost twice the router's latency budget (docs/BENCHMARKS.md). Every other request, and
 * every request this port does not take as plainly well-formed (an encoded or dot segment, a
 * chunked body, {@code Expect}, another method or HTTP version), goes on unchanged to the router's
 * own Tomcat on a loopback port (its backstage), which answers it as the router always has:
 * the firewall, the merged OpenAPI document, health, 404s and the same routes on Spring Cloud
 * Gateway. The client's address goes with it in a header only this process can set.
 */
final class PublicPort {

    private static final Logger log = LoggerFactory.getLogger(PublicPort.class);
    private static final Logger access = LoggerFactory.getLogger("dev.microposts.access");

    /** On a request to the backstage: this process's secret, then the client's address. */
    static final String FRONT_HEADER = "X-MicroPosts-Front";

    private static final Set<HttpMethod> ROUTED_METHODS = Set.of(
            HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);

    /** Hop-by-hop headers (RFC 9110, 7.6.1), and the router's own: never passed on either way. */
    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection",
            "keep-alive",
            "proxy-connection",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "proxy-authenticate",
            "proxy-authorization",
            "host");

    private record Route(String group, PathPattern pattern) {}

    /** Tomcat's limit of a request's line and headers together (server.max-http-request-header-size). */
    static final int MAX_HEAD = 8 * 1024;

    private final String host;
    private final int port;
    private final ControlPlane plane;
    private final TrustedProxies trusted;
    private final Tracer tracer;
    private final Propagator propagator;
    private final String secret;
    private final IntSupplier backstagePort;
    private final List<Route> routes = new ArrayList<>();
    private final LoopResources loops;
    private final List<ConnectionProvider> pools = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<EventLoop, HttpClient> colocated = new java.util.concurrent.ConcurrentHashMap<>();
    private final HttpClient client;
    private final io.micrometer.core.instrument.Counter toBackstage;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final DefaultEventExecutor tracking =
            new DefaultEventExecutor(new io.netty.util.concurrent.DefaultThreadFactory("router-public-tracking", true));
    private volatile DisposableServer server;

    PublicPort(
            String host,
            int port,
            Set<ModuleId> modules,
            ControlPlane plane,
            TrustedProxies trusted,
            Tracer tracer,
            Propagator propagator,
            String secret,
            IntSupplier backstagePort,
            io.micrometer.core.instrument.MeterRegistry meters,
            Duration connectTimeout,
            Duration readTimeout) {
        this.host = host;
        this.port = port;
        this.plane = plane;
        this.trusted = trusted;
        this.tracer = tracer;
        this.propagator = propagator;
        this.secret = secret;
        this.backstagePort = backstagePort;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.toBackstage = io.micrometer.core.instrument.Counter.builder("router.backstage.requests")
                .description("requests the public port passed on to the router's Tomcat (not a route group's"
                        + " plainly well-formed request)")
                .register(meters);
        PathPatternParser parser = PathPatternParser.defaultInstance;
        for (ModuleId module : ModuleId.BUSINESS) {
            if (modules.contains(module)) {
                for (String path : RouterConfig.routedPaths(module)) {
                    routes.add(new Route(module.id(), parser.parse(path)));
                }
            }
        }
        loops = LoopResources.create(
                "router-public", Math.max(2, Runtime.getRuntime().availableProcessors()), true);
        client = client(null);
    }

    /**
     * The client of one event loop: its connections are made on that loop and kept in a pool of its
     * own, so a request is passed on and answered on the thread that took it, never handed to
     * another; null: of any loop (for the backstage).
     */
    private HttpClient client(EventLoop loop) {
        ConnectionProvider connections = ConnectionProvider.builder("router-backends")
                .maxConnections(RouterConfig.MAX_CONNECTIONS_PER_MODULE)
                .pendingAcquireMaxCount(-1)
                .maxIdleTime(Duration.ofSeconds(30))
                .build();
        pools.add(connections);
        HttpClient made = HttpClient.create(connections);
        return (loop == null ? made.runOn(loops) : made.runOn(loop))
                // the servlet path's client settings (spring.http.clients.*, TopologyEnvironment)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .responseTimeout(readTimeout)
                // a module's answer head may be as large as Tomcat lets it write
                .httpResponseDecoder(decoder -> decoder.maxHeaderSize(4 * MAX_HEAD))
                .followRedirect(false)
                .compress(false)
                .keepAlive(true);
    }

    /** A backend's URL without a trailing slash: the path is the request's (as the Gateway did). */
    private static String base(Backend backend) {
        String url = backend.url().toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** The client of the event loop the request is on. */
    private HttpClient clientFor(HttpServerRequest request) {
        if (!(request instanceof Connection connection)) {
            return client;
        }
        EventLoop loop = connection.channel().eventLoop();
        HttpClient own = colocated.get(loop);
        return own != null ? own : colocated.computeIfAbsent(loop, this::client);
    }

    /** Opens the port; the backstage must be listening already. */
    void start() {
        server = HttpServer.create()
                .bindAddress(() -> host == null ? new InetSocketAddress(port) : new InetSocketAddress(host, port))
                .runOn(loops)
                .idleTimeout(Duration.ofSeconds(60))
                // a client that stops sending its request (Tomcat's connectionTimeout)
                .readTimeout(Duration.ofSeconds(60))
                // larger than Tomcat's limits, so that a request over them reaches Tomcat, which
                // refuses it as it always has
                .httpRequestDecoder(
                        decoder -> decoder.maxInitialLineLength(4 * MAX_HEAD).maxHeaderSize(4 * MAX_HEAD))
                // the connections are tracked, so that stopping waits for the requests in flight
                .channelGroup(new DefaultChannelGroup(tracking))
                .handle(this::serve)
                .bindNow(Duration.ofSeconds(30));
        log.info(
                "The router's public port is {} (routed on Reactor Netty; the rest on Tomcat at 127.0.0.1:{})",
                server.port(),
                backstagePort.getAsInt());
    }

    int port() {
        return server.port();
    }

    /** Stops taking requests and lets those in flight finish, for at most {@code grace}. */
    void stop(Duration grace) {
        DisposableServer running = server;
        if (running != null) {
            try {
                running.disposeNow(grace);
            } catch (IllegalStateException timedOut) {
                log.warn("Requests still in flight on the public port after {}; closing it", grace);
            }
        }
        tracking.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        for (ConnectionProvider pool : pools) {
            pool.disposeLater().block(Duration.ofSeconds(5));
        }
        loops.disposeLater().block(Duration.ofSeconds(5));
    }

    private Publisher<Void> serve(HttpServerRequest request, HttpServerResponse response) {
        String uri = request.uri();
        Route route = routable(request, uri) ? route(uri) : null;
        if (route == null) {
            return backstage(request, response);
        }
        return routed(route.group(), request, response, uri);
    }

    /** Whether the request is plainly well-formed, so the servlet stack's checks could add nothing. */
    private static boolean routable(HttpServerRequest request, String uri) {
        if (!ROUTED_METHODS.contains(request.method())
                || !HttpVersion.HTTP_1_1.equals(request.version())
                || !plainPath(uri)) {
            return false;
        }
        HttpHeaders headers = request.requestHeaders();
        if (headers.getAll(HttpHeaderNames.HOST).size() != 1
                || (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)
                        && !"chunked".equalsIgnoreCase(headers.get(HttpHeaderNames.TRANSFER_ENCODING)))
                || headers.contains(HttpHeaderNames.EXPECT)
                // an offer of h2c (the JDK's HttpClient makes one on every plain request) is
                // declined by answering in HTTP/1.1, as Tomcat does; any other upgrade is Tomcat's
                || (headers.contains(HttpHeaderNames.UPGRADE)
                        && !"h2c".equalsIgnoreCase(headers.get(HttpHeaderNames.UPGRADE)))
                || headers.contains(FRONT_HEADER)) {
            return false;
        }
        int size = uri.length();
        for (Map.Entry<String, String> header : headers) {
            if (!plainValue(header.getValue())) {
                return false;
            }
            size += header.getKey().length() + header.getValue().length() + 4;
        }
        return size < MAX_HEAD;
    }

    /**
     * An origin-form target whose path has only unreserved characters, sub-delimiters, ':', '@'
     * and single '/' between segments that are not '.' or '..', and whose query is printable ASCII.
     */
    static boolean plainPath(String uri) {
        if (uri.isEmpty() || uri.charAt(0) != '/' || uri.length() > 4096) {
            return false;
        }
        int query = uri.indexOf('?');
        int end = query < 0 ? uri.length() : query;
        char previous = 0;
        for (int i = 0; i < end; i++) {
            char c = uri.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "-._~!$&'()*+,=:@/".indexOf(c) >= 0;
            if (!allowed || (c == '/' && previous == '/')) {
                return false;
            }
            if (c == '.' && previous == '/') {
                int next = i + 1 < end ? uri.charAt(i + 1) : '/';
                if (next == '/' || (next == '.' && (i + 2 >= end || uri.charAt(i + 2) == '/'))) {
                    return false;
                }
            }
            previous = c;
        }
        for (int i = end; i < uri.length(); i++) {
            char c = uri.charAt(i);
            // as Tomcat: printable ASCII, but none of "<>\^`{|} (its relaxedQueryChars are unset)
            if (c <= 0x20 || c >= 0x7f || "\"<>\\^`{|}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** A header value without control characters (a tab aside) and within ASCII or Latin-1 text. */
    private static boolean plainValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            // as Spring Security's firewall: no control character (tabs and C1 included)
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c > 0xff) {
                return false;
            }
        }
        return true;
    }

    private Route route(String uri) {
        int query = uri.indexOf('?');
        PathContainer path = PathContainer.parsePath(query < 0 ? uri : uri.substring(0, query));
        for (Route route : routes) {
            if (route.pattern().matches(path)) {
                return route;
            }
        }
        return null;
    }

    private Publisher<Void> routed(String group, HttpServerRequest request, HttpServerResponse response, String uri) {
        long started = System.nanoTime();
        String id = RequestIds.accept(request.requestHeaders().get(RequestIds.HEADER));
        response.header(RequestIds.HEADER, id).header(RequestIds.NOSNIFF, "nosniff");
        String length = request.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
        long declared = length == null ? -1 : declaredLength(request.requestHeaders());
        boolean chunked = request.requestHeaders().contains(HttpHeaderNames.TRANSFER_ENCODING);
        if (declared > SWALLOW) {
            return tooLarge(request, response, id, started);
        }
        if (chunked || declared > BodySizeLimit.MAX_BYTES) {
            // read up to the limit, and a larger body to its end (up to Tomcat's 2 MiB), so that the
            // client, which is still sending it, gets the 413
            return collected(request)
                    .flatMap(body -> body == TOO_LARGE
                            ? tooLarge(request, response, id, started)
                            : proceed(group, request, response, uri, id, started, body)
                                    .doFinally(signal -> {
                                        if (body.refCnt() > 0) {
                                            body.release();
                                        }
                                    }));
        }
        return proceed(group, request, response, uri, id, started, null);
    }

    /** Tomcat's {@code maxSwallowSize}: a larger body is not read to its end before a 413. */
    static final long SWALLOW = 2 * 1024 * 1024;

    private static final ByteBuf TOO_LARGE = Unpooled.unreleasableBuffer(Unpooled.buffer(0));

    /** The request's body whole, or {@link #TOO_LARGE} (read to its end or {@link #SWALLOW}). */
    private static Mono<ByteBuf> collected(HttpServerRequest request) {
        long[] seen = {0};
        CompositeByteBuf whole = ByteBufAllocator.DEFAULT.compositeBuffer(Integer.MAX_VALUE);
        return request.receive()
                .takeWhile(part -> (seen[0] += part.readableBytes()) <= SWALLOW)
                .doOnNext(part -> {
                    if (seen[0] <= BodySizeLimit.MAX_BYTES) {
                        whole.addComponent(true, part.retain());
                    }
                })
                .then(Mono.fromSupplier(() -> {
                    if (seen[0] <= BodySizeLimit.MAX_BYTES) {
                        return (ByteBuf) whole;
                    }
                    whole.release();
                    return TOO_LARGE;
                }))
                .doOnError(failed -> {
                    if (whole.refCnt() > 0) {
                        whole.release();
                    }
                })
                .doOnCancel(() -> {
                    if (whole.refCnt() > 0) {
                        whole.release();
                    }
                });
    }

    /** 413, as {@link BodySizeLimit} answers it (before Spring Security's chain), closing the connection. */
    private Mono<Void> tooLarge(HttpServerRequest request, HttpServerResponse response, String id, long started) {
        response.keepAlive(false)
                .header(HttpHeaderNames.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE + ";charset=UTF-8");
        return answer(
                        response,
                        Problem.of(
                                HttpStatus.CONTENT_TOO_LARGE,
                                "The request body is larger than " + BodySizeLimit.MAX_BYTES + " bytes.",
                                List.of()),
                        false)
                .doFinally(signal -> finish(request, response, started, null, id));
    }

    private Mono<Void> proceed(
            String group,
            HttpServerRequest request,
            HttpServerResponse response,
            String uri,
            String id,
            long started,
            ByteBuf body) {
        Span span = propagator
                .extract(request.requestHeaders(), (headers, name) -> headers.get(name))
                .kind(Span.Kind.SERVER)
                .name("http " + request.method().name().toLowerCase(Locale.ROOT))
                .tag("http.request.method", request.method().name())
                .tag("microposts.route.group", group)
                .start();
        boolean secured = securityHeaders(request, uri);
        CompletableFuture<Holds.Outcome> entered = plane.holds().enterLater(group);
        Mono<Holds.Outcome> outcome = entered.isDone() ? Mono.just(entered.join()) : Mono.fromFuture(entered, true);
        AtomicBoolean forwarded = new AtomicBoolean();
        return outcome.flatMap(let -> switch (let) {
                    case FULL, EXPIRED -> answer(response, Routing.held(group, let), secured);
                    default -> {
                        if (!forwarded.compareAndSet(false, true)) {
                            yield Mono.<Void>empty(); // cancelled meanwhile, and counted out below
                        }
                        // the exchange with the backend runs to its end even when the client goes
                        // away: the request counts as in flight until the backend has answered, so
                        // that a write switch never moves the writes under a write still running
                        CompletableFuture<Void> exchange = forward(
                                        group, request, response, uri, id, span, secured, body)
                                .doFinally(signal -> plane.holds().leave(group))
                                .toFuture();
                        yield Mono.fromFuture(exchange, true);
                    }
                })
                .doFinally(signal -> {
                    // let through, but gone before it was forwarded (cancelled): no longer in flight
                    entered.thenAccept(let -> {
                        if ((let == Holds.Outcome.NOT_HELD || let == Holds.Outcome.RELEASED)
                                && forwarded.compareAndSet(false, true)) {
                            plane.holds().leave(group);
                        }
                    });
                    finish(request, response, started, span, id);
                });
    }

    private Mono<Void> forward(
            String group,
            HttpServerRequest request,
            HttpServerResponse response,
            String uri,
            String id,
            Span span,
            boolean secured,
            ByteBuf requestBody) {
        RouteGroup routes = plane.table().group(group);
        HttpHeaders in = request.requestHeaders();
        Backend backend;
        String pin = in.get(Routing.PIN_HEADER);
        if (pin != null) {
            if (!plane.admin().matches(in.get(Routing.ADMIN_HEADER))) {
                return answer(response, Routing.pinRefused(), secured);
            }
            backend = routes.backend(pin);
            if (backend == null) {
                return answer(response, Routing.noSuchBackend(group, routes, pin), secured);
            }
        } else if (routes.writes() != null
                && RouteGroup.isWrite(request.method().name())) {
            backend = routes.backend(routes.writes());
        } else {
            int query = uri.indexOf('?');
            backend = BackendChooser.choose(
                    routes,
                    routes.sticky()
                            ? BackendChooser.user(
                                    query < 0 ? uri : uri.substring(0, query), in.get(HttpHeaderNames.AUTHORIZATION))
                            : null);
        }
        HttpHeaders out = forwardedHeaders(request, id, span);
        String method = request.method().name();
        Backend chosen = backend;
        boolean shadowed = routes.shadow() != null
                && !routes.shadow().equals(backend.name())
                && ("GET".equals(method) || "HEAD".equals(method));
        Backend candidate = shadowed ? routes.backend(routes.shadow()) : null;
        long sent = System.nanoTime();
        HttpClient.ResponseReceiver<?> call = clientFor(request)
                .request(request.method())
                .uri(base(backend) + uri)
                .send(
                        requestBody != null
                                ? sendingWhole(out, requestBody)
                                : sending(out, in.contains(HttpHeaderNames.CONTENT_LENGTH) ? request : null));
        AtomicBoolean measured = new AtomicBoolean();
        return call.response((answer, body) -> {
                    measured.set(true);
                    int status = answer.status().code();
                    plane.metrics().answered(group, chosen.name(), status, System.nanoTime() - sent);
                    span.tag("http.response.status_code", Integer.toString(status));
                    HttpHeaders headers = answered(answer);
                    headers.set(RequestIds.HEADER, id)
                            .set(RequestIds.NOSNIFF, "nosniff")
                            .set(Routing.BACKEND_HEADER, chosen.name());
                    if (secured) {
                        addSecurityHeaders(headers);
                    }
                    if (declaredLength(answer.responseHeaders()) > Routing.MAX_SHADOW_BODY) {
                        // too large to hold: passed on as it comes, and not compared
                        if (candidate != null) {
                            plane.shadowing().skipped(group);
                        }
                        return response.status(status)
                                .headers(headers)
                                .send(body.retain())
                                .then();
                    }
                    // held whole before anything is sent, so an answer that breaks off is a 502,
                    // never a truncated answer under the backend's status
                    return body.aggregate()
                            .retain()
                            .defaultIfEmpty(Unpooled.EMPTY_BUFFER)
                            .flatMap(whole -> {
                                int length = whole.readableBytes();
                                if (candidate != null) {
                                    plane.shadowing()
                                            .offer(
                                                    group,
                                                    method,
                                                    uri,
                                                    "http",
                                                    name -> name.equalsIgnoreCase("Host")
                                                            ? in.get(HttpHeaderNames.HOST)
                                                            : out.get(name),
                                                    chosen,
                                                    candidate,
                                                    status,
                                                    springHeaders(answer.responseHeaders()),
                                                    io.netty.buffer.ByteBufUtil.getBytes(whole));
                                }
                                if (!"HEAD".equals(method)) {
                                    headers.set(HttpHeaderNames.CONTENT_LENGTH, length);
                                }
                                response.status(status).headers(headers);
                                if (length == 0) {
                                    whole.release();
                                    return response.send().then();
                                }
                                return response.send(Mono.just(whole)).then();
                            });
                })
                .then()
                .onErrorResume(error -> {
                    if (!measured.get()) {
                        plane.metrics().failed(group, chosen.name(), System.nanoTime() - sent);
                    }
                    if (response instanceof Connection client && client.isDisposed()) {
                        return Mono.empty(); // the client has gone: nobody to answer
                    }
                    if (response.hasSentHeaders()) {
                        log(
                                id,
                                span,
                                () -> log.warn(
                                        "The answer of backend {} of route group {} to {} {} broke off: {}",
                                        chosen.name(),
                                        group,
                                        method,
                                        uri,
                                        error.toString()));
                        return Mono.error(error);
                    }
                    log(
                            id,
                            span,
                            () -> log.warn(
                                    "Backend {} of route group {} did not answer {} {}: {}",
                                    chosen.name(),
                                    group,
                                    method,
                                    uri,
                                    error.toString()));
                    var problem = RouterProblems.answer(error, method, group);
                    response.headers(new DefaultHttpHeaders())
                            .header(RequestIds.HEADER, id)
                            .header(RequestIds.NOSNIFF, "nosniff");
                    problem.getHeaders()
                            .forEach((name, values) -> values.forEach(value -> response.addHeader(name, value)));
                    return answer(response, problem.getBody(), secured);
                });
    }

    /**
     * The headers the backend is sent: the client's, without hop-by-hop ones, the router's own
     * pin and credential, and forwarded headers that are not from a trusted proxy or not
     * well-formed; then the request id, the trace, and the router's own {@code X-Forwarded-*}
     * after any the client's trusted proxy sent.
     */
    private HttpHeaders forwardedHeaders(HttpServerRequest request, String id, Span span) {
        HttpHeaders in = request.requestHeaders();
        HttpHeaders out = new DefaultHttpHeaders(false);
        InetSocketAddress peer = request.remoteAddress();
        String peerAddress = peer == null || peer.getAddress() == null
                ? "unknown"
                : peer.getAddress().getHostAddress();
        boolean fromTrusted = trusted.contains(peerAddress);
        Set<String> seen = new java.util.HashSet<>();
        for (String name : in.names()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!seen.add(lower)
                    || HOP_BY_HOP.contains(lower)
                    || lower.equals("x-microposts-backend")
                    || lower.equals("x-microposts-admin-token")
                    || lower.equals("x-request-id")
                    || lower.equals("traceparent")
                    || lower.equals("tracestate")) {
                continue;
            }
            List<String> values = in.getAll(name);
            if (ForwardedHeaders.isForwardedHeader(name)
                    && !(fromTrusted && ForwardedHeaders.wellFormed(name, values))) {
                continue;
            }
            out.add(name, values);
        }
        out.set(RequestIds.HEADER, id);
        propagator.inject(span.context(), out, (headers, name, value) -> headers.set(name, value));
        String host = in.get(HttpHeaderNames.HOST);
        append(out, "X-Forwarded-For", peerAddress);
        append(out, "X-Forwarded-Proto", "http");
        if (host != null) {
            append(out, "X-Forwarded-Host", host);
        }
        return out;
    }

    private static void append(HttpHeaders headers, String name, String value) {
        String existing = headers.get(name);
        headers.set(name, existing == null ? value : existing + "," + value);
    }

    /** RFC 9110's IMF-fixdate. */
    private static final java.time.format.DateTimeFormatter HTTP_DATE =
            java.time.format.DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);

    /**
     * Whether the router's servlet stack would pass the request through Spring Security's chain
     * ({@code SecurityConfig.needsTheChain}: a write, a request with credentials, the resource
     * metadata), whose header writers add their headers to the answer where it has none.
     */
    private static boolean securityHeaders(HttpServerRequest request, String uri) {
        HttpMethod method = request.method();
        return !(HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method))
                || request.requestHeaders().contains(HttpHeaderNames.AUTHORIZATION)
                || uri.startsWith(dev.microposts.platform.security.SecurityConfig.RESOURCE_METADATA);
    }

    /** Spring Security's default headers, each where the answer has none of its own. */
    private static void addSecurityHeaders(HttpHeaders headers) {
        if (!headers.contains(HttpHeaderNames.CACHE_CONTROL)
                && !headers.contains(HttpHeaderNames.PRAGMA)
                && !headers.contains(HttpHeaderNames.EXPIRES)) {
            headers.set(HttpHeaderNames.CACHE_CONTROL, "no-cache, no-store, max-age=0, must-revalidate")
                    .set(HttpHeaderNames.PRAGMA, "no-cache")
                    .set(HttpHeaderNames.EXPIRES, "0");
        }
        if (!headers.contains("X-Frame-Options")) {
            headers.set("X-Frame-Options", "DENY");
        }
        if (!headers.contains("X-XSS-Protection")) {
            headers.set("X-XSS-Protection", "0");
        }
    }

    /** An answer's Content-Length, or -1. */
    private static long declaredLength(HttpHeaders headers) {
        String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (length == null) {
            return -1;
        }
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException malformed) {
            return -1;
        }
    }

    /**
     * Sends exactly the given headers (not the client library's own Accept and User-Agent, which
     * the client did not send), then the client's body, if it has one.
     */
    private static java.util.function.BiFunction<HttpClientRequest, NettyOutbound, Publisher<Void>> sending(
            HttpHeaders headers, HttpServerRequest withBody) {
        return (outgoing, outbound) -> {
            exactly(outgoing, headers);
            return withBody == null
                    ? outbound
                    : outbound.send(withBody.receive().retain());
        };
    }

    /** The request's headers made the given ones (without the client library's Accept and User-Agent). */
    private static HttpHeaders exactly(HttpClientRequest outgoing, HttpHeaders headers) {
        HttpHeaders sent = outgoing.requestHeaders();
        sent.remove(HttpHeaderNames.ACCEPT).remove(HttpHeaderNames.USER_AGENT);
        if (headers.contains(HttpHeaderNames.HOST)) {
            sent.remove(HttpHeaderNames.HOST);
        }
        return sent.add(headers);
    }

    /** Sends the given headers, then a body read whole (a chunked one), with its length. */
    private static java.util.function.BiFunction<HttpClientRequest, NettyOutbound, Publisher<Void>> sendingWhole(
            HttpHeaders headers, ByteBuf body) {
        return (outgoing, outbound) -> {
            exactly(outgoing, headers).set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
            return outbound.send(Mono.just(body.retain()));
        };
    }

    /** The backend's answer's headers as the client gets them. */
    private static HttpHeaders answered(HttpClientResponse answer) {
        HttpHeaders headers = new DefaultHttpHeaders(false);
        for (Map.Entry<String, String> header : answer.responseHeaders()) {
            String lower = header.getKey().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(lower) || lower.equals("x-request-id") || lower.equals("x-content-type-options")) {
                continue;
            }
            headers.add(header.getKey(), header.getValue());
        }
        return headers;
    }

    private static org.springframework.http.HttpHeaders springHeaders(HttpHeaders headers) {
        org.springframework.http.HttpHeaders spring = new org.springframework.http.HttpHeaders();
        for (Map.Entry<String, String> header : headers) {
            spring.add(header.getKey(), header.getValue());
        }
        return spring;
    }

    /** A problem the router answers itself. */
    private static Mono<Void> answer(HttpServerResponse response, Problem problem, boolean secured) {
        byte[] json = problem.toJson();
        if (secured) {
            addSecurityHeaders(response.responseHeaders());
        }
        HttpHeaders headers = response.responseHeaders();
        if (!headers.contains(HttpHeaderNames.CONTENT_TYPE)) {
            headers.set(HttpHeaderNames.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        }
        headers.set(HttpHeaderNames.CONTENT_LENGTH, json.length)
                .set(HttpHeaderNames.DATE, HTTP_DATE.format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)));
        response.status(problem.status());
        if (problem.status() == HttpStatus.SERVICE_UNAVAILABLE.value()
                && !response.responseHeaders().contains(HttpHeaderNames.RETRY_AFTER)) {
            response.header(HttpHeaderNames.RETRY_AFTER, "1");
        }
        return response.sendObject(Unpooled.wrappedBuffer(json)).then();
    }

    private void finish(HttpServerRequest request, HttpServerResponse response, long started, Span span, String id) {
        if (span != null) {
            span.end();
        }
        if (access.isInfoEnabled()) {
            int query = request.uri().indexOf('?');
            log(
                    id,
                    span,
                    () -> access.info(
                            "{} {} {} {}ms",
                            request.method().name(),
                            query < 0 ? request.uri() : request.uri().substring(0, query),
                            response.status().code(),
                            (System.nanoTime() - started) / 1_000_000));
        }
    }

    /** Logs with the request id and trace in the logging context, as the servlet stack does. */
    private void log(String id, Span span, Runnable line) {
        MDC.put(RequestIds.MDC_KEY, id);
        try (Tracer.SpanInScope scope = span == null ? null : tracer.withSpan(span)) {
            line.run();
        } finally {
            MDC.remove(RequestIds.MDC_KEY);
        }
    }

    /**
     * The request target in origin form: as it is when it is a path; the path and query of an
     * absolute http(s) URL (RFC 9112, 3.2.2); null for anything else ({@code *}, an authority).
     */
    static String originForm(String target) {
        if (target.startsWith("/")) {
            return target;
        }
        try {
            java.net.URI uri = new java.net.URI(target);
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                return null;
            }
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        } catch (java.net.URISyntaxException malformed) {
            return null;
        }
    }

    /** Anything the public port does not route itself, on to the router's Tomcat as it came. */
    private Publisher<Void> backstage(HttpServerRequest request, HttpServerResponse response) {
        toBackstage.increment();
        String target = originForm(request.uri());
        if (target == null) {
            response.keepAlive(false);
            return answer(
                    response,
                    Problem.of(
                            HttpStatus.BAD_REQUEST,
                            "The request target must be a path (or an absolute http URL).",
                            List.of()),
                    false);
        }
        HttpHeaders out = new DefaultHttpHeaders(false);
        Set<String> seen = new java.util.HashSet<>();
        for (String name : request.requestHeaders().names()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (seen.add(lower)
                    && !lower.equals("connection")
                    && !lower.equals("keep-alive")
                    && !lower.equalsIgnoreCase(FRONT_HEADER)) {
                out.add(name, request.requestHeaders().getAll(name));
            }
        }
        InetSocketAddress peer = request.remoteAddress();
        out.set(
                FRONT_HEADER,
                secret + " "
                        + (peer == null || peer.getAddress() == null
                                ? "unknown"
                                : peer.getAddress().getHostAddress()));
        HttpHeaders in = request.requestHeaders();
        boolean body = in.contains(HttpHeaderNames.CONTENT_LENGTH) || in.contains(HttpHeaderNames.TRANSFER_ENCODING);
        HttpClient.ResponseReceiver<?> call = client.request(request.method())
                .uri("http://127.0.0.1:" + backstagePort.getAsInt() + target)
                .send(sending(out, body ? request : null));
        return call.response((answer, content) -> {
                    HttpHeaders headers = new DefaultHttpHeaders(false);
                    for (Map.Entry<String, String> header : answer.responseHeaders()) {
                        String lower = header.getKey().toLowerCase(Locale.ROOT);
                        if (!lower.equals("connection")
                                && !lower.equals("keep-alive")
                                && !lower.equals("transfer-encoding")) {
                            headers.add(header.getKey(), header.getValue());
                        }
                    }
                    if ("close".equalsIgnoreCase(answer.responseHeaders().get(HttpHeaderNames.CONNECTION))) {
                        response.keepAlive(false);
                    }
                    return response.status(answer.status()).headers(headers).send(content.retain());
                })
                .then()
                .onErrorResume(error -> {
                    if (response.hasSentHeaders()) {
                        return Mono.error(error);
                    }
                    log.warn(
                            "The router's backstage did not answer {} {}: {}",
                            request.method(),
                            request.uri(),
                            error.toString());
                    Problem problem = Problem.of(
                            HttpStatus.SERVICE_UNAVAILABLE, "The router is not ready; try again shortly.", List.of());
                    byte[] json = problem.toJson();
                    return response.status(503)
                            .header(HttpHeaderNames.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE)
                            .header(HttpHeaderNames.RETRY_AFTER, "1")
                            .sendObject(Unpooled.wrappedBuffer(json))
                            .then();
                });
    }
}
