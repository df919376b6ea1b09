package dev.microposts.platform.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microposts.MicroPostsApplication;
import dev.microposts.platform.topology.TopologyEnvironment.TopologyException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** A misspelt setting refuses to start, naming the nearest valid one and all of them. */
class SettingsCheckTests {

    private static StandardEnvironment environment(Map<String, Object> variables, Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        environment
                .getPropertySources()
                .addLast(new SystemEnvironmentPropertySource(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
        environment.getPropertySources().addFirst(new MapPropertySource("test-properties", properties));
        return environment;
    }

    private static void process(StandardEnvironment environment) {
        new TopologyEnvironment().postProcessEnvironment(environment, null);
    }

    @Test
    void aMisspeltVariableIsRefusedWithTheNearestSettingAndTheListOfAll() {
        var environment = environment(
                Map.of("MICROPOSTS_KAFKA_BOOTSTRAPP", "127.0.0.1:9092"),
                Map.of("microposts.data-dir", "target/test-data/settings"));
        assertThatThrownBy(() -> process(environment))
                .isInstanceOf(TopologyException.class)
                .hasMessageStartingWith("MICROPOSTS_KAFKA_BOOTSTRAPP is not a MicroPosts setting; "
                        + "did you mean MICROPOSTS_KAFKA_BOOTSTRAP?")
                .hasMessageContaining("MICROPOSTS_MODULES")
                .hasMessageContaining("MICROPOSTS_TOKEN_TTL");
    }

    @Test
    void aMisspeltPropertyIsRefusedToo() {
        var environment = environment(
                Map.of(),
                Map.of("microposts.data-dir", "target/test-data/settings", "microposts.events.redeliver-afer", "PT1S"));
        assertThatThrownBy(() -> process(environment))
                .isInstanceOf(TopologyException.class)
                .hasMessageStartingWith("microposts.events.redeliver-afer is not a MicroPosts setting; "
                        + "did you mean microposts.events.redeliver-after?");
    }

    @Test
    void everyDocumentedVariableAndTheLaunchersOwnAreAccepted() {
        var environment = environment(
                Map.of(
                        "MICROPOSTS_KAFKA_BOOTSTRAP",
                        "127.0.0.1:9092",
                        "MICROPOSTS_POSTS_DB_URL",
                        "jdbc:h2:mem:p",
                        "MICROPOSTS_JAVA_OPTS",
                        "-Xmx1g",
                        "MICROPOSTS_LOCAL_DIR",
                        "/tmp/x",
                        "MICROPOSTS_MODULES",
                        "posts",
                        "MICROPOSTS_ACCOUNTS_URL",
                        "http://127.0.0.1:1",
                        "MICROPOSTS_INTERNAL_TOKEN",
                        "0123456789abcdef0123456789abcdef"),
                Map.of("microposts.data-dir", "target/test-data/settings"));
        assertThatNoException().isThrownBy(() -> process(environment));
        assertThat(environment.getProperty("spring.datasource.url")).isEqualTo("jdbc:h2:mem:p");
    }

    @Test
    void aMisspeltSettingStopsARealStart() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(MicroPostsApplication.class)
                        .properties(
                                "server.port=0",
                                "microposts.data-dir=target/test-data/settings",
                                "microposts.token.tll=PT1M")
                        .run()
                        .close())
                .isInstanceOf(TopologyException.class)
                .hasMessageContaining("did you mean microposts.token.ttl?");
    }

    @Test
    void anImpossibleValueIsRefusedAtStart() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(MicroPostsApplication.class)
                        .properties(
                                "server.port=0",
                                "microposts.data-dir=target/test-data/settings",
                                "microposts.db.pool-size=0")
                        .run()
                        .close())
                .hasStackTraceContaining("microposts.db.pool-size must be at least 1");
    }

    @Test
    void theTopologyCommandPrintsTheModuleGraph() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TopologyCommand.print(List.of(), new PrintStream(out, true, StandardCharsets.UTF_8));
        String table = out.toString(StandardCharsets.UTF_8);
        assertThat(table)
                .contains("timeline accounts,posts")
                .contains("posts,social")
                .contains("microposts.posts")
                .contains("/api/users/{username}/timeline");
        // the columns line up: each row's topic starts under the header's "publishes"
        List<String> lines = table.lines().toList();
        int publishes = lines.get(0).indexOf("publishes");
        assertThat(lines.stream().filter(line -> line.startsWith("accounts") || line.startsWith("posts ")))
                .allSatisfy(line -> assertThat(line.indexOf("microposts.")).isEqualTo(publishes));
        out.reset();
        TopologyCommand.print(List.of("--modules"), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8).trim()).isEqualTo("accounts posts social timeline");
    }
}
