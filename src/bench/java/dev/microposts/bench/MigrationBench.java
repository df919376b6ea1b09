package dev.microposts.bench;

import dev.microposts.platform.jdbc.ModuleSchema;
import dev.microposts.platform.migration.MigrateCommand;
import dev.microposts.support.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The data steps of a migration, measured: {@code migrate posts copy} and {@code verify} of a
 * monolith database holding N microposts (default 1,000,000) while a writer changes it at a fixed
 * rate (inserts, edits, deletes), on two PostgreSQL servers with {@code wal_level=logical} (the
 * monolith's and posts' own, started from the embedded binaries on this machine). Prints the time
 * of each step and the replication lag seen every 100 ms during the copy (p50, p99, max).
 *
 * <p>{@code MigrationBench [--rows N] [--rate WRITES_PER_SECOND]}
 */
public final class MigrationBench {

    private MigrationBench() {}

    public static void main(String[] args) throws Exception {
        long rows = 1_000_000;
        int rate = 200;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--rows" -> rows = Long.parseLong(args[i + 1]);
                case "--rate" -> rate = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.println("machine: " + Machine.describe());
        String monolith = EmbeddedPostgres.logicalServer().newDatabase();
        String service = EmbeddedPostgres.logicalServer().newDatabase();
        ModuleSchema.migrate(new DriverManagerDataSource(monolith), "accounts");
        ModuleSchema.migrate(new DriverManagerDataSource(monolith), "posts");
        long loadStart = System.nanoTime();
        try (Connection db = DriverManager.getConnection(monolith);
                Statement sql = db.createStatement()) {
            sql.execute("INSERT INTO posts_microposts (author, text, referenced, created_at, revision)"
                    + " SELECT 'user' || (g % 10000), 'micropost number ' || g || ' with some text to make it a"
                    + " realistic length, about a hundred characters long ✓', CASE WHEN g % 7 = 0 THEN 'user' ||"
                    + " (g % 13) END, now() - (g || ' seconds')::interval, 1 FROM generate_series(1, " + rows + ") g");
            sql.execute("VACUUM ANALYZE posts_microposts");
        }
        System.out.printf(Locale.ROOT, "loaded %,d microposts in %.1f s%n", rows, seconds(loadStart));
        Map<String, String> environment = Map.of("MICROPOSTS_DB_URL", monolith, "MICROPOSTS_POSTS_DB_URL", service);
        run(List.of("posts", "plan"), environment);

        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong writes = new AtomicLong();
        final int perSecond = rate;
        final long max = rows;
        Thread writer = new Thread(() -> write(monolith, perSecond, max, writing, writes));
        writer.start();
        List<Long> lags = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean copying = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> sampleLag(monolith, copying, lags));
        sampler.start();
        long copyStart = System.nanoTime();
        String copy = run(List.of("posts", "copy"), environment);
        double copySeconds = seconds(copyStart);
        copying.set(false);
        sampler.join();
        long verifyStart = System.nanoTime();
        String verify = run(List.of("posts", "verify"), environment);
        double verifySeconds = seconds(verifyStart);
        writing.set(false);
        writer.join();
        System.out.println(copy.lines()
                .filter(line -> line.startsWith("copied"))
                .findFirst()
                .orElse(copy));
        System.out.println(verify.lines()
                .filter(line -> line.startsWith("verified"))
                .findFirst()
                .orElse(verify));
        List<Long> sorted = new ArrayList<>(lags);
        Collections.sort(sorted);
        System.out.println();
        System.out.printf(Locale.ROOT, "| figure | value |%n|---|---|%n");
        System.out.printf(Locale.ROOT, "| microposts | %,d |%n", rows);
        System.out.printf(Locale.ROOT, "| writes during copy and verify | %,d (%d/s asked) |%n", writes.get(), rate);
        System.out.printf(Locale.ROOT, "| copy (initial copy + catch-up) | %.1f s |%n", copySeconds);
        System.out.printf(Locale.ROOT, "| verify | %.1f s |%n", verifySeconds);
        System.out.printf(
                Locale.ROOT,
                "| replication lag during the copy, p50 / p99 / max | %s / %s / %s (%d samples) |%n",
                kb(percentile(sorted, 0.50)),
                kb(percentile(sorted, 0.99)),
                kb(sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1)),
                sorted.size());
        System.exit(0);
    }

    private static String run(List<String> args, Map<String, String> environment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status =
                MigrateCommand.run(args, environment, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        if (status != 0) {
            throw new IllegalStateException("migrate " + args + " exited " + status + ":\n" + out);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Changes at a fixed rate: half new microposts, a quarter edits, a quarter deletes. */
    private static void write(String url, int perSecond, long rows, AtomicBoolean writing, AtomicLong writes) {
        long interval = 1_000_000_000L / perSecond;
        long next = System.nanoTime();
        try (Connection db = DriverManager.getConnection(url);
                Statement sql = db.createStatement()) {
            while (writing.get()) {
                long id = 1 + ThreadLocalRandom.current().nextLong(rows);
                switch ((int) (writes.get() % 4)) {
                    case 0, 1 ->
                        sql.execute("INSERT INTO posts_microposts (author, text, created_at)"
                                + " VALUES ('writer', 'written during the migration', now())");
                    case 2 ->
                        sql.execute("UPDATE posts_microposts SET text = 'edited', revision = revision + 1 WHERE id = "
                                + id);
                    default -> sql.execute("DELETE FROM posts_microposts WHERE id = " + id);
                }
                writes.incrementAndGet();
                next += interval;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                }
            }
        } catch (SQLException ex) {
            throw new IllegalStateException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sampleLag(String url, AtomicBoolean copying, List<Long> lags) {
        try (Connection db = DriverManager.getConnection(url);
                Statement sql = db.createStatement()) {
            while (copying.get()) {
                try (ResultSet row =
                        sql.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)"
                                + " FROM pg_replication_slots WHERE slot_name = 'microposts_posts_to_service'")) {
                    if (row.next() && row.getObject(1) != null) {
                        lags.add(Math.max(0, row.getLong(1)));
                    }
                }
                Thread.sleep(100);
            }
        } catch (SQLException ex) {
            throw new IllegalStateException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private static long percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    private static String kb(long bytes) {
        return String.format(Locale.ROOT, "%.0f kB", bytes / 1024.0);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
