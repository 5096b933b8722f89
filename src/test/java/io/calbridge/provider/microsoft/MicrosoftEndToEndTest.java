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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Microsoft through calbridge's HTTP API: the real Graph SDK over HTTP against the stateful emulator of Microsoft's
 * identity platform and Graph, with its real one-hour tokens.
 */
class MicrosoftEndToEndTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Instant TOMORROW = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1)).plus(Duration.ofHours(8));

    private static MicrosoftGraphEmulator microsoft;
    private static RunningCalbridge app;

    @BeforeAll
    static void calbridgeWithTheEmulatorAsMicrosoft() {
        microsoft = MicrosoftGraphEmulator.builder().start();
        Map<String, Object> settings = new HashMap<>(MicrosoftEmulators.settingsFor(microsoft));
        settings.put("calbridge.token-keys", TestKeys.tokenKey("ms"));
        // pages of 10: 25 events take three
        settings.put("calbridge.sync.page-size", 10);
        settings.put("calbridge.sync.notification-delay", "PT0.2S");
        app = RunningCalbridge.start(TestDatabase.newDatabase(), settings);
    }

    @AfterAll
    static void stop() {
        app.close();
        microsoft.close();
    }

    @Test
    void connectThenFirstSyncOverThreePagesThenChangesFromMicrosoftsSideAfterTheNextPull() {
        String account = workAccount();
        String calendar = microsoft.defaultCalendarId(account);
        List<String> seeded = microsoft.seedEvents(account, calendar, 25, TOMORROW, Duration.ofHours(2), Duration.ofMinutes(30));
        microsoft.resetCallCounts();
        String user = "ms-" + UUID.randomUUID();

        UUID connection = connect(user, account);

        assertThat(microsoft.callCount("events.delta")).as(microsoft.callCounts().toString()).isGreaterThanOrEqualTo(3);
        assertThat(titles(user)).hasSize(25);
        JsonNode view = app.api().get("/api/v1/connections/" + connection, Caller.service(user)).json();
        assertThat(view.path("provider").asText()).isEqualTo("microsoft");
        assertThat(view.path("accountEmail").asText()).isEqualTo(account);
        assertThat(view.path("accountId").asText()).isEqualTo(microsoft.tenantId(account) + "/" + microsoft.accountId(account));

        String created = microsoft.createEvent(account, calendar, """
                {"subject": "Added in Outlook", "start": {"dateTime": "%s", "timeZone": "UTC"},
                 "end": {"dateTime": "%s", "timeZone": "UTC"}}""".formatted(local(TOMORROW.plus(Duration.ofMinutes(45))),
                local(TOMORROW.plus(Duration.ofMinutes(75)))));
        microsoft.moveEvent(account, seeded.get(1), TOMORROW.plus(Duration.ofDays(3)), TOMORROW.plus(Duration.ofDays(3)).plus(Duration.ofMinutes(30)));
        microsoft.deleteEvent(account, seeded.get(2));
        assertThat(created).isNotBlank();
        Response sync = app.api().post("/api/v1/connections/" + connection + "/sync", Caller.service(user), null);
        assertThat(sync.status()).as(sync.toString()).isIn(200, 202);

        Await.until("the changes are pulled", PATIENCE, () -> titles(user).size() == 25 && titles(user).contains("Added in Outlook"));
        List<JsonNode> events = events(user);
        assertThat(events.stream().filter(e -> e.path("start").asText().startsWith(TOMORROW.plus(Duration.ofDays(3)).toString().substring(0, 10))))
                .as("the moved event at its new day").isNotEmpty();
    }

    @Test
    void aSeriesArrivesAsItsOccurrencesThenOneCancelledAndOneMovedInOutlookShowAfterTheNextPull() {
        String account = workAccount();
        String calendar = microsoft.defaultCalendarId(account);
        java.time.LocalDate firstDay = TOMORROW.atZone(java.time.ZoneOffset.UTC).toLocalDate();
        String master = microsoft.createEvent(account, calendar, """
                {"subject": "Weekly coaching", "start": {"dateTime": "%sT10:00:00", "timeZone": "UTC"},
                 "end": {"dateTime": "%sT11:00:00", "timeZone": "UTC"},
                 "recurrence": {"pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["%s"]},
                                "range": {"type": "numbered", "startDate": "%s", "numberOfOccurrences": 4}}}"""
                .formatted(firstDay, firstDay, firstDay.getDayOfWeek().name().toLowerCase(java.util.Locale.ROOT), firstDay));
        String user = "ms-" + UUID.randomUUID();
        UUID connection = connect(user, account);
        Instant firstStart = firstDay.atTime(10, 0).toInstant(java.time.ZoneOffset.UTC);
        assertThat(starts(user, "Weekly coaching")).as("four occurrences, each with the master's subject").hasSize(4)
                .contains(firstStart.toString(), firstStart.plus(Duration.ofDays(14)).toString());

        microsoft.cancelOccurrence(account, master, firstStart.plus(Duration.ofDays(7)));
        Instant movedTo = firstStart.plus(Duration.ofDays(14)).plus(Duration.ofHours(3));
        microsoft.moveOccurrence(account, master, firstStart.plus(Duration.ofDays(14)), movedTo, movedTo.plus(Duration.ofHours(1)));
        Response sync = app.api().post("/api/v1/connections/" + connection + "/sync", Caller.service(user), null);
        assertThat(sync.status()).as(sync.toString()).isIn(200, 202);

        Await.until("the cancelled occurrence leaves and the moved one moves", PATIENCE,
                () -> starts(user, "Weekly coaching").size() == 3 && starts(user, "Weekly coaching").contains(movedTo.toString()));
        assertThat(starts(user, "Weekly coaching")).containsExactlyInAnyOrder(firstStart.toString(), movedTo.toString(),
                firstStart.plus(Duration.ofDays(21)).toString());
    }

    /** The starts (UTC) of the user's events with this title. */
    private static List<String> starts(String user, String title) {
        return events(user).stream().filter(e -> e.path("title").asText().equals(title))
                .map(e -> java.time.OffsetDateTime.parse(e.path("start").asText()).toInstant().toString()).toList();
    }

    @Test
    void aNotificationTriggersAPullWithNoManualCallAndAForgedOneChangesNothing() {
        String account = workAccount();
        String calendar = microsoft.defaultCalendarId(account);
        microsoft.seedEvents(account, calendar, 3, TOMORROW, Duration.ofHours(2), Duration.ofMinutes(30));
        String user = "ms-" + UUID.randomUUID();
        connect(user, account);
        Await.until("a subscription is open", PATIENCE, () -> !microsoft.activeSubscriptionIds().isEmpty());
        int deltasBefore = microsoft.callCount("events.delta");

        Response forged = app.api().send("POST", "/webhooks/microsoft", Caller.anonymous(), """
                {"value": [{"subscriptionId": "%s", "clientState": "not-the-secret", "changeType": "created",
                 "resource": "me/events/x"}]}""".formatted(microsoft.activeSubscriptionIds().get(0)), "application/json");
        assertThat(forged.status()).as(forged.toString()).isEqualTo(403);
        Await.pause(1000);
        assertThat(microsoft.callCount("events.delta")).as("a forged notification pulls nothing").isEqualTo(deltasBefore);

        microsoft.createEvent(account, calendar, """
                {"subject": "Pushed by Graph", "start": {"dateTime": "%s", "timeZone": "UTC"},
                 "end": {"dateTime": "%s", "timeZone": "UTC"}}""".formatted(local(TOMORROW.plus(Duration.ofHours(30))),
                local(TOMORROW.plus(Duration.ofHours(31)))));

        Await.until("the notification's pull brings the event", PATIENCE, () -> titles(user).contains("Pushed by Graph"));
    }

    @Test
    void aDeadDeltaTokenRecoversWithAFullResyncThatLeavesNothingStale() {
        String account = workAccount();
        String calendar = microsoft.defaultCalendarId(account);
        List<String> seeded = microsoft.seedEvents(account, calendar, 5, TOMORROW, Duration.ofHours(2), Duration.ofMinutes(30));
        String user = "ms-" + UUID.randomUUID();
        UUID connection = connect(user, account);

        microsoft.deleteEvent(account, seeded.get(0));
        microsoft.expireDeltaTokens(account);
        Response sync = app.api().post("/api/v1/connections/" + connection + "/sync", Caller.service(user), null);
        assertThat(sync.status()).as(sync.toString()).isIn(200, 202);

        Await.until("the full resync removed the deleted event", PATIENCE, () -> titles(user).size() == 4);
        assertThat(app.api().get("/api/v1/connections/" + connection, Caller.service(user)).json().path("status").asText()).isEqualTo("ACTIVE");
    }

    @Test
    void revokedConsentThenNeedsReauthThenReconnectingTheSameAccountSyncsAgain() {
        String account = workAccount();
        microsoft.seedEvents(account, microsoft.defaultCalendarId(account), 2, TOMORROW, Duration.ofHours(2), Duration.ofMinutes(30));
        String user = "ms-" + UUID.randomUUID();
        UUID connection = connect(user, account);

        microsoft.revokeConsent(account, 50173);
        app.api().post("/api/v1/connections/" + connection + "/sync", Caller.service(user), null);

        Await.until("the connection needs reauthorization", PATIENCE, () -> "NEEDS_REAUTH".equals(
                app.api().get("/api/v1/connections/" + connection, Caller.service(user)).json().path("status").asText()));
        UUID again = connect(user, account);
        assertThat(again).as("the same account keeps its connection").isEqualTo(connection);
        assertThat(app.api().get("/api/v1/connections/" + connection, Caller.service(user)).json().path("status").asText()).isEqualTo("ACTIVE");
    }

    @Test
    void anAppointmentReachesTheOutlookCalendarOnceWithATeamsLink() {
        String account = workAccount();
        String user = "ms-" + UUID.randomUUID();
        connect(user, account);
        Map<String, Object> body = Map.of("title", "Coaching", "start", TOMORROW.plus(Duration.ofHours(5)).toString(),
                "end", TOMORROW.plus(Duration.ofHours(6)).toString(), "timeZone", "Europe/Berlin", "conference", "AUTO");

        for (int i = 0; i < 2; i++) {
            Response put = app.api().send("PUT", "/api/v1/appointments/c-1", Caller.service(user), Api.JSON.writeValueAsString(body),
                    "application/json");
            assertThat(put.status()).as(put.toString()).isEqualTo(200);
        }

        Await.until("the appointment is in the calendar", PATIENCE, () -> "SYNCED".equals(destination(user, "c-1").path("state").asText()));
        JsonNode destination = destination(user, "c-1");
        assertThat(destination.path("meetingUrl").asText()).startsWith("https://teams.microsoft.com/");
        List<String> stored = microsoft.storedEventIds(account, microsoft.defaultCalendarId(account));
        assertThat(stored).as("one event for the appointment, though it was PUT twice").hasSize(1);
        assertThat(microsoft.eventJson(account, stored.get(0)).orElseThrow()).contains("Coaching");
    }

    @Test
    void disconnectDeletesTheSubscriptionAtMicrosoftAndTheConnectionWithItsTokensHere() {
        String account = workAccount();
        String user = "ms-" + UUID.randomUUID();
        Set<String> others = Set.copyOf(microsoft.activeSubscriptionIds());
        UUID connection = connect(user, account);
        Await.until("a subscription is open", PATIENCE, () -> !others.containsAll(microsoft.activeSubscriptionIds()));
        List<String> ours = new ArrayList<>(microsoft.activeSubscriptionIds());
        ours.removeAll(others);

        Response disconnected = app.api().delete("/api/v1/connections/" + connection, Caller.service(user));

        assertThat(disconnected.status()).as(disconnected.toString()).isEqualTo(204);
        assertThat(microsoft.activeSubscriptionIds()).as("Microsoft no longer notifies calbridge").doesNotContainAnyElementsOf(ours);
        assertThat(app.api().get("/api/v1/connections/" + connection, Caller.service(user)).status()).isEqualTo(404);
        Integer rows = app.context().getBean(JdbcClient.class).sql("SELECT count(*) FROM connections WHERE id = ?")
                .param(connection).query(Integer.class).single();
        assertThat(rows).as("the row and its sealed tokens are gone").isZero();
    }

    private static JsonNode destination(String user, String appointmentId) {
        return app.api().get("/api/v1/appointments/" + appointmentId, Caller.service(user)).json().path("destinations").get(0);
    }

    private static String workAccount() {
        return MicrosoftEmulators.newWorkAccount(microsoft, "W. Europe Standard Time");
    }

    /** Connects {@code account} through the emulator's consent page and waits for the first sync. */
    private static UUID connect(String user, String account) {
        return new Connect(app.api()).connectMicrosoft(Caller.service(user), account);
    }

    private static List<JsonNode> events(String user) {
        return app.api().events(Caller.service(user), TOMORROW.minus(Duration.ofDays(1)), TOMORROW.plus(Duration.ofDays(30)));
    }

    private static List<String> titles(String user) {
        return events(user).stream().map(e -> e.path("title").asText()).toList();
    }

    private static String local(Instant instant) {
        return MicrosoftEmulators.utcLocal(instant);
    }
}
