package dev.microposts.platform.topology;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The module graph, written once: every module, whom it calls through their API interfaces,
 * whose events it consumes, whether it publishes events, and which public paths it serves. The
 * topology checks, the router's routes, the remote bindings, Kafka's topics and subscriptions
 * and the launcher all read it; {@code ModularityTests} verifies it against what Spring Modulith
 * finds in the code, so a call or a subscription added without declaring it here fails the build.
 */
public enum ModuleId {
    ACCOUNTS(
            List.of(),
            List.of(),
            true,
            List.of("/api/users", "/api/users/{username}", "/api/token", "/.well-known/jwks.json")),

    POSTS(
            List.of(ACCOUNTS),
            List.of(),
            true,
            List.of(
                    "/api/users/{username}/collection",
                    "/api/users/{username}/collection/{id}",
                    "/api/users/{username}/mentions")),

    SOCIAL(
            List.of(ACCOUNTS),
            List.of(),
            true,
            List.of(
                    "/api/users/{username}/following",
                    "/api/users/{username}/following/{other}",
                    "/api/users/{username}/followers")),

    TIMELINE(List.of(ACCOUNTS, POSTS), List.of(POSTS, SOCIAL), false, List.of("/api/users/{username}/timeline")),

    /** Calls every business module over HTTP: it routes their public paths to them. */
    ROUTER(List.of(ACCOUNTS, POSTS, SOCIAL, TIMELINE), List.of(), false, List.of());

    /** The business modules, which together make the monolith (the default). */
    public static final Set<ModuleId> BUSINESS = EnumSet.of(ACCOUNTS, POSTS, SOCIAL, TIMELINE);

    private final List<ModuleId> calls;
    private final List<ModuleId> consumes;
    private final boolean publishes;
    private final List<String> paths;

    ModuleId(List<ModuleId> calls, List<ModuleId> consumes, boolean publishes, List<String> paths) {
        this.calls = calls;
        this.consumes = consumes;
        this.publishes = publishes;
        this.paths = paths;
    }

    /** The module's name as configuration and packages spell it: {@code posts}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Modules this one calls synchronously, through their API interfaces. */
    public List<ModuleId> calls() {
        return calls;
    }

    /** Modules whose domain events this one consumes. */
    public List<ModuleId> consumes() {
        return consumes;
    }

    public boolean publishesEvents() {
        return publishes;
    }

    /** The public API paths this module serves (path patterns of the contract). */
    public List<String> paths() {
        return paths;
    }

    /** The environment variable that names where this module runs when it runs elsewhere. */
    public String urlVariable() {
        return "MICROPOSTS_" + name() + "_URL";
    }

    /** The Kafka topic of this module's events. */
    public String topic() {
        return "microposts." + id();
    }

    public static Optional<ModuleId> of(String id) {
        return Arrays.stream(values()).filter(module -> module.id().equals(id)).findFirst();
    }

    /** Every module's id, in the graph's order: {@code accounts, posts, social, timeline, router}. */
    public static String ids(Set<ModuleId> modules) {
        return modules.stream().sorted().map(ModuleId::id).collect(Collectors.joining(","));
    }
}
