package dev.microposts.router;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The router's own measurements per route group and backend: {@code router.requests} (a timer
 * with a latency histogram, tagged by status, or {@code failed} when no answer came), the
 * sliding windows the canary judge reads, and the second-by-second {@link Traffic} the console
 * shows.
 */
final class RouterMetrics {

    static final String BACKEND_ATTRIBUTE = RouterMetrics.class.getName() + ".backend";

    private final MeterRegistry meters;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, LatencyWindow> windows = new ConcurrentHashMap<>();
    private final Traffic traffic;

    RouterMetrics(MeterRegistry meters) {
        this(meters, new Traffic());
    }

    RouterMetrics(MeterRegistry meters, Traffic traffic) {
        this.meters = meters;
        this.traffic = traffic;
    }

    void answered(String group, String backend, int status, long nanos) {
        timer(group, backend, Integer.toString(status)).record(nanos, TimeUnit.NANOSECONDS);
        window(group, backend).record(nanos / 1e6, status >= 500);
        traffic.record(group, backend, nanos / 1e6, status >= 500);
    }

    void failed(String group, String backend, long nanos) {
        timer(group, backend, "failed").record(nanos, TimeUnit.NANOSECONDS);
        window(group, backend).record(nanos / 1e6, true);
        traffic.record(group, backend, nanos / 1e6, true);
    }

    /** Every backend's requests, errors and p99, second by second (what the console charts). */
    Traffic traffic() {
        return traffic;
    }

    /** The requests a backend of a group answered since the last call (what the judge reads). */
    LatencyWindow window(String group, String backend) {
        return windows.computeIfAbsent(group + '\u0000' + backend, key -> new LatencyWindow());
    }

    void judged(String group, String backend, String decision) {
        Counter.builder("router.judge.decisions")
                .description("decisions of the canary judge")
                .tag("group", group)
                .tag("backend", backend)
                .tag("decision", decision)
                .register(meters)
                .increment();
    }

    private Timer timer(String group, String backend, String status) {
        return timers.computeIfAbsent(
                group + '\u0000' + backend + '\u0000' + status, key -> Timer.builder("router.requests")
                        .description("requests the router sent to a backend, by route group, backend and status")
                        .tag("group", group)
                        .tag("backend", backend)
                        .tag("status", status)
                        .publishPercentileHistogram()
                        .register(meters));
    }
}
