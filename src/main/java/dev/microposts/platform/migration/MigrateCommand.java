package dev.microposts.platform.migration;

import dev.microposts.platform.jdbc.ModuleSchema;
import dev.microposts.platform.topology.ModuleId;
import dev.microposts.platform.topology.ReplicaFence;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import tools.jackson.databind.JsonNode;

/**
 * {@code java -jar microposts.jar migrate <module> <step> [options]}: extracting a module from a
 * live monolith on PostgreSQL, one step per command. Each step is idempotent and resumable (run it
 * again after it was killed), refuses to run out of order naming the step that may run, and
 * records what it did in the monolith's database ({@link MigrationState}). Steps: {@code plan},
 * {@code copy}, {@code verify}, {@code start}, {@code switch-writes}, {@code complete}; and
 * {@code rollback} and {@code status} at any time.
 *
 * <p>The databases come from the same settings the processes use: the monolith's from
 * {@code MICROPOSTS_DB_URL} (user, password), the module's own from
 * {@code MICROPOSTS_<MODULE>_DB_URL}; options override them.
 */
public final class MigrateCommand {

    public static final String NAME = "migrate";

    /** The extracted process's name among the router group's backends. */
    static final String SERVICE = "service";

    static final String USAGE = """
            usage: java -jar microposts.jar migrate <accounts|posts|social|timeline> <step> [options]
              steps, in order:  plan, copy, verify, start, switch-writes, complete
              at any time:      status, rollback
            options (defaults from the environment the processes use):
              --source URL            the monolith's database (MICROPOSTS_DB_URL, _USER, _PASSWORD)
              --source-user U, --source-password P
              --target URL            the module's own database (MICROPOSTS_<MODULE>_DB_URL, _USER, _PASSWORD)
              --target-user U, --target-password P
              --source-conninfo S     how the target's server reaches the monolith's database, as a libpq
                                      connection string (default: from --source)
              --wait D                copy: how long to wait for the initial copy (default 1h; again resumes)
              --range-rows N          verify: rows per checksummed range (default 10000)
              --show N                verify: differing rows shown per table (default 20)
              --service-url URL       start: the extracted process (MICROPOSTS_<MODULE>_URL), as the router
                                      reaches it
              --service-check URL     start: where this command reaches it to see that it answers, when
                                      not at --service-url (e.g. through kubectl port-forward)
              --router URL            the router's admin API (http://127.0.0.1:$MICROPOSTS_ROUTER_ADMIN_PORT,
                                      9080), with the credential MICROPOSTS_ROUTER_ADMIN_TOKEN
              --target-conninfo S     how the monolith's server reaches the module's database, for the
                                      replication back after switch-writes (default: from --target)
              --hold D                switch-writes, rollback: the longest the router holds (default 5s)
              --shift STEPS           start: then move the reads to the service with the canary judge,
                                      e.g. 1,10,50,100 (each step judged; default: no shift)
              --interval D            start --shift: the time between two steps (default 30s)
              --drop-source           complete: drop the module's tables on the monolith's database
                                      (default: keep them, renamed <table>_extracted)
              --restart CMD           complete: first restart the monolith without the module by running
                                      CMD with sh -c (e.g. a helm upgrade --wait, a systemctl restart), and
                                      wait until it is back on its database without the module
              --restart-wait D        complete --restart: how long to wait for that (default 10m)
            """;

    private MigrateCommand() {}

    public static int run(List<String> args, Map<String, String> environment, PrintStream out, PrintStream err) {
        ModuleId module = args.isEmpty()
                ? null
                : ModuleId.of(args.get(0).toLowerCase(Locale.ROOT)).orElse(null);
        if (args.size() < 2 || module == null || !ModuleId.BUSINESS.contains(module)) {
            if (!args.isEmpty() && (module == null || !ModuleId.BUSINESS.contains(module))) {
                err.println("migrate: '" + args.get(0) + "' is not a module that can move; the modules are "
                        + ModuleId.BUSINESS.stream().map(ModuleId::id).toList());
            }
            err.print(USAGE);
            return 2;
        }
        String step = args.get(1);
        Map<String, String> options;
        try {
            options = options(args.subList(2, args.size()));
        } catch (IllegalArgumentException ex) {
            err.println("migrate: " + ex.getMessage());
            err.print(USAGE);
            return 2;
        }
        boolean known = Step.of(step).isPresent() || step.equals("rollback") || step.equals("status");
        if (!known) {
            err.println("migrate: '" + step + "' is not a step");
            err.print(USAGE);
            return 2;
        }
        String name = module.id();
        String upper = name.toUpperCase(Locale.ROOT);
        Database source = new Database(
                "monolith's",
                options.getOrDefault("source", environment.get("MICROPOSTS_DB_URL")),
                options.getOrDefault("source-user", environment.get("MICROPOSTS_DB_USER")),
                options.getOrDefault("source-password", environment.get("MICROPOSTS_DB_PASSWORD")));
        Database target = new Database(
                name + "'s own",
                options.getOrDefault("target", environment.get("MICROPOSTS_" + upper + "_DB_URL")),
                options.getOrDefault("target-user", environment.get("MICROPOSTS_" + upper + "_DB_USER")),
                options.getOrDefault("target-password", environment.get("MICROPOSTS_" + upper + "_DB_PASSWORD")));
        if (step.equals("plan") && source.url() == null) {
            MigratePlan.print(module, out);
            out.println();
            out.println("(not recorded: MICROPOSTS_DB_URL, or --source, names no database to record it in)");
            return 0;
        }
        try {
            new Run(module, source, target, options, environment, out).step(step);
            return 0;
        } catch (MigrationException ex) {
            err.println("migrate " + name + " " + step + ": " + ex.getMessage());
            return ex.status();
        } catch (SQLException ex) {
            err.println("migrate " + name + " " + step + ": the database answered: " + ex.getMessage());
            return 1;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            err.println("migrate " + name + " " + step + ": interrupted; run it again to resume");
            return 1;
        }
    }

