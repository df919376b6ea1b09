package dev.microposts.router;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which backend of a group answers a request. Without stickiness, a weighted random draw. With it,
 * weighted rendezvous hashing of the user: each backend scores {@code weight / -ln(u)}, with
 * {@code u} a uniform hash of (user, backend), and the highest score wins. A backend is chosen
 * for a share of users equal to its share of the weights, the choice of a user depends only on
 * the user and the table, and raising one backend's weight only ever moves users to it: a user
 * on the candidate at 10% is still on it at 50%, and one on the primary at 50% was on it at 10%.
 */
final class BackendChooser {

    private static final Pattern USER_PATH = Pattern.compile("^/api/users/([^/]+)");

    private BackendChooser() {}

    static Backend choose(RouteGroup group, String user) {
        if (group.sticky() && user != null) {
            return rendezvous(group, user);
        }
        return random(group);
    }

    static Backend random(RouteGroup group) {
        int total = group.totalWeight();
        int draw = ThreadLocalRandom.current().nextInt(total);
        for (Backend backend : group.backends()) {
            draw -= backend.weight();
            if (draw < 0) {
                return backend;
            }
        }
        throw new IllegalStateException("weights of " + group.name() + " sum to " + total);
    }

    static Backend rendezvous(RouteGroup group, String user) {
        Backend best = null;
        double bestScore = -1;
        for (Backend backend : group.backends()) {
            if (backend.weight() <= 0) {
                continue;
            }
            double u = uniform(hash(user, backend.name()));
            double score = backend.weight() / -Math.log(u);
            if (score > bestScore) {
                best = backend;
                bestScore = score;
            }
        }
        return best;
    }

    /**
     * The user a request belongs to, for stickiness: the username in the path
     * ({@code /api/users/alice/...}), else the subject of the bearer token (read, not verified:
     * it only chooses a backend, which verifies the token itself), else none.
     */
    static String user(String path, String authorization) {
        Matcher matcher = USER_PATH.matcher(path);
        if (matcher.find()) {
            return matcher.group(1);
        }
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return subject(authorization.substring(7).trim());
        }
        return null;
    }

    private static final Pattern SUBJECT = Pattern.compile("\"sub\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.){1,256})\"");

    private static String subject(String token) {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (second < 0 || second - first > 4096) {
            return null;
        }
        try {
            String payload = new String(
                    Base64.getUrlDecoder().decode(token.substring(first + 1, second)), StandardCharsets.UTF_8);
            Matcher matcher = SUBJECT.matcher(payload);
            return matcher.find() ? matcher.group(1) : null;
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    /** A 64-bit hash of (user, backend): FNV-1a over both, then a SplitMix64 finalizer. */
    static long hash(String user, String backend) {
        long h = 0xcbf29ce484222325L;
        h = fnv(h, user);
        h = (h ^ 0xff) * 0x100000001b3L;
        h = fnv(h, backend);
        h ^= h >>> 30;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return h;
    }

    private static long fnv(long h, String text) {
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** A hash as a number in (0, 1). */
    private static double uniform(long hash) {
        return ((hash >>> 11) + 0.5) * 0x1.0p-53;
    }
}
