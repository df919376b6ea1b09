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
        List<String[]> rows = new java.util.ArrayList<>();
        rows.add(new String[] {"module", "calls", "consumes", "publishes", "paths"});
        for (ModuleId module : ModuleId.values()) {
            rows.add(new String[] {
                module.id(),
                names(module.calls()),
                names(module.consumes()),
                module.publishesEvents() ? module.topic() : "-",
                String.join(" ", module.paths())
            });
        }
        // every column as wide as its widest cell, so that the columns line up whatever the names
        int[] widths = new int[4];
        for (String[] row : rows) {
            for (int column = 0; column < widths.length; column++) {
                widths[column] = Math.max(widths[column], row[column].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int column = 0; column < widths.length; column++) {
                line.append(String.format("%-" + widths[column] + "s ", row[column]));
            }
            out.println(line.append(row[4]).toString().stripTrailing());
        }
    }

    private static String names(List<ModuleId> modules) {
        return modules.isEmpty() ? "-" : modules.stream().map(ModuleId::id).collect(Collectors.joining(","));
    }
}
