package dev.microposts.platform.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.contract.Api;
import dev.microposts.support.EmbeddedPostgres;
import dev.microposts.support.ServiceProcess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code db export}: a monolith that ran on its H2 file runs on PostgreSQL after the export, with
 * the same users (their passwords), microposts (same ids), follows and timelines, and never issues
 * an id H2 had issued; the export refuses while the service runs on the file.
 */
class DbExportIT {

    record Result(int status, String out, String err) {}

    @Test
    void aMonolithOnItsH2FileMovesToPostgresWithEverythingAndNoIdReused() throws Exception {
        Path data =
                Path.of("target", "db-export-it", UUID.randomUUID().toString()).toAbsolutePath();
        ServiceProcess h2 = new ServiceProcess("export-h2", Map.of("MICROPOSTS_DATA_DIR", data.toString())).start();
        Api api = new Api(h2.url());
        String alice = api.register("alice");
        String bob = api.register("bob");
        String aliceToken = api.token(alice);
        String bobToken = api.token(bob);
        api.post("/api/users/" + bob + "/following", bobToken, Api.json("username", alice));
        long first =
                api.createPost(alice, aliceToken, "first ✓ ünïcode").get("id").longValue();
        api.createPost(alice, aliceToken, "second, mentioning @" + bob);
        long last =
                api.createPost(alice, aliceToken, "third, deleted").get("id").longValue();
        assertThat(api.delete("/api/users/" + alice + "/collection/" + last, aliceToken)
                        .status())
                .isEqualTo(204);
        String postgres = EmbeddedPostgres.newDatabase();

        Result busy = export(data, postgres);
        assertThat(busy.status()).isEqualTo(1);
        assertThat(busy.err()).contains("in use", "stop the service first");

        assertThat(h2.terminate(Duration.ofSeconds(30))).isIn(0, 143);
        Result exported = export(data, postgres);
        assertThat(exported.status()).as(exported.err()).isZero();
        assertThat(exported.out())
                .contains("copied posts_microposts", "verified accounts_users", "agrees", "MICROPOSTS_DB_URL=");
        assertThat(exported.out()).doesNotContain("differ");

        Result again = export(data, postgres);
        assertThat(again.status()).isEqualTo(1);
        assertThat(again.err()).contains("holds rows already");

        ServiceProcess pg = new ServiceProcess("export-pg", Map.of("MICROPOSTS_DB_URL", postgres)).start();
        try {
            Api moved = new Api(pg.url());
            String token = moved.token(alice); // the password hash came along
            JsonNode collection =
                    moved.get("/api/users/" + alice + "/collection").json();
            assertThat(collection).hasSize(2);
            assertThat(collection.findValues("id").stream().map(JsonNode::longValue))
                    .contains(first);
            assertThat(moved.get("/api/users/" + bob + "/following").json().toString())
                    .contains(alice);
            assertThat(moved.get("/api/users/" + bob + "/timeline").json()).hasSize(2);
            long next =
                    moved.createPost(alice, token, "on PostgreSQL").get("id").longValue();
            assertThat(next).as("an id H2 issued is never issued again").isGreaterThan(last);
        } finally {
            pg.terminate(Duration.ofSeconds(30));
        }
        try (Connection db = DriverManager.getConnection(postgres)) {
            assertThat(Replication.single(db, "SELECT count(*) FROM accounts_users"))
                    .isEqualTo("2");
        }
    }

    private static Result export(Path data, String postgres) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = DbExport.run(
                List.of("export", "--to", postgres, "--data-dir", data.toString()),
                Map.of(),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
