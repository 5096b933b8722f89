package io.calbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.calbridge.connection.ConnectionSettings;
import io.calbridge.dev.DevCalbridge;
import io.calbridge.testing.Api;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Await;
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
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run command's launcher in a JVM of its own, as {@code ./mvnw spring-boot:test-run} starts it: from an empty
 * working directory it must come up with an embedded PostgreSQL in {@code ./data}, and a restart must find the data,
 * the generated token key and API key, and the sandbox Google with its connection, again. A bad setting must end it.
 */
class RunCommandIT {

    private static final Pattern JDBC_URL = Pattern.compile("Embedded PostgreSQL in .*?: (jdbc:postgresql://\\S+)");
    private static final Path LOGS = Path.of(System.getProperty("calbridge.jar", "target/calbridge.jar"))
            .toAbsolutePath().getParent().resolve("run-command-it");
    private static final String USER = "it-user";
    private static final String GOOGLE_USER = "it-google-user";
    private static final String MICROSOFT_USER = "it-microsoft-user";
    private static final String CALENDLY_USER = "it-calendly-user";
    /** Without calendars, so that its appointment stays out of the sandbox calendars the test compares. */
    private static final String REMINDER_USER = "it-reminder-user";
    /** The sandbox Calendly's port, so that the test can use its page as a newcomer would. */
    private static int CALENDLY_PORT;
    /** The mail sink's SMTP port and its page's port. */
    private static int SMTP_PORT;
    private static int MAIL_PAGE_PORT;

    @TempDir
    Path workingDirectory;

    @Test
    void runCommandStartsOnEmbeddedPostgresAndKeepsDataKeysAndSandboxConnectionAcrossRestart() throws Exception {
        Path data = workingDirectory.resolve("data");
        int[] ports = twoFreePorts();
        int port = ports[0];
        int databasePort = ports[1];
        Api api = new Api("http://localhost:" + port);
        UUID connectionId = UUID.randomUUID();
        String tokenKeys;
        String apiKey;
        UUID googleConnection;
        List<String> eventsBefore;

        try (Child first = Child.start(workingDirectory, port, databasePort, Map.of(), LOGS.resolve("first-start.log"))) {
            first.awaitHealthUp(api);
            assertThat(first.output()).contains("initdb completed").contains("Generated a development token encryption key");
            apiKey = Files.readString(data.resolve("api-key")).trim();
            assertThat(first.output()).contains("API key (send as X-API-Key): " + apiKey + " - kept in ./data/api-key");
            googleConnection = connectTheSandboxGoogleAccountAndSeeItsDemoEvents(api, service(apiKey, GOOGLE_USER));
            eventsBefore = eventsInDemoWindow(api, service(apiKey, GOOGLE_USER));
            aReminderDueNowArrivesInTheMailSink(api, service(apiKey, REMINDER_USER));
            connectTheSandboxMicrosoftAccountAndSeeItsDemoEvents(api, service(apiKey, MICROSOFT_USER));
            connectTheSandboxCalendlyAccountThenBookOnItsPage(api, service(apiKey, CALENDLY_USER));
            insertConnection(first.jdbcUrl(), connectionId);
            assertThat(listedConnectionIds(api, apiKey)).containsExactly(connectionId.toString());
            tokenKeys = Files.readString(data.resolve("token-keys"));
            assertThat(tokenKeys).matches("dev1:[A-Za-z0-9+/]{43}=\\s*");
            long postgresPid = postmasterPid(data).orElseThrow();

            first.stop();
            // pg_ctl stop returns once the server removed its pid file; the process itself ends a moment later
            ProcessHandle.of(postgresPid).ifPresent(postgres -> assertThat(postgres.onExit())
                    .as("PostgreSQL stopped with the JVM").succeedsWithin(Duration.ofSeconds(10)));
            assertThat(data.resolve("postgres/postmaster.pid")).doesNotExist();
        }

        try (Child second = Child.start(workingDirectory, port, databasePort, Map.of(), LOGS.resolve("second-start.log"))) {
            second.awaitHealthUp(api);
            assertThat(second.output()).doesNotContain("initdb").doesNotContain("Generated a development token encryption key")
                    .contains("API key (send as X-API-Key): " + apiKey + " - kept in ./data/api-key");
            assertThat(listedConnectionIds(api, apiKey)).containsExactly(connectionId.toString());
            assertThat(Files.readString(data.resolve("token-keys"))).isEqualTo(tokenKeys);
            theSandboxConnectionStillWorks(api, service(apiKey, GOOGLE_USER), googleConnection, eventsBefore);
        }
    }

