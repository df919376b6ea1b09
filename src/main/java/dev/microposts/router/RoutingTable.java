package dev.microposts.router;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.core.env.Environment;

/**
 * Which process owns which route: the contract's paths by module, each module at its
 * {@code MICROPOSTS_<MODULE>_URL}. Every method of a path goes to its owner, so the owner answers
 * 405 for the ones it does not support.
 */
record RoutingTable(Map<String, String> urls) {

	/** The contract's paths, by owning module. */
	static final Map<String, List<String>> PATHS = paths();

	private static Map<String, List<String>> paths() {
		Map<String, List<String>> paths = new LinkedHashMap<>();
		paths.put("posts", List.of("/api/users/{username}/collection", "/api/users/{username}/collection/{id}",
				"/api/users/{username}/mentions"));
		paths.put("social", List.of("/api/users/{username}/following", "/api/users/{username}/following/{other}",
				"/api/users/{username}/followers"));
		paths.put("timeline", List.of("/api/users/{username}/timeline"));
		paths.put("accounts", List.of("/api/users", "/api/users/{username}", "/api/token", "/.well-known/jwks.json"));
		return paths;
	}

	static RoutingTable from(Environment environment) {
		Map<String, String> urls = new LinkedHashMap<>();
		for (String module : PATHS.keySet()) {
			String url = environment.getProperty("microposts." + module + ".url");
			if (url != null && !url.isBlank()) {
				urls.put(module, url.replaceAll("/+$", ""));
			}
		}
		return new RoutingTable(Map.copyOf(urls));
	}
}
