package dev.microposts.router;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.function.ServerRequest;

/**
 * Copies of shadowed reads: after the client has its answer from the primary, the same read goes
 * to the candidate and to the primary a second time, on a few threads of their own behind a
 * bounded queue (a read that finds the queue full is dropped and counted, never waited for), and
 * the three answers are compared ({@link ShadowDiffs}). Only GET and HEAD are ever copied: a
 * write sent to a candidate would change its data a second time.
 */
final class Shadowing implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Shadowing.class);

    /** The request headers a copy carries: what can change a read's answer. */
    private static final List<String> COPIED = List.of(
            HttpHeaders.ACCEPT,
            HttpHeaders.ACCEPT_LANGUAGE,
            HttpHeaders.AUTHORIZATION,
            "X-Forwarded-Proto",
            "X-Forwarded-Host",
            "X-Forwarded-Port",
            "X-Forwarded-Prefix");

    private final RouterProperties.Shadow settings;
    private final ShadowDiffs diffs;
    private final MeterRegistry meters;
    private final ThreadPoolExecutor senders;
    private final HttpClient http;
    private final io.micrometer.core.instrument.MultiGauge rawByPath;
    private final io.micrometer.core.instrument.MultiGauge noiseByPath;
    private final java.util.concurrent.atomic.AtomicLong nextRefresh = new java.util.concurrent.atomic.AtomicLong();

    Shadowing(RouterProperties.Shadow settings, MeterRegistry meters) {
        this.settings = settings;
        this.meters = meters;
        this.diffs = new ShadowDiffs(new ShadowDiffs.NoiseRule(
                settings.relativeThreshold(), settings.absoluteThreshold(), settings.examples()));
        AtomicInteger threads = new AtomicInteger();
        this.senders = new ThreadPoolExecutor(
                settings.threads(),
                settings.threads(),
                30,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(settings.queue()),
                task -> {
                    Thread thread = new Thread(task, "router-shadow-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                },
                new ThreadPoolExecutor.AbortPolicy());
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(1))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        meters.gauge("router.shadow.queue", senders.getQueue(), java.util.Collection::size);
        rawByPath = io.micrometer.core.instrument.MultiGauge.builder("router.shadow.field.raw")
                .description("reads whose candidate answer differed from the primary's, per field path"
                        + " (difference=true where it exceeds the noise by the thresholds)")
                .register(meters);
        noiseByPath = io.micrometer.core.instrument.MultiGauge.builder("router.shadow.field.noise")
                .description("reads whose two primary answers differed, per field path")
                .register(meters);
    }

    ShadowDiffs diffs() {
        return diffs;
    }

    /** Queues the copies of a read the primary has answered; never blocks the caller. */
    void offer(
            String group,
            ServerRequest request,
            Backend primary,
            Backend candidate,
            int status,
            HttpHeaders headers,
            byte[] body) {
        String pathAndQuery = request.uri().getRawPath()
                + (request.uri().getRawQuery() == null
                        ? ""
                        : "?" + request.uri().getRawQuery());
        offer(
                group,
                request.method().name(),
                pathAndQuery,
                request.uri().getScheme(),
                request.headers()::firstHeader,
                primary,
                candidate,
                status,
                headers,
                body);
    }

    /**
     * Queues the copies of a read the primary has answered; never blocks the caller.
     *
     * @param header the client's request's first value of a header, or null
     */
    void offer(
            String group,
            String method,
            String pathAndQuery,
            String scheme,
            java.util.function.Function<String, String> header,
            Backend primary,
            Backend candidate,
            int status,
            HttpHeaders headers,
            byte[] body) {
        ShadowResponse answered = new ShadowResponse(status, compared(headers), body);
        Map<String, String> copied = new LinkedHashMap<>();
        for (String name : COPIED) {
            String value = header.apply(name);
            if (value != null) {
                copied.put(name, value);
            }
        }
        // the client's Host reaches the backend as X-Forwarded-Host, which its links are made of
        copied.putIfAbsent("X-Forwarded-Host", header.apply(HttpHeaders.HOST));
        copied.putIfAbsent("X-Forwarded-Proto", scheme);
        copied.values().removeIf(java.util.Objects::isNull);
        long due = System.nanoTime() + settings.delay().toNanos();
        try {
            senders.execute(() -> compare(group, method, pathAndQuery, copied, primary, candidate, answered, due));
        } catch (RejectedExecutionException full) {
            count("router.shadow.dropped", group, "reads not shadowed because the shadow queue was full");
        }
    }

    /** A read whose answer was too large to compare. */
    void skipped(String group) {
        count("router.shadow.skipped", group, "reads not shadowed because their answer was too large");
    }

    private void compare(
            String group,
            String method,
            String pathAndQuery,
            Map<String, String> headers,
            Backend primary,
            Backend candidate,
            ShadowResponse answered,
            long due) {
        try {
            long wait = due - System.nanoTime();
            if (wait > 0) {
                // both copies read the state of a moment after the primary's answer, not before a
                // replica (the candidate) has caught up with it: replication lag is not a difference
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            ShadowResponse again = send(primary, method, pathAndQuery, headers);
            ShadowResponse candidates = send(candidate, method, pathAndQuery, headers);
            diffs.record(group, answered, again, candidates);
            count("router.shadow.compared", group, "reads compared with the shadow candidate");
            refreshFieldGauges();
        } catch (Exception failed) {
            count("router.shadow.failed", group, "shadow copies that got no answer");
            log.debug("A shadow copy of {} {} failed: {}", method, pathAndQuery, failed.toString());
        }
    }

    private ShadowResponse send(Backend backend, String method, String pathAndQuery, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base(backend) + pathAndQuery))
                .timeout(settings.timeout())
                .method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        Map<String, String> compared = new LinkedHashMap<>();
        for (String name : ShadowDiffs.HEADERS) {
            response.headers().firstValue(name).ifPresent(value -> compared.put(name, value));
        }
        return new ShadowResponse(response.statusCode(), compared, response.body());
    }

    /** The per-field gauges, from the reports, at most once a second. */
    private void refreshFieldGauges() {
        long now = System.nanoTime();
        long due = nextRefresh.get();
        if (now - due < 0 || !nextRefresh.compareAndSet(due, now + 1_000_000_000L)) {
            return;
        }
        List<io.micrometer.core.instrument.MultiGauge.Row<?>> raw = new java.util.ArrayList<>();
        List<io.micrometer.core.instrument.MultiGauge.Row<?>> noise = new java.util.ArrayList<>();
        diffs.all().forEach((group, report) -> {
            for (ShadowDiffs.FieldReport field : report.fields()) {
                var tags = io.micrometer.core.instrument.Tags.of(
                        "group", group, "path", field.path(), "difference", Boolean.toString(field.difference()));
                raw.add(io.micrometer.core.instrument.MultiGauge.Row.of(tags, field.raw()));
                noise.add(io.micrometer.core.instrument.MultiGauge.Row.of(tags, field.noise()));
            }
        });
        rawByPath.register(raw, true);
        noiseByPath.register(noise, true);
    }

    private static String base(Backend backend) {
        String url = backend.url().toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static Map<String, String> compared(HttpHeaders headers) {
        Map<String, String> compared = new LinkedHashMap<>();
        for (String name : ShadowDiffs.HEADERS) {
            String value = headers.getFirst(name);
            if (value != null) {
                compared.put(name, value);
            }
        }
        return compared;
    }

    private void count(String name, String group, String description) {
        Counter.builder(name)
                .description(description)
                .tag("group", group.toLowerCase(Locale.ROOT))
                .register(meters)
                .increment();
    }

    @Override
    public void close() {
        senders.shutdownNow();
    }
}