    @Test
    void runCommandWithMalformedTokenKeysExitsWithTheReasonAndStopsItsDatabase() throws Exception {
        int[] ports = twoFreePorts();
        Path data = workingDirectory.resolve("data");

        try (Child bad = Child.start(workingDirectory, ports[0], ports[1], Map.of("CALBRIDGE_TOKEN_KEYS", "abc"),
                LOGS.resolve("malformed-token-keys.log"))) {
            assertThat(bad.process().waitFor(120, TimeUnit.SECONDS)).as("exited within 120 s, see " + bad.logFile()).isTrue();

            assertThat(bad.process().exitValue()).isNotZero();
            List<String> lines = bad.output().lines().filter(line -> !line.isBlank()).toList();
            assertThat(lines).last().asString().startsWith("calbridge cannot start: CALBRIDGE_TOKEN_KEYS");
            assertThat(bad.output()).doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(data.resolve("postgres/postmaster.pid")).as("its PostgreSQL was stopped").doesNotExist();
        }
    }

    /** What a newcomer does first: connect "Google" (the sandbox) through its consent page, then see events. */
    private static UUID connectTheSandboxGoogleAccountAndSeeItsDemoEvents(Api api, Caller caller) {
        JsonNode google = api.get("/api/v1/providers", caller).json().valueStream()
                .filter(p -> p.path("id").asText().equals("google")).findFirst().orElseThrow();
        assertThat(google.path("configured").asBoolean()).isTrue();
        assertThat(google.path("sandbox").asBoolean()).isTrue();

        String authorizationUrl = api.post("/api/v1/connections/google/authorize", caller, null)
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

        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!api.get(demoWindow(), caller).body().contains("Team stand-up") && Instant.now().isBefore(deadline)) {
            sleepQuietly(200);
        }
        JsonNode events = api.get(demoWindow(), caller).json();
        assertThat(events.size()).isGreaterThan(20);
        assertThat(events.valueStream().anyMatch(e -> e.path("allDay").asBoolean())).isTrue();
        assertThat(events.valueStream().anyMatch(e -> e.path("recurringEventId").isTextual())).isTrue();
        JsonNode connections = api.get("/api/v1/connections", caller).json();
        assertThat(connections.size()).isEqualTo(1);
        return UUID.fromString(connections.get(0).path("id").asText());
    }

    /** The same for "Microsoft" (the sandbox): its consent page, then its demo events, a Teams meeting among them. */
    /** An EMAIL reminder due at once goes to the appointment's attendee, and the mail sink's page lists it. */
    private static void aReminderDueNowArrivesInTheMailSink(Api api, Caller caller) {
        Instant start = Instant.now().plus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS);
        String body = "{\"title\": \"Reminded\", \"start\": \"" + start + "\", \"end\": \"" + start.plus(Duration.ofMinutes(30))
                + "\", \"attendees\": [{\"name\": \"Newcomer\", \"email\": \"newcomer@example.com\"}], "
                + "\"reminders\": [{\"minutesBefore\": 10, \"channel\": \"EMAIL\", \"to\": \"ATTENDEES\"}]}";
        Api.Response put = api.send("PUT", "/api/v1/appointments/reminded", caller, body, "application/json");
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        Api page = new Api("http://127.0.0.1:" + MAIL_PAGE_PORT);
        Await.until("the reminder is in the mail sink", Duration.ofSeconds(60),
                () -> page.get("/messages", Caller.anonymous()).body().contains("Reminder: Reminded"));
        JsonNode mail = page.get("/messages", Caller.anonymous()).json().get(0);
        assertThat(mail.path("to").get(0).asText()).isEqualTo("newcomer@example.com");
        assertThat(mail.path("ics").asText()).contains("METHOD:PUBLISH");
        assertThat(page.get("/", Caller.anonymous()).body()).contains("Reminder: Reminded");
    }

    private static void connectTheSandboxMicrosoftAccountAndSeeItsDemoEvents(Api api, Caller caller) {
        JsonNode microsoft = api.get("/api/v1/providers", caller).json().valueStream()
                .filter(p -> p.path("id").asText().equals("microsoft")).findFirst().orElseThrow();
        assertThat(microsoft.path("configured").asBoolean()).isTrue();
        assertThat(microsoft.path("sandbox").asBoolean()).isTrue();

        String authorizationUrl = api.post("/api/v1/connections/microsoft/authorize", caller, null)
                .json().path("authorizationUrl").asText();
        Api.Response page = api.get(authorizationUrl, Caller.anonymous());
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        Matcher request = Pattern.compile("name=\"request\" value=\"([^\"]+)\"").matcher(page.body());
        assertThat(request.find()).as(page.body()).isTrue();
        Api.Response allowed = api.send("POST", authorizationUrl, Caller.anonymous(),
                "request=" + request.group(1) + "&decision=allow", "application/x-www-form-urlencoded");
        assertThat(allowed.status()).as(allowed.toString()).isEqualTo(302);
        Api.Response connected = api.get(allowed.header("Location"), Caller.anonymous());
        assertThat(connected.status()).as(connected.toString()).isEqualTo(200);

        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!api.get(demoWindow(), caller).body().contains("Team sync") && Instant.now().isBefore(deadline)) {
            sleepQuietly(200);
        }
        JsonNode events = api.get(demoWindow(), caller).json();
        assertThat(events.valueStream().anyMatch(e -> e.path("title").asText().equals("Team sync"))).as(events.toString()).isTrue();
        assertThat(events.valueStream().anyMatch(e -> e.path("allDay").asBoolean())).isTrue();
    }

    /**
     * And "Calendly" (the sandbox): its consent page, its demo bookings with their invitees, then a booking made through
     * the sandbox's own control surface (what its page posts), which arrives by webhook.
     */
    private static void connectTheSandboxCalendlyAccountThenBookOnItsPage(Api api, Caller caller) {
        JsonNode calendly = api.get("/api/v1/providers", caller).json().valueStream()
                .filter(p -> p.path("id").asText().equals("calendly")).findFirst().orElseThrow();
        assertThat(calendly.path("configured").asBoolean()).isTrue();
        assertThat(calendly.path("sandbox").asBoolean()).isTrue();
        String sandbox = "http://127.0.0.1:" + CALENDLY_PORT;
        Api.Response home = api.get(sandbox + "/", Caller.anonymous());
        assertThat(home.status()).as(home.toString()).isEqualTo(200);
        assertThat(home.body()).contains("/_control/book", "/_control/cancel", "/_control/reschedule");

        String authorizationUrl = api.post("/api/v1/connections/calendly/authorize", caller, null).json().path("authorizationUrl").asText();
        Api.Response page = api.get(authorizationUrl, Caller.anonymous());
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        StringBuilder form = new StringBuilder("decision=approve&email=sandbox%40calendly.test");
        Matcher hidden = Pattern.compile("type=\"hidden\" name=\"([a-z_]+)\" value=\"([^\"]*)\"").matcher(page.body());
        while (hidden.find()) {
            form.append('&').append(hidden.group(1)).append('=')
                    .append(java.net.URLEncoder.encode(hidden.group(2).replace("&amp;", "&").replace("&quot;", "\""), StandardCharsets.UTF_8));
        }
        Api.Response allowed = api.send("POST", sandbox + "/oauth/authorize", Caller.anonymous(), form.toString(),
                "application/x-www-form-urlencoded");
        assertThat(allowed.status()).as(allowed.toString()).isEqualTo(302);
        Api.Response connected = api.get(allowed.header("Location"), Caller.anonymous());
        assertThat(connected.status()).as(connected.toString()).isEqualTo(200);

        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!api.get(demoWindow(), caller).body().contains("\"booking\"") && Instant.now().isBefore(deadline)) {
            sleepQuietly(200);
        }
        JsonNode bookings = api.get(demoWindow(), caller).json();
        assertThat(bookings.valueStream().filter(e -> e.has("booking")).count()).as(bookings.toString()).isGreaterThanOrEqualTo(3);

        Instant start = Instant.now().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.HOURS);
        Api.Response booked = api.send("POST", sandbox + "/_control/book", Caller.anonymous(), """
                {"start_time": "%s", "name": "Newcomer Patient", "email": "newcomer@example.org"}""".formatted(start), "application/json");
        assertThat(booked.status()).as(booked.toString()).isEqualTo(200);
        String event = booked.json().path("event").asText();
        deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!api.get(demoWindow(), caller).body().contains(event) && Instant.now().isBefore(deadline)) {
            sleepQuietly(100);
        }
        assertThat(api.get(demoWindow(), caller).body()).as("the booking arrived by webhook").contains(event).contains("Newcomer Patient");
    }

    /**
     * After the restart, with the same API key: the connection made before is still ACTIVE and its tokens work at the
     * sandbox (test, sync), the demo events were not seeded again, and an appointment reaches the calendar.
     */
    private static void theSandboxConnectionStillWorks(Api api, Caller caller, UUID connection, List<String> eventsBefore) {
        String path = "/api/v1/connections/" + connection;
        assertThat(api.get(path, caller).json().path("status").asText()).isEqualTo("ACTIVE");
        Api.Response test = api.post(path + "/test", caller, null);
        assertThat(test.status()).as(test.toString()).isEqualTo(200);
        assertThat(test.json().path("ok").asBoolean()).as(test.toString()).isTrue();

        Api.Response queued = api.post(path + "/sync", caller, null);
        assertThat(queued.status()).as(queued.toString()).isEqualTo(202);
        String job = "/api/v1/sync-jobs/" + queued.json().path("jobId").asText();
        assertThat(awaitValue(() -> api.get(job, caller).json().path("status").asText(), "DONE")).isEqualTo("DONE");
        assertThat(api.get(path, caller).json().path("lastSyncOutcome").asText()).isEqualTo("SUCCESS");
        assertThat(eventsInDemoWindow(api, caller)).containsExactlyElementsOf(eventsBefore);

        String appointment = "/api/v1/appointments/after-restart";
        Instant start = Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.HOURS);
        Api.Response put = api.send("PUT", appointment, caller, """
                {"title": "After the restart", "start": "%s", "end": "%s"}""".formatted(start, start.plus(Duration.ofMinutes(30))),
                "application/json");
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        assertThat(awaitValue(() -> api.get(appointment, caller).json().path("destinations").path(0).path("state").asText(), "SYNCED"))
                .as(api.get(appointment, caller).toString()).isEqualTo("SYNCED");
    }

    private static String demoWindow() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.DAYS);
        return "/api/v1/events?from=" + now.minus(Duration.ofDays(21)) + "&to=" + now.plus(Duration.ofDays(28));
    }

    /** Id, title and start of each event: a second seeding or a lost event would show. */
    private static List<String> eventsInDemoWindow(Api api, Caller caller) {
        return api.get(demoWindow(), caller).json().valueStream()
                .map(e -> e.path("id").asText() + " " + e.path("title").asText() + " " + e.path("start").asText()).sorted().toList();
    }

    /** Polls until the value is {@code wanted} or a final state, for at most 30 s; returns the last value seen. */
    private static String awaitValue(Supplier<String> value, String wanted) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        String seen = value.get();
        while (!seen.equals(wanted) && !List.of("FAILED", "DEAD").contains(seen) && Instant.now().isBefore(deadline)) {
            sleepQuietly(200);
            seen = value.get();
        }
        return seen;
    }

    private static Caller service(String apiKey, String user) {
        return new Caller(Map.of("X-API-Key", apiKey, "X-User-Id", user));
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

    private static List<String> listedConnectionIds(Api api, String apiKey) {
        Api.Response response = api.get("/api/v1/connections", service(apiKey, USER));
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
        try (ServerSocket server = new ServerSocket(0); ServerSocket database = new ServerSocket(0); ServerSocket calendly = new ServerSocket(0);
                ServerSocket smtp = new ServerSocket(0); ServerSocket mailPage = new ServerSocket(0)) {
            CALENDLY_PORT = calendly.getLocalPort();
            SMTP_PORT = smtp.getLocalPort();
            MAIL_PAGE_PORT = mailPage.getLocalPort();
            return new int[] {server.getLocalPort(), database.getLocalPort()};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** DevCalbridge in a child JVM on the test classpath, its output in a log file under target/. */
    private record Child(Process process, Path workingDirectory, Path logFile) implements AutoCloseable {

        /** With no API key and no JWT issuer set, as a newcomer starts it; {@code environment} on top. */
        static Child start(Path workingDirectory, int port, int databasePort, Map<String, String> environment, Path log)
                throws IOException {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", // as spring-boot:test-run starts it: quicker start
                    "-cp", System.getProperty("java.class.path"),
                    DevCalbridge.class.getName(),
                    "--server.port=" + port,
                    "--calbridge.dev.db-port=" + databasePort,
                    "--calbridge.dev.google-port=0",
                    "--calbridge.dev.microsoft-port=0",
                    "--calbridge.dev.calendly-port=" + CALENDLY_PORT,
                    "--calbridge.dev.smtp-port=" + SMTP_PORT,
                    "--calbridge.dev.mail-page-port=" + MAIL_PAGE_PORT)
                    .directory(workingDirectory.toFile()) // the default data directory ./data lands in the temp dir
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            // The build's own settings must not replace the stand-ins under test.
            builder.environment().keySet().removeIf(name -> name.startsWith("SPRING_") || name.startsWith("CALBRIDGE_")
                    || name.startsWith("GOOGLE_") || name.startsWith("MICROSOFT_") || name.startsWith("CALENDLY_") || name.equals("SERVER_PORT"));
            builder.environment().putAll(environment);
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
