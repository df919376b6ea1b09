package dev.microposts.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Loads a {@link Dataset} through the public API (registration, tokens, follows, microposts), so
 * every row is written by the modules' own code, with a few requests in parallel.
 */
final class DatasetLoader {

    /** What the workload needs to know of the loaded data. */
    record Loaded(Dataset dataset, String[] tokens, List<long[]> postsByUser) {}

    private final BenchClient client;
    private final int parallelism;

    DatasetLoader(BenchClient client, int parallelism) {
        this.client = client;
        this.parallelism = parallelism;
    }

    Loaded load(Dataset dataset) throws Exception {
        int users = dataset.users().size();
        String[] tokens = new String[users];
        long[][] posts = new long[users][dataset.postsPerUser()];
        parallel("users", users, i -> {
            String name = dataset.users().get(i);
            client.call(
                    client.post("/api/users", null, BenchClient.json("username", name, "password", Dataset.PASSWORD)),
                    201,
                    409);
            tokens[i] = client.call(
                            client.post(
                                    "/api/token",
                                    null,
                                    BenchClient.json("username", name, "password", Dataset.PASSWORD)),
                            200)
                    .get("token")
                    .stringValue();
        });
        // follows before posts: the timelines then fill by fan-out on write, as in production
        List<int[]> edges = dataset.follows();
        parallel("follows", edges.size(), e -> {
            int[] edge = edges.get(e);
            client.call(
                    client.post(
                            "/api/users/" + dataset.users().get(edge[0]) + "/following",
                            tokens[edge[0]],
                            BenchClient.json("username", dataset.users().get(edge[1]))),
                    201,
                    200);
        });
        parallel("microposts", users * dataset.postsPerUser(), n -> {
            int user = n / dataset.postsPerUser();
            int index = n % dataset.postsPerUser();
            posts[user][index] = client.call(
                            client.post(
                                    "/api/users/" + dataset.users().get(user) + "/collection",
                                    tokens[user],
                                    BenchClient.json("text", dataset.initialText(user, index))),
                            201)
                    .get("id")
                    .asLong();
        });
        List<long[]> postsByUser = new ArrayList<>();
        for (long[] ids : posts) {
            postsByUser.add(ids);
        }
        return new Loaded(dataset, tokens, postsByUser);
    }

    /**
     * Runs {@code task(0..count-1)} on this loader's threads, logging progress every tenth;
     * fails with the first error after all have run.
     */
    private void parallel(String what, int count, IntConsumer task) throws Exception {
        parallel(what, count, parallelism, task);
    }

    /** {@link #parallel(String, int, IntConsumer)} on {@code parallelism} threads. */
    static void parallel(String what, int count, int parallelism, IntConsumer task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(parallelism);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        var failures = ConcurrentHashMap.<Throwable>newKeySet();
        int tenth = Math.max(1, count / 10);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < parallelism; w++) {
                workers.add(pool.submit(() -> {
                    for (int n = next.getAndIncrement(); n < count; n = next.getAndIncrement()) {
                        try {
                            task.accept(n);
                        } catch (RuntimeException ex) {
                            failures.add(ex);
                        }
                        if (count >= 100_000 && done.incrementAndGet() % tenth == 0) {
                            Bench.log("  " + what + ": " + done.get() + " of " + count);
                        }
                    }
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
            if (!failures.isEmpty()) {
                throw new IllegalStateException(failures.size() + " requests failed while loading " + what + ", e.g. "
                        + failures.iterator().next().getMessage());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
