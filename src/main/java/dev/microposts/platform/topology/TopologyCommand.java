package dev.microposts.platform.topology;

import java.io.PrintStream;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code java -jar microposts.jar topology}: the module graph as the code declares it
 * ({@link ModuleId}), for people and for launchers, which ask the jar instead of repeating it.
 * {@code topology --modules} prints only the business modules, one line, space-separated.
 */
public final class TopologyCommand {

    public static final String NAME = "topology";

    private TopologyCommand() {}

    public static void print(List<String> options, PrintStream out) {
        if (options.contains("--modules")) {
            out.println(ModuleId.BUSINESS.stream().map(ModuleId::id).collect(Collectors.joining(" ")));
            return;
        }
        out.printf("%-9s %-28s %-14s %-9s %s%n", "module", "calls", "consumes", "publishes", "paths");
        for (ModuleId module : ModuleId.values()) {
            out.printf(
                    "%-9s %-28s %-14s %-9s %s%n",
                    module.id(),
                    names(module.calls()),
                    names(module.consumes()),
                    module.publishesEvents() ? module.topic() : "-",
                    String.join(" ", module.paths()));
        }
    }

    private static String names(List<ModuleId> modules) {
        return modules.isEmpty() ? "-" : modules.stream().map(ModuleId::id).collect(Collectors.joining(","));
    }
}
