package dev.microposts.router;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The router's route table as it stands now: read by every request without a lock (one volatile
 * snapshot), changed by the admin API one group at a time. Every change is written to
 * {@code <data-dir>/router/table.json} (a new file moved over the old one after it is on disk)
 * before it takes effect, and appended to {@code audit.jsonl} beside it: who, when, before, after.
 * A request reads the snapshot once, when it is routed, so a change never moves a request that
 * has started.
 */
final class RouteTable {

    /** Everything routed by one version of the table. */
    record Snapshot(long version, Map<String, RouteGroup> groups) {}

    /** What is saved: the table, and the environment's table it grew from. */
    record Saved(long version, Map<String, RouteGroup> environment, Map<String, RouteGroup> groups) {}

    /** One change of a group. */
    record Change(Instant at, String who, String group, String action, RouteGroup before, RouteGroup after) {}

    private static final Logger log = LoggerFactory.getLogger(RouteTable.class);
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final int AUDIT_IN_MEMORY = 1000;

    private final Path file;
    private final Path auditFile;
    private final Deque<Change> audit = new ArrayDeque<>();
    private final Map<String, RouteGroup> environment;
    private volatile Snapshot current;

    private RouteTable(Path directory, Map<String, RouteGroup> environment, Snapshot initial) {
        this.file = directory.resolve("table.json");
        this.auditFile = directory.resolve("audit.jsonl");
        this.environment = environment;
        this.current = initial;
    }

    /**
     * The table saved in {@code directory}, or, the first time, the given groups (the
     * environment's table). A saved table that grew from another environment's table (the
     * deployment's URLs changed since) is set aside, renamed, and the environment's table used:
     * a restart keeps the operator's changes, a new deployment starts from its own settings.
     */
    static RouteTable open(Path directory, Map<String, RouteGroup> initial) {
        try {
            Files.createDirectories(directory);
        } catch (IOException ex) {
            throw new UncheckedIOException("Cannot create the router's directory " + directory, ex);
        }
        Map<String, RouteGroup> environment = Map.copyOf(initial);
        Path file = directory.resolve("table.json");
        Snapshot snapshot = new Snapshot(0, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(initial)));
        if (Files.exists(file)) {
            Saved saved = read(file);
            if (environment.equals(saved.environment())) {
                Map<String, RouteGroup> groups = new LinkedHashMap<>(initial);
                saved.groups().forEach((name, group) -> {
                    if (groups.containsKey(name)) {
                        groups.put(name, group);
                    }
                });
                snapshot = new Snapshot(saved.version(), java.util.Collections.unmodifiableMap(groups));
                log.info("Route table version {} read from {}", saved.version(), file);
            } else {
                Path aside = file.resolveSibling("table.json.replaced-" + System.currentTimeMillis());
                try {
                    Files.move(file, aside);
                } catch (IOException ex) {
                    throw new UncheckedIOException("Cannot set aside the route table " + file, ex);
                }
                log.warn(
                        "The saved route table grew from other backend URLs than this environment's; it is kept as {}"
                                + " and the router starts from the environment's table",
                        aside);
            }
        }
        RouteTable table = new RouteTable(directory, environment, snapshot);
        table.loadAudit();
        return table;
    }

    Snapshot snapshot() {
        return current;
    }

    RouteGroup group(String name) {
        return current.groups().get(name);
    }

    /**
     * Changes one group: checked, written to disk, then in effect for every request routed from
     * now on. {@code expectedVersion} (when not null) must be the table's version, so two operators
     * never overwrite each other's change unseen.
     */
    synchronized Snapshot change(
            String groupName, UnaryOperator<RouteGroup> how, String who, String action, Long expectedVersion) {
        Snapshot before = current;
        RouteGroup old = before.groups().get(groupName);
        if (old == null) {
            throw new UnknownGroup(groupName, before.groups().keySet());
        }
        if (expectedVersion != null && expectedVersion != before.version()) {
            throw new StaleVersion(expectedVersion, before.version());
        }
        RouteGroup changed = how.apply(old);
        changed = new RouteGroup(groupName, changed.backends(), changed.sticky(), changed.shadow(), changed.writes());
        changed.check();
        if (changed.equals(old)) {
            return before;
        }
        Map<String, RouteGroup> groups = new LinkedHashMap<>(before.groups());
        groups.put(groupName, changed);
        Snapshot after = new Snapshot(before.version() + 1, java.util.Collections.unmodifiableMap(groups));
        write(after);
        Change change = new Change(Instant.now(), who, groupName, action, old, changed);
        appendAudit(change);
        current = after;
        log.info("Route group {} changed by {} ({}): {} -> {}", groupName, who, action, old, changed);
        return after;
    }

    /** The latest changes, newest first. */
    synchronized List<Change> audit(int limit) {
        List<Change> latest = new ArrayList<>();
        var newestFirst = audit.descendingIterator();
        while (newestFirst.hasNext() && latest.size() < limit) {
            latest.add(newestFirst.next());
        }
        return latest;
    }

    private void write(Snapshot snapshot) {
        Path temporary = file.resolveSibling(file.getFileName() + ".new");
        try {
            byte[] bytes = JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(new Saved(snapshot.version(), environment, snapshot.groups()));
            try (FileChannel channel = FileChannel.open(
                    temporary,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(bytes));
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException ex) {
            throw new UncheckedIOException("Cannot save the route table to " + file, ex);
        }
    }

    private void appendAudit(Change change) {
        try (FileChannel channel = FileChannel.open(
                auditFile, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(
                    (JSON.writeValueAsString(change) + "\n").getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        } catch (IOException ex) {
            throw new UncheckedIOException("Cannot append to the router's audit list " + auditFile, ex);
        }
        audit.addLast(change);
        while (audit.size() > AUDIT_IN_MEMORY) {
            audit.removeFirst();
        }
    }

    private void loadAudit() {
        if (!Files.exists(auditFile)) {
            return;
        }
        try (var lines = Files.lines(auditFile, StandardCharsets.UTF_8)) {
            lines.filter(line -> !line.isBlank()).forEach(line -> {
                try {
                    audit.addLast(JSON.readValue(line, Change.class));
                    if (audit.size() > AUDIT_IN_MEMORY) {
                        audit.removeFirst();
                    }
                } catch (RuntimeException unreadable) {
                    // a line cut short by a crash while it was appended: the table file is the truth
                    log.warn("Skipped an unreadable line of {}", auditFile);
                }
            });
        } catch (IOException ex) {
            throw new UncheckedIOException("Cannot read the router's audit list " + auditFile, ex);
        }
    }

    private static Saved read(Path file) {
        try {
            return JSON.readValue(file.toFile(), Saved.class);
        } catch (RuntimeException ex) {
            throw new IllegalStateException(
                    "The saved route table " + file + " cannot be read (" + ex.getMessage()
                            + "); fix or remove it (the router then starts from the environment's table)",
                    ex);
        }
    }

    /** A group the table does not have. */
    static final class UnknownGroup extends dev.microposts.platform.core.DomainException {
        UnknownGroup(String name, java.util.Collection<String> known) {
            super(Kind.NOT_FOUND, "No route group '" + name + "'; the groups are " + known + ".", List.of(), null);
        }
    }

    /** A change based on a version of the table that is no longer the current one. */
    static final class StaleVersion extends dev.microposts.platform.core.DomainException {
        StaleVersion(long expected, long actual) {
            super(
                    Kind.CONFLICT,
                    "The route table is at version " + actual + ", not " + expected
                            + "; read it again and repeat the change if it still applies.",
                    List.of(),
                    null);
        }
    }
}
