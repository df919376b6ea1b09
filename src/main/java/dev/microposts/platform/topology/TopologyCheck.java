package dev.microposts.platform.topology;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.springframework.core.env.Environment;

import dev.microposts.platform.topology.TopologyEnvironment.TopologyException;

/**
 * Refuses a topology that cannot work, naming the first thing to set: an unknown or empty module
 * list, a module whose callee runs elsewhere without a URL, a consumer of events produced
 * elsewhere without Kafka.
 */
final class TopologyCheck {

	private TopologyCheck() {
	}

	static void check(Environment environment) {
		String configured = environment.getProperty("microposts.modules");
		List<String> names = configured == null ? List.of("accounts", "posts", "social", "timeline")
				: Arrays.stream(configured.split(",")).map(String::trim).map(s -> s.toLowerCase(Locale.ROOT))
						.filter(s -> !s.isEmpty()).toList();
		List<String> unknown = new ArrayList<>(names);
		unknown.removeIf(name -> ModuleId.of(name).isPresent());
		String known = ModuleId.ids(Set.of(ModuleId.values()));
		if (!unknown.isEmpty()) {
			throw new TopologyException("MICROPOSTS_MODULES names unknown modules " + unknown + "; known are [" + known
					+ "].");
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
	}
}