    private static Map<String, String> options(List<String> args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--drop-source")) {
                options.put("drop-source", "true");
                continue;
            }
            if (!arg.startsWith("--") || i + 1 >= args.size()) {
                throw new IllegalArgumentException("'" + arg + "' is not an option with a value");
            }
            options.put(arg.substring(2), args.get(++i));
        }
        List<String> known = List.of(
                "source",
                "source-user",
                "source-password",
                "target",
                "target-user",
                "target-password",
                "source-conninfo",
                "wait",
                "range-rows",
                "show",
                "service-url",
                "service-check",
                "router",
                "target-conninfo",
                "hold",
                "drop-source",
                "shift",
                "interval",
                "restart",
                "restart-wait");
        for (String option : options.keySet()) {
            if (!known.contains(option)) {
                throw new IllegalArgumentException("--" + option + " is not an option");
            }
        }
        checkValues(options);
        return options;
    }

    /**
     * Every option's value checked before any step begins: a step that is refused for a malformed
     * value has changed nothing (not the router, not the state of the migration).
     */
    private static void checkValues(Map<String, String> options) {
        for (String option : List.of("wait", "hold", "interval", "restart-wait")) {
            String value = options.get(option);
            if (value != null) {
                Duration duration;
                try {
                    duration = DurationStyle.detectAndParse(value);
                } catch (IllegalArgumentException ex) {
                    duration = null;
                }
                if (duration == null || duration.isNegative() || duration.isZero()) {
                    throw new IllegalArgumentException("--" + option
                            + " takes a duration above zero, such as 30s, 500ms or 2m, not '" + value + "'");
                }
            }
        }
        whole(options, "range-rows", 1, 10_000_000);
        whole(options, "show", 0, 10_000);
        String shift = options.get("shift");
        if (shift != null) {
            shiftSteps(shift);
        }
        for (String option : List.of("router", "service-url", "service-check")) {
            String value = options.get(option);
            if (value != null && !isHttpUrl(value)) {
                throw new IllegalArgumentException(
                        "--" + option + " takes an http:// or https:// URL with a host, not '" + value + "'");
            }
        }
    }

    static void whole(Map<String, String> options, String option, int min, int max) {
        String value = options.get(option);
        if (value == null) {
            return;
        }
        long number;
        try {
            number = Long.parseLong(value);
        } catch (NumberFormatException ex) {
            number = Long.MIN_VALUE;
        }
        if (number < min || number > max) {
            throw new IllegalArgumentException(
                    "--" + option + " takes a whole number in " + min + ".." + max + ", not '" + value + "'");
        }
    }

    /** The weights of {@code --shift}: 1..100, each above the one before. */
    static List<Integer> shiftSteps(String value) {
        List<Integer> steps = new ArrayList<>();
        try {
            for (String step : value.split(",", -1)) {
                int weight = Integer.parseInt(step.trim());
                if (weight < 1 || weight > 100 || (!steps.isEmpty() && weight <= steps.get(steps.size() - 1))) {
                    throw new NumberFormatException();
                }
                steps.add(weight);
            }
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException(
                    "--shift takes weights in 1..100, each above the one before, e.g. 1,10,50,100; not '" + value
                            + "'");
        }
        return steps;
    }

    private static boolean isHttpUrl(String value) {
        try {
            URI uri = new URI(value);
            return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null;
        } catch (URISyntaxException ex) {
            return false;
        }
    }

    /** One run of the command for one module. */
    private static final class Run {

        private final ModuleId module;
        private final String name;
        private final Database source;
        private final Database target;
        private final Map<String, String> options;
        private final Map<String, String> environment;
        private final PrintStream out;
        private final List<String> tables;

        Run(
                ModuleId module,
                Database source,
                Database target,
                Map<String, String> options,
                Map<String, String> environment,
                PrintStream out) {
            this.module = module;
            this.name = module.id();
            this.source = source;
            this.target = target;
            this.options = options;
            this.environment = environment;
            this.out = out;
            this.tables = MigratePlan.tables(module);
        }

        void step(String step) throws SQLException, InterruptedException {
            if (source.url() != null && !source.url().startsWith("jdbc:")) {
                throw new MigrationException(
                        "the monolith's database is given as " + source.shown() + ", which is not a JDBC URL: give"
                                + " it as jdbc:postgresql://host:5432/database (MICROPOSTS_DB_URL, or --source)",
                        2);
            }
            if (!source.isPostgres()) {
                throw new MigrationException("the monolith's database must be PostgreSQL (MICROPOSTS_DB_URL, or"
                        + " --source, is " + (source.url() == null ? "not set" : source.shown()) + "): a live"
                        + " migration replicates with PostgreSQL's logical replication, which the embedded H2"
                        + " file cannot do; run the monolith on PostgreSQL first (docs/MIGRATION.md)");
            }
            try (Connection monolith = source.connect()) {
                if (!step.equals("plan") && !step.equals("status")) {
                    refuseTheMonolithsOwnDatabase(monolith);
                }
                MigrationState state = new MigrationState(monolith, name);
                switch (step) {
                    case "status" -> status(monolith, state);
                    case "plan" -> plan(state);
                    case "copy" -> copy(monolith, state);
                    case "verify" -> verify(monolith, state);
                    case "rollback" -> rollback(monolith, state);
                    case "start" -> start(state);
                    case "switch-writes" -> switchWrites(monolith, state);
                    case "complete" -> complete(monolith, state);
                    default -> throw new MigrationException("'" + step + "' is not a step", 2);
                }
            }
        }

        /**
         * Refuses a target that is the monolith's database itself, however its URL names it: every
         * step would then act on the monolith's own tables (a rollback empties the target's). A
         * target that cannot be reached is left to the step, which says so in its own terms.
         */
        private void refuseTheMonolithsOwnDatabase(Connection monolith) throws SQLException {
            if (!target.isPostgres()) {
                return;
            }
            boolean same;
            try (Connection service = target.connect()) {
                same = Database.same(monolith, service);
            } catch (SQLException unreachable) {
                return;
            }
            if (same) {
                throw new MigrationException("the " + name + " module's own database (" + target.shown()
                        + ") is the monolith's database itself: the module's data moves to a database of its own;"
                        + " create one (e.g. createdb " + name + ") and name it with MICROPOSTS_"
                        + name.toUpperCase(Locale.ROOT) + "_DB_URL or --target. Nothing was changed.");
            }
        }

        private void plan(MigrationState state) throws SQLException {
            MigratePlan.print(module, out);
            MigrationState.Record record = state.read();
            if (record.done().isEmpty() && record.running().isEmpty()) {
                state.end(Step.PLAN, Optional.of(Step.PLAN), "done", null);
            }
            out.println();
            out.println(
                    "Recorded in " + source.shown() + " (" + MigrationState.TABLE + "). Next: " + command(Step.COPY));
        }

        private void copy(Connection monolith, MigrationState state) throws SQLException, InterruptedException {
            MigrationState.Record record = allow(state, Step.COPY);
            Replication.requireLogical(monolith, "monolith's");
            needTarget();
            Duration wait = DurationStyle.detectAndParse(options.getOrDefault("wait", "1h"));
            String conninfo = conninfo("source-conninfo", source);
            String publication = Replication.publication(name);
            String subscription = Replication.forward(name);
            try (Connection service = target.connect()) {
                if (record.done().filter(done -> done.compareTo(Step.COPY) >= 0).isPresent()) {
                    out.println("copy was done; the tables stream on:");
                    progress(monolith, service, 0);
                    return;
                }
                state.begin(Step.COPY);
                long started = System.nanoTime();
                out.println("from " + source.shown() + " (the monolith's database)");
                out.println("to   " + target.shown() + " (" + name + "'s own database)");
                ModuleSchema.migrate(new SingleConnectionDataSource(service, true), name);
                out.println("schema: " + name + "'s own migrations applied there (flyway_history_" + name + ")");
                if (!Replication.subscribed(service, subscription)) {
                    for (String table : tables) {
                        if (Replication.count(service, table) > 0) {
                            throw new MigrationException("the target's " + table + " already holds rows that no"
                                    + " copy of this migration put there: give an empty database, or run "
                                    + command("rollback") + ", which empties the module's tables there"
                                    + (module.consumes().isEmpty()
                                            ? ""
                                            : ". A process of " + name + " started on it before the copy applies"
                                                    + " events there: stop it first, and start it after copy"));
                        }
                    }
                }
                Replication.publish(monolith, publication, tables);
                out.println("publication " + publication + " of " + String.join(", ", tables)
                        + " on the monolith's database");
                Replication.createSlot(monolith, subscription);
                Replication.subscribe(service, subscription, conninfo, publication, true, false);
                out.println("replication slot and subscription " + subscription);
                long deadline = System.nanoTime() + wait.toNanos();
                long peak = 0;
                long lastPrint = 0;
                while (true) {
                    Map<String, String> states = Replication.tableStates(service, subscription);
                    long lag = Replication.lagBytes(monolith, subscription);
                    peak = Math.max(peak, lag);
                    boolean ready = states.size() == tables.size()
                            && states.values().stream().allMatch("r"::equals);
                    if (ready && Replication.catchUp(monolith, subscription, 10_000)) {
                        break;
                    }
                    if (System.nanoTime() - lastPrint > 2_000_000_000L) {
                        progress(monolith, service, lag);
                        lastPrint = System.nanoTime();
                    }
                    if (System.nanoTime() > deadline) {
                        throw new MigrationException("the initial copy did not finish within " + wait + "; it goes"
                                + " on: run " + command(Step.COPY) + " again to wait for it");
                    }
                    Thread.sleep(200);
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                long rows = 0;
                for (String table : tables) {
                    rows += Replication.count(service, table);
                }
                String figures = String.format(
                        Locale.ROOT,
                        "%d rows in %d tables in %.1f s; replication lag peak %s",
                        rows,
                        tables.size(),
                        seconds,
                        bytes(peak));
                state.end(Step.COPY, Optional.of(Step.COPY), "done", figures);
                out.println("copied: " + figures + "; every later change streams on.");
                out.println("Watch the lag with " + command("status") + ". Next: " + command(Step.VERIFY));
            }
        }

        private void progress(Connection monolith, Connection service, long lag) throws SQLException {
            Map<String, String> states = Replication.tableStates(service, Replication.forward(name));
            for (String table : tables) {
                out.printf(
                        Locale.ROOT,
                        "  %-28s %-9s %,12d of %,d rows%n",
                        table,
                        describe(states.get(table)),
                        Replication.count(service, table),
                        Replication.count(monolith, table));
            }
            long now = lag > 0 ? lag : Math.max(0, Replication.lagBytes(monolith, Replication.forward(name)));
            out.println("  replication lag " + bytes(now));
        }

        private void verify(Connection monolith, MigrationState state) throws SQLException, InterruptedException {
            MigrationState.Record record = allow(state, Step.VERIFY);
            needTarget();
            int rangeRows = Integer.parseInt(options.getOrDefault("range-rows", "10000"));
            int show = Integer.parseInt(options.getOrDefault("show", "20"));
            boolean before = record.done()
                    .filter(done -> done.compareTo(Step.VERIFY) > 0)
                    .isEmpty();
            try (Connection service = target.connect()) {
                String slot = Replication.forward(name);
                boolean streaming = Replication.hasSlot(monolith, slot);
                if (before) {
                    state.begin(Step.VERIFY);
                }
                long started = System.nanoTime();
                Verification verification = new Verification(
                        monolith, service, rangeRows, () -> !streaming || Replication.catchUp(monolith, slot, 10_000));
                out.printf(
                        Locale.ROOT,
                        "  %-28s %12s %12s %8s %10s %10s%n",
                        "table",
                        "source rows",
                        "target rows",
                        "ranges",
                        "differing",
                        "rows diff");
                List<Verification.Difference> differences = new ArrayList<>();
                long rows = 0;
                for (String table : tables) {
                    Verification.TableResult result = verification.compare(table);
                    rows += result.sourceRows();
                    differences.addAll(result.rows());
                    out.printf(
                            Locale.ROOT,
                            "  %-28s %,12d %,12d %8d %10d %10d%n",
                            table,
                            result.sourceRows(),
                            result.targetRows(),
                            result.ranges(),
                            result.rangesDiffering(),
                            result.rows().size());
                    result.rows().stream()
                            .limit(show)
                            .forEach(difference -> out.println("    " + table + " " + difference.key() + ": "
                                    + (difference.target() == null
                                            ? "missing on the target"
                                            : difference.source() == null ? "only on the target" : "differs")
                                    + "\n      source: " + difference.source() + "\n      target: "
                                    + difference.target()));
                    if (result.rows().size() > show) {
                        out.println("    ... and " + (result.rows().size() - show) + " more (--show N)");
                    }
                }
                String figures = String.format(
                        Locale.ROOT,
                        "%d rows compared in %.1f s; %d differences",
                        rows,
                        (System.nanoTime() - started) / 1e9,
                        differences.size());
                if (!before) {
                    out.println(figures + " (a check only: the migration is past verify)");
                    state.log(Step.VERIFY.command(), differences.isEmpty() ? "agrees" : "differs", figures);
                    if (!differences.isEmpty()) {
                        throw new MigrationException(differences.size() + " rows differ");
                    }
                    return;
                }
                if (!differences.isEmpty()) {
                    state.end(Step.VERIFY, Optional.of(Step.COPY), "differs", figures);
                    throw new MigrationException(differences.size() + " rows differ between the databases (listed"
                            + " above). Zero differences is the condition to go on: find what wrote to the"
                            + " target, then " + command("rollback") + " and " + command(Step.COPY) + " again");
                }
                state.end(Step.VERIFY, Optional.of(Step.VERIFY), "done", figures);
                out.println("verified: " + figures + ". Next: " + command(Step.START));
            }
        }

        /** The router's group of the module: the service added as a backend, shadowed, writes kept on the monolith. */
        private void start(MigrationState state) throws SQLException {
            allow(state, Step.START);
            needTarget();
            String serviceUrl = options.getOrDefault(
                    "service-url", environment.get("MICROPOSTS_" + name.toUpperCase(Locale.ROOT) + "_URL"));
            if (serviceUrl == null || serviceUrl.isBlank()) {
                throw new MigrationException("where does the extracted " + name + " run? Start it (the same jar with"
                        + " MICROPOSTS_MODULES=" + name + " and MICROPOSTS_DB_URL its own database, see"
                        + " docs/MIGRATION.md) and give its URL with --service-url (or MICROPOSTS_"
                        + name.toUpperCase(Locale.ROOT) + "_URL)");
            }
            // where this command reaches it may differ from where the router does (a port-forward)
            answers(options.getOrDefault("service-check", serviceUrl));
            RouterAdmin router = router();
            JsonNode group = router.group(name);
            String primary = primary(group);
            List<Map<String, Object>> backends = backendsAsTheyAre(group, SERVICE);
            backends.add(backend(SERVICE, serviceUrl, 0));
            Map<String, Object> change = new LinkedHashMap<>();
            change.put("backends", backends);
            change.put("shadow", SERVICE);
            change.put("writes", primary);
            router.replace(name, change);
            String figures = "service " + serviceUrl + "; router group " + name + ": writes to '" + primary
                    + "', reads shadowed to '" + SERVICE + "'";
            if (options.containsKey("shift")) {
                List<Integer> steps = shiftSteps(options.get("shift"));
                String interval = options.getOrDefault("interval", "30s");
                try {
                    router.shift(name, SERVICE, steps, interval);
                } catch (MigrationException refused) {
                    // the step did not happen: the group goes back to what it was
                    router.replace(name, asItWas(group));
                    throw refused;
                }
                figures += "; reads shifting to '" + SERVICE + "' by " + steps + " every " + interval + ", judged";
            }
            state.end(Step.START, Optional.of(Step.START), "done", figures);
            out.println("started: " + figures + ".");
            out.println("The service reads its replica of the data; its writes are refused while the subscription"
                    + " stands. Watch the shadow's differences (java -jar microposts.jar router diffs " + name + ")"
                    + (options.containsKey("shift")
                            ? " and the shift (java -jar microposts.jar router show " + name + ")."
                            : ", then move the reads with the canary judge:"));
            if (!options.containsKey("shift")) {
                out.println("  java -jar microposts.jar router shift " + name + " --to " + SERVICE
                        + " --steps 1,10,50,100 --interval 30s   (or: migrate " + name + " start --shift ...)");
            }
            out.println("Next: " + command(Step.SWITCH_WRITES));
        }

        private void rollbackStart(MigrationState state) throws SQLException {
            long started = System.nanoTime();
            RouterAdmin router = router();
            JsonNode group = router.group(name);
            String primary = primary(group);
            List<Map<String, Object>> backends = new ArrayList<>();
            for (JsonNode backend : group.path("backends")) {
                String backendName = backend.path("name").asString();
                if (!backendName.equals(SERVICE)) {
                    backends.add(backend(
                            backendName,
                            backend.path("url").asString(),
                            backendName.equals(primary)
                                    ? 100
                                    : backend.path("weight").asInt()));
                }
            }
            Map<String, Object> change = new LinkedHashMap<>();
            change.put("backends", backends);
            change.put("shadow", "");
            change.put("writes", "");
            router.replace(name, change);
            String figures = String.format(Locale.ROOT, "from start in %.2f s", (System.nanoTime() - started) / 1e9);
            state.end("rollback", Optional.of(Step.VERIFY), "done", figures);
            out.println("rolled back " + figures + ": every request of " + name + " goes to '" + primary
                    + "' again; the data stays in sync. Next: " + command(Step.START) + " (or " + command("rollback")
                    + " again to stop the replication)");
        }

        /**
         * The write switch: with the group held and nothing of it in flight, the replica catches up,
         * stops being one, gets its sequences past every id the monolith issued, starts replicating
         * back to the monolith, and the router sends the group to it; then the hold is released.
         */
        private void switchWrites(Connection monolith, MigrationState state) throws SQLException, InterruptedException {
            MigrationState.Record record = allow(state, Step.SWITCH_WRITES);
            needTarget();
            if (record.done()
                    .filter(done -> done.compareTo(Step.SWITCH_WRITES) >= 0)
                    .isPresent()) {
                out.println("the writes of " + name + " already go to the service");
                return;
            }
            RouterAdmin router = router();
            JsonNode group = router.group(name);
            if (group.path("backends").findValues("name").stream()
                    .noneMatch(n -> n.asString().equals(SERVICE))) {
                throw new MigrationException("the router's group " + name + " has no backend '" + SERVICE + "': run "
                        + command(Step.START) + " again");
            }
            String shift = group.path("shift").path("state").asString("");
            if (shift.equals("RUNNING") || shift.equals("PAUSED")) {
                throw new MigrationException(
                        "a shift of " + name + "'s reads is under way (" + shift.toLowerCase(Locale.ROOT) + ", at "
                                + group.path("shift").path("candidateWeight").asInt() + "%): let it reach 100 or roll"
                                + " it back (java -jar microposts.jar router rollback " + name + ") first",
                        3);
            }
            String primary = primary(group);
            Duration hold = hold();
            String forward = Replication.forward(name);
            String reverse = Replication.reverse(name);
            String publication = Replication.publication(name);
            String conninfo = conninfo("target-conninfo", target);
            state.begin(Step.SWITCH_WRITES);
            try (Connection service = target.connect()) {
                Replication.requireLogical(service, name + "'s own");
                // before the hold: the way back, ready to start (its slot takes from now on only the
                // service's own writes: the rows it replicated have an origin, and origin = none skips them)
                Replication.publish(service, publication, tables);
                Replication.createSlot(service, reverse);
                Replication.commitSynchronously(service, forward, true);
                long held = System.nanoTime();
                router.hold(name, hold);
                long drained;
                long caughtUp;
                String sequences;
                try {
                    awaitIdle(router, held, hold);
                    drained = System.nanoTime();
                    boolean fenced = false;
                    boolean unsubscribed = false;
                    try {
                        closeFences(monolith, service, held, hold);
                        fenced = true;
                        if (Replication.subscribed(service, forward)
                                && !Replication.catchUp(monolith, forward, remaining(held, hold))) {
                            throw new MigrationException("the service's database did not catch up with the"
                                    + " monolith's within the hold; nothing was switched: run it again when the lag"
                                    + " is lower (" + command("status") + ")");
                        }
                        caughtUp = System.nanoTime();
                        unsubscribed = Replication.subscribed(service, forward);
                        Replication.unsubscribe(service, forward);
                        sequences = Replication.advanceSequences(monolith, service, tables);
                        Replication.subscribe(monolith, reverse, conninfo, publication, false, true);
                    } catch (RuntimeException | SQLException | InterruptedException ex) {
                        if (unsubscribed && !Replication.subscribed(monolith, reverse)) {
                            // neither side a replica: the service's database follows the monolith's again
                            // from where its slot stands, before the listeners or the writes go on
                            resubscribe(service, forward, conninfo("source-conninfo", source), ex);
                        }
                        throw ex;
                    } finally {
                        if (fenced) {
                            openFences(monolith, service);
                        }
                    }
                    route(router, group, SERVICE, primary, false);
                    router.release(name);
                    long released = System.nanoTime();
                    Replication.dropSlot(monolith, forward);
                    Replication.unpublish(monolith, publication);
                    String figures = String.format(
                            Locale.ROOT,
                            "hold %.3f s (in flight drained %.3f s, caught up %.3f s); sequences %s",
                            (released - held) / 1e9,
                            (drained - held) / 1e9,
                            (caughtUp - drained) / 1e9,
                            sequences);
                    state.end(Step.SWITCH_WRITES, Optional.of(Step.SWITCH_WRITES), "done", figures);
                    out.println("switched: " + figures + ".");
                    out.println("The service takes the writes of " + name + " and publishes its events; the monolith's"
                            + " database follows it (subscription " + reverse + ") and refuses " + name
                            + " writes. Watch: " + command("status") + ". Back: " + command("rollback"));
                } catch (RuntimeException | SQLException | InterruptedException ex) {
                    router.release(name);
                    streamAgain(service, forward, ex);
                    throw ex;
                }
            }
        }

        /**
         * The end of the move: once no process runs the module on the monolith's database (the
         * monolith restarted without it), the replication back stops and the module's tables there
         * are renamed (or dropped with {@code --drop-source}). There is no rollback after it.
         */
        private void complete(Connection monolith, MigrationState state) throws SQLException, InterruptedException {
            MigrationState.Record record = allow(state, Step.COMPLETE);
            needTarget();
            if (record.done().filter(done -> done == Step.COMPLETE).isPresent()) {
                out.println("the migration of " + name + " is complete");
                return;
            }
            List<String> running = runningTheModule(monolith);
            if (!running.isEmpty() && options.containsKey("restart")) {
                restartMonolith(monolith, options.get("restart"));
                running = runningTheModule(monolith);
            }
            if (!running.isEmpty()) {
                List<String> rest = new ArrayList<>();
                for (ModuleId other : ModuleId.BUSINESS) {
                    if (other != module) {
                        rest.add(other.id());
                    }
                }
                throw new MigrationException(
                        "a process still runs " + name + " on the monolith's database (its connections are named "
                                + String.join(", ", running) + "). Restart the monolith without it first:"
                                + " MICROPOSTS_MODULES=" + String.join(",", rest) + ", MICROPOSTS_"
                                + name.toUpperCase(Locale.ROOT) + "_URL=<the service>, and without"
                                + " MICROPOSTS_EXTRACTING=" + name + " (hold its route groups in the router while it"
                                + " restarts: java -jar microposts.jar router hold <group>), or give the command that"
                                + " restarts it: " + command(Step.COMPLETE) + " --restart '<command>'",
                        3);
            }
            state.begin(Step.COMPLETE);
            boolean drop = options.containsKey("drop-source");
            try (Connection service = target.connect()) {
                String reverse = Replication.reverse(name);
                if (Replication.subscribed(monolith, reverse) && !Replication.catchUp(service, reverse, 10_000)) {
                    throw new MigrationException("the monolith's database did not catch up with the service's in 10 s;"
                            + " nothing was changed: run it again");
                }
                Replication.unsubscribe(monolith, reverse);
                Replication.dropSlot(service, reverse);
                if (!module.consumes().isEmpty()) {
                    // what the monolith's listeners left for later while the service took the writes:
                    // the service applies those events, and no listener of the module runs here again
                    try (Statement sql = monolith.createStatement()) {
                        int deferred = sql.executeUpdate("DELETE FROM event_publication WHERE completion_date IS"
                                + " NULL AND listener_id LIKE 'dev.microposts." + name + ".%'");
                        out.println("deleted " + deferred + " undelivered publications of " + name + "'s listeners on"
                                + " the monolith's database (events its listeners left for the service)");
                    }
                }
                Replication.unpublish(service, Replication.publication(name));
                Replication.unpublish(monolith, Replication.publication(name));
                try (Statement sql = monolith.createStatement()) {
                    List<String> owned = new ArrayList<>(tables);
                    owned.add("flyway_history_" + name);
                    for (String table : owned) {
                        if (Replication.single(monolith, "SELECT to_regclass('" + table + "')") == null) {
                            continue;
                        }
                        sql.execute(
                                drop
                                        ? "DROP TABLE " + table
                                        : "ALTER TABLE " + table + " RENAME TO " + table + "_extracted");
                    }
                }
            }
            String figures = drop
                    ? "the module's tables dropped on the monolith's database"
                    : "the module's tables kept on the monolith's database as <table>_extracted";
            state.end(Step.COMPLETE, Optional.of(Step.COMPLETE), "done", figures);
            out.println("complete: replication back stopped; " + figures + ". " + name + " lives in its own process"
                    + " and database now.");
        }

        /** The names of the connections to the monolith's database of processes that run the module. */
        private List<String> runningTheModule(Connection monolith) throws SQLException {
            List<String> running = new ArrayList<>();
            for (String process : processes(monolith)) {
                if (List.of(process.substring("microposts:".length()).split(","))
                        .contains(name)) {
                    running.add(process);
                }
            }
            return running;
        }

        /** The MicroPosts processes connected to a database, by their connections' names (microposts:<modules>). */
        private static List<String> processes(Connection db) throws SQLException {
            List<String> names = new ArrayList<>();
            try (Statement sql = db.createStatement();
                    java.sql.ResultSet row = sql.executeQuery("SELECT DISTINCT application_name FROM pg_stat_activity"
                            + " WHERE datname = current_database() AND application_name LIKE 'microposts:%'")) {
                while (row.next()) {
                    names.add(row.getString(1));
                }
            }
            return names;
        }

        /**
         * complete --restart: runs the operator's command that restarts the monolith without the
         * module (its output passed on), then waits until no process runs the module on the
         * monolith's database and a MicroPosts process is connected to it again (the restarted
         * monolith's pool connects at start). Nothing is changed when the command fails or the wait
         * ends first.
         */
        private void restartMonolith(Connection monolith, String restart) throws SQLException, InterruptedException {
            Duration wait = options.containsKey("restart-wait")
                    ? DurationStyle.detectAndParse(options.get("restart-wait"))
                    : Duration.ofMinutes(10);
            long deadline = System.nanoTime() + wait.toNanos();
            out.println("restarting the monolith without " + name + ": sh -c '" + restart + "'");
            long started = System.nanoTime();
            int status;
            try {
                Process process = new ProcessBuilder("sh", "-c", restart)
                        .redirectErrorStream(true)
                        .start();
                process.getOutputStream().close();
                Thread copy = new Thread(() -> {
                    try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(
                            process.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
                        lines.lines().forEach(line -> out.println("  | " + line));
                    } catch (IOException ex) {
                        // the command's output ended
                    }
                });
                copy.start();
                if (!process.waitFor(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    throw new MigrationException("the restart command did not end within " + wait + "; nothing was"
                            + " changed: run complete again once the monolith runs without " + name);
                }
                copy.join(10_000); // its output to the end (a child still holding it open is not waited for longer)
                status = process.exitValue();
            } catch (IOException ex) {
                throw new MigrationException("could not run the restart command: " + ex.getMessage());
            }
            if (status != 0) {
                throw new MigrationException("the restart command exited " + status + "; nothing was changed");
            }
            while (!runningTheModule(monolith).isEmpty() || processes(monolith).isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new MigrationException("the monolith was not back without " + name + " within " + wait
                            + " of the restart command (connections now: " + processes(monolith) + "); nothing was"
                            + " changed: run complete again once it is");
                }
                Thread.sleep(200);
            }
            out.printf(
                    Locale.ROOT,
                    "the monolith is back without %s after %.1f s (%s)%n",
                    name,
                    (System.nanoTime() - started) / 1e9,
                    String.join(", ", processes(monolith)));
        }

        /** After switch-writes: the writes back on the monolith, the service a replica again. */
        private void rollbackSwitch(Connection monolith, MigrationState state)
                throws SQLException, InterruptedException {
            needTarget();
            RouterAdmin router = router();
            JsonNode group = router.group(name);
            String primary = primary(group);
            Duration hold = hold();
            String forward = Replication.forward(name);
            String reverse = Replication.reverse(name);
            String publication = Replication.publication(name);
            String conninfo = conninfo("source-conninfo", source);
            state.log("rollback", "started", "from switch-writes");
            try (Connection service = target.connect()) {
                Replication.publish(monolith, publication, tables);
                Replication.createSlot(monolith, forward);
                Replication.commitSynchronously(monolith, reverse, true);
                long held = System.nanoTime();
                router.hold(name, hold);
                try {
                    awaitIdle(router, held, hold);
                    boolean fenced = false;
                    boolean unsubscribed = false;
                    try {
                        closeFences(monolith, service, held, hold);
                        fenced = true;
                        if (Replication.subscribed(monolith, reverse)
                                && !Replication.catchUp(service, reverse, remaining(held, hold))) {
                            throw new MigrationException("the monolith's database did not catch up with the"
                                    + " service's within the hold; nothing was switched back: run it again");
                        }
                        unsubscribed = Replication.subscribed(monolith, reverse);
                        Replication.unsubscribe(monolith, reverse);
                        Replication.advanceSequences(service, monolith, tables);
                        Replication.subscribe(service, forward, conninfo, publication, false, true);
                    } catch (RuntimeException | SQLException | InterruptedException ex) {
                        if (unsubscribed && !Replication.subscribed(service, forward)) {
                            resubscribe(monolith, reverse, conninfo("target-conninfo", target), ex);
                        }
                        throw ex;
                    } finally {
                        if (fenced) {
                            openFences(monolith, service);
                        }
                    }
                    route(router, group, primary, primary, true);
                    router.release(name);
                    long released = System.nanoTime();
                    Replication.dropSlot(service, reverse);
                    Replication.unpublish(service, publication);
                    String figures =
                            String.format(Locale.ROOT, "from switch-writes, hold %.3f s", (released - held) / 1e9);
                    state.end("rollback", Optional.of(Step.START), "done", figures);
                    out.println("rolled back " + figures + ": the monolith takes the writes of " + name
                            + " again, with every write the service took; the service's database follows it again."
                            + " Next: " + command(Step.SWITCH_WRITES) + " (or " + command("rollback") + " again)");
                } catch (RuntimeException | SQLException | InterruptedException ex) {
                    router.release(name);
                    streamAgain(monolith, reverse, ex);
                    throw ex;
                }
            }
        }

        /**
         * For a module written by event listeners (the timeline): its fence closed on both databases,
         * so no listener transaction runs on either while the writes move (docs/MIGRATION.md,
         * "Modules that consume events"); the monolith's first, in the same order every time.
         */
        private void closeFences(Connection monolith, Connection service, long held, Duration hold)
                throws SQLException, InterruptedException {
            if (module.consumes().isEmpty()) {
                return;
            }
            long key = ReplicaFence.lockKey(module);
            if (!Replication.closeFence(monolith, key, remaining(held, hold))) {
                throw new MigrationException("the monolith's " + name + " listeners did not pause within the hold;"
                        + " nothing was switched: run it again");
            }
            boolean closed = false;
            try {
                closed = Replication.closeFence(service, key, remaining(held, hold));
            } finally {
                if (!closed) {
                    Replication.openFence(monolith, key);
                }
            }
            if (!closed) {
                throw new MigrationException("the service's " + name + " listeners did not pause within the hold;"
                        + " nothing was switched: run it again");
            }
        }

        private void openFences(Connection monolith, Connection service) throws SQLException {
            if (module.consumes().isEmpty()) {
                return;
            }
            long key = ReplicaFence.lockKey(module);
            try {
                Replication.openFence(service, key);
            } finally {
                Replication.openFence(monolith, key);
            }
        }

        /**
         * A switch (or its way back) that failed after it dropped the subscription of the side that
         * followed: that subscription again, on its slot, which still holds every change since (so
         * the side stays a replica and misses nothing); when even that fails, both failures are told.
         */
        private void resubscribe(Connection db, String subscription, String conninfo, Exception failure) {
            try {
                Replication.subscribe(db, subscription, conninfo, Replication.publication(name), false, true);
                out.println("the switch failed after the subscription " + subscription + " was dropped: it is made"
                        + " again on its slot, so nothing was switched");
            } catch (SQLException | RuntimeException ex) {
                failure.addSuppressed(ex);
                out.println("the switch failed after the subscription " + subscription + " was dropped, and making it"
                        + " again failed too (" + ex.getMessage() + "): neither database is a replica now; run "
                        + command(Step.SWITCH_WRITES) + " or " + command("rollback") + " again before anything else");
            }
        }

        /** The group's reads and writes to {@code to}; the service shadowed when the monolith keeps them. */
        private void route(RouterAdmin router, JsonNode group, String to, String primary, boolean shadowService) {
            List<Map<String, Object>> backends = new ArrayList<>();
            for (JsonNode backend : group.path("backends")) {
                String backendName = backend.path("name").asString();
                backends.add(backend(backendName, backend.path("url").asString(), backendName.equals(to) ? 100 : 0));
            }
            Map<String, Object> change = new LinkedHashMap<>();
            change.put("backends", backends);
            change.put("shadow", shadowService ? SERVICE : "");
            change.put("writes", to);
            router.replace(name, change);
        }

        private void awaitIdle(RouterAdmin router, long held, Duration hold) throws InterruptedException {
            while (router.group(name).path("inFlight").asInt() > 0) {
                if (remaining(held, hold) <= 0) {
                    throw new MigrationException("requests of " + name + " were still in flight at the end of the hold;"
                            + " nothing was switched: run it again");
                }
                Thread.sleep(5);
            }
        }

        /**
         * What is left of the hold for draining and catching up, keeping 40% of it (at least 1 s) for
         * the part that cannot be undone (the subscriptions, the sequences, the route, the release):
         * a hold that ran out before the route moved would let new writes through to the old side.
         */
        private static long remaining(long held, Duration hold) {
            long keep = Math.max(1000, hold.toMillis() * 2 / 5);
            return Math.max(0, hold.toMillis() - keep - (System.nanoTime() - held) / 1_000_000);
        }

        /** A switch that gave up: its subscription streams with asynchronous commits again. */
        private static void streamAgain(Connection db, String subscription, Exception failure) {
            try {
                Replication.commitSynchronously(db, subscription, false);
            } catch (SQLException ex) {
                failure.addSuppressed(ex);
            }
        }

        /** The connection string a subscription uses: the option's, else one derived from the database's URL. */
        private String conninfo(String option, Database database) {
            String given = options.get(option);
            return given != null ? given : database.conninfo();
        }

        private Duration hold() {
            return DurationStyle.detectAndParse(options.getOrDefault("hold", "5s"));
        }

        private RouterAdmin router() {
            String token = environment.get("MICROPOSTS_ROUTER_ADMIN_TOKEN");
            if (token == null || token.isBlank()) {
                throw new MigrationException("set MICROPOSTS_ROUTER_ADMIN_TOKEN to the router's admin credential");
            }
            String url = options.getOrDefault(
                    "router", "http://127.0.0.1:" + environment.getOrDefault("MICROPOSTS_ROUTER_ADMIN_PORT", "9080"));
            return new RouterAdmin(url, token);
        }

        /** The change that puts a group back as the router showed it. */
        private static Map<String, Object> asItWas(JsonNode group) {
            Map<String, Object> change = new LinkedHashMap<>();
            change.put("backends", backendsAsTheyAre(group, null));
            change.put(
                    "shadow",
                    group.path("shadow").isString() ? group.path("shadow").asString() : "");
            change.put(
                    "writes",
                    group.path("writes").isString() ? group.path("writes").asString() : "");
            return change;
        }

        /** The group's backends with the weights they have, but the one named {@code except}. */
        private static List<Map<String, Object>> backendsAsTheyAre(JsonNode group, String except) {
            List<Map<String, Object>> backends = new ArrayList<>();
            for (JsonNode backend : group.path("backends")) {
                String backendName = backend.path("name").asString();
                if (!backendName.equals(except)) {
                    backends.add(backend(
                            backendName,
                            backend.path("url").asString(),
                            backend.path("weight").asInt()));
                }
            }
            return backends;
        }

        /** The backend that takes the group's writes now: the pinned one, else the heaviest. */
        private static String primary(JsonNode group) {
            String writes = group.path("writes").asString("");
            if (!writes.isBlank() && !writes.equals(SERVICE)) {
                return writes;
            }
            String best = null;
            int weight = -1;
            for (JsonNode backend : group.path("backends")) {
                String backendName = backend.path("name").asString();
                if (!backendName.equals(SERVICE) && backend.path("weight").asInt() > weight) {
                    best = backendName;
                    weight = backend.path("weight").asInt();
                }
            }
            if (best == null) {
                throw new MigrationException("the router's group has no backend but the service");
            }
            return best;
        }

        private static Map<String, Object> backend(String name, String url, int weight) {
            Map<String, Object> backend = new LinkedHashMap<>();
            backend.put("name", name);
            backend.put("url", url);
            backend.put("weight", weight);
            return backend;
        }

        private static void answers(String url) {
            try {
                HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(2))
                        .build()
                        .send(
                                HttpRequest.newBuilder(URI.create(url + "/api/users/migrate-check"))
                                        .timeout(Duration.ofSeconds(5))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding());
            } catch (IOException | IllegalArgumentException ex) {
                throw new MigrationException("the service at " + url + " does not answer (" + ex.getMessage() + ")");
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new MigrationException("interrupted");
            }
        }

        private void rollback(Connection monolith, MigrationState state) throws SQLException, InterruptedException {
            MigrationState.Record record = state.read();
            Optional<Step> at = record.running().isPresent() ? record.running() : record.done();
            if (at.isEmpty() || at.get() == Step.PLAN) {
                out.println("nothing to roll back: no data has moved");
                return;
            }
            if (at.get() == Step.COMPLETE) {
                throw new MigrationException("the migration of " + name + " is complete: its replication back to"
                        + " the monolith is gone, and there is no way back by this command");
            }
            if (at.get() == Step.START) {
                rollbackStart(state);
                return;
            }
            if (at.get() == Step.SWITCH_WRITES) {
                rollbackSwitch(monolith, state);
                return;
            }
            if (at.get().compareTo(Step.VERIFY) > 0) {
                throw new MigrationException(
                        "the migration is at '" + at.get().command() + "', which this version does not undo");
            }
            needTarget();
            long started = System.nanoTime();
            try (Connection service = target.connect()) {
                List<String> consuming = module.consumes().isEmpty() ? List.of() : runningTheModule(service);
                if (!consuming.isEmpty()) {
                    // once its database is no replica it would apply events to the emptied tables
                    // and move its consumer group past them
                    throw new MigrationException(
                            "a process runs " + name + " on its own database ("
                                    + String.join(", ", consuming) + "): stop it first (its tables are written by event"
                                    + " listeners, which would refill them); nothing was changed",
                            3);
                }
            }
            state.log("rollback", "started", "from " + at.get().command());
            try (Connection service = target.connect()) {
                String subscription = Replication.forward(name);
                Replication.unsubscribe(service, subscription);
                Replication.dropSlot(monolith, subscription);
                Replication.unpublish(monolith, Replication.publication(name));
                try (Statement sql = service.createStatement()) {
                    for (String table : tables) {
                        if (Replication.single(service, "SELECT to_regclass('" + table + "')") != null) {
                            sql.execute("TRUNCATE " + table);
                        }
                    }
                }
            }
            String figures = String.format(
                    Locale.ROOT, "from %s in %.2f s", at.get().command(), (System.nanoTime() - started) / 1e9);
            state.end("rollback", Optional.of(Step.PLAN), "done", figures);
            out.println("rolled back " + figures + ": replication stopped and removed, the target's " + name
                    + " tables emptied; the monolith's data untouched. Next: " + command(Step.COPY));
        }

        private void status(Connection monolith, MigrationState state) throws SQLException {
            MigrationState.Record record = state.read();
            out.println("migration of " + name + ": "
                    + record.done()
                            .map(step -> "last step done '" + step.command() + "'")
                            .orElse("not planned")
                    + record.running()
                            .map(step -> "; '" + step.command() + "' was started and did not finish (run it again)")
                            .orElse("")
                    + (record.updatedAt() == null ? "" : " (" + record.updatedAt() + ")"));
            for (MigrationState.Entry entry : state.entries()) {
                out.println("  " + entry.at() + "  " + entry.step() + " " + entry.outcome()
                        + (entry.figures() == null ? "" : ": " + entry.figures()));
            }
            if (target.url() != null) {
                try (Connection service = target.connect()) {
                    if (Replication.hasSlot(monolith, Replication.forward(name))) {
                        out.println("replication to the service (" + Replication.forward(name) + "):");
                        progress(monolith, service, 0);
                    }
                    if (Replication.hasSlot(service, Replication.reverse(name))) {
                        out.println("replication back to the monolith (" + Replication.reverse(name) + "): lag "
                                + bytes(Math.max(0, Replication.lagBytes(service, Replication.reverse(name)))));
                    }
                }
            }
            next(record).ifPresent(step -> out.println("Next: " + command(step)));
        }

        /**
         * Whether {@code step} may run now: after the one before it, or again (idempotent) after it;
         * a step started and not finished may only be resumed or rolled back.
         */
        private MigrationState.Record allow(MigrationState state, Step step) throws SQLException {
            MigrationState.Record record = state.read();
            if (record.running().isPresent() && record.running().get() != step) {
                throw refused(
                        step,
                        "'" + record.running().get().command() + "' was started and did not finish",
                        record.running().get().command());
            }
            Step previous = Step.values()[step.ordinal() - 1];
            boolean ready =
                    record.done().filter(done -> done.compareTo(previous) >= 0).isPresent();
            if (!ready) {
                Step next = next(record).orElse(Step.PLAN);
                throw refused(
                        step,
                        record.done()
                                .map(done -> "the last step done is '" + done.command() + "'")
                                .orElse("the migration has not been planned"),
                        next.command());
            }
            return record;
        }

        private Optional<Step> next(MigrationState.Record record) {
            if (record.running().isPresent()) {
                return record.running();
            }
            return record.done().isEmpty()
                    ? Optional.of(Step.PLAN)
                    : record.done().get().next();
        }

        private MigrationException refused(Step step, String why, String next) {
            return new MigrationException(
                    "refused: " + why + "; the step to run now is '" + next + "': java -jar microposts.jar migrate "
                            + name + " " + next,
                    3);
        }

        private void needTarget() {
            if (target.url() == null) {
                throw new MigrationException("no database for " + name + ": set MICROPOSTS_"
                        + name.toUpperCase(Locale.ROOT) + "_DB_URL (or give --target)");
            }
            if (!target.isPostgres()) {
                throw new MigrationException("the target database must be PostgreSQL: " + target.shown());
            }
        }

        private String command(Step step) {
            return command(step.command());
        }

        private String command(String step) {
            return "java -jar microposts.jar migrate " + name + " " + step;
        }

        private static String describe(String state) {
            if (state == null) {
                return "waiting";
            }
            return switch (state) {
                case "i" -> "waiting";
                case "d" -> "copying";
                case "f", "s" -> "catching up";
                case "r" -> "ready";
                default -> state;
            };
        }

        private static String bytes(long bytes) {
            if (bytes < 1024) {
                return bytes + " B";
            }
            if (bytes < 1024 * 1024) {
                return String.format(Locale.ROOT, "%.1f kB", bytes / 1024.0);
            }
            return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
        }
    }
}
