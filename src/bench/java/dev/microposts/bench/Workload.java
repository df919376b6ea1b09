package dev.microposts.bench;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/** The scenarios of the benchmark over a loaded dataset. */
final class Workload {

    private final BenchClient client;
    private final DatasetLoader.Loaded data;
    private final Random random;

    Workload(BenchClient client, DatasetLoader.Loaded data, long seed) {
        this.client = client;
        this.data = data;
        this.random = new Random(seed);
    }

    private int anyUser() {
        return random.nextInt(data.dataset().users().size());
    }

    private String name(int user) {
        return data.dataset().users().get(user);
    }

    /** GET one micropost by id. */
    Supplier<HttpRequest> readOne() {
        return () -> {
            int user = anyUser();
            long[] ids = data.postsByUser().get(user);
            return client.get("/api/users/" + name(user) + "/collection/" + ids[random.nextInt(ids.length)]);
        };
    }

    /** POST a 200-character micropost; one in five references another user. */
    Supplier<HttpRequest> compose() {
        return () -> {
            int user = anyUser();
            String text = Dataset.text(random, 200);
            String body = random.nextInt(5) == 0
                    ? BenchClient.json("text", text, "referenced", name(anyUser()))
                    : BenchClient.json("text", text);
            return client.post("/api/users/" + name(user) + "/collection", data.tokens()[user], body);
        };
    }

    /** A home timeline read ({@code limit=10}) of any user. */
    Supplier<HttpRequest> timeline() {
        return () -> client.get("/api/users/" + name(anyUser()) + "/timeline?limit=10");
    }

    /** 60% home timeline reads, 30% collection reads (limit=10), 10% composes. */
    Supplier<HttpRequest> mix() {
        Supplier<HttpRequest> compose = compose();
        return () -> {
            int dice = random.nextInt(10);
            if (dice < 6) {
                return client.get("/api/users/" + name(anyUser()) + "/timeline?limit=10");
            }
            if (dice < 9) {
                return client.get("/api/users/" + name(anyUser()) + "/collection?limit=10");
            }
            return compose.get();
        };
    }

    /**
     * Time from a compose's 201 until the micropost is in a follower's timeline, sampled
     * {@code samples} times (one at a time), polling the timeline every 2 ms, in microseconds.
     */
    Histogram propagation(int samples, Duration timeout) {
        Histogram histogram = new Histogram(timeout.toNanos() / 1000 * 2, 3);
        List<int[]> edges = new ArrayList<>(data.dataset().follows());
        for (int n = 0; n < samples; n++) {
            int[] edge = edges.get(random.nextInt(edges.size()));
            String follower = name(edge[0]);
            int author = edge[1];
            long id = client.call(
                            client.post(
                                    "/api/users/" + name(author) + "/collection",
                                    data.tokens()[author],
                                    BenchClient.json("text", "propagation probe " + n)),
                            201)
                    .get("id")
                    .asLong();
            long created = System.nanoTime();
            long deadline = created + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                var timeline = client.call(client.get("/api/users/" + follower + "/timeline?limit=20"), 200);
                boolean seen = false;
                for (var item : timeline) {
                    seen |= item.get("id").asLong() == id;
                }
                if (seen) {
                    histogram.recordValue((System.nanoTime() - created) / 1000);
                    break;
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return histogram;
                }
            }
            if (System.nanoTime() >= deadline) {
                histogram.recordValue(timeout.toNanos() / 1000);
            }
        }
        return histogram;
    }
}
