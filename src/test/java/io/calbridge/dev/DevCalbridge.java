package io.calbridge.dev;

import io.calbridge.CalbridgeApplication;
import io.calbridge.emulator.calendly.CalendlyEmulator;
import io.calbridge.emulator.google.GoogleCalendarEmulator;
import io.calbridge.emulator.microsoft.MicrosoftGraphEmulator;
import io.calbridge.testing.CalendlyEmulators;
import io.calbridge.testing.GoogleEmulators;
import io.calbridge.testing.MailSink;
import io.calbridge.testing.MicrosoftEmulators;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The run command ({@code ./mvnw spring-boot:test-run}): calbridge on a fresh machine with nothing but a JDK and Maven.
 * It supplies what the packaged jar requires from its operator - a PostgreSQL, token encryption keys, an API key - and
 * sandbox providers as development stand-ins kept in {@code ./data/} (or {@code calbridge.dev.data-dir}), so that data,
 * keys and sandbox connections survive restarts. Everything is handed to Spring as default properties: any setting the user gives
 * (environment, {@code -D}, {@code --arg}) still wins, and a given {@code SPRING_DATASOURCE_URL} skips the embedded
 * database. This class lives under src/test so that the packaged jar never contains it or its dependencies.
 */
public final class DevCalbridge {

