package dev.microposts.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.contract.Api;
import dev.microposts.support.ServiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The embedded default (the monolith on its H2 file) keeps every write it acknowledged: after
 * {@code kill -9} right behind a burst of creates, and through a {@code SIGTERM} under load, which
 * answers every request it took and only then closes the database.
 */
class EmbeddedDurabilityIT {

    private static Map<String, String> embeddedDefault() {
        Path data = Path.of("target", "test-data", "durability-" + UUID.randomUUID())
                .toAbsolutePath();
        return Map.of("MICROPOSTS_DATA_DIR", data.toString());
    }

    @Test
    void acknowledgedMicropostsSurviveAKillNine() {
        Map<String, String> environment = embeddedDefault();
        List<Long> acknowledged = new ArrayList<>();
        String author;
        try (ServiceProcess monolith = new ServiceProcess("h2-kill", environment).start()) {
            Api api = new Api(monolith.url());
            author = api.register("crash");
            String token = api.token(author);
            for (int i = 0; i < 40; i++) {
                acknowledged.add(api.createPost(author, token, "acknowledged " + i)
                        .get("id")
                        .longValue());
            }
            monolith.kill();
        }
        try (ServiceProcess restarted = new ServiceProcess("h2-kill-restart", environment).start()) {
            Api api = new Api(restarted.url());
            List<Long> missing = acknowledged.stream()
                    .filter(id -> api.get("/api/users/" + author + "/collection/" + id)
                                    .status()
                            != 200)
                    .toList();
            assertThat(missing).as("acknowledged microposts gone after kill -9").isEmpty();
            // their events were recorded with them: the author's timeline gets every one
            Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                            api.get("/api/users/" + author + "/timeline?limit=100")
                                    .json())
                    .hasSize(acknowledged.size()));
        }
    }

    @Test
    void aGracefulStopUnderLoadFailsNoRequestAndLosesNoWrite() throws Exception {
        Map<String, String> environment = embeddedDefault();
        Map<Long, String> acknowledged = new ConcurrentHashMap<>();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        String author;
        int exit;
        try (ServiceProcess monolith = new ServiceProcess("h2-term", environment).start()) {
            Api api = new Api(monolith.url());
            author = api.register("term");
            String token = api.token(author);
            AtomicBoolean stopping = new AtomicBoolean();
            ExecutorService clients = Executors.newFixedThreadPool(8);
            for (int c = 0; c < 8; c++) {
                int client = c;
                clients.submit(() -> {
                    for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
                        Api.Response response;
                        try {
                            response = api.post(
                                    "/api/users/" + author + "/collection",
                                    token,
                                    Api.json("text", "client " + client + " post " + i));
                        } catch (IllegalStateException ex) {
                            // refused or closed before it was taken: the server no longer accepts
                            if (stopping.get()) {
                                return;
                            }
                            failures.add("before the stop: " + ex.getCause());
                            return;
                        }
                        if (response.status() == 201) {
                            acknowledged.put(response.json().get("id").longValue(), author);
                        } else if (response.status() != 503) {
                            failures.add(response.status() + " " + response.body());
                        }
                    }
                });
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 100);
            stopping.set(true);
            exit = monolith.terminate(Duration.ofSeconds(30));
            clients.shutdown();
            assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            String log = monolith.logText();
            assertThat(log)
                    .doesNotContain("Database is already closed")
                    .doesNotContain("Destroy method on bean with name 'eventPublicationRegistry' threw an exception");
        }
        assertThat(failures).as("failed requests during a graceful stop").isEmpty();
        assertThat(exit).isIn(0, 143);
        try (ServiceProcess restarted = new ServiceProcess("h2-term-restart", environment).start()) {
            Api api = new Api(restarted.url());
            List<Long> missing = acknowledged.keySet().stream()
                    .filter(id -> api.get("/api/users/" + author + "/collection/" + id)
                                    .status()
                            != 200)
                    .toList();
            assertThat(missing).as("acknowledged microposts gone after SIGTERM").isEmpty();
        }
    }
}
