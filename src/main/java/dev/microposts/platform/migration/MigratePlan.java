package dev.microposts.platform.migration;

import dev.microposts.platform.topology.ModuleId;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.modulith.events.Externalized;

/**
 * {@code migrate <module> plan}: what extracting a module from the monolith involves, read from
 * the code: its tables (the ones its own Flyway migrations create), its public routes (its router
 * group), the events it publishes and who consumes them, the modules it calls and the ones that
 * call it, and what the move needs. It reads nothing but the jar.
 */
public final class MigratePlan {

    private static final Pattern CREATE_TABLE =
            Pattern.compile("(?i)\\bCREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?([A-Za-z_][A-Za-z0-9_]*)");

    private MigratePlan() {}

    static void print(ModuleId module, PrintStream out) {
        out.println("Extracting " + module.id() + " from the monolith");
        out.println();
        out.println("Tables (created by its own migrations, classpath:db/" + module.id() + "):");
        tables(module).forEach(table -> out.println("  " + table));
        out.println();
        out.println("Public routes (router group '" + module.id() + "'):");
        module.paths().forEach(path -> out.println("  " + path));
        out.println();
        List<String> events = events(module);
        out.println("Events it publishes"
                + (events.isEmpty() ? ": none" : " (Kafka topic " + module.topic() + " once it runs apart):"));
        events.forEach(event -> out.println("  " + event));
        List<String> consumers = new ArrayList<>();
        List<String> callers = new ArrayList<>();
        for (ModuleId other : ModuleId.BUSINESS) {
            if (other.consumes().contains(module)) {
                consumers.add(other.id());
            }
            if (other.calls().contains(module)) {
                callers.add(other.id());
            }
        }
        out.println("  consumed by: " + (consumers.isEmpty() ? "none" : String.join(", ", consumers)));
        out.println("Events it consumes from: " + names(module.consumes()));
        out.println("Modules it calls: " + names(module.calls())
                + (module.calls().isEmpty() ? "" : " (their internal endpoints, served by the monolith meanwhile)"));
        out.println("Modules that call it: " + (callers.isEmpty() ? "none" : String.join(", ", callers)));
        out.println();
        out.println("Preconditions:");
        out.println("  the monolith on PostgreSQL with wal_level=logical (the embedded H2 file cannot replicate);");
        out.println("  a Kafka broker (MICROPOSTS_KAFKA_BOOTSTRAP) for the monolith and the extracted process;");
        out.println("  the monolith started with MICROPOSTS_EXTRACTING=" + module.id()
                + " and MICROPOSTS_INTERNAL_TOKEN, behind the router.");
        if (!module.consumes().isEmpty()) {
            out.println();
            out.println("Its tables are written by event listeners: until switch-writes the extracted process leaves"
                    + " the events of " + names(module.consumes()) + " in Kafka (its database is a replica), after it"
                    + " the monolith's listeners leave them for later; switch-writes and rollback pause the"
                    + " listeners on both sides while the writes move (docs/MIGRATION.md, \"Modules that consume"
                    + " events\").");
        }
    }

    /** The tables the module's own migrations create, in their order. */
    static List<String> tables(ModuleId module) {
        Set<String> tables = new TreeSet<>();
        try {
            Resource[] scripts = new PathMatchingResourcePatternResolver(MigratePlan.class.getClassLoader())
                    .getResources("classpath*:db/" + module.id() + "/*.sql");
            for (Resource script : scripts) {
                try (InputStream in = script.getInputStream()) {
                    Matcher matcher = CREATE_TABLE.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    while (matcher.find()) {
                        tables.add(matcher.group(1).toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (IOException ex) {
            throw new IllegalStateException("Cannot read the migrations of " + module.id(), ex);
        }
        return List.copyOf(tables);
    }

    /** The module's externalized event types, by simple name. */
    static List<String> events(ModuleId module) {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(Externalized.class));
        Set<String> events = new TreeSet<>();
        for (BeanDefinition candidate : scanner.findCandidateComponents("dev.microposts." + module.id())) {
            String name = candidate.getBeanClassName();
            events.add(name.substring(name.lastIndexOf('.') + 1));
        }
        return List.copyOf(events);
    }

    static String names(List<ModuleId> modules) {
        return modules.isEmpty()
                ? "none"
                : String.join(", ", modules.stream().map(ModuleId::id).toList());
    }
}
