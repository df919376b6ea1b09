package dev.microposts.platform.topology;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns the settings ({@link MicropostsProperties}) into the process's configuration before
 * anything starts, after refusing what cannot work with one message that names what to set
 * ({@link SettingsCheck}, {@link TopologyCheck}): the data directory, the process's database
 * ({@link DatabaseChoice}), which web stack the process's modules need ({@link RouterSettings}),
 * and whether events go through Kafka.
 */
public class TopologyEnvironment implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        check(environment);
        MicropostsProperties properties = MicropostsProperties.of(environment);
        Set<ModuleId> local = properties.localModules();
        Map<String, Object> settings = new HashMap<>();

        Path directory = properties.dataDir().toAbsolutePath().normalize();
        try {
            Files.createDirectories(directory);
        } catch (IOException ex) {
            throw new TopologyException(
                    "MICROPOSTS_DATA_DIR (" + directory + ") cannot be created: " + ex.getMessage());
        }
        settings.putAll(DatabaseChoice.settings(properties, local, directory));
        if (String.valueOf(settings.get("spring.datasource.url")).startsWith("jdbc:postgresql:")) {
            // each connection says which modules its process runs (pg_stat_activity.application_name):
            // `migrate <module> complete` checks with it that no process runs the module on this database
            settings.put("spring.datasource.hikari.data-source-properties.ApplicationName", connectionName(local));
        }
        if (!environment.containsProperty("spring.datasource.hikari.maximum-pool-size")) {
            settings.put(
                    "spring.datasource.hikari.maximum-pool-size",
                    properties.db().poolSize());
        }
        settings.putAll(RouterSettings.settings(environment, local));
        if (!environment.containsProperty("spring.application.name")) {
            settings.put("spring.application.name", serviceName(local));
        }
        // defaults only: this source comes first, so a setting of the operator's must be looked for
        if (!environment.containsProperty("spring.http.clients.connect-timeout")) {
            settings.put("spring.http.clients.connect-timeout", "1s");
        }
        if (!environment.containsProperty("spring.http.clients.read-timeout")) {
            settings.put("spring.http.clients.read-timeout", "30s");
        }
        if (properties.kafka().enabled()) {
            settings.put("spring.kafka.bootstrap-servers", properties.kafka().bootstrap());
        } else {
            settings.put("spring.modulith.events.externalization.enabled", "false");
            settings.put("spring.kafka.listener.auto-startup", "false");
        }
        environment.getPropertySources().addFirst(new MapPropertySource("micropostsTopology", settings));
    }

    /**
     * The checks at start alone, with nothing changed or created: every {@code MICROPOSTS_*}
     * variable and {@code microposts.*} property is a setting ({@link SettingsCheck}), and the
     * topology can work (a URL for each module called elsewhere, Kafka for events produced
     * elsewhere, the internal token where processes call each other: {@link TopologyCheck}). A
     * deployment's rendered environment can be checked with it (HelmChartTests).
     *
     * @throws TopologyException naming what to set
     */
    public static void check(ConfigurableEnvironment environment) {
        SettingsCheck.check(environment);
        TopologyCheck.check(environment);
    }

    /**
     * The process's name in its log lines and the service name of its traces: {@code microposts}
     * for the monolith (with the router or not), else {@code microposts-} and its modules, e.g.
     * {@code microposts-router}, {@code microposts-posts}, {@code microposts-accounts-social}.
     */
    static String serviceName(Set<ModuleId> local) {
        return local.containsAll(ModuleId.BUSINESS)
                ? "microposts"
                : "microposts-" + ModuleId.ids(local).replace(',', '-');
    }

    /** The name of a process's database connections: {@code microposts:} and the modules it runs. */
    public static String connectionName(Set<ModuleId> local) {
        return "microposts:" + ModuleId.ids(local);
    }

    /** A topology or setting that cannot start; its message names what to set. */
    public static class TopologyException extends RuntimeException {

        public TopologyException(String message) {
            super(message);
        }
    }
}
