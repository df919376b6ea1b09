package dev.microposts.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The microservices topology, started for real: one JVM per module (accounts, posts, social,
 * timeline) and one for the router, each from this build's classes, each with its own
 * PostgreSQL database, talking over HTTP and a real Kafka broker (spring-kafka-test's embedded
 * KRaft broker), exporting every span to an OTLP receiver in the test JVM ({@link #traces()}).
 * Started once per test JVM and shared.
 */
public final class Topologies {

    public static final List<String> MODULES = List.of("accounts", "posts", "social", "timeline");

    private static Topologies microservices;

    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> environments = new LinkedHashMap<>();
    private final Path logs = Path.of("target", "topology").toAbsolutePath();
    private final String run = java.util.UUID.randomUUID().toString();
    /** The secret of the internal endpoints between the processes, new for each run. */
    private final String internalToken = internalToken();

    private final EmbeddedKafkaKraftBroker kafka;
    /** Where every process exports its spans (OTLP/HTTP), all of them sampled. */
    private final OtlpReceiver traces = new OtlpReceiver();

    private Topologies() {
        killLeftovers();
        kafka = new EmbeddedKafkaKraftBroker(1, 3);
        kafka.afterPropertiesSet();
        for (String name : List.of("accounts", "posts", "social", "timeline", "router")) {
            ports.put(name, freePort());
        }
        Map<String, String> common = new LinkedHashMap<>();
        for (String module : MODULES) {
            common.put("MICROPOSTS_" + module.toUpperCase() + "_URL", url(module));
        }
        common.put("MICROPOSTS_KAFKA_BOOTSTRAP", kafka.getBrokersAsString());
        common.put("MICROPOSTS_EVENTS_REDELIVER_AFTER", "PT5S");
        common.put("MICROPOSTS_EVENTS_REDELIVER_EVERY", "PT2S");
        common.put("MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT", traces.tracesEndpoint());
        common.put("MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_SCHEDULE_DELAY", "200ms");
        common.put("MANAGEMENT_TRACING_SAMPLING_PROBABILITY", "1.0");
        for (String name : ports.keySet()) {
            Map<String, String> environment = new LinkedHashMap<>(common);
            environment.put("MICROPOSTS_MODULES", name);
            environment.put("SERVER_PORT", Integer.toString(ports.get(name)));
            environment.put(
                    "MICROPOSTS_DATA_DIR", logs.resolve(run + "/data-" + name).toString());
            if (!name.equals("router")) {
                // the modules' processes share one secret for their internal endpoints (the router needs none)
                environment.put("MICROPOSTS_INTERNAL_TOKEN", internalToken);
                environment.put("MICROPOSTS_" + name.toUpperCase() + "_DB_URL", EmbeddedPostgres.newDatabase());
                environment.put("MICROPOSTS_" + name.toUpperCase() + "_DB_USER", "postgres");
            }
            environments.put(name, environment);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll));
        ports.keySet().forEach(this::start);
        ports.keySet().forEach(name -> awaitReady(name, Duration.ofMinutes(4)));
    }

    /** The shared microservices topology, started on first use. */
    public static synchronized Topologies microservices() {
        if (microservices == null) {
            microservices = new Topologies();
        }
        return microservices;
    }

    /** The public base URL: the router. */
    public String publicUrl() {
        return url("router");
    }

    public String url(String name) {
        return "http://127.0.0.1:" + ports.get(name);
    }

    public String kafkaBootstrap() {
        return kafka.getBrokersAsString();
    }

    /** The spans the processes exported. */
    public OtlpReceiver traces() {
        return traces;
    }

    public Path log(String name) {
        return logs.resolve(name + ".log");
    }

    /** Starts one process (again), appending to its log. */
    public synchronized void start(String name) {
        try {
            Files.createDirectories(logs);
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder builder = new ProcessBuilder(
                    java,
                    "-Xmx256m",
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "-cp",
                    System.getProperty("java.class.path"),
                    "dev.microposts.MicroPostsApplication");
            builder.environment().putAll(environments.get(name));
            builder.redirectErrorStream(true);
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log(name).toFile()));
            Process process = builder.start();
            processes.put(name, process);
            Files.writeString(
                    logs.resolve("pids"), process.pid() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Stops one process the way a platform would: SIGTERM, then a kill after 20 seconds. */
    public synchronized void stop(String name) {
        Process process = processes.remove(name);
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    public void awaitReady(String name, Duration timeout) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            Process process = processes.get(name);
            if (process != null && !process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log(name));
            }
            try {
                var response = http.send(
                        HttpRequest.newBuilder(URI.create(url(name) + "/actuator/health/readiness"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException ex) {
                // not listening yet
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ex);
            }
            sleep(500);
        }
        throw new IllegalStateException(name + " was not ready within " + timeout + "; see " + log(name));
    }

    private synchronized void stopAll() {
        processes.values().forEach(Process::destroy);
        List.copyOf(processes.keySet()).forEach(this::stop);
        kafka.destroy();
        traces.close();
    }

    /** Processes of an earlier test JVM that was killed before it could stop them. */
    private void killLeftovers() {
        Path pids = logs.resolve("pids");
        try {
            if (Files.exists(pids)) {
                for (String line : Files.readAllLines(pids)) {
                    if (!line.isBlank()) {
                        ProcessHandle.of(Long.parseLong(line.trim()))
                                .filter(handle -> handle.info()
                                        .command()
                                        .map(command -> command.contains("java"))
                                        .orElse(false))
                                .ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
                Files.delete(pids);
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** A random secret for MICROPOSTS_INTERNAL_TOKEN: 32 bytes, in hex. */
    public static String internalToken() {
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        return java.util.HexFormat.of().formatHex(secret);
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
