package dev.microposts.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.contract.Api;
import dev.microposts.contract.Api.Response;
import dev.microposts.support.Topologies;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The social process stops: its routes answer 503 at once, everything else keeps answering; it
 * comes back and recovers without restarting any other process.
 */
class SocialOutageIT {

    @Test
    void socialRoutesFailFastWhileTheRestKeepsWorkingAndRecover() {
        Topologies topology = Topologies.microservices();
        Api api = new Api(topology.publicUrl());
        String reader = api.register("outage");
        String writer = api.register("outagew");
        String readerToken = api.token(reader);
        String writerToken = api.token(writer);
        assertThat(api.post("/api/users/" + reader + "/following", readerToken, Api.json("username", writer))
                        .status())
                .isEqualTo(201);

        topology.stop("social");
        try {
            assertFastProblem(api.get("/api/users/" + reader + "/following"), api, 503);
            long started = System.nanoTime();
            Response follow =
                    api.post("/api/users/" + writer + "/following", writerToken, Api.json("username", reader));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
            assertThat(follow.status()).isEqualTo(503);
            assertThat(follow.contentType()).startsWith("application/problem+json");

            long id = api.createPost(writer, writerToken, "written while social is down")
                    .get("id")
                    .asLong();
            assertThat(api.get("/api/users/" + writer + "/collection").status()).isEqualTo(200);
            assertThat(api.get("/api/users/" + reader).status()).isEqualTo(200);
            awaitTimelineContains(api, reader, id);
            assertThat(api.get("/actuator/health/readiness").status()).isEqualTo(200);
        } finally {
            topology.start("social");
            topology.awaitReady("social", Duration.ofMinutes(3));
        }
        Response following = api.get("/api/users/" + reader + "/following");
        assertThat(following.status()).isEqualTo(200);
        assertThat(following.json().get(0).get("username").stringValue()).isEqualTo(writer);
        assertThat(api.post("/api/users/" + writer + "/following", writerToken, Api.json("username", reader))
                        .status())
                .isEqualTo(201);
    }

    private static void assertFastProblem(Response response, Api api, int status) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.header("X-Request-Id")).isNotBlank();
        long started = System.nanoTime();
        api.get("/api/users/x/followers");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
    }

    private static void awaitTimelineContains(Api api, String owner, long id) {
        org.awaitility.Awaitility.await("micropost " + id + " in " + owner + "'s timeline")
                .atMost(Duration.ofSeconds(2))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    Response timeline = api.get("/api/users/" + owner + "/timeline");
                    assertThat(timeline.status()).isEqualTo(200);
                    for (var item : timeline.json()) {
                        if (item.get("id").asLong() == id) {
                            return true;
                        }
                    }
                    return false;
                });
    }
}
