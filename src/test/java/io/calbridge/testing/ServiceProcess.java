package io.calbridge.testing;

import io.calbridge.CalbridgeApplication;
import io.calbridge.emulator.google.GoogleCalendarEmulator;
import io.calbridge.testing.Api.Caller;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.opentest4j.AssertionFailedError;

/**
 * calbridge as a process of its own ({@code java -cp <test classpath> io.calbridge.CalbridgeApplication}), for tests
 * that kill it with SIGKILL or run several instances on one database. It keeps its port and settings across
 * restarts; each start logs to a file of its own under {@code target/service-processes/}.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final Path LOGS = Path.of("target", "service-processes");
    private static final Duration STARTUP = Duration.ofSeconds(120);

    private final String name;
    private final int port;
    private final Map<String, String> settings;
    private final Api api;
    private List<String> jvmOptions = List.of("-Xmx512m", "-XX:TieredStopAtLevel=1"); // a quicker start
    private Process process;
    private int starts;

    private ServiceProcess(String name, int port, Map<String, String> settings) {
        this.name = name;
        this.port = port;
        this.settings = settings;
        this.api = new Api(baseUrl());
    }

    /**
     * An instance named {@code name} (its log files' prefix) on a free port, the given database and token keys, the
     * test API key, and {@code settings} (property name to value) on top; not started yet.
     */
    public static ServiceProcess create(String name, String databaseUrl, String tokenKeys, Map<String, String> settings) {
        int port = freePort();
        Map<String, String> all = new LinkedHashMap<>();
        all.put("server.port", String.valueOf(port));
        all.put("calbridge.public-url", "http://localhost:" + port);
        all.put("spring.datasource.url", databaseUrl);
        all.put("spring.datasource.username", "postgres");
        all.put("spring.datasource.password", "");
        all.put("calbridge.token-keys", tokenKeys);
        all.put("calbridge.api-keys", TestKeys.API_KEY);
        all.put("calbridge.webhook.allowed-hosts", "localhost"); // test receivers of webhook notifications
        all.putAll(settings);
        return new ServiceProcess(name, port, all);
    }

    /** Replaces the JVM options (by default a small heap and C1 only: a quicker start, for tests about correctness). */
    public ServiceProcess jvmOptions(String... options) {
        jvmOptions = List.of(options);
        return this;
    }

    public String baseUrl() {
        return "http://localhost:" + port;
    }

    public Api api() {
        return api;
    }

    /** CPU time the process has used so far (user and system), a figure that does not depend on what else the machine runs. */
    public Duration cpuTime() {
        return process.toHandle().info().totalCpuDuration().orElseThrow();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Starts the JVM and waits until its health endpoint answers UP. */
    public ServiceProcess start() {
        if (isAlive()) {
            throw new IllegalStateException(name + " is running already");
        }
        starts++;
        Path log = LOGS.resolve(name + "-" + starts + ".log").toAbsolutePath();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), CalbridgeApplication.class.getName()));
        settings.forEach((key, value) -> command.add("--" + key + "=" + value));
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            // the build's own environment must not replace the settings under test
            builder.environment().keySet().removeIf(variable -> variable.startsWith("SPRING_") || variable.startsWith("CALBRIDGE_")
                    || variable.startsWith("GOOGLE_") || variable.equals("SERVER_PORT"));
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        awaitHealthy(log);
        return this;
    }

    /** SIGKILL, as a crash or an OOM killer would end it: no shutdown hook, no graceful stop. */
    public void kill() {
        if (process == null) {
            return;
        }
        try {
            if (!process.destroyForcibly().waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " (pid " + process.pid() + ") outlived SIGKILL for 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGTERM: a graceful stop (shutdown hooks run, e.g. a flight recording is written); SIGKILL after 60 s. */
    public void stop() {
        if (process == null) {
            return;
        }
        try {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Killed (SIGKILL) and started again on the same port, database and settings. */
    public void restart() {
        kill();
        start();
    }

    @Override
    public void close() {
        kill();
    }

    private void awaitHealthy(Path log) {
        Instant deadline = Instant.now().plus(STARTUP);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new AssertionFailedError(name + " exited with " + process.exitValue() + " while starting; see " + log);
            }
            try {
                Api.Response health = api.get("/actuator/health", Caller.anonymous());
                if (health.status() == 200 && health.json().path("status").asText().equals("UP")) {
                    return;
                }
            } catch (UncheckedIOException notListeningYet) {
                // keep polling
            }
            Await.pause(200);
        }
        throw new AssertionFailedError(name + " not healthy within " + STARTUP.toSeconds() + " s; see " + log);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