    private static final Logger log = LoggerFactory.getLogger(DevCalbridge.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Any of these lets end users in with JWTs; then no API key is made up (as the packaged jar decides too). */
    private static final List<String> JWT_SETTINGS = List.of("spring.security.oauth2.resourceserver.jwt.issuer-uri",
            "spring.security.oauth2.resourceserver.jwt.jwk-set-uri", "spring.security.oauth2.resourceserver.jwt.public-key-location");

    private DevCalbridge() {
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (IOException | IllegalStateException standInFailed) {
            // a stand-in could not start (data directory, PostgreSQL, sandbox state): say which, briefly
            System.err.println("calbridge cannot start: " + standInFailed.getMessage());
            System.exit(2);
        }
    }

    private static void run(String[] args) throws IOException {
        StandardEnvironment given = environmentAsGiven(args);
        Path data = Path.of(given.getProperty("calbridge.dev.data-dir", "data")).toAbsolutePath().normalize();
        Files.createDirectories(data);

        // Each development stand-in contributes default properties, consulted only where the user set nothing.
        Map<String, Object> defaults = new LinkedHashMap<>();
        if (!given.containsProperty("calbridge.token-keys")) {
            defaults.put("calbridge.token-keys", developmentTokenKeys(data.resolve("token-keys")));
        }
        Path apiKeyFile = data.resolve("api-key");
        Optional<String> apiKey = Optional.empty();
        if (!given.containsProperty("calbridge.api-keys") && JWT_SETTINGS.stream().noneMatch(given::containsProperty)) {
            // The packaged jar makes a new key at each start; here yesterday's curl commands should keep working.
            apiKey = Optional.of(readOrCreate(apiKeyFile, () -> randomBase64Url(24)));
            defaults.put("calbridge.api-keys", apiKey.get());
        }
        if (!given.containsProperty("spring.datasource.url")) {
            EmbeddedPostgres postgres = startEmbeddedPostgres(data.resolve("postgres"), given);
            defaults.put("spring.datasource.url", postgres.getJdbcUrl("postgres", "postgres"));
            defaults.put("spring.datasource.username", "postgres");
            defaults.put("spring.datasource.password", "");
            // Stop PostgreSQL only after Spring has closed the context, so that nothing loses its connection while
            // still working: Spring's JVM shutdown hook (Ctrl-C, SIGTERM) runs these handlers last. A run killed
            // before Spring's hook exists, or with kill -9, leaves PostgreSQL running; the next start stops it.
            SpringApplication.getShutdownHandlers().add(() -> stop(postgres));
        }
        // Browsers and the sandbox providers reach this machine on whatever port it listens on.
        defaults.put("calbridge.public-url", "http://localhost:${server.port:8080}");
        // Webhook receivers under development run on this machine: loopback may receive notifications, over plain http too.
        if (!given.containsProperty("calbridge.webhook.allowed-hosts")) {
            defaults.put("calbridge.webhook.allowed-hosts", "localhost,127.0.0.1,::1");
        }
        // Sandbox providers: the emulators stand in for every provider whose real client is not configured.
        if (!given.containsProperty("google.client-id")) {
            GoogleCalendarEmulator google = startGoogleSandbox(given, data.resolve("google-sandbox"));
            defaults.putAll(GoogleEmulators.settingsFor(google));
            SpringApplication.getShutdownHandlers().add(google::close);
        }
        if (!given.containsProperty("microsoft.client-id")) {
            MicrosoftGraphEmulator microsoft = startMicrosoftSandbox(given, data.resolve("microsoft-sandbox"));
            defaults.putAll(MicrosoftEmulators.settingsFor(microsoft));
            SpringApplication.getShutdownHandlers().add(microsoft::close);
        }
        if (!given.containsProperty("calendly.client-id")) {
            CalendlyEmulator calendly = startCalendlySandbox(given, data.resolve("calendly-sandbox"));
            defaults.putAll(CalendlyEmulators.settingsFor(calendly));
            SpringApplication.getShutdownHandlers().add(calendly::close);
        }
        if (!given.containsProperty("spring.mail.host")) {
            MailSink sink = startMailSink(given);
            defaults.putAll(sink.settings());
            SpringApplication.getShutdownHandlers().add(sink::close);
        }

        // The same application and startup check as CalbridgeApplication.main, with the stand-ins as defaults.
        SpringApplication app = new SpringApplication(CalbridgeApplication.class);
        app.addListeners(CalbridgeApplication.refuseToStartWithBadSettings());
        app.setDefaultProperties(defaults);
        try {
            app.run(args);
        } catch (RuntimeException e) {
            // Spring has logged why. Exiting runs the shutdown handlers above (PostgreSQL, the sandbox), and ends the
            // JVM even while a thread of a stand-in still runs: a failed start must never hang.
            System.exit(1);
        }
        apiKey.ifPresent(key -> log.info("API key (send as X-API-Key): {} - kept in {}, so it stays the same across restarts; "
                + "set CALBRIDGE_API_KEYS to use your own", key, shown(apiKeyFile)));
    }

    /**
     * The Google emulator as "Google": a consent page with Allow / Deny, and a sandbox account with a few weeks of
     * demo events (seeded on the first start only). Its state (accounts, grants, calendars, events, push channels) is
     * kept in {@code directory}, so connections made before a restart keep working after it.
     */
    private static GoogleCalendarEmulator startGoogleSandbox(StandardEnvironment given, Path directory) {
        int port = given.getProperty("calbridge.dev.google-port", Integer.class, 8095);
        GoogleCalendarEmulator google;
        try {
            google = GoogleCalendarEmulator.builder().port(port).persistTo(directory).start();
        } catch (UncheckedIOException portTaken) {
            google = GoogleCalendarEmulator.builder().port(0).persistTo(directory).start();
        }
        if (!google.restoredState()) {
            google.seedDemoEvents(GoogleCalendarEmulator.DEFAULT_ACCOUNT);
        }
        log.info("Sandbox Google at {} (account {}), its state kept in {}; set GOOGLE_CLIENT_ID to use the real Google",
                google.baseUrl(), GoogleCalendarEmulator.DEFAULT_ACCOUNT, shown(directory));
        return google;
    }

    /**
     * The Microsoft emulator as "Microsoft": a consent page, and a work account with two weeks of demo events (a weekly
     * series with a moved and a cancelled occurrence, an all-day event, a Teams meeting, a declined invitation), seeded
     * on the first start only and kept in {@code directory} like Google's.
     */
    private static MicrosoftGraphEmulator startMicrosoftSandbox(StandardEnvironment given, Path directory) {
        int port = given.getProperty("calbridge.dev.microsoft-port", Integer.class, 8096);
        MicrosoftGraphEmulator microsoft;
        try {
            microsoft = MicrosoftGraphEmulator.builder().port(port).persistTo(directory).start();
        } catch (UncheckedIOException portTaken) {
            microsoft = MicrosoftGraphEmulator.builder().port(0).persistTo(directory).start();
        }
        if (!microsoft.restoredState()) {
            microsoft.seedDemoEvents(MicrosoftGraphEmulator.DEFAULT_ACCOUNT);
        }
        log.info("Sandbox Microsoft at {} (account {}), its state kept in {}; set MICROSOFT_CLIENT_ID to use the real Microsoft",
                microsoft.baseUrl(), MicrosoftGraphEmulator.DEFAULT_ACCOUNT, shown(directory));
        return microsoft;
    }

    /**
     * The Calendly emulator as "Calendly": a consent page, and a sandbox user with two event types and a few demo
     * bookings in the next two weeks (seeded on the first start only), kept in {@code directory} like Google's. Its page
     * at {@code /} lets a developer act as an invitee: book, cancel and reschedule, with webhooks following.
     */
    private static CalendlyEmulator startCalendlySandbox(StandardEnvironment given, Path directory) throws IOException {
        int port = given.getProperty("calbridge.dev.calendly-port", Integer.class, 8097);
        CalendlyEmulator calendly;
        try {
            calendly = CalendlyEmulator.builder().port(port).persistTo(directory).start();
        } catch (java.net.BindException portTaken) {
            calendly = CalendlyEmulator.builder().port(0).persistTo(directory).start();
        }
        if (!calendly.restoredState()) {
            calendly.seedDemoBookings(CalendlyEmulator.DEFAULT_USER_EMAIL);
        }
        log.info("Sandbox Calendly at {} (account {}, its page lets you book, cancel and reschedule as an invitee), its state "
                + "kept in {}; set CALENDLY_CLIENT_ID to use the real Calendly",
                calendly.baseUrl(), CalendlyEmulator.DEFAULT_USER_EMAIL, shown(directory));
        return calendly;
    }

    /**
     * A real SMTP server in-process that keeps reminder mail instead of sending it on (SMTP on 127.0.0.1:3025, a free
     * port if taken), with a page listing what arrived on http://127.0.0.1:8098/ ({@code /messages}: JSON). Not kept
     * across restarts. Set SPRING_MAIL_HOST to send through a real server instead.
     */
    private static MailSink startMailSink(StandardEnvironment given) throws IOException {
        int smtpPort = given.getProperty("calbridge.dev.smtp-port", Integer.class, 3025);
        MailSink sink;
        try {
            sink = MailSink.start(smtpPort);
        } catch (RuntimeException portTaken) {
            sink = MailSink.start(0);
        }
        int pagePort = given.getProperty("calbridge.dev.mail-page-port", Integer.class, 8098);
        int page;
        try {
            page = sink.serveListing(pagePort);
        } catch (java.net.BindException portTaken) {
            page = sink.serveListing(0);
        }
        log.info("Mail sink: reminder mail is kept by an SMTP server on 127.0.0.1:{} and listed at http://127.0.0.1:{}/ "
                + "(JSON: /messages); set SPRING_MAIL_HOST to send through a real one", sink.port(), page);
        return sink;
    }

    /** What the user configured outside the project's own files: command line, system properties, environment. */
    private static StandardEnvironment environmentAsGiven(String[] args) {
        StandardEnvironment given = new StandardEnvironment();
        given.getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
        return given;
    }

    /**
     * The key made on the first run and read back on later ones: tokens stored with it stay readable. The file is
     * readable by its owner only, where the file system supports POSIX permissions.
     */
    private static String developmentTokenKeys(Path file) throws IOException {
        boolean madeBefore = Files.exists(file);
        String keys = readOrCreate(file, () -> "dev1:" + Base64.getEncoder().encodeToString(randomBytes(32)));
        if (madeBefore) {
            return keys;
        }
        log.warn("Generated a development token encryption key into {}. It is for this machine's data only: "
                + "never use it in production, where CALBRIDGE_TOKEN_KEYS must be set.", file);
        return keys;
    }

    /**
     * A secret made on the first run and read back on later ones. The file is readable by its owner only, where the
     * file system supports POSIX permissions.
     */
    private static String readOrCreate(Path file, Supplier<String> generator) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        }
        String secret = generator.get();
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(file, secret + "\n", StandardCharsets.US_ASCII);
        return secret;
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static String randomBase64Url(int bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(bytes));
    }

    /** A path as typed from the working directory ({@code ./data/api-key}) where it lies below it. */
    private static String shown(Path path) {
        Path here = Path.of("").toAbsolutePath();
        return path.startsWith(here) ? "." + File.separator + here.relativize(path) : path.toString();
    }

    /**
     * PostgreSQL 17 keeping its files in {@code directory}: initialised on the first run, reused afterwards. Its port
     * is a free one unless {@code calbridge.dev.db-port} names one (handy for psql across restarts).
     */
    private static EmbeddedPostgres startEmbeddedPostgres(Path directory, StandardEnvironment given) throws IOException {
        stopServerLeftOverIn(directory);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(directory)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false) // stopped through Spring's shutdown handlers, after the context
                .setPGStartupWait(Duration.ofSeconds(60));
        Integer port = given.getProperty("calbridge.dev.db-port", Integer.class);
        if (port != null) {
            builder.setPort(port);
        }
        EmbeddedPostgres postgres = builder.start();
        log.info("Embedded PostgreSQL in {}: {} (user postgres, no password)", directory,
                postgres.getJdbcUrl("postgres", "postgres"));
        return postgres;
    }

    /**
     * A run killed before or without its shutdown hook (kill -9) leaves its PostgreSQL running on the data directory,
     * and a new one could not start there. Only a postgres process started on exactly this directory is stopped.
     */
    private static void stopServerLeftOverIn(Path directory) throws IOException {
        Path pidFile = directory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        String pid = Files.readAllLines(pidFile, StandardCharsets.UTF_8).stream().findFirst().orElse("").trim();
        Optional<ProcessHandle> server = pid.matches("\\d+") ? ProcessHandle.of(Long.parseLong(pid)) : Optional.empty();
        server = server.filter(process -> process.info().commandLine()
                .filter(line -> line.contains("postgres") && line.contains(directory.toString())).isPresent());
        if (server.isEmpty()) {
            return; // a stale pid file: PostgreSQL itself recovers from that
        }
        log.warn("Stopping the PostgreSQL (pid {}) that an earlier run left running in {}", pid, directory);
        server.get().destroy(); // SIGTERM: PostgreSQL's orderly "smart" shutdown
        try {
            server.get().onExit().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while stopping the PostgreSQL left running in " + directory);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("the PostgreSQL left running in " + directory + " did not stop within 30 s", e);
        }
    }

    private static void stop(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
