package dev.microposts.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * A tiny OpenTelemetry collector: an HTTP server on the loopback that takes what an OTLP/HTTP
 * exporter sends to {@code POST /v1/traces} (protobuf, as the OpenTelemetry SDK sends it, gzip or
 * not), reads it with the protocol's own classes and keeps the spans, newest {@value #KEPT}.
 */
public final class OtlpReceiver implements AutoCloseable {

    /** One span as received: ids in lower-case hex, the parent's empty for a root. */
    public record Span(String service, String traceId, String spanId, String parentSpanId, String name, String kind) {

        public boolean isRoot() {
            return parentSpanId.isEmpty();
        }
    }

    static final int KEPT = 200_000;
    private static final HexFormat HEX = HexFormat.of();

    private final HttpServer server;
    private final ArrayDeque<Span> spans = new ArrayDeque<>();
    private final AtomicLong requests = new AtomicLong();

    public OtlpReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        server.createContext("/v1/traces", this::receive);
        server.setExecutor(Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "otlp-receiver");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
    }

    /** Where an exporter sends its spans: {@code MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT}. */
    public String tracesEndpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
    }

    /** How many export requests were received, read or not. */
    public long requests() {
        return requests.get();
    }

    /** The spans of one trace received so far. */
    public List<Span> trace(String traceId) {
        synchronized (spans) {
            return spans.stream().filter(span -> span.traceId().equals(traceId)).toList();
        }
    }

    private void receive(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            ExportTraceServiceRequest request;
            try (InputStream body =
                    "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                            ? new GZIPInputStream(exchange.getRequestBody())
                            : exchange.getRequestBody()) {
                request = ExportTraceServiceRequest.parseFrom(body);
            } catch (IOException unreadable) {
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            keep(request);
            // an empty ExportTraceServiceResponse: everything was accepted
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
        }
    }

    private void keep(ExportTraceServiceRequest request) {
        for (ResourceSpans resource : request.getResourceSpansList()) {
            String service = resource.getResource().getAttributesList().stream()
                    .filter(attribute -> attribute.getKey().equals("service.name"))
                    .map(KeyValue::getValue)
                    .map(value -> value.getStringValue())
                    .findFirst()
                    .orElse("");
            for (ScopeSpans scope : resource.getScopeSpansList()) {
                for (var span : scope.getSpansList()) {
                    Span received = new Span(
                            service,
                            HEX.formatHex(span.getTraceId().toByteArray()),
                            HEX.formatHex(span.getSpanId().toByteArray()),
                            HEX.formatHex(span.getParentSpanId().toByteArray()),
                            span.getName(),
                            span.getKind().name());
                    synchronized (spans) {
                        if (spans.size() == KEPT) {
                            spans.removeFirst();
                        }
                        spans.addLast(received);
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
