package io.calbridge.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.emulator.google.Fault;
import io.calbridge.emulator.google.GoogleCalendarEmulator;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.ApiTest;
import io.calbridge.testing.Await;
import io.calbridge.testing.Connect;
import io.calbridge.testing.GoogleEmulators;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Inbound sync's figures and states, over the API, against the Google emulator with its one-hour tokens. */
class SyncFiguresTest extends ApiTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final GoogleCalendarEmulator google = GoogleEmulators.shared();
    private final Connect connect = new Connect(api);
    private final Instant monday = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(2)).plus(Duration.ofHours(8));
    private String user;
    private String email;
    private UUID connection;

    @BeforeEach
    void connectedAccountWithElevenEvents() {
        google.setAccessTokenLifetime(Duration.ofHours(1));
        user = uniqueUser();
        email = "f" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        google.createAccount(email, ZoneId.of("Europe/Berlin"));
        google.seedEvents(email, 11, monday, Duration.ofHours(3), Duration.ofHours(1));
        connection = connect.connectGoogle(Caller.user(user), email);
    }

    @AfterEach
    void noFaultsLeft() {
        google.clearFaults();
    }

    @Test
    void aFullSyncThatChangedNothingLogsNothingChangedAndOneThatDidCountsOnlyWhatChanged() {
        String first = sync(true).path("jobId").asText();
        awaitDone(first);

        JsonNode idle = pulls().stream().filter(l -> l.path("jobId").asText().equals(first)).findFirst().orElseThrow();
        assertThat(idle.path("outcome").asText()).isEqualTo("SUCCESS");
        assertThat(idle.path("created").asInt()).isZero();
        assertThat(idle.path("updated").asInt()).as("11 events seen again, none changed").isZero();
        assertThat(idle.path("deleted").asInt()).isZero();
        int pullsBefore = pulls().size();

        google.changeEvent(email, google.events(email).get(3).id(), "{\"summary\":\"Renamed\"}");
        awaitDone(sync(true).path("jobId").asText());

        // the change notification's pull and the full sync may share the work: together they saw one change
        java.util.List<JsonNode> all = pulls();
        java.util.List<JsonNode> after = all.subList(0, all.size() - pullsBefore);
        assertThat(after).isNotEmpty().allSatisfy(l -> assertThat(l.path("outcome").asText()).isEqualTo("SUCCESS"));
        assertThat(after.stream().mapToInt(l -> l.path("updated").asInt()).sum()).isEqualTo(1);
        assertThat(after.stream().mapToInt(l -> l.path("created").asInt() + l.path("deleted").asInt()).sum()).isZero();
    }

    @Test
    void aManualSyncAnswersANewJobOnceTheLastFinishedAndSaysSoWhenItJoinsOneUnderWay() {
        JsonNode first = sync(false);
        if (first.path("coalesced").asBoolean()) {
            // the connection's first sync records its outcome just before its job is done: on a busy machine this sync
            // can still join it. Once that job is done, a manual sync must get a job of its own
            awaitDone(first.path("jobId").asText());
            first = sync(false);
        }
        assertThat(first.path("coalesced").asBoolean()).isFalse();
        String firstId = first.path("jobId").asText();
        JsonNode firstDone = awaitDone(firstId);
        assertThat(firstDone.path("attempts").asInt()).isEqualTo(1);

        google.failNext("events.list", 1, Fault.slow(Duration.ofSeconds(2)));
        JsonNode second = sync(false);
        Await.until("the second sync runs", PATIENCE, () -> "RUNNING".equals(job(second.path("jobId").asText()).path("status").asText()));
        JsonNode joined = sync(false);

        assertThat(second.path("jobId").asText()).as("a finished job is never the answer").isNotEqualTo(firstId);
        assertThat(second.path("coalesced").asBoolean()).isFalse();
        assertThat(joined.path("jobId").asText()).isEqualTo(second.path("jobId").asText());
        assertThat(joined.path("coalesced").asBoolean()).isTrue();
        awaitDone(second.path("jobId").asText());
        // the first job still answers, as its one logged run tells it
        JsonNode firstAgain = job(firstId);
        assertThat(firstAgain.path("status").asText()).isEqualTo("DONE");
        assertThat(firstAgain.path("attempts").asInt()).isEqualTo(1);
        assertThat(api.get("/api/v1/sync-jobs/" + firstId, Caller.user(uniqueUser())).status()).isEqualTo(404);
    }

    @Test
    void revokingAccessWhileTheHourLongTokenLivesShowsNeedsReauthAtTheNextSync() {
        int refreshesBefore = google.callCount("token.refresh");
        google.revokeAccount(email);

        String jobId = sync(false).path("jobId").asText();

        Await.until("the sync parks", PATIENCE, () -> "PARKED".equals(job(jobId).path("status").asText()));
        JsonNode view = api.get("/api/v1/connections/" + connection, Caller.user(user)).json();
        assertThat(view.path("status").asText()).isEqualTo("NEEDS_REAUTH");
        assertThat(job(jobId).path("attempts").asInt()).isZero();
        assertThat(google.callCount("token.refresh") - refreshesBefore).isGreaterThanOrEqualTo(1);
    }

    private JsonNode sync(boolean full) {
        Response sync = api.post("/api/v1/connections/" + connection + "/sync", Caller.user(user), Map.of("full", full));
        assertThat(sync.status()).as(sync.toString()).isEqualTo(202);
        return sync.json();
    }

    private JsonNode job(String id) {
        Response job = api.get("/api/v1/sync-jobs/" + id, Caller.user(user));
        assertThat(job.status()).as(job.toString()).isEqualTo(200);
        return job.json();
    }

    private JsonNode awaitDone(String id) {
        Await.until("job " + id + " is done", PATIENCE, () -> "DONE".equals(job(id).path("status").asText()));
        return job(id);
    }

    /** The connection's PULL runs in its sync log, newest first. */
    private java.util.List<JsonNode> pulls() {
        JsonNode logs = api.get("/api/v1/sync-logs?connectionId=" + connection, Caller.user(user)).json();
        return logs.valueStream().filter(l -> l.path("direction").asText().equals("PULL")).toList();
    }
}
