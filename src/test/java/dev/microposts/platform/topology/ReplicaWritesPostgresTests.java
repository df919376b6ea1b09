package dev.microposts.platform.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.MicroPostsApplication;
import dev.microposts.contract.Api;
import dev.microposts.contract.Api.Response;
import dev.microposts.support.EmbeddedPostgres;
import java.util.EnumSet;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * On a real PostgreSQL server: a database that subscribes to a module's tables (it is that
 * module's replica during an extraction) refuses the module's writes with 503 and Retry-After,
 * keeps serving its reads and the other modules' writes, and takes the writes again as soon as the
 * subscription is gone.
 */
@SpringBootTest(
        classes = MicroPostsApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "microposts.data-dir=target/test-data/replica-writes-${random.uuid}")
class ReplicaWritesPostgresTests {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        String url = EmbeddedPostgres.newDatabase();
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
    }

    @LocalServerPort
    int port;

    @Autowired
    DataSource data;

    @Test
    void aModulesReplicaRefusesItsWritesOnlyWhileItSubscribes() throws Exception {
        Api api = new Api("http://127.0.0.1:" + port);
        String alice = api.register("replica");
        String bob = api.register("replica");
        String token = api.token(alice);
        long kept = api.createPost(alice, token, "before the move").path("id").asLong();

        JdbcTemplate sql = new JdbcTemplate(data);
        // a subscription as migrate creates one on the replica (never connected: only its name counts)
        sql.execute("CREATE SUBSCRIPTION microposts_posts_to_service CONNECTION 'host=127.0.0.1 port=1 dbname=none'"
                + " PUBLICATION microposts_posts WITH (connect = false)");
        // a database just seen writable is believed so for a second (the router sends it no write by then)
        Thread.sleep(ReplicaFence.TRUST_WRITABLE_MS + 200);
        try {
            Response refused =
                    api.post("/api/users/" + alice + "/collection", token, Api.json("text", "while replicated"));
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            assertThat(refused.json().path("detail").asString()).contains("posts module", "replica");
            assertThat(api.delete("/api/users/" + alice + "/collection/" + kept, token)
                            .status())
                    .isEqualTo(503);
            // reads of the module are served, and the other modules take their writes
            assertThat(api.get("/api/users/" + alice + "/collection").status()).isEqualTo(200);
            assertThat(api.post("/api/users/" + alice + "/following", token, Api.json("username", bob))
                            .status())
                    .isEqualTo(201);
            assertThat(sql.queryForObject("SELECT count(*) FROM posts_microposts", Long.class))
                    .isEqualTo(1);
        } finally {
            sql.execute("ALTER SUBSCRIPTION microposts_posts_to_service SET (slot_name = NONE)");
            sql.execute("DROP SUBSCRIPTION microposts_posts_to_service");
        }
        // no longer a replica: the next write is taken at once
        assertThat(api.post("/api/users/" + alice + "/collection", token, Api.json("text", "after the move"))
                        .status())
                .isEqualTo(201);
    }

    @Test
    void aModuleBeingExtractedServesItsCalleesAndTakesItsEventsFromKafka() {
        Set<ModuleId> monolith = EnumSet.copyOf(ModuleId.BUSINESS);
        assertThat(InternalEndpoints.served(monolith, Set.of())).isEmpty();
        assertThat(InternalEndpoints.served(monolith, EnumSet.of(ModuleId.POSTS)))
                .containsExactly(ModuleId.ACCOUNTS);
        assertThat(InternalEndpoints.served(monolith, EnumSet.of(ModuleId.TIMELINE)))
                .containsExactly(ModuleId.ACCOUNTS, ModuleId.POSTS);
    }
}
