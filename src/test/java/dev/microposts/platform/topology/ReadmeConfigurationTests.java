package dev.microposts.platform.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The README's configuration table lists every {@code microposts.*} setting the code declares
 * (the configuration metadata the build generates from the {@code @ConfigurationProperties}
 * records), with the same defaults, and nothing else of that name.
 */
class ReadmeConfigurationTests {

    private static final Pattern ROW =
            Pattern.compile("^\\| `(MICROPOSTS_[A-Z0-9_<>]+)` \\|([^|]*)\\|", Pattern.MULTILINE);
    private static final List<String> MODULES = List.of("ACCOUNTS", "POSTS", "SOCIAL", "TIMELINE");

    @Test
    void theReadmeTableListsEverySettingWithItsDefault() throws IOException {
        Map<String, String> documented = new TreeMap<>();
        Matcher row = ROW.matcher(Files.readString(Path.of("README.md")));
        while (row.find()) {
            for (String module : MODULES) {
                documented.put(
                        row.group(1).replace("<MODULE>", module), row.group(2).trim());
            }
        }
        Map<String, String> declared = new TreeMap<>();
        metadata().forEach((name, defaultValue) -> declared.put(SettingsCheck.variable(name), defaultValue));

        assertThat(documented.keySet()).as("settings in the README's table").isEqualTo(declared.keySet());
        declared.forEach((variable, defaultValue) -> {
            if (defaultValue != null && !defaultValue.isEmpty()) {
                assertThat(documented.get(variable))
                        .as("default of %s in the README", variable)
                        .isEqualTo("`" + defaultValue + "`");
            } else {
                assertThat(documented.get(variable))
                        .as("default of %s in the README", variable)
                        .doesNotContain("`");
            }
        });
    }

    @Test
    void theCheckKnowsTheSameSettings() {
        assertThat(SettingsCheck.knownSettings()).isEqualTo(metadata().keySet());
    }

    /** The generated metadata: each microposts.* setting and its default (lists joined by commas). */
    private static Map<String, String> metadata() {
        Map<String, String> settings = new LinkedHashMap<>();
        try (InputStream in =
                Files.newInputStream(Path.of("target/classes/META-INF/spring-configuration-metadata.json"))) {
            for (JsonNode property : JsonMapper.builder().build().readTree(in).path("properties")) {
                String name = property.path("name").asString();
                if (!name.startsWith("microposts.")) {
                    continue;
                }
                JsonNode value = property.get("defaultValue");
                String text = value == null || value.isNull()
                        ? null
                        : value.isArray()
                                ? String.join(
                                        ",",
                                        value.valueStream()
                                                .map(JsonNode::asString)
                                                .toList())
                                : value.asString();
                if (text != null && text.startsWith("[") && text.endsWith("]")) {
                    text = text.substring(1, text.length() - 1)
                            .replace(", ", ","); // a list default, as the processor writes it
                }
                settings.put(name, text);
            }
        } catch (IOException ex) {
            throw new IllegalStateException(
                    "no configuration metadata: was the build's annotation processing run?", ex);
        }
        return settings;
    }
}
