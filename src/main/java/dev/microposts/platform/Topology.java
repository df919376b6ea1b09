package dev.microposts.platform;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.core.env.Environment;

/** Which modules this process runs: the topology is configuration, not code. */
public final class Topology {

	/** The business modules, which together make the monolith. */
	public static final String DEFAULT_MODULES = "accounts,posts,social,timeline";

	private Topology() {
	}

	/** Modules this process runs, from {@code MICROPOSTS_MODULES} ({@code microposts.modules}). */
	public static Set<String> localModules(Environment environment) {
		String configured = environment.getProperty("microposts.modules", DEFAULT_MODULES);
		return Arrays.stream(configured.split(",")).map(String::trim).filter(s -> !s.isEmpty())
				.collect(Collectors.toUnmodifiableSet());
	}
}
