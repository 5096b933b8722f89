package io.calbridge.appointment;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.emulator.google.EventSnapshot;
import io.calbridge.emulator.google.GoogleCalendarEmulator;
import io.calbridge.testing.Api;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.ApiTest;
import io.calbridge.testing.Await;
import io.calbridge.testing.Connect;
import io.calbridge.testing.GoogleEmulators;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The user's existing appointments into a newly connected Google calendar (the emulator): by a backfill call, by the
 * setting at connect, and by the setting turned on; seen through calbridge's API and the emulator's calendars.
 */
class BackfillTest extends ApiTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private final GoogleCalendarEmulator google = GoogleEmulators.shared();
    private final Connect connect = new Connect(api);
    private final Instant tomorrowNine = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1)).plus(Duration.ofHours(8));
    private String user;
    private String emailA;
    private UUID connectionA;

    /** Account A connected, with 4 appointments: 2 confirmed in the future, 1 past, 1 cancelled (never reached a calendar). */
    @BeforeEach
    void userWithAppointmentsInAccountA() {
        user = uniqueUser();
        emailA = newAccount();
        connectionA = connectGoogle(emailA, null);
        put("future-1", appointment("Future one", tomorrowNine, "CONFIRMED"));
        put("future-2", appointment("Future two", tomorrowNine.plus(Duration.ofDays(2)), "CONFIRMED"));
        put("past-1", appointment("Past one", tomorrowNine.minus(Duration.ofDays(3)), "CONFIRMED"));
        put("cancelled-1", appointment("Cancelled one", tomorrowNine.plus(Duration.ofDays(1)), "CANCELLED"));
        Await.until("the live appointments reach account A", PATIENCE, () -> live(emailA).size() == 3);
        Await.until("no push of A is left", PATIENCE, () -> pushesNotDone(connectionA) == 0);
    }

    @Test
    void aBackfillBringsTheConfirmedFutureAppointmentsOnceAndASecondQueuesNothing() {
        String emailB = newAccount();
        UUID connectionB = connectGoogle(emailB, null);
        assertThat(live(emailB)).as("nothing arrives in B without a backfill").isEmpty();
        assertThat(api.get(backfillPath(connectionB), Caller.service(user)).json().path("code").asText()).isEqualTo("no_backfill");
        int insertsBefore = google.callCount("events.insert");

        Response first = api.post(backfillPath(connectionB), Caller.service(user), Map.of());

        assertThat(first.status()).as(first.toString()).isEqualTo(202);
        assertThat(first.json().path("queued").asInt()).isEqualTo(2);
        assertThat(first.json().path("alreadySynced").asInt()).isZero();
        JsonNode progress = api.get(backfillPath(connectionB), Caller.service(user)).json();
        assertThat(progress.path("total").asInt()).as(progress.toString()).isEqualTo(2);
        assertThat(progress.path("requestedAt").asText()).isNotBlank();
        Await.until("both reach B", PATIENCE, () -> api.get(backfillPath(connectionB), Caller.service(user)).json()
                .path("synced").asInt() == 2);
        assertThat(live(emailB)).extracting(EventSnapshot::summary).containsExactlyInAnyOrder("Future one", "Future two");
        assertThat(google.callCount("events.insert") - insertsBefore).isEqualTo(2);
        JsonNode done = api.get(backfillPath(connectionB), Caller.service(user)).json();
        assertThat(done.path("pending").asInt()).isZero();
        assertThat(done.path("failed").asInt()).isZero();

        Response second = api.post(backfillPath(connectionB), Caller.service(user), null);

        assertThat(second.status()).as(second.toString()).isEqualTo(202);
        assertThat(second.json().path("queued").asInt()).isZero();
        assertThat(second.json().path("alreadySynced").asInt()).isEqualTo(2);
        assertThat(pushesNotDone(connectionB)).isZero();
        assertThat(google.callCount("events.insert") - insertsBefore).isEqualTo(2);
        assertThat(live(emailB)).hasSize(2);
        assertThat(live(emailA)).as("A keeps what it had").hasSize(3);
    }

    @Test
    void fromInThePastCoversThePastAppointmentToo() {
        String emailB = newAccount();
        UUID connectionB = connectGoogle(emailB, null);

        Response response = api.post(backfillPath(connectionB), Caller.service(user),
                Map.of("from", tomorrowNine.minus(Duration.ofDays(10)).toString()));

        assertThat(response.status()).as(response.toString()).isEqualTo(202);
        assertThat(response.json().path("queued").asInt()).isEqualTo(3);
        Await.until("all three reach B", PATIENCE, () -> live(emailB).size() == 3);
    }

    @Test
    void destinationsTheSettingsLeaveOutAreSkippedAsAPutWouldSkipThem() {
        String emailB = newAccount();
        UUID connectionB = connectGoogle(emailB, null);
        api.patch("/api/v1/connections/" + connectionB, Caller.service(user), Map.of("autoCreateEvents", false));

        Response response = api.post(backfillPath(connectionB), Caller.service(user), Map.of());

        assertThat(response.status()).as(response.toString()).isEqualTo(202);
        assertThat(response.json().path("queued").asInt()).isZero();
        assertThat(response.json().path("skipped").asInt()).isEqualTo(2);
        JsonNode progress = api.get(backfillPath(connectionB), Caller.service(user)).json();
        assertThat(progress.path("total").asInt()).isEqualTo(2);
        assertThat(progress.path("skipped").asInt()).isEqualTo(2);
        assertThat(pushes(connectionB)).isZero();
        JsonNode destinations = api.get("/api/v1/appointments/future-1", Caller.service(user)).json().path("destinations");
        assertThat(destinations.valueStream().filter(d -> d.path("connectionId").asText().equals(connectionB.toString())))
                .singleElement().satisfies(d -> assertThat(d.path("state").asText()).isEqualTo("SKIPPED"));
    }

    @Test
    void badRequestsAreProblemsAndQueueNothing() {
        String emailB = newAccount();
        UUID connectionB = connectGoogle(emailB, null);
        int before = pushes(connectionB);

        assertProblem(api.post(backfillPath(connectionB), Caller.service(user), Map.of("from", "tomorrow")), 400, "malformed_body");
        assertProblem(api.post(backfillPath(connectionB), Caller.service(user), Map.of("from", "2100-01-01T00:00:00Z")), 400,
                "invalid_range");
        assertProblem(api.post(backfillPath(connectionB), Caller.service(uniqueUser()), Map.of()), 404, "not_found");
        assertProblem(api.get(backfillPath(connectionB), Caller.service(uniqueUser())), 404, "not_found");
        assertProblem(api.post(backfillPath(UUID.randomUUID()), Caller.service(user), Map.of()), 404, "not_found");
        assertProblem(api.post("/api/v1/connections/not-a-uuid/backfill", Caller.service(user), Map.of()), 404, "not_found");
        api.patch("/api/v1/connections/" + connectionB, Caller.service(user), Map.of("syncEnabled", false));
        assertProblem(api.post(backfillPath(connectionB), Caller.service(user), Map.of()), 409, "sync_off");

        assertThat(pushes(connectionB)).isEqualTo(before);
        assertProblem(api.get(backfillPath(connectionB), Caller.service(user)), 404, "no_backfill");
        assertThat(live(emailB)).isEmpty();
    }

    @Test
    void aProviderThatTakesNoEventsHasNothingToBackfill() {
        // the mock OIDC provider, like Calendly, reads but does not write events
        UUID readOnly = connect.connectMock(user, "acct-" + UUID.randomUUID(), newAccount());

        assertProblem(api.post(backfillPath(readOnly), Caller.service(user), Map.of()), 409, "read_only_provider");
        assertThat(pushes(readOnly)).isZero();
    }

    @Test
    void connectingWithTheSettingOnBringsTheBacklogWithoutACall() {
        String emailB = newAccount();

        UUID connectionB = connectGoogle(emailB, true);

        JsonNode connection = api.get("/api/v1/connections/" + connectionB, Caller.service(user)).json();
        assertThat(connection.path("settings").path("syncExistingAppointments").asBoolean()).isTrue();
        Await.until("the backlog reaches B", PATIENCE, () -> live(emailB).size() == 2);
        assertThat(live(emailB)).extracting(EventSnapshot::summary).containsExactlyInAnyOrder("Future one", "Future two");
        JsonNode progress = api.get(backfillPath(connectionB), Caller.service(user)).json();
        assertThat(progress.path("total").asInt()).as(progress.toString()).isEqualTo(2);
        assertThat(api.get("/api/v1/connections/" + connectionA, Caller.service(user)).json().path("settings")
                .path("syncExistingAppointments").asBoolean()).as("off unless asked").isFalse();

        // a reconnect that does not name the setting keeps it; one that does changes it
        assertThat(connectGoogle(emailB, null)).isEqualTo(connectionB);
        assertThat(setting(connectionB)).isTrue();
        assertThat(connectGoogle(emailB, false)).isEqualTo(connectionB);
        assertThat(setting(connectionB)).isFalse();
        assertThat(live(emailB)).hasSize(2);
    }

    @Test
    void turningTheSettingOnBringsTheBacklog() {
        String emailB = newAccount();
        UUID connectionB = connectGoogle(emailB, null);
        assertThat(setting(connectionB)).isFalse();

        Response patched = api.patch("/api/v1/connections/" + connectionB, Caller.service(user), Map.of("syncExistingAppointments", true));

        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertThat(patched.json().path("settings").path("syncExistingAppointments").asBoolean()).isTrue();
        Await.until("the backlog reaches B", PATIENCE, () -> live(emailB).size() == 2);
        assertThat(api.get(backfillPath(connectionB), Caller.service(user)).json().path("total").asInt()).isEqualTo(2);
    }

    @Test
    void storedSettingsWithoutTheFieldReadAsOff() {
        jdbc.sql("UPDATE connections SET settings = settings - 'syncExistingAppointments' WHERE id = ?").param(connectionA).update();

        assertThat(setting(connectionA)).isFalse();
        Response patched = api.patch("/api/v1/connections/" + connectionA, Caller.service(user), Map.of("autoUpdateEvents", true));
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertThat(patched.json().path("settings").path("syncExistingAppointments").asBoolean()).isFalse();
    }

    private boolean setting(UUID connection) {
        Response response = api.get("/api/v1/connections/" + connection, Caller.service(user));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JsonNode value = response.json().path("settings").path("syncExistingAppointments");
        assertThat(value.isBoolean()).as(response.toString()).isTrue();
        return value.asBoolean();
    }

    private static void assertProblem(Response response, int status, String code) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.contentType()).as(response.toString()).startsWith("application/problem+json");
        assertThat(response.json().path("code").asText()).as(response.toString()).isEqualTo(code);
    }

    private String newAccount() {
        String email = "b" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        google.createAccount(email, BERLIN);
        return email;
    }

    private static String backfillPath(UUID connection) {
        return "/api/v1/connections/" + connection + "/backfill";
    }

    private int pushes(UUID connection) {
        return jdbc.sql("SELECT count(*) FROM sync_jobs WHERE connection_id = ? AND kind = 'PUSH'").param(connection)
                .query(Integer.class).single();
    }

    private int pushesNotDone(UUID connection) {
        return jdbc.sql("SELECT count(*) FROM sync_jobs WHERE connection_id = ? AND kind = 'PUSH' AND status <> 'DONE'")
                .param(connection).query(Integer.class).single();
    }

    private Map<String, Object> appointment(String title, Instant start, String status) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", title);
        body.put("start", start.toString());
        body.put("end", start.plus(Duration.ofMinutes(30)).toString());
        body.put("timeZone", "Europe/Berlin");
        body.put("status", status);
        return body;
    }

    private void put(String id, Map<String, Object> body) {
        Response response = api.send("PUT", "/api/v1/appointments/" + id, Caller.service(user), Api.JSON.writeValueAsString(body),
                "application/json");
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
    }

    /** The events in the account's primary calendar that are not cancelled. */
    private List<EventSnapshot> live(String email) {
        return google.events(email).stream().filter(e -> !e.cancelled()).toList();
    }

    /** Connects the Google account, the authorize request naming {@code syncExisting} unless it is null. */
    private UUID connectGoogle(String account, Boolean syncExisting) {
        Response authorize = api.post("/api/v1/connections/google/authorize", Caller.service(user),
                syncExisting == null ? null : Map.of("syncExistingAppointments", syncExisting));
        assertThat(authorize.status()).as(authorize.toString()).isEqualTo(200);
        String authorizationUrl = authorize.json().path("authorizationUrl").asText()
                + "&login_hint=" + URLEncoder.encode(account, StandardCharsets.UTF_8);
        Response consent = api.get(authorizationUrl, Caller.anonymous());
        Response done = api.get(consent.header("Location"), Caller.anonymous());
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        return UUID.fromString(done.json().path("connectionId").asText());
    }
}
