package io.calbridge.provider.microsoft;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.emulator.microsoft.MicrosoftGraphEmulator;
import io.calbridge.testing.Api;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.Await;
import io.calbridge.testing.Connect;
import io.calbridge.testing.MicrosoftEmulators;
import io.calbridge.testing.RunningCalbridge;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.TestKeys;
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
 * Appointments with {@code conference: AUTO} pushed through calbridge's API into Outlook calendars of the Microsoft
 * emulator (the real Graph SDK over HTTP): a personal account gets the event without a Teams link and the appointment
 * says why; a work account gets the link and no reason.
 */
class MicrosoftTeamsReasonTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Instant TOMORROW = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1)).plus(Duration.ofHours(8));

    private static MicrosoftGraphEmulator microsoft;
    private static RunningCalbridge app;

    @BeforeAll
    static void calbridgeWithTheEmulatorAsMicrosoft() {
        microsoft = MicrosoftGraphEmulator.builder().start();
        Map<String, Object> settings = new HashMap<>(MicrosoftEmulators.settingsFor(microsoft));
        settings.put("calbridge.token-keys", TestKeys.tokenKey("teams"));
        app = RunningCalbridge.start(TestDatabase.newDatabase(), settings);
    }

    @AfterAll
    static void stop() {
        app.close();
        microsoft.close();
    }

    @Test
    void aPersonalAccountGetsTheEventWithoutATeamsLinkAndTheAppointmentSaysWhy() {
        String account = "p" + UUID.randomUUID().toString().substring(0, 8) + "@outlook.com";
        microsoft.createPersonalAccount(account, "Personal User", "W. Europe Standard Time", true);
        String user = "teams-" + UUID.randomUUID();
        connect(user, account);

        put(user, "p-1", "AUTO", "Coaching");

        Await.until("the appointment is in the calendar", PATIENCE, () -> "SYNCED".equals(destination(user, "p-1").path("state").asText()));
        JsonNode destination = destination(user, "p-1");
        assertThat(destination.path("provider").asText()).isEqualTo("microsoft");
        assertThat(destination.path("meetingUrl").isNull()).as(destination.toString()).isTrue();
        assertThat(destination.path("meetingLinkUnavailable").asText()).as(destination.toString())
                .contains("personal Microsoft accounts").contains("Teams");
        assertThat(destination.path("lastError").isNull()).as("the write succeeded: no error").isTrue();
        List<String> stored = microsoft.storedEventIds(account, microsoft.defaultCalendarId(account));
        assertThat(stored).hasSize(1);
        String event = microsoft.eventJson(account, stored.get(0)).orElseThrow();
        assertThat(event).contains("Coaching").doesNotContain("teams.microsoft.com");

        // a later push that asks for no link has nothing to explain: the reason goes
        put(user, "p-1", "NONE", "Coaching, no video");
        Await.until("the change is in the calendar", PATIENCE, () -> destination(user, "p-1").path("state").asText().equals("SYNCED")
                && microsoft.eventJson(account, stored.get(0)).orElseThrow().contains("Coaching, no video"));
        JsonNode changed = destination(user, "p-1");
        assertThat(changed.has("meetingLinkUnavailable")).as(changed.toString()).isTrue();
        assertThat(changed.path("meetingLinkUnavailable").isNull()).as(changed.toString()).isTrue();
    }

    @Test
    void aWorkAccountGetsATeamsLinkAndNoReason() {
        String account = "w" + UUID.randomUUID().toString().substring(0, 8) + "@contoso.onmicrosoft.com";
        microsoft.createWorkAccount(account, "Work User", MicrosoftGraphEmulator.DEFAULT_TENANT, "W. Europe Standard Time");
        String user = "teams-" + UUID.randomUUID();
        connect(user, account);

        put(user, "w-1", "AUTO", "Coaching");

        Await.until("the appointment is in the calendar", PATIENCE, () -> "SYNCED".equals(destination(user, "w-1").path("state").asText()));
        JsonNode destination = destination(user, "w-1");
        assertThat(destination.path("meetingUrl").asText()).as(destination.toString()).startsWith("https://teams.microsoft.com/");
        assertThat(destination.has("meetingLinkUnavailable")).as(destination.toString()).isTrue();
        assertThat(destination.path("meetingLinkUnavailable").isNull()).as(destination.toString()).isTrue();
    }

    private static void put(String user, String appointmentId, String conference, String title) {
        Map<String, Object> body = Map.of("title", title, "start", TOMORROW.plus(Duration.ofHours(5)).toString(),
                "end", TOMORROW.plus(Duration.ofHours(6)).toString(), "timeZone", "Europe/Berlin", "conference", conference);
        Response put = app.api().send("PUT", "/api/v1/appointments/" + appointmentId, Caller.service(user), Api.JSON.writeValueAsString(body),
                "application/json");
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
    }

    private static JsonNode destination(String user, String appointmentId) {
        Response response = app.api().get("/api/v1/appointments/" + appointmentId, Caller.service(user));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json().path("destinations").get(0);
    }

    /** Connects {@code account} through the emulator's consent page and waits for the first sync. */
    private static UUID connect(String user, String account) {
        return new Connect(app.api()).connectMicrosoft(Caller.service(user), account);
    }
}
