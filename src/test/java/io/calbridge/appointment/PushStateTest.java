package io.calbridge.appointment;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.emulator.google.Fault;
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
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * What an appointment's destinations, its jobs and its connection show must be true, with Google's real one-hour
 * access tokens (the emulator's default; no test here shortens them or backdates their expiry).
 */
class PushStateTest extends ApiTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final GoogleCalendarEmulator google = GoogleEmulators.shared();
    private final Connect connect = new Connect(api);
    private final Instant tomorrowNine = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1)).plus(Duration.ofHours(8));
    private String user;
    private String email;
    private UUID connection;

    @BeforeEach
    void connectedGoogleAccountWithHourLongTokens() {
        google.setAccessTokenLifetime(Duration.ofHours(1));
        user = uniqueUser();
        email = "s" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        google.createAccount(email, ZoneId.of("Europe/Berlin"));
        connection = connect.connectGoogle(Caller.service(user), email);
        assertThat(jdbc.sql("SELECT token_expires_at FROM connections WHERE id = ?").param(connection).query(java.sql.Timestamp.class)
                .single().toInstant()).as("an hour-long token").isAfter(Instant.now().plus(Duration.ofMinutes(50)));
    }

    @AfterEach
    void noFaultsLeft() {
        google.clearFaults();
    }

    @Test
    void revokingAccessWhileTheHourLongTokenLivesParksTheNextPushAtOnceWithNoAttemptSpent() {
        put("r-1", appointment("Before revocation", tomorrowNine));
        awaitState("r-1", "SYNCED");
        int refreshesBefore = google.callCount("token.refresh");

        google.revokeAccount(email);
        put("r-2", appointment("After revocation", tomorrowNine.plus(Duration.ofHours(2))));

        // with the 401 taken for a passing fault this took ten attempts and ~9 minutes, and ended DEAD
        Await.until("the push parks", Duration.ofSeconds(15), () -> "PARKED".equals(jobStatus("r-2")));
        assertThat(jdbc.sql("SELECT attempts FROM sync_jobs WHERE connection_id = ? AND appointment_id = 'r-2'").param(connection)
                .query(Integer.class).single()).isZero();
        assertThat(connectionView().path("status").asText()).isEqualTo("NEEDS_REAUTH");
        assertThat(google.callCount("token.refresh") - refreshesBefore).as("the 401 refreshed at once").isGreaterThanOrEqualTo(1);
        assertThat(destination("r-2").path("state").asText()).isEqualTo("PENDING");
    }

    @Test
    void aFreshTokenRefusedAgainShowsOnTheConnectionAndTheJobBacksOffUntilGoogleAcceptsIt() {
        google.failRandomly("events.insert", 100, Fault.invalidCredentials());
        int refreshesBefore = google.callCount("token.refresh");
        int insertsBefore = google.callCount("events.insert");

        put("f-1", appointment("Refused", tomorrowNine));

        Await.until("the connection shows the refusal", PATIENCE, () -> "AUTH_FAILED".equals(connectionView().path("lastSyncOutcome").asText()));
        JsonNode view = connectionView();
        assertThat(view.path("status").asText()).as("a refresh works: nothing to reconnect").isEqualTo("ACTIVE");
        assertThat(view.path("lastSyncError").asText()).contains("freshly refreshed access token", "401");
        Await.until("the job waits to retry", PATIENCE, () -> "FAILED".equals(jobStatus("f-1")));
        assertThat(jdbc.sql("SELECT error_reason FROM sync_jobs WHERE connection_id = ? AND appointment_id = 'f-1'").param(connection)
                .query(String.class).single()).isEqualTo("auth_failed");
        Await.pause(3000);
        int inserts = google.callCount("events.insert") - insertsBefore;
        int refreshes = google.callCount("token.refresh") - refreshesBefore;
        // backoff from 0.2 s doubling (test settings): a handful of attempts in 3 s, not a loop; each attempt is one
        // call, one refresh, one call again (an attempt may be half-way at this moment)
        assertThat(inserts).isBetween(4, 20);
        assertThat(refreshes).isBetween(inserts / 2, (inserts + 1) / 2);

        google.clearFaults();

        JsonNode synced = awaitState("f-1", "SYNCED");
        String jobId = synced.path("jobId").asText();
        JsonNode job = api.get("/api/v1/sync-jobs/" + jobId, Caller.service(user)).json();
        assertThat(job.path("status").asText()).isEqualTo("DONE");
        int runs = jdbc.sql("SELECT count(*) FROM sync_logs WHERE job_id = ?::uuid").param(jobId).query(Integer.class).single();
        assertThat(job.path("attempts").asInt()).as("the refused runs and the one that worked").isEqualTo(runs).isGreaterThanOrEqualTo(3);
        assertThat(jdbc.sql("SELECT provider_calls FROM sync_logs WHERE job_id = ?::uuid AND outcome = 'RETRY'").param(jobId)
                .query(Integer.class).list()).as("a refused run logs both its calls").isNotEmpty().containsOnly(2);
    }

    @Test
    void aFinishedJobShowsTheAttemptsItTook() {
        put("n-1", appointment("First try", tomorrowNine));
        JsonNode first = job(awaitState("n-1", "SYNCED"));
        google.failNext("events.insert", 1, Fault.backendError());
        put("n-2", appointment("Second try", tomorrowNine.plus(Duration.ofHours(1))));

        JsonNode second = job(awaitState("n-2", "SYNCED"));

        assertThat(first.path("status").asText()).isEqualTo("DONE");
        assertThat(first.path("attempts").asInt()).isEqualTo(1);
        assertThat(second.path("status").asText()).isEqualTo("DONE");
        assertThat(second.path("attempts").asInt()).isEqualTo(2);
    }

    @Test
    void aFullResyncShowsAPushedEventDeletedInTheCalendar() {
        put("d-1", appointment("Deleted by the user", tomorrowNine));
        put("d-2", appointment("Kept", tomorrowNine.plus(Duration.ofHours(2))));
        put("d-3", appointment("Cancelled by the app", tomorrowNine.plus(Duration.ofHours(4))));
        String deleted = awaitState("d-1", "SYNCED").path("externalId").asText();
        awaitState("d-2", "SYNCED");
        awaitState("d-3", "SYNCED");
        assertThat(api.delete("/api/v1/appointments/d-3", Caller.service(user)).status()).isEqualTo(200);
        awaitState("d-3", "SYNCED");
        Await.until("the pushed events are stored", PATIENCE, () -> storedEvents(deleted) == 1);
        // every sync from here on is a full one: an incremental one would show the deletion by itself
        google.expireSyncTokens(email);

        google.deleteEvent(email, deleted);
        Response sync = api.post("/api/v1/connections/" + connection + "/sync", Caller.service(user), Map.of("full", true));

        assertThat(sync.status()).isEqualTo(202);
        Await.until("the deletion shows", PATIENCE, () -> "DELETED".equals(remoteChange("d-1")));
        Await.until("the full sync is done", PATIENCE, () -> "DONE".equals(
                api.get("/api/v1/sync-jobs/" + sync.json().path("jobId").asText(), Caller.service(user)).json().path("status").asText()));
        assertThat(storedEvents(deleted)).isZero();
        assertThat(remoteChange("d-2")).isNull();
        assertThat(remoteChange("d-3")).isNull();
        assertThat(destination("d-1").path("state").asText()).isEqualTo("SYNCED");
    }

    private JsonNode job(JsonNode destination) {
        Response job = api.get("/api/v1/sync-jobs/" + destination.path("jobId").asText(), Caller.service(user));
        assertThat(job.status()).as(job.toString()).isEqualTo(200);
        return job.json();
    }

    private int storedEvents(String externalId) {
        return jdbc.sql("SELECT count(*) FROM events WHERE connection_id = ? AND external_id = ?").params(connection, externalId)
                .query(Integer.class).single();
    }

    private String jobStatus(String appointmentId) {
        return jdbc.sql("SELECT status FROM sync_jobs WHERE connection_id = ? AND appointment_id = ?").params(connection, appointmentId)
                .query(String.class).optional().orElse(null);
    }

    private JsonNode connectionView() {
        return api.get("/api/v1/connections/" + connection, Caller.service(user)).json();
    }

    private Map<String, Object> appointment(String title, Instant start) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", title);
        body.put("start", start.toString());
        body.put("end", start.plus(Duration.ofMinutes(30)).toString());
        body.put("timeZone", "Europe/Berlin");
        return body;
    }

    private Response put(String id, Map<String, Object> body) {
        Response response = api.send("PUT", "/api/v1/appointments/" + URLEncoder.encode(id, StandardCharsets.UTF_8), Caller.service(user),
                Api.JSON.writeValueAsString(body), "application/json");
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response;
    }

    private JsonNode destination(String id) {
        return api.get("/api/v1/appointments/" + id, Caller.service(user)).json().path("destinations").get(0);
    }

    private String remoteChange(String id) {
        JsonNode change = destination(id).path("remoteChange");
        return change.isNull() || change.isMissingNode() ? null : change.asText();
    }

    private JsonNode awaitState(String id, String state) {
        Await.until(id + " reaches " + state, PATIENCE, () -> state.equals(destination(id).path("state").asText()));
        return destination(id);
    }
}
