package dev.microposts.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.contract.Api;
import dev.microposts.support.OtlpReceiver;
import dev.microposts.support.OtlpReceiver.Span;
import dev.microposts.support.Topologies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * One compose through the router of the microservices topology is one trace: the router's span,
 * the posts process's (called by the router, W3C {@code traceparent} in the request) and the
 * timeline process's (the consumer of the event, {@code traceparent} in the Kafka record's headers),
 * each the child of a span of the process before it, all received by a real OTLP/HTTP collector
 * ({@link OtlpReceiver}); and the trace id is in the log lines of each of those processes, beside
 * the request id.
 */
class TracesAcrossProcessesIT {

    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Duration EXPORTED_WITHIN = Duration.ofSeconds(20);

    @Test
    void aComposeIsOneTraceThroughRouterPostsAndTimeline() {
        Topologies topology = Topologies.microservices();
        Api api = new Api(topology.publicUrl());
        String author = api.register("spanned");
        String token = api.token(author);
        String requestId = "span-" + Api.uniqueName("id").replace('_', '-');

        var created = api.post(
                "/api/users/" + author + "/collection",
                token,
                Api.json("text", "one trace"),
                "X-Request-Id",
                requestId);
        assertThat(created.status()).isEqualTo(201);

        // the router began the trace: its log line of the request names it beside the request id
        String traceId = awaitTraceIdInLog(topology, "router", requestId);
        assertThat(traceId).matches(TRACE_ID);

        List<Span> chain = awaitChainFromTimelineToRoot(topology.traces(), traceId);
        Span root = chain.get(chain.size() - 1);
        assertThat(root.service()).isEqualTo("microposts-router");
        assertThat(root.kind()).isEqualTo("SPAN_KIND_SERVER");
        assertThat(chain)
                .extracting(Span::service)
                .as("the timeline's span descends from the posts process's, which descends from the router's")
                .containsSubsequence("microposts-timeline", "microposts-posts", "microposts-router");
        assertThat(chain.get(0).kind()).isEqualTo("SPAN_KIND_CONSUMER");
        assertThat(chain)
                .as("the posts process produced the event the timeline consumed")
                .anyMatch(span ->
                        span.service().equals("microposts-posts") && span.kind().equals("SPAN_KIND_PRODUCER"));

        // the same trace id beside the same request id in the log of every process it crossed
        for (String process : new String[] {"posts", "timeline"}) {
            assertThat(awaitTraceIdInLog(topology, process, requestId))
                    .as("the trace id in the log line of " + process + " for request " + requestId)
                    .isEqualTo(traceId);
        }
    }

    @Test
    void aCallersTraceIsContinued() {
        Topologies topology = Topologies.microservices();
        Api api = new Api(topology.publicUrl());
        String author = api.register("continued");
        String token = api.token(author);
        String traceId = randomHex(16);
        String callerSpanId = randomHex(8);

        var created = api.post(
                "/api/users/" + author + "/collection",
                token,
                Api.json("text", "continued trace"),
                "traceparent",
                "00-" + traceId + "-" + callerSpanId + "-01");
        assertThat(created.status()).isEqualTo(201);

        List<Span> chain = awaitChainFromTimelineToRoot(topology.traces(), traceId, callerSpanId);
        Span first = chain.get(chain.size() - 1);
        assertThat(first.service()).isEqualTo("microposts-router");
        assertThat(first.parentSpanId()).isEqualTo(callerSpanId);
    }

    private static String randomHex(int bytes) {
        byte[] id = new byte[bytes];
        new SecureRandom().nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    private static List<Span> awaitChainFromTimelineToRoot(OtlpReceiver traces, String traceId) {
        return awaitChainFromTimelineToRoot(traces, traceId, "");
    }

    /**
     * Waits until the spans of the trace received so far link a span of the timeline process, parent
     * by parent, to the trace's first span (whose parent is {@code rootParent}: none, or the
     * caller's); returns that chain, the timeline's span first.
     */
    private static List<Span> awaitChainFromTimelineToRoot(OtlpReceiver traces, String traceId, String rootParent) {
        List<List<Span>> found = new ArrayList<>();
        Awaitility.await("a span of microposts-timeline linked to the first span of trace " + traceId)
                .atMost(EXPORTED_WITHIN)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    List<Span> spans = traces.trace(traceId);
                    Map<String, Span> byId =
                            spans.stream().collect(Collectors.toMap(Span::spanId, Function.identity(), (a, b) -> a));
                    for (Span span : spans) {
                        if (span.service().equals("microposts-timeline")) {
                            Optional<List<Span>> chain = chain(span, byId, rootParent);
                            if (chain.isPresent()) {
                                found.add(chain.get());
                                return true;
                            }
                        }
                    }
                    return false;
                });
        return found.get(0);
    }

    private static Optional<List<Span>> chain(Span from, Map<String, Span> byId, String rootParent) {
        List<Span> chain = new ArrayList<>();
        Span span = from;
        while (span != null && chain.size() < 64) {
            chain.add(span);
            if (span.parentSpanId().equals(rootParent)) {
                return Optional.of(chain);
            }
            span = byId.get(span.parentSpanId());
        }
        return Optional.empty();
    }

    /** The trace id of the log line of a process that carries the request id. */
    private static String awaitTraceIdInLog(Topologies topology, String process, String requestId) {
        Pattern line = Pattern.compile("\\[req=" + Pattern.quote(requestId) + " trace=([0-9a-f]{32})]");
        List<String> found = new ArrayList<>();
        Awaitility.await("a trace id beside " + requestId + " in the log of " + process)
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    Matcher matcher = line.matcher(read(topology, process));
                    if (matcher.find()) {
                        found.add(matcher.group(1));
                        return true;
                    }
                    return false;
                });
        return found.get(0);
    }

    private static String read(Topologies topology, String process) {
        try {
            return Files.readString(topology.log(process));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
