package dev.microposts.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.microposts.contract.Api;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * The container image as it ships, run with podman as the Helm chart runs it (read-only root
 * filesystem, actuator on its own port, signing key from the environment): it starts on the
 * embedded default (H2 in the image's data directory, a volume), runs as an unprivileged user with
 * a heap sized from the container's memory limit, serves the README's walk-through, and on SIGTERM
 * ({@code podman stop}) answers the requests in flight before it exits, within the grace period.
 *
 * <p>Runs when {@code -Dimage.under.test=NAME} names a loaded image ({@code .ci/run} builds it with
 * {@code bin/microposts-image} and sets it); without it, there is no image to test and it is skipped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerImageIT {

    private static final String IMAGE = System.getProperty("image.under.test", "");
    private static final long MEMORY_LIMIT = 1024L * 1024 * 1024;
    private static final int GRACE_SECONDS = 30;
    private static final Duration READY_WITHIN = Duration.ofSeconds(120);
    private static final Pattern METRIC = Pattern.compile("(?m)^([a-z_]+)(\\{[^}]*})? ([0-9.eE+-]+)$");

    private final String name = "microposts-it-" + UUID.randomUUID().toString().substring(0, 8);
    private int port;
    private Api api;
    private Api management;

    @BeforeAll
    void start() throws Exception {
        Assumptions.assumeFalse(IMAGE.isBlank(), "no image to test: -Dimage.under.test=NAME (bin/microposts-image)");
        port = freePort();
        int managementPort = freePort();
        long started = System.nanoTime();
        // as the Helm chart runs it: a read-only root filesystem (podman mounts /tmp), the data
        // directory a volume, the actuator on its own port, the signing key from the environment
        podman(
                "run",
                "-d",
                "--name",
                name,
                "--memory",
                Long.toString(MEMORY_LIMIT),
                "--read-only",
                "-v",
                "/var/lib/microposts",
                "-p",
                "127.0.0.1:" + port + ":8080",
                "-p",
                "127.0.0.1:" + managementPort + ":9090",
                "-e",
                "MANAGEMENT_SERVER_PORT=9090",
                "-e",
                "MICROPOSTS_JWT_PRIVATE_KEY=" + privateKeyPem(),
                // slower password hashes, one at a time: registrations stay in flight long enough
                // for the shutdown test to stop the container under them
                "-e",
                "MICROPOSTS_PASSWORD_ARGON2_MEMORY_KIB=65536",
                "-e",
                "MICROPOSTS_PASSWORD_MAX_CONCURRENT=1",
                "-e",
                "MICROPOSTS_PASSWORD_MAX_WAIT=60s",
                IMAGE);
        api = new Api("http://127.0.0.1:" + port);
        management = new Api("http://127.0.0.1:" + managementPort);
        awaitReady(started);
    }

    @AfterAll
    void remove() throws Exception {
        if (port != 0) {
            podman("rm", "-f", "-v", "-t", "0", name);
        }
    }

    @Test
    @Order(1)
    void runsUnprivilegedWithTheHeapFromTheMemoryLimitAndItsLabels() throws Exception {
        assertThat(podman("exec", name, "id", "-u").strip()).isNotEqualTo("0");
        assertThat(podman("inspect", "--format", "{{.Config.User}}", IMAGE).strip())
                .isNotEmpty()
                .doesNotStartWith("0")
                .isNotEqualTo("root");
        String labels = podman("inspect", "--format", "{{json .Config.Labels}}", IMAGE);
        assertThat(labels)
                .contains(
                        "\"org.opencontainers.image.title\"",
                        "\"org.opencontainers.image.version\"",
                        "\"org.opencontainers.image.revision\"");
        // the JVM's default would be a quarter of the limit; the image's flags make it three quarters
        double heapMax = metric("jvm_memory_max_bytes", "area=\"heap\"");
        assertThat(heapMax / MEMORY_LIMIT).isBetween(0.65, 0.80);
        // the actuator is on the management port only
        assertThat(api.get("/actuator/health/readiness").status()).isEqualTo(404);
        // the embedded database is in the data directory's volume, written by the unprivileged user
        assertThat(podman("exec", name, "ls", "/var/lib/microposts")).contains("microposts.mv.db");
    }

    @Test
    @Order(2)
    void servesTheReadmeWalkThrough() throws Exception {
        String alice = Api.uniqueName("alice");
        String bob = Api.uniqueName("bob");
        Api.Response registered =
                api.post("/api/users", null, Api.json("username", alice, "password", "correct horse"));
        assertThat(registered.status()).isEqualTo(201);
        assertThat(registered.header("Location")).isEqualTo(api.base() + "/api/users/" + alice);
        assertThat(api.post("/api/users", null, Api.json("username", bob, "password", "battery staple"))
                        .status())
                .isEqualTo(201);

        Api.Response aliceLogin =
                api.post("/api/token", null, Api.json("username", alice, "password", "correct horse"));
        assertThat(aliceLogin.status()).isEqualTo(200);
        String aliceToken = aliceLogin.json().get("token").stringValue();
        String bobToken = api.post("/api/token", null, Api.json("username", bob, "password", "battery staple"))
                .json()
                .get("token")
                .stringValue();

        Api.Response posted = api.post(
                "/api/users/" + alice + "/collection",
                aliceToken,
                Api.json("text", "Hello, world!", "referenced", bob));
        assertThat(posted.status()).isEqualTo(201);
        long id = posted.json().get("id").longValue();

        Api.Response followed = api.post("/api/users/" + bob + "/following", bobToken, Api.json("username", alice));
        assertThat(followed.status()).isEqualTo(201);
        assertThat(followed.json().get("username").stringValue()).isEqualTo(alice);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonNode timeline;
        do {
            timeline = api.get("/api/users/" + bob + "/timeline").json();
            if (!timeline.isEmpty()) {
                break;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        assertThat(timeline).hasSize(1);
        assertThat(timeline.get(0).get("id").longValue()).isEqualTo(id);
        assertThat(timeline.get(0).get("user").stringValue()).isEqualTo(alice);

        JsonNode mentions = api.get("/api/users/" + bob + "/mentions").json();
        assertThat(mentions).hasSize(1);
        assertThat(mentions.get(0).get("text").stringValue()).isEqualTo("Hello, world!");
        JsonNode found = api.get("/api/users/" + alice + "/collection?search=WORLD&limit=10")
                .json();
        assertThat(found).hasSize(1);

        Api.Response impostor = api.post("/api/users/" + alice + "/collection", bobToken, Api.json("text", "impostor"));
        assertThat(impostor.status()).isEqualTo(403);
        assertThat(impostor.contentType()).startsWith("application/problem+json");
        Api.Response empty = api.post("/api/users/" + alice + "/collection", aliceToken, Api.json("text", ""));
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.contentType()).startsWith("application/problem+json");
    }

    @Test
    @Order(3)
    void answersTheRequestsInFlightOnSigtermAndExitsWithinTheGracePeriod() throws Exception {
        int inFlight = 12;
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        List<CompletableFuture<HttpResponse<String>>> registrations = new ArrayList<>();
        for (int i = 0; i < inFlight; i++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(api.base() + "/api/users"))
                    .timeout(Duration.ofSeconds(GRACE_SECONDS))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            Api.json("username", Api.uniqueName("late"), "password", "password123")))
                    .build();
            registrations.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        // SIGTERM once the server itself counts every registration as active (the scrape, on the
        // management port, is not counted)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        double active;
        do {
            active = metric("http_server_requests_active_seconds_gcount", "");
        } while (active < inFlight && System.nanoTime() < deadline);
        assertThat(active)
                .as("registrations the server is answering when it gets SIGTERM")
                .isGreaterThanOrEqualTo(inFlight);

        long stopping = System.nanoTime();
        podman("stop", "-t", Integer.toString(GRACE_SECONDS), name);
        Duration stopped = Duration.ofNanos(System.nanoTime() - stopping);
        int exitCode = Integer.parseInt(
                podman("inspect", "--format", "{{.State.ExitCode}}", name).strip());
        System.out.printf(
                "ContainerImageIT: %d requests in flight at SIGTERM; exit code %d after %d ms%n",
                (int) active, exitCode, stopped.toMillis());

        assertThat(exitCode).as("the JVM's exit on SIGTERM").isIn(0, 143);
        assertThat(stopped).isLessThan(Duration.ofSeconds(GRACE_SECONDS));
        for (CompletableFuture<HttpResponse<String>> registration : registrations) {
            HttpResponse<String> response = registration.get(5, TimeUnit.SECONDS);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        }
        assertThat(podman("logs", name)).contains("Graceful shutdown complete");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(socket.getInputStream().read())
                    .as("nothing answers after the exit")
                    .isEqualTo(-1);
        } catch (ConnectException expected) {
            // nothing listens any more
        }
    }

    private void awaitReady(long startedNanos) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI readiness = URI.create(management.base() + "/actuator/health/readiness");
        long deadline = startedNanos + READY_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(readiness)
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().contains("\"UP\"")) {
                    System.out.printf(
                            "ContainerImageIT: %s ready %d ms after podman run%n",
                            IMAGE, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos));
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!podman("inspect", "--format", "{{.State.Running}}", name)
                    .strip()
                    .equals("true")) {
                fail("the container stopped while starting:\n" + podman("logs", name));
            }
            Thread.sleep(250);
        }
        fail("not ready within " + READY_WITHIN + ":\n" + podman("logs", name));
    }

    /** The sum of a Prometheus metric's samples whose labels contain {@code labels}. */
    private double metric(String metric, String labels) {
        Api.Response scrape = management.get("/actuator/prometheus");
        assertThat(scrape.status()).isEqualTo(200);
        Matcher matcher = METRIC.matcher(scrape.body());
        double sum = 0;
        boolean seen = false;
        while (matcher.find()) {
            String sampleLabels = matcher.group(2) == null ? "" : matcher.group(2);
            double value = Double.parseDouble(matcher.group(3));
            if (matcher.group(1).equals(metric) && sampleLabels.contains(labels) && value >= 0) {
                sum += value;
                seen = true;
            }
        }
        assertThat(seen).as(metric + " in /actuator/prometheus").isTrue();
        return sum;
    }

    private static String podman(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(GRACE_SECONDS + 30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    /** A new RSA signing key, PKCS#8 PEM, as the deployment's Secret holds it. */
    private static String privateKeyPem() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(generator.generateKeyPair().getPrivate().getEncoded());
        return "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n";
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
