package dev.microposts.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A reproducible social network: users, a follow graph with a skewed (Zipf-like) popularity so a
 * few users have hundreds of followers while the mean out-degree is about {@code meanFollowees},
 * and the texts of the initial microposts. Pure data: loading it is {@link DatasetLoader}'s job.
 */
public record Dataset(List<String> users, List<int[]> follows, int postsPerUser, long seed) {

    public static final String PASSWORD = "bench-password-1";

    /** Generates {@code users} users following about {@code meanFollowees} others each. */
    public static Dataset generate(int users, double meanFollowees, int postsPerUser, long seed) {
        Random random = new Random(seed);
        List<String> names = new ArrayList<>(users);
        for (int i = 0; i < users; i++) {
            names.add("u" + Long.toString(seed, 36) + "_" + i);
        }
        // popularity by rank: weight 1/(rank+1)^0.9, so the head is followed by most users
        double[] cumulative = new double[users];
        double total = 0;
        for (int i = 0; i < users; i++) {
            total += 1.0 / Math.pow(i + 1, 0.9);
            cumulative[i] = total;
        }
        List<int[]> follows = new ArrayList<>();
        for (int follower = 0; follower < users; follower++) {
            int wanted = Math.min(users - 1, outDegree(random, meanFollowees));
            Set<Integer> chosen = new LinkedHashSet<>();
            int attempts = 0;
            while (chosen.size() < wanted && attempts++ < wanted * 20) {
                int followee = pick(cumulative, total, random);
                if (followee != follower) {
                    chosen.add(followee);
                }
            }
            for (int followee : chosen) {
                follows.add(new int[] {follower, followee});
            }
        }
        return new Dataset(List.copyOf(names), List.copyOf(follows), postsPerUser, seed);
    }

    /** Out-degrees are geometric-like around the mean (many small, some large), at least 1. */
    static int outDegree(Random random, double mean) {
        double u = 1 - random.nextDouble();
        return Math.max(1, (int) Math.round(-mean * Math.log(u)));
    }

    private static int pick(double[] cumulative, double total, Random random) {
        double target = random.nextDouble() * total;
        int low = 0;
        int high = cumulative.length - 1;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (cumulative[middle] < target) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    private static final String[] WORDS = ("monolith microservice module event timeline latency throughput "
                    + "router kafka postgres deploy scale cache index query schema token follow post read write "
                    + "measure reverse migrate strangler fig seam boundary contract")
            .split(" ");

    /** A text of exactly {@code length} code points, words separated by spaces. */
    public static String text(Random random, int length) {
        StringBuilder text = new StringBuilder(length + 16);
        while (text.length() < length) {
            if (text.length() > 0) {
                text.append(' ');
            }
            text.append(WORDS[random.nextInt(WORDS.length)]);
        }
        text.setLength(length);
        if (text.charAt(length - 1) == ' ') {
            text.setCharAt(length - 1, '.');
        }
        return text.toString();
    }

    /** The text of a user's {@code index}-th initial micropost: 20 to 255 characters. */
    public String initialText(int user, int index) {
        Random random = new Random(seed * 31 + user * 1_000_003L + index);
        return text(random, 20 + random.nextInt(236));
    }

    public int[] followeeCounts() {
        int[] counts = new int[users.size()];
        follows.forEach(edge -> counts[edge[0]]++);
        return counts;
    }

    public int[] followerCounts() {
        int[] counts = new int[users.size()];
        follows.forEach(edge -> counts[edge[1]]++);
        return counts;
    }
}
