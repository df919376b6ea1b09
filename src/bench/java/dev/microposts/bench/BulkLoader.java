package dev.microposts.bench;

import dev.microposts.MicroPostsApplication;
import dev.microposts.accounts.AccountsImport;
import dev.microposts.posts.PostsImport;
import dev.microposts.social.SocialImport;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.modulith.events.core.EventPublicationRegistry;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Loads a {@link Dataset} in-process: the application starts in this JVM on the database it is
 * configured with (the same environment variables as the service), and every user, follow and
 * micropost goes through the modules' own services, their transactions and their events, as the
 * HTTP endpoints would do it, minus HTTP, JSON and tokens. No SQL is written here. It is what
 * makes the large profile (4,000,000 follows, 1,000,000 microposts) loadable in an hour on 2 cores;
 * over the API it takes four.
 */
final class BulkLoader {

    /** Queued event deliveries above which the loader waits for the listeners to catch up. */
    private static final int MAX_QUEUED_EVENTS = 1_000;

    private BulkLoader() {}

    /** {@code args}: application arguments ({@code --name=value}) over the environment's settings. */
    static Map<String, Object> load(Dataset dataset, int parallelism, String... args) throws Exception {
        SpringApplication application = new SpringApplication(MicroPostsApplication.class);
        // no port of its own, so the loader may run beside a server, and only warnings in its output
        // (arguments outrank every other setting)
        String[] arguments = Stream.concat(
                        Stream.of("--server.port=0", "--logging.level.root=warn"), Arrays.stream(args))
                .toArray(String[]::new);
        long begun = System.nanoTime();
        long started = begun;
        try (ConfigurableApplicationContext context = application.run(arguments)) {
            started = phase("the application started", 0, started);
            AccountsImport accounts = new AccountsImport(context);
            SocialImport social = new SocialImport(context);
            PostsImport posts = new PostsImport(context);
            ThreadPoolTaskExecutor listeners = context.getBean("applicationTaskExecutor", ThreadPoolTaskExecutor.class);
            List<String> users = dataset.users();
            List<int[]> edges = dataset.follows();
            int perUser = dataset.postsPerUser();

            DatasetLoader.parallel("users", users.size(), parallelism, i -> {
                accounts.register(users.get(i), Dataset.PASSWORD);
                keepUp(listeners);
            });
            drain(listeners);
            started = phase("users", users.size(), started);
            // follows before microposts: the timelines then fill by fan-out on write, as in production
            DatasetLoader.parallel("follows", edges.size(), parallelism, e -> {
                social.follow(users.get(edges.get(e)[0]), users.get(edges.get(e)[1]));
                keepUp(listeners);
            });
            drain(listeners);
            started = phase("follows", edges.size(), started);
            DatasetLoader.parallel("microposts", users.size() * perUser, parallelism, n -> {
                posts.compose(users.get(n / perUser), dataset.initialText(n / perUser, n % perUser));
                keepUp(listeners);
            });
            drain(listeners);
            phase("microposts", users.size() * perUser, started);
            int undelivered = context.getBean(EventPublicationRegistry.class)
                    .findIncompletePublications()
                    .size();
            if (undelivered > 0) {
                throw new IllegalStateException(undelivered + " events were not delivered while loading; see the log");
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("users", dataset.users().size());
        out.put("follows", dataset.follows().size());
        out.put("microposts", (long) dataset.users().size() * dataset.postsPerUser());
        out.put("load_seconds", (System.nanoTime() - begun) / 1e9);
        out.put("loader", "in-process, through the modules' services");
        return out;
    }

    private static long phase(String what, int count, long started) {
        long now = System.nanoTime();
        double seconds = (now - started) / 1e9;
        Bench.log(
                count == 0
                        ? String.format("  %s in %.0f s", what, seconds)
                        : String.format(
                                "  %,d %s in %.0f s (%,.0f/s, events delivered)",
                                count, what, seconds, count / seconds));
        return now;
    }

    /** Holds a producer back while the event listeners are behind (the executor's queue is unbounded). */
    private static void keepUp(ThreadPoolTaskExecutor listeners) {
        while (listeners.getQueueSize() > MAX_QUEUED_EVENTS) {
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** Waits until every event published so far has been handled. */
    private static void drain(ThreadPoolTaskExecutor listeners) {
        while (listeners.getQueueSize() > 0 || listeners.getActiveCount() > 0) {
            LockSupport.parkNanos(20_000_000);
        }
    }
}
