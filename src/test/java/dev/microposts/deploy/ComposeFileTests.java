package dev.microposts.deploy;

import static dev.microposts.deploy.CrdSchemas.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.platform.topology.ModuleId;
import dev.microposts.platform.topology.SettingsCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code deploy/compose.yaml} (the microservices topology on one machine) parses as YAML with its
 * anchors and merge keys resolved, and every reference in it holds: one image for every process of
 * the service, each business module in exactly one service, the URLs of the modules each calls,
 * a database per module that the PostgreSQL init script creates, the Kafka broker's advertised
 * listener, only settings the service knows, services and volumes that exist, files that exist,
 * and only the router published.
 */
class ComposeFileTests {

    static final Path COMPOSE = Path.of("deploy/compose.yaml");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)(?::?[-?][^}]*)?}");

    static Map<String, Object> compose;
    static Map<String, Map<String, Object>> services;

    @BeforeAll
    static void parse() throws IOException {
        compose = map(new Yaml().load(Files.readString(COMPOSE)));
        services = new HashMap<>();
        map(compose.get("services")).forEach((name, service) -> services.put(name, map(service)));
    }

    @Test
    void everyProcessOfTheServiceRunsTheOneImage() {
        Set<String> images = microposts().stream()
                .map(s -> (String) services.get(s).get("image"))
                .collect(Collectors.toSet());
        assertThat(images).hasSize(1);
        assertThat(images.iterator().next()).startsWith("${MICROPOSTS_IMAGE:-microposts:");
        assertThat(microposts()).containsExactlyInAnyOrder("accounts", "posts", "social", "timeline", "router");
    }

    @Test
    void eachModuleRunsOnceAndFindsTheModulesItCalls() {
        for (ModuleId module : ModuleId.values()) {
            List<String> running = microposts().stream()
                    .filter(s -> environment(s).get("MICROPOSTS_MODULES").equals(module.id()))
                    .toList();
            assertThat(running).as(module.id()).containsExactly(module.id());
            Map<String, String> env = environment(module.id());
            for (ModuleId callee : module.calls()) {
                assertThat(env.get(callee.urlVariable()))
                        .as(module.id() + " " + callee.urlVariable())
                        .isEqualTo("http://" + callee.id() + ":8080");
            }
            assertThat(depends(module.id()))
                    .containsAnyElementsOf(module == ModuleId.ROUTER ? List.of("accounts") : List.of("postgres"));
        }
    }

    @Test
    void eachModuleHasItsOwnDatabaseWhichTheInitScriptCreates() throws IOException {
        String init = Files.readString(COMPOSE.resolveSibling("compose/postgres-init.sql"));
        Set<String> created = Pattern.compile("CREATE DATABASE (\\w+);")
                .matcher(init)
                .results()
                .map(m -> m.group(1))
                .collect(Collectors.toSet());
        Set<String> used = new HashSet<>();
        for (ModuleId module : ModuleId.BUSINESS) {
            String url = environment(module.id()).get("MICROPOSTS_DB_URL");
            Matcher jdbc =
                    Pattern.compile("jdbc:postgresql://(\\w+):5432/(\\w+)").matcher(url);
            assertThat(jdbc.matches()).as(url).isTrue();
            assertThat(services).containsKey(jdbc.group(1));
            assertThat(created).contains(jdbc.group(2));
            assertThat(used.add(jdbc.group(2))).as("one database per module").isTrue();
            assertThat(environment(module.id()).get("MICROPOSTS_DB_USER"))
                    .isEqualTo(environment("postgres").get("POSTGRES_USER"));
            assertThat(environment(module.id()).get("MICROPOSTS_DB_PASSWORD"))
                    .isEqualTo(environment("postgres").get("POSTGRES_PASSWORD"));
        }
        assertThat(environment("router")).doesNotContainKey("MICROPOSTS_DB_URL");
    }

    @Test
    void theModulesReachTheBrokerByItsAdvertisedListener() {
        String advertised = environment("kafka").get("KAFKA_ADVERTISED_LISTENERS");
        assertThat(environment("kafka").get("KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
        Set<String> instances = new HashSet<>();
        for (ModuleId module : ModuleId.BUSINESS) {
            Map<String, String> env = environment(module.id());
            assertThat(advertised).contains("//" + env.get("MICROPOSTS_KAFKA_BOOTSTRAP"));
            assertThat(instances.add(env.get("MICROPOSTS_KAFKA_INSTANCE"))).isTrue();
            assertThat(env.get("MICROPOSTS_INTERNAL_TOKEN")).startsWith("${MICROPOSTS_INTERNAL_TOKEN:?");
        }
    }

    @Test
    void setsOnlySettingsTheServiceKnows() {
        for (String service : microposts()) {
            assertThat(environment(service).keySet()).as(service).contains("MICROPOSTS_MODULES");
            assertThat(SettingsCheck.unknownVariables(environment(service).keySet()))
                    .as(service + ": variables the service refuses or ignores (name: the setting nearest to it)")
                    .isEmpty();
        }
    }

    @Test
    void referencesOnlyServicesVolumesAndFilesThatExist() {
        Set<String> volumes = map(compose.get("volumes")).keySet();
        for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
            assertThat(services.keySet()).containsAll(depends(service.getKey()));
            for (Object mount : (List<?>) service.getValue().getOrDefault("volumes", List.of())) {
                String source = ((String) mount).split(":")[0];
                if (source.startsWith(".")) {
                    assertThat(COMPOSE.resolveSibling(source)).exists();
                } else {
                    assertThat(volumes).contains(source);
                }
            }
        }
        // every ${VARIABLE} has a default or says what to set
        Matcher variable = VARIABLE.matcher(compose.toString());
        List<String> bare = new ArrayList<>();
        while (variable.find()) {
            if (!variable.group(0).contains(":-") && !variable.group(0).contains(":?")) {
                bare.add(variable.group(0));
            }
        }
        assertThat(bare).isEmpty();
    }

    @Test
    void onlyTheRouterIsPublished() {
        for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
            Object published = service.getValue().get("ports");
            List<String> ports = published == null
                    ? null
                    : ((List<?>) published).stream().map(String::valueOf).toList();
            if (service.getKey().equals("router")) {
                assertThat(ports).contains("8080:8080");
                // the admin API on the loopback interface only
                assertThat(ports.stream().filter(p -> p.endsWith(":9080")))
                        .allSatisfy(p -> assertThat(p).startsWith("127.0.0.1:"));
            } else {
                assertThat(ports).as(service.getKey()).isNull();
            }
        }
    }

    private static List<String> microposts() {
        return services.entrySet().stream()
                .filter(e -> String.valueOf(e.getValue().get("image")).contains("MICROPOSTS_IMAGE"))
                .map(Map.Entry::getKey)
                .toList();
    }

    private static Map<String, String> environment(String service) {
        Map<String, String> env = new HashMap<>();
        map(services.get(service).get("environment")).forEach((k, v) -> env.put(k, String.valueOf(v)));
        return env;
    }

    private static List<String> depends(String service) {
        Object depends = services.get(service).get("depends_on");
        if (depends == null) {
            return List.of();
        }
        return depends instanceof Map<?, ?> m
                ? m.keySet().stream().map(String::valueOf).toList()
                : ((List<?>) depends).stream().map(String::valueOf).toList();
    }
}
