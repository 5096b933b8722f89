package io.calbridge.availability;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.emulator.google.GoogleCalendarEmulator;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.Await;
import io.calbridge.testing.Connect;
import io.calbridge.testing.GoogleEmulators;
import io.calbridge.testing.RunningCalbridge;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.TestKeys;
import io.calbridge.testing.WebhookReceiver;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code appointment.conflict_detected} end to end: an appointment pushed to Google, then events added and changed in
 * Google (the emulator) and pulled; the app's receiver (verifying with the Standard Webhooks library) is told of each
 * new clash once, not on every sync, and again only after a clash went away and came back.
 */
class ConflictNotificationsTest {

    private static final Instant TOMORROW_TEN = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1)).plus(Duration.ofHours(10));
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private static GoogleCalendarEmulator google;
    private static RunningCalbridge app;
    private static WebhookReceiver receiver;

    @BeforeAll
    static void calbridgeWithGoogleAndAReceiver() {
        google = GoogleCalendarEmulator.builder().autoApprove(true).start();
        Map<String, Object> settings = new HashMap<>(GoogleEmulators.settingsFor(google));
        settings.put("calbridge.token-keys", TestKeys.tokenKey("conflicts"));
        settings.put("calbridge.sync.notification-delay", "PT0.2S");
        settings.put("calbridge.webhook.allowed-hosts", "localhost");
        app = RunningCalbridge.start(TestDatabase.newDatabase(), settings);
        receiver = new WebhookReceiver();
        Response endpoint = app.api().post("/api/v1/webhook-endpoints", Caller.serviceWithoutUser(),
                Map.of("url", receiver.url(), "eventTypes", List.of("appointment.conflict_detected")));
        assertThat(endpoint.status()).as(endpoint.toString()).isEqualTo(201);
        receiver.verifyWith(endpoint.json().path("secret").asString());
    }

    @AfterAll
    static void stop() {
        receiver.close();
        app.close();
        google.close();
    }

    @Test
    void eachNewClashIsToldOnceAndAgainOnlyAfterItWentAwayAndCameBack() {
        String email = "c" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        google.createAccount(email);
        String user = "conflicts-" + UUID.randomUUID();
        Caller caller = Caller.service(user);
        UUID connection = new Connect(app.api()).connectGoogle(caller, email);
        Response put = app.api().send("PUT", "/api/v1/appointments/a-1", caller, """
                {"title": "Therapy", "start": "%s", "end": "%s"}""".formatted(TOMORROW_TEN, TOMORROW_TEN.plus(Duration.ofHours(1))),
                "application/json");
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        Await.until("the appointment is in Google", PATIENCE, () -> "SYNCED".equals(app.api().get("/api/v1/appointments/a-1", caller).json()
                .path("destinations").path(0).path("state").asText()));
        pull(caller, connection);
        Await.pause(1000);
        assertThat(told(user)).as("its own copy in the calendar is no clash").isEmpty();

        String dentist = google.insertEvent(email, event("Dentist", TOMORROW_TEN.plus(Duration.ofMinutes(30)), Duration.ofHours(1)));
        pull(caller, connection);
        Await.until("the clash is told", PATIENCE, () -> told(user).size() == 1);
        JsonNode first = told(user).get(0);
        assertThat(first.path("appointmentId").asText()).isEqualTo("a-1");
        assertThat(first.path("start").asText()).isEqualTo(TOMORROW_TEN.toString());
        assertThat(first.path("connectionId").asText()).isEqualTo(connection.toString());
        assertThat(first.path("clashes").valueStream().map(c -> c.path("eventId").asText())).containsExactly(dentist);
        assertThat(first.toString()).as("no titles: client details stay in calbridge").doesNotContain("Therapy").doesNotContain("Dentist");

        google.changeEvent(email, dentist, "{\"summary\": \"Dentist (moved room)\"}");
        pull(caller, connection);
        String call = google.insertEvent(email, event("Call", TOMORROW_TEN.minus(Duration.ofMinutes(15)), Duration.ofMinutes(30)));
        pull(caller, connection);
        Await.until("the second clash is told", PATIENCE, () -> told(user).size() == 2);
        assertThat(told(user).get(1).path("clashes").valueStream().map(c -> c.path("eventId").asText()))
                .as("only the new clash; the changed dentist was told already").containsExactly(call);

        google.moveEvent(email, dentist, TOMORROW_TEN.plus(Duration.ofHours(3)), TOMORROW_TEN.plus(Duration.ofHours(4)));
        pull(caller, connection);
        Await.pause(1000);
        assertThat(told(user)).as("a clash that went away tells nothing").hasSize(2);
        google.moveEvent(email, dentist, TOMORROW_TEN.plus(Duration.ofMinutes(30)), TOMORROW_TEN.plus(Duration.ofMinutes(90)));
        pull(caller, connection);
        Await.until("the clash that came back is told again", PATIENCE, () -> told(user).size() == 3);
        assertThat(told(user).get(2).path("clashes").valueStream().map(c -> c.path("eventId").asText())).containsExactly(dentist);
        pull(caller, connection);
        Await.pause(1000);
        assertThat(told(user)).as("not on every sync").hasSize(3);
        assertThat(receiver.verificationFailures()).isEmpty();
    }

    /** A pull, and its end awaited. */
    private static void pull(Caller caller, UUID connection) {
        Response queued = app.api().post("/api/v1/connections/" + connection + "/sync", caller, null);
        assertThat(queued.status()).as(queued.toString()).isEqualTo(202);
        String job = "/api/v1/sync-jobs/" + queued.json().path("jobId").asText();
        Await.until("the pull is done", PATIENCE, () -> "DONE".equals(app.api().get(job, caller).json().path("status").asText()));
    }

    private static List<JsonNode> told(String user) {
        return receiver.received().stream().filter(r -> user.equals(r.userId()) && "appointment.conflict_detected".equals(r.type()))
                .map(r -> r.body().path("data")).toList();
    }

    private static String event(String title, Instant start, Duration length) {
        return """
                {"summary": "%s", "start": {"dateTime": "%s"}, "end": {"dateTime": "%s"}}""".formatted(title, start, start.plus(length));
    }
}
