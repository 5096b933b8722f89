package io.calbridge.bench;

import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.TestKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as ops run it, against PostgreSQL: time from process start to health UP, on an empty database
 * (migrations included) and again on the migrated one, then the live heap after it idled (after a full GC, asked for
 * and read over local JMX) and the process's resident memory. Prints figures; asserts nothing about speed.
 * Run: {@code ./mvnw package -DskipTests && ./mvnw test -Dtest=PackagedJarStartupBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
class PackagedJarStartupBenchmark {

    private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    private static final Duration IDLE = Duration.ofSeconds(Integer.getInteger("bench.idle.seconds", 20));
    private static final Pattern STARTED = Pattern.compile("Started CalbridgeApplication in ([0-9.]+) seconds");
    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    @TempDir
    Path workingDirectory;

    @Test
    void startUpTimeAndIdleHeap() throws Exception {
        Path jar = packagedJar();
        System.out.printf("%nBENCH packaged jar %s (%,d bytes), java %s, load average %s%n", jar.getFileName(), Files.size(jar),
                System.getProperty("java.version"), loadAverage());
        for (int round = 1; round <= ROUNDS; round++) {
            String database = TestDatabase.newDatabase();
            String emptyDatabase = startAndMeasure(jar, database, false);
            String migrated = startAndMeasure(jar, database, true);
            System.out.printf("BENCH round %d: empty database %s; migrated database %s%n", round, emptyDatabase, migrated);
        }
        System.out.printf("BENCH load average after: %s%n%n", loadAverage());
    }

    /** Starts the jar, waits for health UP, optionally idles and measures memory, stops it; returns the figures. */
    private String startAndMeasure(Path jar, String database, boolean measureMemory) throws Exception {
        int port = freePort();
        Path log = workingDirectory.resolve("calbridge-" + port + ".log");
        int jmxPort = freePort();
        ProcessBuilder builder = new ProcessBuilder(java("java"), "-Dcom.sun.management.jmxremote.port=" + jmxPort,
                "-Dcom.sun.management.jmxremote.host=127.0.0.1", "-Dcom.sun.management.jmxremote.authenticate=false",
                "-Dcom.sun.management.jmxremote.ssl=false", "-jar", jar.toAbsolutePath().toString())
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("SPRING_") || name.startsWith("CALBRIDGE_")
                || name.equals("SERVER_PORT") || name.endsWith("JAVA_OPTIONS") || name.equals("JAVA_TOOL_OPTIONS"));
        builder.environment().put("SPRING_DATASOURCE_URL", TestDatabase.url(database));
        builder.environment().put("SPRING_DATASOURCE_USERNAME", "postgres");
        builder.environment().put("CALBRIDGE_TOKEN_KEYS", TestKeys.tokenKey("bench"));
        builder.environment().put("SERVER_PORT", Integer.toString(port));
        long started = System.nanoTime();
        Process process = builder.start();
        try {
            awaitHealthUp(port, process, log);
            double upSeconds = (System.nanoTime() - started) / 1e9;
            String reported = matching(STARTED, Files.readString(log)).map(s -> s + " s").orElse("?");
            String figures = String.format("health UP after %.2f s (Spring says started in %s)", upSeconds, reported);
            if (measureMemory) {
                Thread.sleep(IDLE.toMillis());
                long liveHeap = liveHeapBytes(jmxPort);
                String rss = matching(RSS, Files.readString(Path.of("/proc", Long.toString(process.pid()), "status"))).orElse("?");
                figures += String.format(", after %d s idle: live heap %d MB, resident %s MB", IDLE.toSeconds(),
                        liveHeap / (1024 * 1024), rss.equals("?") ? "?" : Long.toString(Long.parseLong(rss) / 1024));
            }
            return figures;
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private void awaitHealthUp(int port, Process process, Path log) throws Exception {
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("calbridge exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> answer = http.send(health, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200 && answer.body().contains("\"UP\"")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("no health UP within 120 s:\n" + Files.readString(log));
    }

    private static Path packagedJar() throws IOException {
        String named = System.getProperty("calbridge.jar");
        if (named != null) {
            return Path.of(named);
        }
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            List<Path> jars = files.filter(p -> p.getFileName().toString().matches("calbridge-.*\\.jar")).toList();
            if (jars.size() != 1) {
                throw new IllegalStateException("run ./mvnw package -DskipTests first (or name the jar with -Dcalbridge.jar): found " + jars);
            }
            return jars.get(0);
        }
    }

    /** Heap in use right after a full GC of the calbridge process: what its live objects take. */
    private static long liveHeapBytes(int jmxPort) throws IOException {
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi");
        try (JMXConnector connector = JMXConnectorFactory.connect(url)) {
            MemoryMXBean memory = ManagementFactory.newPlatformMXBeanProxy(connector.getMBeanServerConnection(),
                    ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
            memory.gc();
            return memory.getHeapMemoryUsage().getUsed();
        }
    }

    private static Optional<String> matching(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    private static String loadAverage() throws IOException {
        List<String> parts = new ArrayList<>(List.of(Files.readString(Path.of("/proc/loadavg")).split(" ")));
        return String.join(" ", parts.subList(0, 3));
    }

    private static String java(String tool) {
        return Path.of(System.getProperty("java.home"), "bin", tool).toString();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
