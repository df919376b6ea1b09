package dev.microposts.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One MicroPosts process started for real from this build's classes, on a port and environment
 * of its own, that a test can kill ({@code SIGKILL}), stop ({@code SIGTERM}) and start again on
 * the same data.
 */
public final class ServiceProcess implements AutoCloseable {

    private final String name;
    private final Map<String, String> environment;
    private final int port;
    private final Path log;
    private Process process;

    public ServiceProcess(String name, Map<String, String> environment) {
        this.name = name;
        this.port = Topologies.freePort();
        this.environment = new LinkedHashMap<>(environment);
        this.environment.put("SERVER_PORT", Integer.toString(port));
        this.log = Path.of("target", "processes", name + "-" + port + ".log").toAbsolutePath();
    }

    /** Changes a setting for the next {@link #start} (the port stays the same); null removes it. */
    public ServiceProcess set(String name, String value) {
        if (value == null) {
            environment.remove(name);
        } else {
            environment.put(name, value);
        }
        return this;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public Path log() {
        return log;
    }

    public Process process() {
        return process;
    }

    /** Starts the process and waits until it is ready. */
    public ServiceProcess start() {
        try {
            Files.createDirectories(log.getParent());
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder builder = new ProcessBuilder(
                    java,
                    "-Xmx384m",
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "-cp",
                    System.getProperty("java.class.path"),
                    "dev.microposts.MicroPostsApplication");
            builder.environment().putAll(environment);
            builder.redirectErrorStream(true);
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            process = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        awaitReady(Duration.ofMinutes(3));
        return this;
    }

    /** {@code kill -9}: no shutdown hook, no flush, nothing of the process runs again. */
    public void kill() {
        process.destroyForcibly();
        waitForExit(Duration.ofSeconds(10));
    }

    /** {@code kill -TERM}, as a platform stops a process; returns the exit code. */
    public int terminate(Duration grace) {
        process.destroy();
        if (!waitForExit(grace)) {
            process.destroyForcibly();
            waitForExit(Duration.ofSeconds(5));
            throw new IllegalStateException(name + " did not stop within " + grace + "; see " + log);
        }
        return process.exitValue();
    }

    private boolean waitForExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private void awaitReady(Duration timeout) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                var response = http.send(
                        HttpRequest.newBuilder(URI.create(url() + "/actuator/health/readiness"))
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
            Topologies.sleep(300);
        }
        throw new IllegalStateException(name + " was not ready within " + timeout + "; see " + log);
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            waitForExit(Duration.ofSeconds(10));
        }
    }
}
