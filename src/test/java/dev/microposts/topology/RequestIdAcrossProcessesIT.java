package dev.microposts.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.contract.Api;
import dev.microposts.support.Topologies;
import java.nio.file.Files;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** One request's id is in the log lines of every process it crosses, events included. */
class RequestIdAcrossProcessesIT {

    @Test
    void aComposeIsTracedThroughRouterPostsAccountsAndTimeline() {
        Topologies topology = Topologies.microservices();
        Api api = new Api(topology.publicUrl());
        String author = api.register("traced");
        String token = api.token(author);
        String requestId = "trace-" + Api.uniqueName("id").replace('_', '-');
        var created = api.post(
                "/api/users/" + author + "/collection",
                token,
                Api.json("text", "follow me"),
                "X-Request-Id",
                requestId);
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("X-Request-Id")).isEqualTo(requestId);
        for (String process : new String[] {"router", "posts", "accounts", "timeline"}) {
            Awaitility.await(requestId + " in the log of " + process)
                    .atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.readString(topology.log(process)).contains("[req=" + requestId + " "));
        }
    }
}
