package dev.microposts.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.MicroPostsApplication;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/** The in-process loader writes what the API would have: users, follows, microposts and timelines. */
class BulkLoaderTests {

    @Test
    void loadsTheDatasetThroughTheModulesSoTheServiceThenServesIt() throws Exception {
        String dataDir = "--microposts.data-dir=target/test-data/bulk-" + UUID.randomUUID();
        Dataset dataset = Dataset.generate(40, 10, 2, 42);
        Map<String, Object> loaded = BulkLoader.load(dataset, 4, dataDir);
        assertThat(loaded)
                .containsEntry("users", 40)
                .containsEntry("microposts", 80L)
                .containsEntry("follows", dataset.follows().size());
        Path bulk = Path.of("target", "bench-bulk", "bulk.json");
        Bench.write(bulk, loaded);

        try (ConfigurableApplicationContext server = new SpringApplication(MicroPostsApplication.class)
                .run("--server.port=0", "--logging.level.dev.microposts.access=warn", dataDir)) {
            String url = "http://127.0.0.1:" + server.getEnvironment().getProperty("local.server.port");
            BenchClient client = new BenchClient(url, 2);
            for (int user = 0; user < 40; user += 7) {
                String name = dataset.users().get(user);
                Set<String> followees = new HashSet<>();
                for (int[] edge : dataset.follows()) {
                    if (edge[0] == user) {
                        followees.add(dataset.users().get(edge[1]));
                    }
                }
                JsonNode following = client.call(client.get("/api/users/" + name + "/following?limit=100"), 200);
                assertThat(following
                                .valueStream()
                                .map(ref -> ref.get("username").asString())
                                .toList())
                        .containsExactlyInAnyOrderElementsOf(followees);
                JsonNode timeline = client.call(client.get("/api/users/" + name + "/timeline?limit=100"), 200);
                List<String> authors = timeline.valueStream()
                        .map(post -> post.get("user").asString())
                        .toList();
                assertThat(authors).hasSize(2 * (followees.size() + 1));
                assertThat(new HashSet<>(authors)).isEqualTo(union(followees, name));
            }
            Map<String, Object> large = Bench.large(Map.of(
                    "url",
                    url,
                    "topology",
                    "bulk",
                    "users",
                    "40",
                    "posts",
                    "2",
                    "seconds",
                    "1",
                    "rate",
                    "50",
                    "loaded",
                    bulk.toString()));
            assertThat(large).containsEntry("loader", "in-process, through the modules' services");
            var timeline = ((Map<String, Map<String, Object>>) large.get("scenarios")).get("timeline");
            assertThat(((Number) timeline.get("errors")).longValue()).isZero();
        }
    }

    private static Set<String> union(Set<String> names, String name) {
        Set<String> all = new HashSet<>(names);
        all.add(name);
        return all;
    }
}
