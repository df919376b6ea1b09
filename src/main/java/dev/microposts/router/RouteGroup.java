package dev.microposts.router;

import dev.microposts.platform.core.FieldError;
import dev.microposts.platform.core.InvalidInput;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One route group's routing: its backends and weights, whether a user sticks to one backend, the
 * backend its reads are shadowed to (none when null), and the backend that takes all its writes
 * (when null, writes are routed by the weights like reads). A module being extracted has its reads
 * moved by weight while the one database that may take writes keeps them: {@code writes} names it.
 */
public record RouteGroup(String name, List<Backend> backends, boolean sticky, String shadow, String writes) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,39}");

    public RouteGroup {
        backends = backends == null ? List.of() : List.copyOf(backends);
    }

    Backend backend(String backendName) {
        for (Backend backend : backends) {
            if (backend.name().equals(backendName)) {
                return backend;
            }
        }
        return null;
    }

    int totalWeight() {
        return backends.stream().mapToInt(Backend::weight).sum();
    }

    /** The backend with the largest weight (the first of equals): the one a shift moves away from. */
    Backend primary() {
        Backend primary = null;
        for (Backend backend : backends) {
            if (primary == null || backend.weight() > primary.weight()) {
                primary = backend;
            }
        }
        return primary;
    }

    RouteGroup withWeights(Map<String, Integer> weights) {
        List<Backend> changed = new ArrayList<>();
        for (Backend backend : backends) {
            changed.add(backend.withWeight(weights.getOrDefault(backend.name(), backend.weight())));
        }
        return new RouteGroup(name, changed, sticky, shadow, writes);
    }

    RouteGroup withShadow(String candidate) {
        return new RouteGroup(name, backends, sticky, candidate, writes);
    }

    RouteGroup withWrites(String backendName) {
        return new RouteGroup(name, backends, sticky, shadow, backendName);
    }

    /** Whether a request of this method is a write: anything but GET, HEAD and OPTIONS. */
    static boolean isWrite(String method) {
        return !("GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method));
    }

    /** Refuses a group no request could be routed by: each problem named by its field. */
    void check() {
        List<FieldError> errors = new ArrayList<>();
        if (backends.isEmpty()) {
            errors.add(new FieldError("backends", "must name at least one backend"));
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < backends.size(); i++) {
            Backend backend = backends.get(i);
            String field = "backends[" + i + "]";
            if (backend == null) {
                errors.add(new FieldError(field, "must not be null"));
                continue;
            }
            if (backend.name() == null || !NAME.matcher(backend.name()).matches()) {
                errors.add(new FieldError(
                        field + ".name", "must be 1..40 of a-z, 0-9, '.', '_', '-', starting with a letter or digit"));
            } else if (!names.add(backend.name())) {
                errors.add(new FieldError(field + ".name", "must be unique in the group"));
            }
            if (!usable(backend.url())) {
                errors.add(new FieldError(field + ".url", "must be an absolute http or https URL without a path"));
            }
            if (backend.weight() < 0 || backend.weight() > 100) {
                errors.add(new FieldError(field + ".weight", "must be between 0 and 100"));
            }
        }
        if (!backends.isEmpty() && errors.isEmpty() && totalWeight() == 0) {
            errors.add(new FieldError("backends", "at least one backend must have a weight above 0"));
        }
        if (shadow != null && errors.isEmpty()) {
            Backend candidate = backend(shadow);
            if (candidate == null) {
                errors.add(new FieldError("shadow", "must name one of the group's backends"));
            }
        }
        if (writes != null && errors.isEmpty() && backend(writes) == null) {
            errors.add(new FieldError("writes", "must name one of the group's backends"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInput(errors);
        }
    }

    private static boolean usable(URI url) {
        return url != null
                && url.isAbsolute()
                && ("http".equals(url.getScheme()) || "https".equals(url.getScheme()))
                && url.getHost() != null
                && (url.getRawPath() == null || url.getRawPath().isEmpty() || "/".equals(url.getRawPath()))
                && url.getRawQuery() == null
                && url.getRawFragment() == null
                && url.getRawUserInfo() == null;
    }
}
