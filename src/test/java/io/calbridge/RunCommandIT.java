package io.calbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.calbridge.connection.ConnectionSettings;
import io.calbridge.dev.DevCalbridge;
import io.calbridge.testing.Api;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.TestKeys;
import java.io.IOException;
import java.net.URI;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run command's launcher in a JVM of its own, as {@code ./mvnw spring-boot:test-run} starts it: from an empty
 * working directory it must come up with an embedded PostgreSQL in {@code ./data}, and a restart must find the data
 * and the generated token key again.
 */
class RunCommandIT {

    private static final Pattern JDBC_URL = Pattern.compile("Embedded PostgreSQL in .*?: (jdbc:postgresql://\\S+)");
    private static final Path LOGS = Path.of(System.getProperty("calbridge.jar", "target/calbridge.jar"))
            .toAbsolutePath().getParent().resolve("run-command-it");
    private static final String USER = "it-user";

    @TempDir
    Path workingDirectory;

    @Test
    void runCommandStartsOnEmbeddedPostgresAndKeepsDataAndTokenKeyAcrossRestart() throws Exception {
        Path data = workingDirectory.resolve("data");
        int[] ports = twoFreePorts();
        int port = ports[0];
        int databasePort = ports[1];
        Api api = new Api("http://localhost:" + port);
        UUID connectionId = UUID.randomUUID();
        String tokenKeys;

        try (Child first = Child.start(workingDirectory, port, databasePort, LOGS.resolve("first-start.log"))) {
            first.awaitHealthUp(api);
            assertThat(first.output()).contains("initdb completed").contains("Generated a development token encryption key");
            connectTheSandboxGoogleAccountAndSeeItsDemoEvents(api);
            insertConnection(first.jdbcUrl(), connectionId);
            assertThat(listedConnectionIds(api)).containsExactly(connectionId.toString());
            tokenKeys = Files.readString(data.resolve("token-keys"));
            assertThat(tokenKeys).matches("dev1:[A-Za-z0-9+/]{43}=\\s*");
            long postgresPid = postmasterPid(data).orElseThrow();

            first.stop();
            // pg_ctl stop returns once the server removed its pid file; the process itself ends a moment later
            ProcessHandle.of(postgresPid).ifPresent(postgres -> assertThat(postgres.onExit())
                    .as("PostgreSQL stopped with the JVM").succeedsWithin(Duration.ofSeconds(10)));
            assertThat(data.resolve("postgres/postmaster.pid")).doesNotExist();
        }

        try (Child second = Child.start(workingDirectory, port, databasePort, LOGS.resolve("second-start.log"))) {
            second.awaitHealthUp(api);
            assertThat(second.output()).doesNotContain("initdb").doesNotContain("Generated a development token encryption key");
            assertThat(listedConnectionIds(api)).containsExactly(connectionId.toString());
            assertThat(Files.readString(data.resolve("token-keys"))).isEqualTo(tokenKeys);
        }
    }

