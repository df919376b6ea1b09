package dev.microposts.bench;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.DoublePredicate;
import java.util.function.Supplier;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * An open-loop load generator: requests leave on a fixed schedule whatever the server does, and
 * each latency is measured from the moment its request was due, not from when it could be sent,
 * so a slow server cannot hide its queueing (no coordinated omission). Latencies go into an
 * HdrHistogram in microseconds.
 */
final class OpenLoop {

    /** One run at one offered rate. */
    record Result(
            String scenario,
            double offeredRate,
            double seconds,
            long completed,
            long ok,
            Map<Integer, Long> statuses,
            Histogram latencyMicros) {

        double throughput() {
            return seconds == 0 ? 0 : ok / seconds;
        }

        long errors() {
            return completed - ok;
        }

        double errorRate() {
            return completed == 0 ? 0 : (double) errors() / completed;
        }

        Summary summary() {
            return Summary.of(latencyMicros);
        }
    }

    /** Latency percentiles in milliseconds. */
    record Summary(double p50, double p90, double p99, double p999, double max, long count) {

        static Summary of(Histogram micros) {
            return new Summary(
                    ms(micros.getValueAtPercentile(50)),
                    ms(micros.getValueAtPercentile(90)),
                    ms(micros.getValueAtPercentile(99)),
                    ms(micros.getValueAtPercentile(99.9)),
                    ms(micros.getMaxValue()),
                    micros.getTotalCount());
        }

        private static double ms(long micros) {
            return micros / 1000.0;
        }
    }

    private OpenLoop() {}

    /** Sends {@code rate} requests per second for {@code duration}; at most {@code maxInFlight} at once. */
    static Result run(
            String scenario,
            BenchClient client,
            Supplier<HttpRequest> next,
            double rate,
            Duration duration,
            int maxInFlight) {
        Histogram latencies = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(60), 3);
        Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        LongAdder ok = new LongAdder();
        LongAdder completed = new LongAdder();
        Semaphore inFlight = new Semaphore(maxInFlight);
        long interval = (long) (1_000_000_000L / rate);
        long start = System.nanoTime() + 5_000_000;
        long end = start + duration.toNanos();
        long lastCompletion[] = {start};
        for (long i = 0; ; i++) {
            long due = start + i * interval;
            if (due >= end) {
                break;
            }
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            inFlight.acquireUninterruptibly();
            HttpRequest request = next.get();
            client.send(request).whenComplete((response, error) -> {
                long now = System.nanoTime();
                latencies.recordValue(
                        Math.min(TimeUnit.NANOSECONDS.toMicros(now - due), latencies.getHighestTrackableValue()));
                int status = error == null ? response.statusCode() : 0;
                statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
                completed.increment();
                if (status >= 200 && status < 300) {
                    ok.increment();
                }
                synchronized (lastCompletion) {
                    lastCompletion[0] = Math.max(lastCompletion[0], now);
                }
                inFlight.release();
            });
        }
        try {
            inFlight.tryAcquire(maxInFlight, 60, TimeUnit.SECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        double seconds = Math.max(duration.toNanos(), lastCompletion[0] - start) / 1e9;
        Map<Integer, Long> counts = new TreeMap<>();
        statuses.forEach((status, count) -> counts.put(status, count.sum()));
        return new Result(scenario, rate, seconds, completed.sum(), ok.sum(), counts, latencies);
    }

    /**
     * Steps the offered rate up (by {@code factor}) until p99 exceeds {@code p99BoundMs} or more
     * than 0.1% of requests fail, then halves the gap between the last step that held and the
     * first that did not {@code refinements} times; returns the highest rate that held.
     */
    static Result max(
            String scenario,
            BenchClient client,
            Supplier<HttpRequest> next,
            double startRate,
            double factor,
            double maxRate,
            Duration step,
            double p99BoundMs,
            int maxInFlight,
            int refinements,
            java.util.function.Consumer<Result> progress) {
        Result[] best = {null};
        search(startRate, factor, maxRate, refinements, rate -> {
            Result result = run(scenario, client, next, rate, step, maxInFlight);
            progress.accept(result);
            boolean held = result.summary().p99() <= p99BoundMs
                    && result.errorRate() <= 0.001
                    && result.throughput() >= rate * 0.95;
            if (held && (best[0] == null || rate > best[0].offeredRate())) {
                best[0] = result;
            }
            return held;
        });
        return best[0];
    }

    /**
     * The rate search of {@link #max}: geometric steps from {@code startRate} while {@code holds},
     * then {@code refinements} geometric bisections between the last rate that held and the first
     * that did not. Returns the highest rate that held, or 0 when even the first did not.
     */
    static double search(double startRate, double factor, double maxRate, int refinements, DoublePredicate holds) {
        double held = 0;
        double failed = 0;
        for (double rate = startRate; rate <= maxRate; rate *= factor) {
            if (!holds.test(rate)) {
                failed = rate;
                break;
            }
            held = rate;
        }
        for (int i = 0; i < refinements && held > 0 && failed > 0; i++) {
            double rate = Math.sqrt(held * failed);
            if (holds.test(rate)) {
                held = rate;
            } else {
                failed = rate;
            }
        }
        return held;
    }
}
