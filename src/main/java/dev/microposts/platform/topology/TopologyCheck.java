package dev.microposts.platform.topology;

import dev.microposts.platform.topology.TopologyEnvironment.TopologyException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.core.env.Environment;

/**
 * Refuses a topology that cannot work, naming the first thing to set: an unknown or empty module
 * list, a module whose callee runs elsewhere without a URL, a consumer of events produced
 * elsewhere without Kafka.
 */
final class TopologyCheck {

    private TopologyCheck() {}

    static void check(Environment environment) {
        String configured = environment.getProperty("microposts.modules");
        List<String> names = configured == null
                ? List.of("accounts", "posts", "social", "timeline")
                : Arrays.stream(configured.split(","))
                        .map(String::trim)
                        .map(s -> s.toLowerCase(Locale.ROOT))
                        .filter(s -> !s.isEmpty())
                        .toList();
        List<String> unknown = new ArrayList<>(names);
        unknown.removeIf(name -> ModuleId.of(name).isPresent());
        String known = ModuleId.ids(Set.of(ModuleId.values()));
        if (!unknown.isEmpty()) {
            throw new TopologyException(
                    "MICROPOSTS_MODULES names unknown modules " + unknown + "; known are [" + known + "].");
        }
        if (names.isEmpty()) {
            throw new TopologyException("MICROPOSTS_MODULES is empty: name at least one of [" + known + "].");
        }
        MicropostsProperties properties = MicropostsProperties.of(environment);
        Set<ModuleId> local = properties.localModules();
        for (ModuleId module : local) {
            for (ModuleId needed : module.calls()) {
                if (!local.contains(needed) && properties.url(needed) == null) {
                    throw new TopologyException(needed.urlVariable() + " is not set: module " + module.id() + " needs "
                            + needed.id() + ", which does not run in this process (MICROPOSTS_MODULES="
                            + ModuleId.ids(local) + ").");
                }
            }
            for (ModuleId producer : module.consumes()) {
                if (!local.contains(producer) && !properties.kafka().enabled()) {
                    throw new TopologyException("MICROPOSTS_KAFKA_BOOTSTRAP is not set: module " + module.id()
                            + " consumes the events of " + producer.id() + ", which does not run in this process.");
                }
            }
        }
        if (properties.extracting() != null && !properties.extracting().isEmpty()) {
            for (String name : properties.extracting()) {
                ModuleId module = ModuleId.of(name.trim().toLowerCase(java.util.Locale.ROOT))
                        .orElse(null);
                if (module == null || !ModuleId.BUSINESS.contains(module) || !local.contains(module)) {
                    throw new TopologyException("MICROPOSTS_EXTRACTING names '" + name.trim() + "': it must name"
                            + " business modules this process runs (MICROPOSTS_MODULES=" + ModuleId.ids(local) + ").");
                }
            }
            if (!properties.kafka().enabled()) {
                throw new TopologyException("MICROPOSTS_KAFKA_BOOTSTRAP is not set: this process runs "
                        + ModuleId.ids(properties.extractingModules())
                        + " while it is extracted (MICROPOSTS_EXTRACTING),"
                        + " and takes that module's events from Kafka once the extracted process takes its writes.");
            }
        }
        checkInternalToken(properties, local);
    }

    /**
     * A process that calls a module in another process, or serves one to another process, needs the
     * deployment's shared token of the internal endpoints: none is made up (each process would make
     * up a different one).
     */
    private static void checkInternalToken(MicropostsProperties properties, Set<ModuleId> local) {
        Set<ModuleId> called = InternalEndpoints.called(local);
        Set<ModuleId> served = InternalEndpoints.served(local, properties.extractingModules());
        if (called.isEmpty() && served.isEmpty()) {
            return;
        }
        String why = "this process " + (called.isEmpty() ? "" : "calls " + ModuleId.ids(called) + " in another process")
                + (called.isEmpty() || served.isEmpty() ? "" : " and ")
                + (served.isEmpty() ? "" : "serves " + ModuleId.ids(served) + " to modules in other processes")
                + " (MICROPOSTS_MODULES=" + ModuleId.ids(local) + ")";
        String how = "; set the same secret of at least " + InternalEndpoints.MIN_TOKEN_LENGTH
                + " characters in every process of the deployment (e.g. openssl rand -hex 32).";
        if (!properties.internal().configured()) {
            throw new TopologyException("MICROPOSTS_INTERNAL_TOKEN is not set: " + why
                    + ", and the internal endpoints between processes answer only callers with that token" + how);
        }
        if (properties.internal().token().length() < InternalEndpoints.MIN_TOKEN_LENGTH) {
            throw new TopologyException("MICROPOSTS_INTERNAL_TOKEN is too short" + how);
        }
    }
}
