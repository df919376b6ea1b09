package dev.microposts.platform.topology;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.core.env.Environment;

/** Which modules this process runs: the topology is configuration, not code. */
public final class Topology {

	/** The business modules, which together make the monolith. */
	public static final String DEFAULT_MODULES = "accounts,posts,social,timeline";

	/** Every module, the router included. */
	public static final Set<String> ALL_MODULES = Set.of("accounts", "posts", "social", "timeline", "router");

	/** Whom each module calls synchronously (through the callee's API interface). */
	public static final java.util.Map<String, java.util.List<String>> CALLS = java.util.Map.of(
			"posts", java.util.List.of("accounts"), "social", java.util.List.of("accounts"),
			"timeline", java.util.List.of("accounts", "posts"),
			"router", java.util.List.of("accounts", "posts", "social", "timeline"));

	/** Whose events each module consumes. */
	public static final java.util.Map<String, java.util.List<String>> CONSUMES = java.util.Map.of(
			"timeline", java.util.List.of("posts", "social"));

	/** The modules that publish domain events. */
	public static final Set<String> PUBLISHES = Set.of("accounts", "posts", "social");

	private Topology() {
	}

	/** Modules this process runs, from {@code MICROPOSTS_MODULES} ({@code microposts.modules}). */
	public static Set<String> localModules(Environment environment) {
		if (environment.getProperty("microposts.modules") == null) {
			return Set.of(DEFAULT_MODULES.split(","));
		}
		String configured = environment.getProperty("microposts.modules", DEFAULT_MODULES);
		return Arrays.stream(configured.split(",")).map(String::trim).map(String::toLowerCase)
				.filter(s -> !s.isEmpty())
				.collect(Collectors.toUnmodifiableSet());
	}
}
