package dev.microposts.platform.topology;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns the topology variables into settings before anything starts, and refuses a topology
 * that cannot work with one message naming the missing variable:
 * <ul>
 * <li>{@code MICROPOSTS_DATA_DIR} becomes an absolute, existing directory for the embedded database;</li>
 * <li>the process's database is {@code MICROPOSTS_DB_URL}, else the {@code MICROPOSTS_<MODULE>_DB_URL}
 * of the modules it runs (they must agree: one process, one database, one transaction), else H2;</li>
 * <li>{@code MICROPOSTS_KAFKA_BOOTSTRAP} switches event externalization and Kafka listeners on;</li>
 * <li>every module a local module calls, or whose events it consumes, must be local or reachable.</li>
 * </ul>
 */
public class TopologyEnvironment implements EnvironmentPostProcessor {

	private static final String GATEWAY = String.join(",",
			"org.springframework.cloud.gateway.server.mvc.GatewayServerMvcAutoConfiguration",
			"org.springframework.cloud.gateway.server.mvc.GatewayMvcClassPathWarningAutoConfiguration",
			"org.springframework.cloud.gateway.server.mvc.filter.FilterAutoConfiguration",
			"org.springframework.cloud.gateway.server.mvc.handler.HandlerFunctionAutoConfiguration",
			"org.springframework.cloud.gateway.server.mvc.handler.GatewayMultipartAutoConfiguration",
			"org.springframework.cloud.gateway.server.mvc.predicate.PredicateAutoConfiguration",
			"org.springframework.cloud.gateway.server.mvc.config.DefaultFunctionConfiguration");

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Map<String, Object> settings = new HashMap<>();
		Set<String> local = Topology.localModules(environment);
		check(environment, local);

		String configured = environment.getProperty("MICROPOSTS_DATA_DIR",
				environment.getProperty("microposts.data-dir", "./data"));
		Path directory = Path.of(configured).toAbsolutePath().normalize();
		try {
			Files.createDirectories(directory);
		}
		catch (IOException ex) {
			throw new TopologyException("MICROPOSTS_DATA_DIR (" + directory + ") cannot be created: " + ex.getMessage());
		}
		settings.put("microposts.data-dir-absolute", directory.toString().replace('\\', '/'));

		if (isBlank(environment.getProperty("microposts.db.url"))) {
			Map<String, String> urls = new LinkedHashMap<>();
			for (String module : local) {
				String url = environment.getProperty("microposts." + module + ".db.url");
				if (!isBlank(url)) {
					urls.put(module, url);
				}
			}
			if (new LinkedHashSet<>(urls.values()).size() > 1) {
				throw new TopologyException("The modules " + urls.keySet() + " run in one process but their "
						+ "MICROPOSTS_<MODULE>_DB_URL differ: a process has one database. Run them in separate "
						+ "processes or set MICROPOSTS_DB_URL.");
			}
			if (!urls.isEmpty()) {
				String module = urls.keySet().iterator().next();
				settings.put("microposts.db.url", urls.get(module));
				copy(environment, settings, "microposts." + module + ".db.user", "microposts.db.user");
				copy(environment, settings, "microposts." + module + ".db.password", "microposts.db.password");
			}
		}

		if (local.equals(Set.of("router"))) {
			// the router passes X-Forwarded-* on (appending its own) instead of applying them itself
			settings.put("server.forward-headers-strategy", "none");
			settings.put("spring.cloud.gateway.server.webmvc.trusted-proxies", ".*");
			settings.put("spring.cloud.gateway.server.webmvc.forwarded-request-headers-filter.enabled", "false");
			settings.put("spring.cloud.gateway.server.webmvc.x-forwarded-request-headers-filter.port-enabled",
					"false");
			// no route is weighted: the filter that computes weights per request has nothing to do
			settings.put("spring.cloud.gateway.server.webmvc.weight-calculator-filter.enabled", "false");
			settings.put("springdoc.cache.disabled", "true");
			// http.server.requests already times every proxied request; a second timer per request
			// for the router's call to the module costs a tenth of the hop (docs/BENCHMARKS.md)
			settings.put("management.observations.enable.http.client.requests", "false");
		}
		else if (!local.contains("router")) {
			// Spring Cloud Gateway is the router's: without it, a module process would still run every
			// request through the Gateway's servlet filters (weight calculator, form) and route table
			// (its enabled=false leaves the other Gateway auto-configurations wanting its beans)
			String excluded = environment.getProperty("spring.autoconfigure.exclude", "");
			settings.put("spring.autoconfigure.exclude", (excluded.isBlank() ? "" : excluded + ",") + GATEWAY);
		}
		settings.putIfAbsent("spring.http.clients.connect-timeout", "1s");
		settings.putIfAbsent("spring.http.clients.read-timeout", "30s");

		String kafka = environment.getProperty("microposts.kafka.bootstrap");
		if (isBlank(kafka)) {
			settings.put("spring.modulith.events.externalization.enabled", "false");
			settings.put("spring.kafka.listener.auto-startup", "false");
		}
		else {
			settings.put("spring.kafka.bootstrap-servers", kafka);
		}
		environment.getPropertySources().addFirst(new MapPropertySource("micropostsTopology", settings));
	}

	private static void copy(ConfigurableEnvironment environment, Map<String, Object> settings, String from,
			String to) {
		String value = environment.getProperty(from);
		if (value != null && isBlank(environment.getProperty(to))) {
			settings.put(to, value);
		}
	}

	/** Fails with the first missing variable of this topology. */
	static void check(ConfigurableEnvironment environment, Set<String> local) {
		List<String> unknown = new ArrayList<>(local);
		unknown.removeAll(Topology.ALL_MODULES);
		if (!unknown.isEmpty()) {
			throw new TopologyException("MICROPOSTS_MODULES names unknown modules " + unknown + "; known are "
					+ Topology.ALL_MODULES + ".");
		}
		if (local.isEmpty()) {
			throw new TopologyException("MICROPOSTS_MODULES is empty: name at least one of " + Topology.ALL_MODULES + ".");
		}
		for (String module : local) {
			for (String needed : Topology.CALLS.getOrDefault(module, List.of())) {
				if (!local.contains(needed) && isBlank(environment.getProperty("microposts." + needed + ".url"))) {
					throw new TopologyException(urlVariable(needed) + " is not set: module " + module + " needs "
							+ needed + ", which does not run in this process (MICROPOSTS_MODULES="
							+ String.join(",", local) + ").");
				}
			}
			for (String producer : Topology.CONSUMES.getOrDefault(module, List.of())) {
				if (!local.contains(producer) && isBlank(environment.getProperty("microposts.kafka.bootstrap"))) {
					throw new TopologyException("MICROPOSTS_KAFKA_BOOTSTRAP is not set: module " + module
							+ " consumes the events of " + producer + ", which does not run in this process.");
				}
			}
		}
	}

	static String urlVariable(String module) {
		return "MICROPOSTS_" + module.toUpperCase(Locale.ROOT) + "_URL";
	}

	private static boolean isBlank(String value) {
		return value == null || value.isBlank();
	}

	/** A topology that cannot start; its message names what to set. */
	public static class TopologyException extends RuntimeException {

		public TopologyException(String message) {
			super(message);
		}
	}

}
