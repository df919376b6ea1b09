package dev.microposts.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The read-one ceiling: the most requests per second a server answers when a light, native
 * closed-loop client (wrk, 2 threads, 32 connections) keeps it busy. Our open-loop generator runs
 * on the JVM and, on a small machine, takes CPU the server would use; wrk takes little, so this is
 * the figure to set beside nginx's. Skipped (empty answer) when wrk is not installed.
 */
final class Ceiling {

    static final int CONNECTIONS = 32;
    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
    private static final Pattern SOCKET_ERRORS =
            Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in");

    private Ceiling() {}

    /**
     * Warms the path up until its rate stops rising (a JVM on a small VM needs a minute or more of
     * load before its compiled code settles), then measures for {@code seconds}.
     */
    static Map<String, Object> measure(String url, int seconds) {
        try {
            int round = Math.max(2, seconds / 2);
            int warmed = warmUp(url, round, seconds >= 10 ? 18 : 2);
            Map<String, Object> out = parse(wrk(url, seconds));
            out.put("warm-up-seconds", warmed);
            return out;
        } catch (IOException notInstalled) {
            Bench.log("wrk is not installed: no read-one ceiling (" + notInstalled.getMessage() + ")");
            return Map.of();
        }
    }

    /** Runs rounds of load until one is no faster than the one before (3%); the seconds spent. */
    private static int warmUp(String url, int round, int maxRounds) throws IOException {
        double previous = 0;
        int rounds = 0;
        while (rounds < maxRounds) {
            double rate = (double) parse(wrk(url, round)).get("throughput");
            rounds++;
            if (!stillRising(previous, rate)) {
                break;
            }
            previous = rate;
        }
        return rounds * round;
    }

    static boolean stillRising(double previous, double rate) {
        return rate > previous * 1.03;
    }

    /** The figures of one wrk report; errors are non-2xx answers plus socket errors. */
    static Map<String, Object> parse(String report) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tool", "wrk -t2 -c" + CONNECTIONS);
        out.put("throughput", Double.parseDouble(find(RATE, report, "0")));
        out.put("completed", Long.parseLong(find(TOTAL, report, "0")));
        long errors = Long.parseLong(find(NON_2XX, report, "0"));
        Matcher socket = SOCKET_ERRORS.matcher(report);
        if (socket.find()) {
            for (int group = 1; group <= 4; group++) {
                errors += Long.parseLong(socket.group(group));
            }
        }
        out.put("errors", errors);
        return out;
    }

    private static String find(Pattern pattern, String text, String otherwise) {
        Matcher matcher = pattern.matcher(text);
        return matcher.find() ? matcher.group(1) : otherwise;
    }

    private static String wrk(String url, int seconds) throws IOException {
        Process process = new ProcessBuilder("wrk", "-t2", "-c" + CONNECTIONS, "-d" + seconds + "s", url)
                .redirectErrorStream(true)
                .start();
        try {
            if (!process.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("wrk did not finish");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IOException("wrk failed: " + output);
            }
            return output;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", interrupted);
        }
    }
}
