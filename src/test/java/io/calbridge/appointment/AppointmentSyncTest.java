package io.calbridge.appointment;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.emulator.google.EventSnapshot;
import io.calbridge.emulator.google.Fault;
import io.calbridge.emulator.google.GoogleCalendarEmulator;
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
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Appointments pushed through the queue into Google (the emulator), seen through calbridge's API. */
class AppointmentSyncTest extends ApiTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private final GoogleCalendarEmulator google = GoogleEmulators.shared();
    private final Connect connect = new Connect(api);
    private final Instant tomorrowNine = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1)).plus(Duration.ofHours(8));
    private String user;
    private String email;
    private UUID connection;

    @BeforeEach
    void connectedGoogleAccount() {
        user = uniqueUser();
        email = "p" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        google.createAccount(email, BERLIN);
        connection = connectGoogle(user, email);
    }

    @AfterEach
    void noFaultsLeft() {
        google.clearFaults();
    }

    @Test
    void theSameBodyTwiceIsOneChangeAndOneEvent() {
        Map<String, Object> body = appointment("Check-up", tomorrowNine, 30);
        int insertsBefore = google.callCount("events.insert");

        Response first = put("a-1", body);
        Response second = put("a-1", body);

        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(second.json().path("version").asLong()).isEqualTo(1);
        JsonNode destination = awaitState("a-1", "SYNCED");
        assertThat(destination.path("externalId").asText()).isNotBlank();
        assertThat(destination.path("provider").asText()).isEqualTo("google");
        assertThat(live()).singleElement().satisfies(e -> assertThat(e.summary()).isEqualTo("Check-up"));
        assertThat(google.callCount("events.insert") - insertsBefore).isEqualTo(1);

        // synced back inbound, the pushed event is linked to its appointment: counted once, not twice
        api.post("/api/v1/connections/" + connection + "/sync", Caller.service(user), null);
        Await.until("the pushed event comes back linked to its appointment", PATIENCE, () -> api.get("/api/v1/events?from="
                + tomorrowNine.minusSeconds(60) + "&to=" + tomorrowNine.plusSeconds(3600), Caller.service(user)).json().valueStream()
                .anyMatch(e -> "a-1".equals(e.path("appointmentId").asText(null))));
    }

    @Test
    void rescheduleAndCancelFollowTheAppointment() {
        put("a-2", appointment("Therapy", tomorrowNine, 50));
        awaitState("a-2", "SYNCED");

        Response moved = put("a-2", appointment("Therapy (moved)", tomorrowNine.plus(Duration.ofHours(2)), 50));
        assertThat(moved.json().path("version").asLong()).isEqualTo(2);
        Await.until("the reschedule reaches Google", PATIENCE,
                () -> live().stream().anyMatch(e -> e.summary().equals("Therapy (moved)")));
        assertThat(live()).singleElement().satisfies(e ->
                assertThat(OffsetDateTime.parse(e.start()).toInstant()).isEqualTo(tomorrowNine.plus(Duration.ofHours(2))));

        Response cancelled = api.delete("/api/v1/appointments/a-2", Caller.service(user));
        assertThat(cancelled.json().path("status").asText()).isEqualTo("CANCELLED");
        Await.until("the cancellation removes the event", PATIENCE, () -> live().isEmpty());
        awaitState("a-2", "SYNCED");
    }

    @Test
    void withoutClientDetailsNothingOfTheClientLeavesCalbridge() {
        google.clearReceivedRequests();
        Map<String, Object> body = appointment("Consultation", tomorrowNine, 30);
        body.put("attendees", List.of(Map.of("name", "Grace Hopper-Private", "email", "grace.private@example.org")));
        api.patch("/api/v1/connections/" + connection, Caller.service(user),
                Map.of("eventTitleTemplate", "{{title}} with {{clientName}}", "eventDescriptionTemplate", "Contact: {{clientEmail}}"));

        put("a-3", body);
        awaitState("a-3", "SYNCED");

        assertThat(live()).singleElement().satisfies(e -> assertThat(e.summary()).isEqualTo("Consultation with"));
        assertThat(google.receivedRequests()).isNotEmpty()
                .noneMatch(request -> request.contains("Grace") || request.contains("grace.private") || request.contains("Hopper"));
    }

    @Test
    void withClientDetailsTemplatesAttendeesAndAMeetLinkArrive() {
        api.patch("/api/v1/connections/" + connection, Caller.service(user),
                Map.of("includeClientDetails", true, "eventTitleTemplate", "{{title}} with {{clientName}}"));
        Map<String, Object> body = appointment("Coaching", tomorrowNine, 45);
        body.put("attendees", List.of(Map.of("name", "Ada", "email", "ada@example.org")));
        body.put("conference", "AUTO");

        put("a-4", body);
        JsonNode destination = awaitState("a-4", "SYNCED");

        assertThat(destination.path("meetingUrl").asText()).startsWith("https://meet.google.com/");
        assertThat(live()).singleElement().satisfies(e -> {
            assertThat(e.summary()).isEqualTo("Coaching with Ada");
            assertThat(e.json()).contains("ada@example.org");
        });
    }

    @Test
    void autoCreateOffLeavesTheCalendarAlone() {
        api.patch("/api/v1/connections/" + connection, Caller.service(user), Map.of("autoCreateEvents", false));

        Response response = put("a-5", appointment("Not pushed", tomorrowNine, 30));

        assertThat(response.json().path("destinations").get(0).path("state").asText()).isEqualTo("SKIPPED");
        assertThat(response.json().path("destinations").get(0).path("lastError").asText()).contains("autoCreateEvents");
        assertThat(live()).isEmpty();
    }

    @Test
    void withTwentyPercentOfProviderCallsFailingEveryJobEndsSynced() {
        google.failRandomly("events.insert", 10, Fault.backendError());
        google.failRandomly("events.update", 10, Fault.backendError());
        google.failRandomly("events.get", 5, Fault.tooManyRequests(Duration.ofSeconds(1)));
        google.failRandomly("events.insert", 5, Fault.tooManyRequests(Duration.ofSeconds(1)));
        google.failRandomly("events.update", 5, Fault.unavailable());

        List<String> ids = IntStream.range(0, 40).mapToObj(i -> "storm-" + i).toList();
        for (int i = 0; i < ids.size(); i++) {
            put(ids.get(i), appointment("Storm " + i, tomorrowNine.plus(Duration.ofHours(i)), 30));
        }
        for (int i = 0; i < 10; i++) {
            put(ids.get(i), appointment("Storm " + i + " moved", tomorrowNine.plus(Duration.ofHours(i)).plusSeconds(900), 30));
        }

        for (String id : ids) {
            awaitState(id, "SYNCED");
        }
        assertThat(live()).hasSize(40);
        assertThat(live()).filteredOn(e -> e.summary().endsWith("moved")).hasSize(10);
    }

    @Test
    void revokedTokenParksTheJobsUntilTheUserReconnects() {
        put("a-6", appointment("Before revocation", tomorrowNine, 30));
        awaitState("a-6", "SYNCED");
        jdbc.sql("UPDATE connections SET token_expires_at = now() WHERE id = ?").param(connection).update();
        google.revokeAccount(email);

        put("a-7", appointment("While revoked", tomorrowNine.plus(Duration.ofHours(3)), 30));

        Await.until("the job parks", PATIENCE, () -> "PARKED".equals(jdbc.sql(
                "SELECT status FROM sync_jobs WHERE connection_id = ? AND appointment_id = 'a-7'").param(connection).query(String.class).single()));
        assertThat(api.get("/api/v1/connections/" + connection, Caller.service(user)).json().path("status").asText()).isEqualTo("NEEDS_REAUTH");
        assertThat(jdbc.sql("SELECT attempts FROM sync_jobs WHERE connection_id = ? AND appointment_id = 'a-7'").param(connection)
                .query(Integer.class).single()).isZero();
        put("a-8", appointment("Also while revoked", tomorrowNine.plus(Duration.ofHours(5)), 30));
        assertThat(get("a-8").path("destinations").get(0).path("state").asText()).isEqualTo("PENDING");

        assertThat(connectGoogle(user, email)).isEqualTo(connection);

        awaitState("a-7", "SYNCED");
        awaitState("a-8", "SYNCED");
        assertThat(live()).extracting(EventSnapshot::summary).containsExactlyInAnyOrder("Before revocation", "While revoked", "Also while revoked");
    }

    @Test
    void changesMadeInTheCalendarShowOnTheAppointment() {
        put("a-9", appointment("Moved by the user", tomorrowNine, 30));
        put("a-10", appointment("Deleted by the user", tomorrowNine.plus(Duration.ofHours(2)), 30));
        String moved = awaitState("a-9", "SYNCED").path("externalId").asText();
        String deleted = awaitState("a-10", "SYNCED").path("externalId").asText();

        google.moveEvent(email, moved, tomorrowNine.plus(Duration.ofHours(1)), tomorrowNine.plus(Duration.ofMinutes(90)));
        google.deleteEvent(email, deleted);

        Await.until("the moved event shows", PATIENCE, () -> "MOVED".equals(remoteChange("a-9")));
        Await.until("the deleted event shows", PATIENCE, () -> "DELETED".equals(remoteChange("a-10")));
        assertThat(OffsetDateTime.parse(get("a-9").path("start").asText()).toInstant()).as("the appointment stays the app's")
                .isEqualTo(tomorrowNine);

        google.changeEvent(email, moved, "{\"summary\":\"Renamed by the user\"}");
        Await.until("the rename is pulled", PATIENCE, () -> jdbc.sql("SELECT title FROM events WHERE external_id = ?").param(moved)
                .query(String.class).list().contains("Renamed by the user"));
        assertThat(remoteChange("a-9")).as("still moved after another change to the event").isEqualTo("MOVED");

        google.moveEvent(email, moved, tomorrowNine, tomorrowNine.plus(Duration.ofMinutes(30)));

        Await.until("the event moved back shows no change", PATIENCE, () -> remoteChange("a-9") == null);
        assertThat(remoteChange("a-10")).isEqualTo("DELETED");
    }

    @Test
    void aPermanentFailureIsDeadListedForAdminsAndCanBeRetried() {
        google.failNext("events.insert", 1, new Fault(400, "invalid", null, Duration.ZERO));

        put("a-11", appointment("Refused once", tomorrowNine, 30));

        JsonNode failed = awaitState("a-11", "FAILED");
        assertThat(failed.path("lastError").asText()).contains("Permanent");
        Response dead = api.get("/api/v1/admin/sync-jobs?status=DEAD", Caller.serviceWithoutUser());
        String jobId = failed.path("jobId").asText();
        assertThat(dead.json().valueStream().map(j -> j.path("id").asText())).contains(jobId);
        assertThat(api.get("/api/v1/admin/sync-jobs", Caller.user(user)).status()).isEqualTo(403);

        Response retry = api.post("/api/v1/admin/sync-jobs/" + jobId + "/retry", Caller.serviceWithoutUser(), null);

        assertThat(retry.status()).isEqualTo(202);
        awaitState("a-11", "SYNCED");
        assertThat(api.get("/api/v1/sync-jobs/" + jobId, Caller.service(user)).json().path("status").asText()).isEqualTo("DONE");
        assertThat(api.get("/api/v1/sync-jobs/" + jobId, Caller.service(uniqueUser())).status()).isEqualTo(404);
    }

    @Test
    void manualSyncJumpsTheQueueAndEveryRunIsLogged() {
        put("a-12", appointment("Logged", tomorrowNine, 30));
        awaitState("a-12", "SYNCED");

        Response sync = api.post("/api/v1/connections/" + connection + "/sync", Caller.service(user), Map.of("full", true));

        assertThat(sync.status()).isEqualTo(202);
        String jobId = sync.json().path("jobId").asText();
        Await.until("the manual sync is done", PATIENCE, () -> "DONE".equals(
                api.get("/api/v1/sync-jobs/" + jobId, Caller.service(user)).json().path("status").asText()));
        JsonNode logs = api.get("/api/v1/sync-logs?connectionId=" + connection, Caller.service(user)).json();
        assertThat(logs.valueStream().map(l -> l.path("direction").asText())).contains("PUSH", "PULL");
        assertThat(logs.valueStream().filter(l -> l.path("direction").asText().equals("PUSH")).findFirst().orElseThrow()
                .path("created").asInt()).isEqualTo(1);
        assertThat(api.get("/api/v1/sync-logs", Caller.service(uniqueUser())).json().size()).isZero();
        assertThat(api.get("/actuator/prometheus", Caller.serviceWithoutUser()).body())
                .contains("calbridge_sync_queue_depth", "calbridge_sync_jobs_total", "calbridge_sync_queue_oldest_pending_seconds",
                        "calbridge_provider_calls_total{method=\"createEvent\",outcome=\"ok\",provider=\"google\"}");
    }

    @Test
    void withoutTimeZoneTheStartsOffsetIsTheZoneAndGoogleGetsThatOffsetWithoutAZoneName() {
        OffsetDateTime start = tomorrowNine.atOffset(ZoneOffset.ofHoursMinutes(5, 30));
        String title = "Offset call " + UUID.randomUUID();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", title);
        body.put("start", start.toString());
        body.put("end", start.plusMinutes(45).toString());

        Response accepted = put("tz-offset", body);

        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
        assertThat(accepted.json().path("timeZone").asText()).isEqualTo("+05:30");
        assertThat(accepted.json().path("start").asText()).isEqualTo(start.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        awaitState("tz-offset", "SYNCED");
        assertThat(get("tz-offset").path("timeZone").asText()).isEqualTo("+05:30");
        assertThat(get("tz-offset").path("end").asText()).endsWith("+05:30");
        // what calbridge sent: the offset in dateTime, no timeZone (Google refuses "+05:30" as one, and so does the emulator)
        JsonNode sent = sentInsert(title);
        assertThat(OffsetDateTime.parse(sent.path("start").path("dateTime").asText())).isEqualTo(start);
        assertThat(sent.path("start").has("timeZone")).isFalse();
        assertThat(sent.path("end").has("timeZone")).isFalse();
        EventSnapshot stored = live().stream().filter(e -> e.summary().equals(title)).findFirst().orElseThrow();
        JsonNode storedJson = io.calbridge.testing.Api.JSON.readTree(stored.json());
        assertThat(OffsetDateTime.parse(storedJson.path("start").path("dateTime").asText()).toInstant()).isEqualTo(tomorrowNine);
        assertThat(storedJson.path("start").has("timeZone")).isFalse();
    }

    @Test
    void withoutTimeZoneAStartInUtcIsShownAndSentAsUtc() {
        String title = "UTC call " + UUID.randomUUID();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", title);
        body.put("start", tomorrowNine.toString());
        body.put("end", tomorrowNine.plus(Duration.ofMinutes(30)).atOffset(ZoneOffset.UTC).toString().replace("Z", "+00:00"));

        Response accepted = put("tz-utc", body);

        assertThat(accepted.json().path("timeZone").asText()).as(accepted.toString()).isEqualTo("UTC");
        awaitState("tz-utc", "SYNCED");
        assertThat(get("tz-utc").path("timeZone").asText()).isEqualTo("UTC");
        JsonNode sent = sentInsert(title);
        assertThat(sent.path("start").path("timeZone").asText()).isEqualTo("UTC");
        assertThat(OffsetDateTime.parse(sent.path("start").path("dateTime").asText()).toInstant()).isEqualTo(tomorrowNine);
    }

    @Test
    void badAppointmentsAreRefusedAndChangeNothing() {
        Map<String, Object> endBeforeStart = appointment("Backwards", tomorrowNine, 30);
        endBeforeStart.put("end", tomorrowNine.minusSeconds(60).toString());
        Map<String, Object> badZone = appointment("Nowhere", tomorrowNine, 30);
        badZone.put("timeZone", "Mars/Olympus");
        Map<String, Object> noTitle = appointment("", tomorrowNine, 30);
        Map<String, Object> badEmail = appointment("Who", tomorrowNine, 30);
        badEmail.put("attendees", List.of(Map.of("name", "X", "email", "not-an-email")));
        Map<String, Object> badConference = appointment("Meet", tomorrowNine, 30);
        badConference.put("conference", "ZOOM");

        assertThat(put("b-1", endBeforeStart).json().path("code").asText()).isEqualTo("invalid_range");
        assertThat(put("b-2", badZone).json().path("code").asText()).isEqualTo("invalid_time_zone");
        assertThat(put("b-3", noTitle).json().path("code").asText()).isEqualTo("validation_failed");
        assertThat(put("b-4", badEmail).status()).isEqualTo(400);
        assertThat(put("b-5", badConference).status()).isEqualTo(400);
        assertThat(put("bad id with spaces", appointment("x", tomorrowNine, 30)).status()).isIn(400, 404);
        assertThat(api.get("/api/v1/appointments/b-1", Caller.service(user)).status()).isEqualTo(404);
        assertThat(api.delete("/api/v1/appointments/never", Caller.service(user)).status()).isEqualTo(404);
        assertThat(jdbc.sql("SELECT count(*) FROM sync_jobs WHERE user_id = ? AND kind = 'PUSH'").param(user)
                .query(Integer.class).single()).isZero();
    }

    private Map<String, Object> appointment(String title, Instant start, int minutes) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", title);
        body.put("start", start.toString());
        body.put("end", start.plus(Duration.ofMinutes(minutes)).toString());
        body.put("timeZone", "Europe/Berlin");
        return body;
    }

    private Response put(String id, Map<String, Object> body) {
        return api.send("PUT", "/api/v1/appointments/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20"),
                Caller.service(user), io.calbridge.testing.Api.JSON.writeValueAsString(body), "application/json");
    }

    private JsonNode get(String id) {
        return api.get("/api/v1/appointments/" + id, Caller.service(user)).json();
    }

    private JsonNode destination(String id) {
        return get(id).path("destinations").get(0);
    }

    /** The destination's remoteChange: MOVED, DELETED, or null. */
    private String remoteChange(String id) {
        JsonNode change = destination(id).path("remoteChange");
        return change.isNull() || change.isMissingNode() ? null : change.asText();
    }

    private JsonNode awaitState(String id, String state) {
        Await.until(id + " reaches " + state, PATIENCE, () -> state.equals(destination(id).path("state").asText()));
        return destination(id);
    }

    /** The body of the events.insert the emulator received for the event with this title. */
    private JsonNode sentInsert(String title) {
        return google.receivedRequests().stream()
                .filter(r -> r.startsWith("POST ") && r.contains("/events") && r.contains(title))
                .map(r -> io.calbridge.testing.Api.JSON.readTree(r.substring(r.indexOf('\n') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no events.insert of " + title));
    }

    /** The events in the account's primary calendar that are not cancelled. */
    private List<EventSnapshot> live() {
        return new ArrayList<>(google.events(email).stream().filter(e -> !e.cancelled()).toList());
    }

    private UUID connectGoogle(String userId, String account) {
        String authorizationUrl = connect.authorize("google", Caller.service(userId), null)
                + "&login_hint=" + URLEncoder.encode(account, StandardCharsets.UTF_8);
        Response consent = api.get(authorizationUrl, Caller.anonymous());
        Response done = api.get(consent.header("Location"), Caller.anonymous());
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        return UUID.fromString(done.json().path("connectionId").asText());
    }
}
