package io.calbridge.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.connection.ConnectionService;
import io.calbridge.connection.ConnectionStatusChanged;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The notifications each change writes into the outbox, in the change's transaction: driven through the API and the
 * Google emulator, read from {@code webhook_messages} (delivery is not part of this).
 */
class ChangeNotificationsTest extends ApiTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private final GoogleCalendarEmulator google = GoogleEmulators.shared();
    private final Connect connect = new Connect(api);
    private final Instant tomorrowNine = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1)).plus(Duration.ofHours(8));

    @Autowired
    private TransactionTemplate transactions;
    @Autowired
    private ApplicationEventPublisher publisher;
    @Autowired
    private ConnectionService connections;

    private UUID endpoint;
    private String user;
    private String email;

    @BeforeEach
    void anEndpointSubscribedToEverything() {
        endpoint = UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO webhook_endpoints (id, url, event_types, enabled, secret_enc, created_at, updated_at)
                VALUES (?, 'https://receiver.invalid/', ?::text[], true, ?, now(), now())""")
                .params(endpoint, EventTypes.SUBSCRIBABLE.toArray(String[]::new), new byte[] {1, 2, 3}).update();
        user = uniqueUser();
        email = "n" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        google.createAccount(email, BERLIN);
    }

    @AfterEach
    void endpointGoneAndNoFaultsLeft() {
        jdbc.sql("DELETE FROM webhook_endpoints WHERE id = ?").param(endpoint).update();
        google.clearFaults();
    }

    @Test
    void remoteChangesInGoogleNotifyExactlyTheCreatedUpdatedAndDeletedIds() {
        List<String> seeded = google.seedEvents(email, 3, tomorrowNine, Duration.ofHours(3), Duration.ofHours(1));
        UUID connection = connectAndAwaitFirstSync();
        JsonNode first = single(EventTypes.CALENDAR_EVENTS_CHANGED);
        assertThat(strings(first.path("data").path("created"))).containsExactlyInAnyOrderElementsOf(seeded);
        long afterFirst = lastSeq();

        String added = google.insertEvent(email, """
                {"summary":"Added in Google","start":{"dateTime":"%s"},"end":{"dateTime":"%s"}}"""
                .formatted(tomorrowNine.plus(Duration.ofDays(1)), tomorrowNine.plus(Duration.ofDays(1)).plus(Duration.ofHours(1))));
        google.moveEvent(email, seeded.get(0), tomorrowNine.plus(Duration.ofDays(2)),
                tomorrowNine.plus(Duration.ofDays(2)).plus(Duration.ofHours(1)));
        google.deleteEvent(email, seeded.get(1));
        syncNow(connection, false);

        // push notifications may have split the changes over several runs: together they name exactly these ids
        Await.until("all three changes are notified", PATIENCE, () -> changedIds(afterFirst, "deleted").contains(seeded.get(1))
                && changedIds(afterFirst, "created").contains(added) && changedIds(afterFirst, "updated").contains(seeded.get(0)));
        assertThat(changedIds(afterFirst, "created")).containsExactly(added);
        assertThat(changedIds(afterFirst, "updated")).containsExactly(seeded.get(0));
        assertThat(changedIds(afterFirst, "deleted")).containsExactly(seeded.get(1));
        JsonNode body = messages(EventTypes.CALENDAR_EVENTS_CHANGED, afterFirst).get(0);
        assertThat(body.path("type").asText()).isEqualTo(EventTypes.CALENDAR_EVENTS_CHANGED);
        assertThat(body.path("timestamp").asText()).isNotBlank();
        assertThat(body.path("data").path("connectionId").asText()).isEqualTo(connection.toString());
        assertThat(body.path("data").path("provider").asText()).isEqualTo("google");
        assertThat(body.path("data").path("calendarId").asText()).isEqualTo(email);
        assertThat(body.toString()).as("no titles leave calbridge").doesNotContain("Added in Google");

        // a full re-read of unchanged events (same etags) is no change
        long beforeFull = lastSeq();
        String job = syncNow(connection, true);
        Await.until("the full sync is done", PATIENCE, () -> "DONE".equals(
                api.get("/api/v1/sync-jobs/" + job, Caller.service(user)).json().path("status").asText()));
        assertThat(messages(EventTypes.CALENDAR_EVENTS_CHANGED, beforeFull)).isEmpty();
    }

    @Test
    void eventsRemovedByAFullResyncOrWithACalendarNoLongerReadAreNotifiedAsDeleted() {
        String team = google.createCalendar(email, "Team");
        List<String> primary = google.seedEvents(email, 3, tomorrowNine, Duration.ofHours(3), Duration.ofHours(1));
        List<String> teams = google.seedEvents(team, 2, tomorrowNine.plus(Duration.ofHours(1)), Duration.ofHours(3), Duration.ofHours(1));
        UUID connection = connectAndAwaitFirstSync();
        long afterFirst = lastSeq();

        // a full resync (expired cursor) does not list the deleted event: removing what it did not see is the deletion
        google.expireSyncTokens(email);
        google.deleteEvent(email, primary.get(2));
        syncNow(connection, false);
        Await.until("the deletion is notified", PATIENCE, () -> changedIds(afterFirst, "deleted").contains(primary.get(2)));
        assertThat(changedIds(afterFirst, "deleted")).containsExactly(primary.get(2));
        assertThat(changedIds(afterFirst, "created")).isEmpty();

        long beforeNarrowing = lastSeq();
        assertThat(api.patch("/api/v1/connections/" + connection, Caller.user(user), Map.of("readCalendarIds", List.of(email)))
                .status()).isEqualTo(200);
        syncNow(connection, false);
        Await.until("the team calendar's events are notified as deleted", PATIENCE,
                () -> !messages(EventTypes.CALENDAR_EVENTS_CHANGED, beforeNarrowing).isEmpty());
        JsonNode data = single(EventTypes.CALENDAR_EVENTS_CHANGED, beforeNarrowing).path("data");
        assertThat(data.path("calendarId").asText()).isEqualTo(team);
        assertThat(strings(data.path("deleted"))).containsExactlyInAnyOrderElementsOf(teams);
        assertThat(data.path("counts").path("deleted").asInt()).isEqualTo(2);
    }

    @Test
    void theOpenApiDocumentDescribesEachTypesPayload() {
        JsonNode document = api.get("/v3/api-docs", Caller.anonymous()).json();

        for (String type : EventTypes.SUBSCRIBABLE) {
            JsonNode schema = document.path("components").path("schemas").path("Notification." + type);
            assertThat(schema.path("properties").path("type").path("enum").get(0).asText()).as(type).isEqualTo(type);
            assertThat(schema.path("properties").path("data").path("properties").has("connectionId")).as(type).isTrue();
        }
        assertThat(document.path("components").path("schemas").path("Notification." + EventTypes.CALENDAR_EVENTS_CHANGED)
                .path("properties").path("data").path("properties").propertyNames())
                .contains("created", "updated", "deleted", "counts", "range", "idsOmitted");
        assertThat(document.path("webhooks").path(EventTypes.APPOINTMENT_SYNC_FAILED).path("post").path("requestBody").toString())
                .contains("Notification." + EventTypes.APPOINTMENT_SYNC_FAILED);
    }

    @Test
    void aPageOfMoreThanAHundredChangesSendsCountsAndTheRangeInsteadOfIds() {
        google.seedEvents(email, 150, tomorrowNine, Duration.ofHours(1), Duration.ofMinutes(30));

        connectAndAwaitFirstSync();

        JsonNode data = single(EventTypes.CALENDAR_EVENTS_CHANGED).path("data");
        assertThat(data.path("idsOmitted").asBoolean()).isTrue();
        assertThat(data.path("counts").path("created").asInt()).isEqualTo(150);
        assertThat(data.path("counts").path("updated").asInt()).isZero();
        assertThat(data.has("created")).isFalse();
        Instant from = Instant.parse(data.path("range").path("from").asText());
        Instant to = Instant.parse(data.path("range").path("to").asText());
        assertThat(from).isBefore(tomorrowNine);
        assertThat(to).isAfter(tomorrowNine.plus(Duration.ofHours(150)));
    }

    @Test
    void aSyncedAppointmentNotifiesItsExternalIdAndMeetingLinkAndItsCancellationTheRemoval() {
        UUID connection = connectAndAwaitFirstSync();
        Map<String, Object> body = appointment("Coaching", tomorrowNine, 45);
        body.put("conference", "AUTO");

        put("w-1", body);

        Await.until("the push is notified", PATIENCE, () -> !messages(EventTypes.APPOINTMENT_SYNC_SUCCEEDED, 0).isEmpty());
        JsonNode data = single(EventTypes.APPOINTMENT_SYNC_SUCCEEDED).path("data");
        JsonNode destination = api.get("/api/v1/appointments/w-1", Caller.service(user)).json().path("destinations").get(0);
        assertThat(data.path("appointmentId").asText()).isEqualTo("w-1");
        assertThat(data.path("connectionId").asText()).isEqualTo(connection.toString());
        assertThat(data.path("provider").asText()).isEqualTo("google");
        assertThat(data.path("calendarId").asText()).isEqualTo(email);
        assertThat(data.path("state").asText()).isEqualTo("SYNCED");
        assertThat(data.path("version").asLong()).isEqualTo(1);
        assertThat(data.path("externalId").asText()).isNotBlank().isEqualTo(destination.path("externalId").asText());
        assertThat(data.path("meetingLink").asText()).startsWith("https://meet.google.com/");
        assertThat(data.path("removed").asBoolean()).isFalse();
        assertThat(data.toString()).doesNotContain("Coaching");

        long beforeCancel = lastSeq();
        api.delete("/api/v1/appointments/w-1", Caller.service(user));

        Await.until("the removal is notified", PATIENCE, () -> !messages(EventTypes.APPOINTMENT_SYNC_SUCCEEDED, beforeCancel).isEmpty());
        JsonNode removed = messages(EventTypes.APPOINTMENT_SYNC_SUCCEEDED, beforeCancel).get(0).path("data");
        assertThat(removed.path("removed").asBoolean()).isTrue();
        assertThat(removed.path("status").asText()).isEqualTo("CANCELLED");
        assertThat(removed.path("version").asLong()).isEqualTo(2);
        assertThat(removed.path("externalId").asText()).isEqualTo(data.path("externalId").asText());
    }

    @Test
    void aPushThatFailsForGoodNotifiesTheFailureWithItsError() {
        connectAndAwaitFirstSync();
        google.failNext("events.insert", 1, new Fault(400, "invalid", null, Duration.ZERO));

        put("w-2", appointment("Refused", tomorrowNine, 30));

        Await.until("the failure is notified", PATIENCE, () -> !messages(EventTypes.APPOINTMENT_SYNC_FAILED, 0).isEmpty());
        JsonNode data = single(EventTypes.APPOINTMENT_SYNC_FAILED).path("data");
        assertThat(data.path("appointmentId").asText()).isEqualTo("w-2");
        assertThat(data.path("state").asText()).isEqualTo("FAILED");
        assertThat(data.path("provider").asText()).isEqualTo("google");
        assertThat(data.path("error").asText()).contains("Permanent");
        assertThat(data.path("errorReason").asText()).isEqualTo("permanent");
        assertThat(messages(EventTypes.APPOINTMENT_SYNC_SUCCEEDED, 0)).isEmpty();
    }

    @Test
    void anAppointmentMovedOrDeletedInTheCalendarNotifiesTheRemoteChange() {
        UUID connection = connectAndAwaitFirstSync();
        put("w-3", appointment("Moved by the user", tomorrowNine, 30));
        put("w-4", appointment("Deleted by the user", tomorrowNine.plus(Duration.ofHours(2)), 30));
        Await.until("both pushed", PATIENCE, () -> messages(EventTypes.APPOINTMENT_SYNC_SUCCEEDED, 0).size() == 2);
        String moved = externalId("w-3");
        String deleted = externalId("w-4");

        google.moveEvent(email, moved, tomorrowNine.plus(Duration.ofHours(1)), tomorrowNine.plus(Duration.ofMinutes(90)));
        google.deleteEvent(email, deleted);
        syncNow(connection, false);

        Await.until("both remote changes are notified", PATIENCE, () -> messages(EventTypes.APPOINTMENT_REMOTE_CHANGE, 0).size() == 2);
        Map<String, JsonNode> byAppointment = new LinkedHashMap<>();
        messages(EventTypes.APPOINTMENT_REMOTE_CHANGE, 0).forEach(m -> byAppointment.put(m.path("data").path("appointmentId").asText(),
                m.path("data")));
        assertThat(byAppointment.get("w-3").path("change").asText()).isEqualTo("MOVED");
        assertThat(byAppointment.get("w-3").path("externalId").asText()).isEqualTo(moved);
        assertThat(byAppointment.get("w-3").path("connectionId").asText()).isEqualTo(connection.toString());
        assertThat(byAppointment.get("w-3").path("provider").asText()).isEqualTo("google");
        assertThat(byAppointment.get("w-4").path("change").asText()).isEqualTo("DELETED");
        assertThat(byAppointment.get("w-4").path("externalId").asText()).isEqualTo(deleted);

        // moved back: the mark clears, which is no news
        google.moveEvent(email, moved, tomorrowNine, tomorrowNine.plus(Duration.ofMinutes(30)));
        syncNow(connection, false);
        Await.until("the mark clears", PATIENCE, () -> api.get("/api/v1/appointments/w-3", Caller.service(user)).json()
                .path("destinations").get(0).path("remoteChange").isNull());
        assertThat(messages(EventTypes.APPOINTMENT_REMOTE_CHANGE, 0)).hasSize(2);
    }

    @Test
    void connectRevokeReconnectAndDisconnectEachNotifyOnce() {
        UUID connection = connectAndAwaitFirstSync();
        JsonNode connected = single(EventTypes.CONNECTION_CONNECTED).path("data");
        assertThat(connected.path("connectionId").asText()).isEqualTo(connection.toString());
        assertThat(connected.path("provider").asText()).isEqualTo("google");
        assertThat(connected.path("accountEmail").asText()).isEqualTo(email);
        assertThat(connected.path("status").asText()).isEqualTo("ACTIVE");

        jdbc.sql("UPDATE connections SET token_expires_at = now() WHERE id = ?").param(connection).update();
        google.revokeAccount(email);
        Response test = api.post("/api/v1/connections/" + connection + "/test", Caller.user(user), null);
        assertThat(test.json().path("error").asText()).isEqualTo("needs_reauth");
        // still revoked: a second probe and a sync find it so, and tell nothing new
        api.post("/api/v1/connections/" + connection + "/test", Caller.user(user), null);
        String job = syncNow(connection, false);
        Await.until("the sync has run", PATIENCE, () -> !"PENDING".equals(
                api.get("/api/v1/sync-jobs/" + job, Caller.service(user)).json().path("status").asText()));
        // what sync and push do when the provider refuses the authorization: a no-op on a connection that already needs it
        connections.markNeedsReauth(connection, "the provider refused the authorization during sync");

        JsonNode needsReauth = single(EventTypes.CONNECTION_NEEDS_REAUTH).path("data");
        assertThat(needsReauth.path("status").asText()).isEqualTo("NEEDS_REAUTH");
        assertThat(needsReauth.path("reason").asText()).contains("invalid_grant");
        assertThat(messages(EventTypes.CONNECTION_RESTORED, 0)).isEmpty();

        assertThat(connectAndAwaitFirstSync()).isEqualTo(connection);
        JsonNode restored = single(EventTypes.CONNECTION_RESTORED).path("data");
        assertThat(restored.path("connectionId").asText()).isEqualTo(connection.toString());
        assertThat(restored.path("status").asText()).isEqualTo("ACTIVE");
        assertThat(messages(EventTypes.CONNECTION_CONNECTED, 0)).as("a reconnect is no new connection").hasSize(1);

        assertThat(api.delete("/api/v1/connections/" + connection, Caller.user(user)).status()).isEqualTo(204);
        JsonNode disconnected = single(EventTypes.CONNECTION_DISCONNECTED).path("data");
        assertThat(disconnected.path("connectionId").asText()).isEqualTo(connection.toString());
        assertThat(disconnected.path("status").asText()).isEqualTo("DISCONNECTED");
        assertThat(allBodies()).noneMatch(b -> b.contains("refresh") || b.contains("access_token"));
    }

    @Test
    void anAuthorizationRefusedDuringSyncOrPushNotifiesNeedsReauthOnTheTransitionOnly() {
        UUID connection = connectAndAwaitFirstSync();

        connections.markNeedsReauth(connection, "the provider refused the authorization");
        connections.markNeedsReauth(connection, "the provider refused the authorization");

        JsonNode data = single(EventTypes.CONNECTION_NEEDS_REAUTH).path("data");
        assertThat(data.path("connectionId").asText()).isEqualTo(connection.toString());
        assertThat(data.path("accountEmail").asText()).isEqualTo(email);
        assertThat(data.path("reason").asText()).isEqualTo("the provider refused the authorization");
        assertThat(api.get("/api/v1/connections/" + connection, Caller.user(user)).json().path("status").asText()).isEqualTo("NEEDS_REAUTH");
    }

    @Test
    void withNoEndpointSubscribedNothingIsWritten() {
        jdbc.sql("UPDATE webhook_endpoints SET event_types = ARRAY['webhook.test'] WHERE id = ?").param(endpoint).update();
        google.seedEvents(email, 2, tomorrowNine, Duration.ofHours(1), Duration.ofMinutes(30));

        UUID connection = connectAndAwaitFirstSync();
        api.delete("/api/v1/connections/" + connection, Caller.user(user));

        assertThat(jdbc.sql("SELECT count(*) FROM webhook_messages WHERE user_id = ?").param(user).query(Integer.class).single()).isZero();
    }

    @Test
    void aChangeRolledBackLeavesNoMessageAndOneCommittedLeavesOne() {
        UUID connection = connectAndAwaitFirstSync();
        long before = lastSeq();
        ConnectionStatusChanged disconnected = new ConnectionStatusChanged(connection, user, "google", email,
                ConnectionStatusChanged.Change.DISCONNECTED, "DISCONNECTED", null);

        transactions.executeWithoutResult(tx -> {
            jdbc.sql("DELETE FROM connections WHERE id = ?").param(connection).update();
            publisher.publishEvent(disconnected);
            tx.setRollbackOnly();
        });

        assertThat(messages(EventTypes.CONNECTION_DISCONNECTED, before)).isEmpty();
        assertThat(jdbc.sql("SELECT count(*) FROM connections WHERE id = ?").param(connection).query(Integer.class).single()).isOne();
        transactions.executeWithoutResult(tx -> publisher.publishEvent(disconnected));
        assertThat(messages(EventTypes.CONNECTION_DISCONNECTED, before)).hasSize(1);
    }

    // --- helpers ---

    private UUID connectAndAwaitFirstSync() {
        String authorizationUrl = connect.authorize("google", Caller.user(user), null)
                + "&login_hint=" + URLEncoder.encode(email, StandardCharsets.UTF_8);
        Response consent = api.get(authorizationUrl, Caller.anonymous());
        Response done = api.get(consent.header("Location"), Caller.anonymous());
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        UUID id = UUID.fromString(done.json().path("connectionId").asText());
        Await.until("the first sync", PATIENCE, () -> "SUCCESS".equals(
                api.get("/api/v1/connections/" + id, Caller.user(user)).json().path("lastSyncOutcome").asText(null)));
        return id;
    }

    private String syncNow(UUID connection, boolean full) {
        Response sync = api.post("/api/v1/connections/" + connection + "/sync", Caller.user(user), Map.of("full", full));
        assertThat(sync.status()).as(sync.toString()).isEqualTo(202);
        return sync.json().path("jobId").asText();
    }

    /** The bodies of the user's messages of {@code type} written after {@code afterSeq}, oldest first. */
    private List<JsonNode> messages(String type, long afterSeq) {
        return jdbc.sql("SELECT body::text FROM webhook_messages WHERE user_id = ? AND event_type = ? AND seq > ? ORDER BY seq")
                .params(user, type, afterSeq).query(String.class).list().stream().map(Api.JSON::readTree).toList();
    }

    private JsonNode single(String type) {
        return single(type, 0);
    }

    private JsonNode single(String type, long afterSeq) {
        List<JsonNode> messages = messages(type, afterSeq);
        assertThat(messages).as(type).hasSize(1);
        return messages.get(0);
    }

    private List<String> allBodies() {
        return jdbc.sql("SELECT body::text FROM webhook_messages WHERE user_id = ?").param(user).query(String.class).list();
    }

    private long lastSeq() {
        return jdbc.sql("SELECT coalesce(max(seq), 0) FROM webhook_messages WHERE user_id = ?").param(user).query(Long.class).single();
    }

    /** The ids in {@code list} (created, updated or deleted) of all calendar.events.changed after {@code afterSeq}. */
    private List<String> changedIds(long afterSeq, String list) {
        List<String> ids = new ArrayList<>();
        messages(EventTypes.CALENDAR_EVENTS_CHANGED, afterSeq).forEach(m -> ids.addAll(strings(m.path("data").path(list))));
        return ids;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asString()));
        return values;
    }

    private String externalId(String appointmentId) {
        return api.get("/api/v1/appointments/" + appointmentId, Caller.service(user)).json().path("destinations").get(0)
                .path("externalId").asText();
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
        return api.send("PUT", "/api/v1/appointments/" + id, Caller.service(user), Api.JSON.writeValueAsString(body), "application/json");
    }
}