    /** What a newcomer does first: connect "Google" (the sandbox) through its consent page, then see events. */
    private static void connectTheSandboxGoogleAccountAndSeeItsDemoEvents(Api api) {
        String user = "it-google-user";
        JsonNode google = api.get("/api/v1/providers", Caller.service(user)).json().valueStream()
                .filter(p -> p.path("id").asText().equals("google")).findFirst().orElseThrow();
        assertThat(google.path("configured").asBoolean()).isTrue();
        assertThat(google.path("sandbox").asBoolean()).isTrue();

        String authorizationUrl = api.post("/api/v1/connections/google/authorize", Caller.service(user), null)
                .json().path("authorizationUrl").asText();
        Api.Response page = api.get(authorizationUrl, Caller.anonymous());
        assertThat(page.body()).contains("Allow", "Deny");
        Matcher consent = Pattern.compile("name=\"consent\" value=\"([^\"]+)\"").matcher(page.body());
        assertThat(consent.find()).isTrue();
        URI form = URI.create(authorizationUrl);
        Api.Response allowed = api.send("POST", form.getScheme() + "://" + form.getAuthority() + form.getPath(), Caller.anonymous(),
                "consent=" + consent.group(1) + "&decision=allow", "application/x-www-form-urlencoded");
        assertThat(allowed.status()).as(allowed.toString()).isEqualTo(302);
        Api.Response connected = api.get(allowed.header("Location"), Caller.anonymous());
        assertThat(connected.status()).as(connected.toString()).isEqualTo(200);

        Instant now = Instant.now();
        String window = "/api/v1/events?from=" + now.minus(Duration.ofDays(21)) + "&to=" + now.plus(Duration.ofDays(28));
        Instant deadline = now.plus(Duration.ofSeconds(30));
        while (!api.get(window, Caller.service(user)).body().contains("Team stand-up") && Instant.now().isBefore(deadline)) {
            sleepQuietly(200);
        }
        JsonNode events = api.get(window, Caller.service(user)).json();
        assertThat(events.size()).isGreaterThan(20);
        assertThat(events.valueStream().anyMatch(e -> e.path("allDay").asBoolean())).isTrue();
        assertThat(events.valueStream().anyMatch(e -> e.path("recurringEventId").isTextual())).isTrue();
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A row as the OAuth callback would leave it (without tokens): the run command's API must read it back. */
    private static void insertConnection(String jdbcUrl, UUID id) throws SQLException {
        try (Connection db = DriverManager.getConnection(jdbcUrl);
                PreparedStatement insert = db.prepareStatement("""
                        INSERT INTO connections (id, user_id, provider, account_id, account_email, status, settings,
                                                 created_at, updated_at)
                        VALUES (?, ?, 'google', 'it-account', 'it@example.com', 'ACTIVE', ?::jsonb, now(), now())""")) {
            insert.setObject(1, id);
            insert.setString(2, USER);
            insert.setString(3, Api.JSON.writeValueAsString(ConnectionSettings.defaults()));
            assertThat(insert.executeUpdate()).isEqualTo(1);
        }
    }

    private static List<String> listedConnectionIds(Api api) {
        Api.Response response = api.get("/api/v1/connections", Caller.service(USER));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json().valueStream().map(connection -> connection.path("id").asText()).toList();
    }

    private static Optional<Long> postmasterPid(Path data) throws IOException {
        Path pidFile = data.resolve("postgres/postmaster.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        return Files.readAllLines(pidFile).stream().findFirst().map(String::trim).map(Long::valueOf);
    }

    /** Both held open while chosen, so they differ: the server's port must not go to PostgreSQL. */
    private static int[] twoFreePorts() {
        try (ServerSocket server = new ServerSocket(0); ServerSocket database = new ServerSocket(0)) {
            return new int[] {server.getLocalPort(), database.getLocalPort()};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** DevCalbridge in a child JVM on the test classpath, its output in a log file under target/. */
    private record Child(Process process, Path workingDirectory, Path logFile) implements AutoCloseable {

        static Child start(Path workingDirectory, int port, int databasePort, Path log) throws IOException {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", // as spring-boot:test-run starts it: quicker start
                    "-cp", System.getProperty("java.class.path"),
                    "-Dcalbridge.api-keys=" + TestKeys.API_KEY,
                    DevCalbridge.class.getName(),
                    "--server.port=" + port,
                    "--calbridge.dev.db-port=" + databasePort,
                    "--calbridge.dev.google-port=0")
                    .directory(workingDirectory.toFile()) // the default data directory ./data lands in the temp dir
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            // The build's own settings must not replace the stand-ins under test.
            builder.environment().keySet().removeIf(name -> name.startsWith("SPRING_") || name.startsWith("CALBRIDGE_")
                    || name.equals("SERVER_PORT"));
            return new Child(builder.start(), workingDirectory, log);
        }

        void awaitHealthUp(Api api) throws InterruptedException {
            Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
            while (Instant.now().isBefore(deadline)) {
                if (!process.isAlive()) {
                    fail("the run command exited with " + process.exitValue() + "; its output is in " + logFile);
                }
                try {
                    Api.Response health = api.get("/actuator/health", Caller.anonymous());
                    if (health.status() == 200 && health.json().path("status").asText().equals("UP")) {
                        return;
                    }
                } catch (UncheckedIOException notListeningYet) {
                    // keep polling
                }
                Thread.sleep(250);
            }
            fail("no healthy run command within 90 s; its output is in " + logFile);
        }

        String jdbcUrl() {
            Matcher matcher = JDBC_URL.matcher(output());
            assertThat(matcher.find()).as("the JDBC URL is logged").isTrue();
            return matcher.group(1);
        }

        String output() {
            try {
                return Files.readString(logFile, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** SIGTERM, as Ctrl-C or a process manager would stop it: the shutdown hook must stop PostgreSQL too. */
        void stop() throws InterruptedException {
            process.destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s").isTrue();
        }

        /** After a failure: never leave the JVM, nor a PostgreSQL it could not stop, running. */
        @Override
        public void close() throws Exception {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            Path data = workingDirectory.resolve("data");
            postmasterPid(data).flatMap(ProcessHandle::of)
                    .filter(process -> process.info().commandLine().filter(line -> line.contains(data.toString())).isPresent())
                    .ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
