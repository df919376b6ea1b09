package dev.microposts.platform.topology;

import dev.microposts.platform.topology.TopologyEnvironment.TopologyException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses a setting that does not exist ({@code MICROPOSTS_KAFKA_BOOTSTRAPP}, or
 * {@code microposts.kafka.bootstrapp} in any other property source) with the nearest valid one
 * and the list of all: a misspelt setting would otherwise be ignored in silence. The valid
 * settings are the configuration metadata that the build generates from the
 * {@code @ConfigurationProperties} records, the same list the README documents.
 */
public final class SettingsCheck {

    /** Variables of the launcher scripts under bin/, which pass the environment on to the JVM. */
    private static final List<String> LAUNCHER_PREFIXES = List.of("MICROPOSTS_JAVA_OPTS", "MICROPOSTS_LOCAL_");

    private static final String PREFIX = "microposts.";

    private SettingsCheck() {}

    /** Every {@code microposts.*} setting, from the configuration metadata on the class path. */
    public static Set<String> knownSettings() {
        Set<String> names = new TreeSet<>();
        JsonMapper json = JsonMapper.builder().build();
        try {
            for (URL url : Collections.list(
                    SettingsCheck.class.getClassLoader().getResources("META-INF/spring-configuration-metadata.json"))) {
                try (InputStream in = url.openStream()) {
                    JsonNode properties = json.readTree(in).path("properties");
                    for (JsonNode property : properties) {
                        String name = property.path("name").asString();
                        if (name.startsWith(PREFIX)) {
                            names.add(name);
                        }
                    }
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return names;
    }

    /** {@code microposts.kafka.bootstrap} as an environment variable: {@code MICROPOSTS_KAFKA_BOOTSTRAP}. */
    public static String variable(String setting) {
        return setting.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * The {@code MICROPOSTS_*} names among {@code names} that name no setting, each with the
     * setting's variable nearest to it (as the refusal at start names it): what a deployment's
     * files set can be checked against the service's own list (HelmChartTests). Stricter than the
     * check at start in one way: the launcher scripts' variables ({@code MICROPOSTS_JAVA_OPTS},
     * {@code MICROPOSTS_LOCAL_*}) are no settings, since only the scripts under bin/ read them.
     *
     * @throws IllegalStateException when there is no configuration metadata on the class path, so
     * that no check built on this passes for want of a list
     */
    public static Map<String, String> unknownVariables(Collection<String> names) {
        Set<String> variables = variables(knownSettings());
        if (variables.isEmpty()) {
            throw new IllegalStateException("no META-INF/spring-configuration-metadata.json with microposts.* "
                    + "settings on the class path (the configuration processor did not run)");
        }
        Map<String, String> unknown = new TreeMap<>();
        for (String name : names) {
            if (name.startsWith("MICROPOSTS_") && !isSetting(name, variables)) {
                unknown.put(name, nearest(name, variables));
            }
        }
        return unknown;
    }

    static void check(ConfigurableEnvironment environment) {
        Set<String> known = knownSettings();
        if (known.isEmpty()) {
            return; // no metadata on the class path (an IDE run without annotation processing): nothing to check
            // against
        }
        Set<String> variables = variables(known);
        for (PropertySource<?> source : environment.getPropertySources()) {
            if (!(source instanceof EnumerablePropertySource<?> enumerable)) {
                continue;
            }
            boolean fromEnvironment = source instanceof SystemEnvironmentPropertySource;
            for (String name : enumerable.getPropertyNames()) {
                if (fromEnvironment
                        && name.startsWith("MICROPOSTS_")
                        && !isSetting(name, variables)
                        && LAUNCHER_PREFIXES.stream().noneMatch(name::startsWith)) {
                    throw unknown(name, nearest(name, variables), variables);
                }
                if (!fromEnvironment && name.startsWith(PREFIX) && !known.contains(name) && !listIndex(name, known)) {
                    throw unknown(name, nearest(name, known), known);
                }
            }
        }
    }

    private static Set<String> variables(Set<String> known) {
        Set<String> variables = new TreeSet<>();
        known.forEach(name -> variables.add(variable(name)));
        return variables;
    }

    /** A setting's variable, or an element of a list setting's ({@code MICROPOSTS_MODULES_0}). */
    private static boolean isSetting(String variable, Set<String> variables) {
        return variables.contains(variable) || listIndex(variable, variables);
    }

    /** {@code microposts.modules[0]} or {@code MICROPOSTS_MODULES_0}: an element of a list setting. */
    private static boolean listIndex(String name, Set<String> known) {
        String base = name.replaceAll("(\\[\\d+]|_\\d+)$", "");
        return !base.equals(name) && known.contains(base);
    }

    private static TopologyException unknown(String name, String nearest, Set<String> valid) {
        return new TopologyException(name + " is not a MicroPosts setting; did you mean " + nearest
                + "? The settings are " + String.join(", ", valid) + " (README, Configuration).");
    }

    private static String nearest(String name, Set<String> candidates) {
        return candidates.stream()
                .min(Comparator.comparingInt(candidate -> distance(name, candidate)))
                .orElse("");
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
