package dev.microposts.router;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The live traffic of every backend of every route group, second by second, for the console: how
 * many requests it was sent, how many were errors (5xx answers and connections that failed), and
 * the 99th percentile of the answered requests' latencies. The router's own measurements of each
 * request ({@link RouterMetrics}), kept apart from the canary judge's windows, which the judge
 * drains.
 *
 * <p>Each backend has a ring of {@link #HISTORY} one-second buckets of the wall clock. A bucket
 * counts its requests and errors exactly and keeps its latencies in a log-scale histogram whose
 * bins are {@link #PRECISION} wide (a p99 read from it is within 2.5% of the real one, and never
 * above the largest latency of its seconds), so memory is fixed whatever the traffic. Only whole
 * seconds are read: the second going on is not shown until it is over.
 *
 * <p>Thread-safe: {@link #record} takes one short lock of its backend and allocates nothing.
 */
final class Traffic {

    /** Seconds of history kept per backend. */
    static final int HISTORY = 60;

    /** The seconds the summary of a backend spans. */
    static final int WINDOW = 10;

    /** Relative width of a latency bin. */
    static final double PRECISION = 0.05;

    /** The smallest latency told apart, in milliseconds; a faster one counts as this. */
    static final double MIN_MILLIS = 0.01;

    /** The largest latency told apart, in milliseconds (10 minutes); a slower one counts as this. */
    static final double MAX_MILLIS = 600_000;

    private static final double LOG_BASE = Math.log1p(PRECISION);
    static final int BINS = (int) Math.ceil(Math.log(MAX_MILLIS / MIN_MILLIS) / LOG_BASE) + 1;

    /**
     * One second, or the summary of several.
     *
     * @param second the second's start, epoch seconds; for a summary, its first second
     * @param seconds how many seconds it spans
     * @param requests requests sent to the backend
     * @param errors of which 5xx answers and failed connections
     * @param p99 milliseconds, of the answered requests (nearest rank, within {@link #PRECISION});
     *     null when none was answered
     */
    record Figures(long second, int seconds, long requests, long errors, Double p99) {

        /** Requests per second. */
        double rate() {
            return (double) requests / seconds;
        }

        /** Errors over requests; null without requests. */
        Double errorRate() {
            return requests == 0 ? null : (double) errors / requests;
        }
    }

    private final LongSupplier clockMillis;
    private final Map<String, Ring> rings = new ConcurrentHashMap<>();

    Traffic() {
        this(System::currentTimeMillis);
    }

    Traffic(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
    }

    /**
     * Counts one request.
     *
     * @param latencyMillis how long the backend took to answer (not kept for an error)
     * @param error a 5xx answer or a failed connection
     */
    void record(String group, String backend, double latencyMillis, boolean error) {
        ring(group, backend).record(Math.floorDiv(clockMillis.getAsLong(), 1000), latencyMillis, error);
    }

    /** The last whole second, epoch seconds (the one before the second going on). */
    long lastSecond() {
        return Math.floorDiv(clockMillis.getAsLong(), 1000) - 1;
    }

    /**
     * A backend's last {@code seconds} whole seconds, oldest first, each second that had no
     * request included with zeros; none when the backend never had one.
     */
    List<Figures> series(String group, String backend, int seconds) {
        checkSeconds(seconds);
        Ring ring = rings.get(key(group, backend));
        long last = lastSecond();
        List<Figures> series = new ArrayList<>(seconds);
        for (long second = last - seconds + 1; second <= last; second++) {
            series.add(ring == null ? new Figures(second, 1, 0, 0, null) : ring.figures(second, second));
        }
        return series;
    }

    /** A backend's last {@code seconds} whole seconds together. */
    Figures summary(String group, String backend, int seconds) {
        checkSeconds(seconds);
        Ring ring = rings.get(key(group, backend));
        long last = lastSecond();
        long first = last - seconds + 1;
        return ring == null ? new Figures(first, seconds, 0, 0, null) : ring.figures(first, last);
    }

    private static void checkSeconds(int seconds) {
        if (seconds < 1 || seconds > HISTORY) {
            throw new IllegalArgumentException("seconds must be in 1.." + HISTORY);
        }
    }

    private Ring ring(String group, String backend) {
        return rings.computeIfAbsent(key(group, backend), key -> new Ring());
    }

    private static String key(String group, String backend) {
        return group + '\u0000' + backend;
    }

    /** The latency bin of a latency. */
    static int bin(double millis) {
        if (!(millis > MIN_MILLIS)) {
            return 0;
        }
        return (int) Math.min(BINS - 1, Math.ceil(Math.log(millis / MIN_MILLIS) / LOG_BASE));
    }

    /** The latency a bin stands for: the middle of its bounds. */
    static double value(int bin) {
        if (bin == 0) {
            return MIN_MILLIS;
        }
        double upper = MIN_MILLIS * Math.pow(1 + PRECISION, bin);
        return upper * (1 + 1 / (1 + PRECISION)) / 2;
    }

    /** One backend's seconds: slot {@code second % HISTORY} holds that second while it is recent. */
    private static final class Ring {

        private final long[] seconds = new long[HISTORY];
        private final long[] requests = new long[HISTORY];
        private final long[] errors = new long[HISTORY];
        private final double[] slowest = new double[HISTORY];
        private final int[][] bins = new int[HISTORY][BINS];

        Ring() {
            Arrays.fill(seconds, Long.MIN_VALUE);
        }

        synchronized void record(long second, double latencyMillis, boolean error) {
            int slot = (int) Math.floorMod(second, HISTORY);
            if (seconds[slot] != second) {
                seconds[slot] = second;
                requests[slot] = 0;
                errors[slot] = 0;
                slowest[slot] = 0;
                Arrays.fill(bins[slot], 0);
            }
            requests[slot]++;
            if (error) {
                errors[slot]++;
                return;
            }
            if (Double.isNaN(latencyMillis)) {
                return;
            }
            double latency = Math.max(0, latencyMillis);
            bins[slot][bin(latency)]++;
            slowest[slot] = Math.max(slowest[slot], latency);
        }

        /** The seconds {@code first..last} together (at most {@link #HISTORY} of them). */
        synchronized Figures figures(long first, long last) {
            long r = 0;
            long e = 0;
            long answered = 0;
            double max = 0;
            int[] merged = new int[BINS];
            for (long second = first; second <= last; second++) {
                int slot = (int) Math.floorMod(second, HISTORY);
                if (seconds[slot] != second) {
                    continue;
                }
                r += requests[slot];
                e += errors[slot];
                max = Math.max(max, slowest[slot]);
                int[] counts = bins[slot];
                for (int bin = 0; bin < BINS; bin++) {
                    if (counts[bin] != 0) {
                        merged[bin] += counts[bin];
                        answered += counts[bin];
                    }
                }
            }
            Double p99 = null;
            if (answered > 0) {
                long rank = (long) Math.ceil(0.99 * answered);
                long seen = 0;
                for (int bin = 0; bin < BINS; bin++) {
                    seen += merged[bin];
                    if (seen >= rank) {
                        p99 = Math.min(value(bin), max);
                        break;
                    }
                }
            }
            return new Figures(first, (int) (last - first + 1), r, e, p99);
        }
    }
}
