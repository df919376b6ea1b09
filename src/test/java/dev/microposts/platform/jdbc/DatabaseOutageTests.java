package dev.microposts.platform.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.MicroPostsApplication;
import dev.microposts.contract.Api;
import dev.microposts.support.EmbeddedPostgres;
import dev.microposts.support.TcpForwarder;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The database goes away under a running process: requests that need it are answered 503
 * problem+json with Retry-After within a few seconds (the pool's connection timeout), never a
 * generic 500 and never a hang of half a minute.
 */
class DatabaseOutageTests {

    @Test
    void requestsThatNeedTheUnreachableDatabaseAre503WithinSeconds() throws Exception {
        String direct = EmbeddedPostgres.newDatabase();
        URI server = URI.create(direct.substring("jdbc:".length()));
        String database = server.getPath().substring(1);
        try (TcpForwarder forwarder = new TcpForwarder()) {
            forwarder.open(server.getPort());
            String viaForwarder = direct.replace(":" + server.getPort() + "/", ":" + forwarder.port() + "/");
            try (ConfigurableApplicationContext app = new SpringApplicationBuilder(MicroPostsApplication.class)
                    .properties("microposts.db.url=" + viaForwarder, "microposts.db.user=postgres")
                    .run("--server.port=0")) {
                Api api = new Api("http://127.0.0.1:"
                        + ((WebServerApplicationContext) app).getWebServer().getPort());
                String alice = api.register("outage");
                String token = api.token(alice);
                assertThat(api.createPost(alice, token, "before").get("id").asLong())
                        .isPositive();

                forwarder.close();
                try (Connection connection = DriverManager.getConnection(direct, "postgres", "");
                        Statement statement = connection.createStatement()) {
                    statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                            + database + "' AND pid <> pg_backend_pid()");
                }

                long started = System.nanoTime();
                Api.Response write = api.post("/api/users/" + alice + "/collection", token, Api.json("text", "during"));
                Api.Response read = api.get("/api/users/" + alice + "/collection");
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                for (Api.Response response : new Api.Response[] {write, read}) {
                    assertThat(response.status()).as(response.body()).isEqualTo(503);
                    assertThat(response.contentType()).startsWith("application/problem+json");
                    assertThat(response.header("Retry-After")).isNotNull();
                }
                assertThat(took).isLessThan(Duration.ofSeconds(20));
            }
        }
    }
}
