package dev.microposts.platform.topology;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.env.Environment;

/**
 * Where this process's modules run and what they talk to ({@code microposts.*}, each also an
 * environment variable: {@code microposts.kafka.bootstrap} is {@code MICROPOSTS_KAFKA_BOOTSTRAP}).
 * Bound and checked before anything starts ({@link TopologyEnvironment}).
 *
 * @param modules the modules this process runs: any of accounts, posts, social, timeline and
 * router (default: the four business modules, the monolith)
 * @param extracting modules this process runs while they are being extracted to a process of their
 * own ({@code migrate}): their callees' internal endpoints are served to that process, and their
 * events are taken from Kafka (where the extracted process publishes them once it takes the
 * writes) instead of being put there by this process
 * @param dataDir the directory of the embedded H2 database file, created on first start
 * @param db the database of this process (default: H2 in the data directory)
 * @param accounts where the accounts module runs when not in this process, and its database
 * @param posts where the posts module runs when not in this process, and its database
 * @param social where the social module runs when not in this process, and its database
 * @param timeline where the timeline module runs when not in this process, and its database
 * @param kafka the broker that carries domain events between processes
 * @param remote calls to modules in other processes
 * @param internal the credential of the internal endpoints between this system's processes
 */
@ConfigurationProperties("microposts")
public record MicropostsProperties(
        @DefaultValue({"accounts", "posts", "social", "timeline"})
        List<String> modules,

        List<String> extracting,
        @DefaultValue("./data") Path dataDir,
        @DefaultValue Database db,
        @DefaultValue Location accounts,
        @DefaultValue Location posts,
        @DefaultValue Location social,
        @DefaultValue Location timeline,
        @DefaultValue Kafka kafka,
        @DefaultValue Remote remote,
        @DefaultValue Internal internal) {

    /**
     * A process's database.
     *
     * @param url JDBC URL, e.g. {@code jdbc:postgresql://127.0.0.1:5432/microposts} (default: an H2
     * file in the data directory, or the database of the modules this process runs)
     * @param user database user
     * @param password database password
     * @param poolSize connections in the pool
     */
    public record Database(
            String url,
            @DefaultValue("sa") String user,
            @DefaultValue("") String password,
            @DefaultValue("10") int poolSize) {

        public Database {
            if (poolSize < 1) {
                throw new IllegalArgumentException("microposts.db.pool-size must be at least 1, not " + poolSize);
            }
        }
    }

    /**
     * A module's own database, when it has one.
     *
     * @param url JDBC URL of the module's database
     * @param user database user
     * @param password database password
     */
    public record ModuleDatabase(String url, String user, String password) {}

    /**
     * Where a module runs.
     *
     * @param url base URL of the module when it runs in another process
     * @param db the module's own database
     */
    public record Location(URI url, @DefaultValue ModuleDatabase db) {}

    /**
     * Kafka.
     *
     * @param bootstrap bootstrap servers; when set, domain events go between processes through Kafka
     * @param instance this process's name among processes that run the same modules (each replica its
     * own, e.g. its stable pod name); with the modules it is the process's fixed identity in its
     * consumer group, so a restarted process gets its partitions back at once
     * @param sessionTimeout how long the broker waits for a consumer that stopped without leaving
     * (killed, or gone for good) before giving its partitions to another
     */
    public record Kafka(
            String bootstrap,
            String instance,
            @DefaultValue("10s") Duration sessionTimeout) {

        public Kafka {
            if (instance != null && !instance.isEmpty() && !instance.matches("[A-Za-z0-9._-]{1,100}")) {
                throw new IllegalArgumentException("microposts.kafka.instance must be 1..100 characters of "
                        + "A-Za-z0-9._-, not '" + instance + "'");
            }
            if (sessionTimeout != null && sessionTimeout.compareTo(Duration.ofSeconds(6)) < 0) {
                throw new IllegalArgumentException("microposts.kafka.session-timeout must be at least 6s (the "
                        + "broker's default group.min.session.timeout.ms), not " + sessionTimeout);
            }
        }

        public boolean enabled() {
            return bootstrap != null && !bootstrap.isBlank();
        }
    }

    /**
     * Calls to modules in other processes.
     *
     * @param connectTimeout how long to wait for a connection to another module's process
     * @param readTimeout how long to wait for its answer
     */
    public record Remote(
            @DefaultValue("500ms") Duration connectTimeout,
            @DefaultValue("3s") Duration readTimeout) {}

    /**
     * The internal endpoints ({@code /internal/**}) through which a process calls a module that runs
     * in another process: served only to callers that present this token.
     *
     * @param token a secret shared by the processes of one deployment (at least 32 characters);
     * required in every process that calls a module elsewhere or serves one to another process
     */
    public record Internal(String token) {

        public boolean configured() {
            return token != null && !token.isEmpty();
        }

        @Override
        public String toString() {
            return "Internal[token=" + (configured() ? "(set)" : "(unset)") + "]";
        }
    }

    /** The settings as they stand in an environment, before the application context exists. */
    public static MicropostsProperties of(Environment environment) {
        return Binder.get(environment).bindOrCreate("microposts", MicropostsProperties.class);
    }

    /** The modules this process runs, from an environment; see {@link #localModules()}. */
    public static Set<ModuleId> localModules(Environment environment) {
        return of(environment).localModules();
    }

    /** The base URL of a module that runs elsewhere, without a trailing slash, or null. */
    public String baseUrl(ModuleId module) {
        URI url = url(module);
        return url == null ? null : url.toString().replaceAll("/+$", "");
    }

    /** The modules this process runs; names are checked by {@link TopologyEnvironment} before binding. */
    public Set<ModuleId> localModules() {
        Set<ModuleId> local = EnumSet.noneOf(ModuleId.class);
        for (String name : modules) {
            ModuleId.of(name.trim().toLowerCase(java.util.Locale.ROOT)).ifPresent(local::add);
        }
        return local;
    }

    /** The modules this process runs that are being extracted (MICROPOSTS_EXTRACTING), checked by {@link TopologyCheck}. */
    public Set<ModuleId> extractingModules() {
        Set<ModuleId> modules = EnumSet.noneOf(ModuleId.class);
        if (extracting != null) {
            for (String name : extracting) {
                ModuleId.of(name.trim().toLowerCase(java.util.Locale.ROOT)).ifPresent(modules::add);
            }
        }
        modules.retainAll(localModules());
        return modules;
    }

    /** Where a module runs when not here: its {@code MICROPOSTS_<MODULE>_URL}, or null. */
    public URI url(ModuleId module) {
        Location location = locations().get(module);
        return location == null ? null : location.url();
    }

    public Map<ModuleId, Location> locations() {
        return Map.of(
                ModuleId.ACCOUNTS,
                accounts,
                ModuleId.POSTS,
                posts,
                ModuleId.SOCIAL,
                social,
                ModuleId.TIMELINE,
                timeline);
    }
}
