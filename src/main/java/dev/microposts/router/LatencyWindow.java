package dev.microposts.router;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One backend's requests since the last {@link #drain()}, for the {@link CanaryJudge}: exact
 * request and error counts, and the latencies of the answered requests in bounded memory.
 *
 * <p>Latencies are kept in a reservoir (Vitter's algorithm R): the first {@code capacity} are
 * kept, then the n-th replaces a random kept one with probability {@code capacity / n}, so that
 * whatever the traffic the kept ones are a uniform random sample of the interval's latencies
 * (not only its last ones) and percentiles and ranks stay unbiased. Errors (5xx, connection
 * failures) are counted, but their latencies are not kept: a fast failure would make a broken
 * backend look fast, and the error rate judges them already.
 *
 * <p>Thread-safe: {@link #record} takes one short uncontended-in-practice lock and allocates
 * nothing; {@link #drain()} swaps the buffer out.
 */
final class LatencyWindow {

    static final int DEFAULT_CAPACITY = 10_000;

    private final int capacity;
    private long requests;
    private long errors;
    private long answered;
    private double[] latencies;

    LatencyWindow() {
        this(DEFAULT_CAPACITY);
    }

    LatencyWindow(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
        this.latencies = new double[capacity];
    }

    int capacity() {
        return capacity;
    }

    /**
     * Counts one request.
     *
     * @param latencyMillis how long it took (negative is taken as 0; {@code NaN} is not kept)
     * @param error a 5xx answer or a connection failure
     */
    void record(double latencyMillis, boolean error) {
        synchronized (this) {
            requests++;
            if (error) {
                errors++;
                return;
            }
            if (Double.isNaN(latencyMillis)) {
                return;
            }
            double latency = Math.max(0, latencyMillis);
            long seen = ++answered;
            if (seen <= capacity) {
                latencies[(int) (seen - 1)] = latency;
            } else {
                long slot = ThreadLocalRandom.current().nextLong(seen);
                if (slot < capacity) {
                    latencies[(int) slot] = latency;
                }
            }
        }
    }

    /** The requests since the last drain, and a new interval begun. */
    CanaryJudge.Sample drain() {
        double[] fresh = new double[capacity];
        double[] kept;
        long r;
        long e;
        long a;
        synchronized (this) {
            kept = latencies;
            r = requests;
            e = errors;
            a = answered;
            latencies = fresh;
            requests = 0;
            errors = 0;
            answered = 0;
        }
        int n = (int) Math.min(a, capacity);
        return new CanaryJudge.Sample(r, e, n == capacity ? kept : Arrays.copyOf(kept, n));
    }

    /** The requests since the last drain, the interval going on. */
    CanaryJudge.Sample snapshot() {
        synchronized (this) {
            int n = (int) Math.min(answered, capacity);
            return new CanaryJudge.Sample(requests, errors, Arrays.copyOf(latencies, n));
        }
    }
}
