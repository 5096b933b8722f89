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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Google Calendar end to end: calbridge's API, the real Google client, the Google emulator over HTTP. */
class GoogleSyncTest extends ApiTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final GoogleCalendarEmulator google = GoogleEmulators.shared();

    @Autowired
    private PushChannels pushChannels;
    private final Connect connect = new Connect(api);
    private final Instant monday = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(2)).plus(Duration.ofHours(8));

    @AfterEach
    void noFaultsLeft() {
        google.clearFaults();
        google.setAccessTokenLifetime(Duration.ofHours(1));
    }

    @Test
    void connectThenFirstSyncAcrossPagesServesTheEventsWithTheirSource() {
        String user = uniqueUser();
        String email = account();
        List<String> seeded = google.seedEvents(email, 450, monday, Duration.ofHours(2), Duration.ofMinutes(30));
        int listsBefore = google.callCount("events.list");

        UUID id = connectGoogle(user, email);

        assertThat(google.callCount("events.list") - listsBefore).isGreaterThanOrEqualTo(3);
        List<JsonNode> events = events(user, monday.minusSeconds(1), monday.plus(Duration.ofDays(60)));
        assertThat(events).extracting(e -> e.path("id").asText()).containsExactlyInAnyOrderElementsOf(seeded);
        JsonNode first = events.get(0);
        assertThat(first.path("source").path("provider").asText()).isEqualTo("google");
        assertThat(first.path("source").path("connectionId").asText()).isEqualTo(id.toString());
        assertThat(first.path("source").path("calendarId").asText()).isEqualTo(email);
        assertThat(first.path("source").path("calendarName").asText()).isNotBlank();
        assertThat(first.path("htmlLink").asText()).startsWith("http");
        assertThat(first.path("start").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d(:\\d\\d)?(Z|[+-]\\d\\d:\\d\\d)");
        Response upcoming = api.get("/api/v1/events/upcoming?limit=5", Caller.user(user));
        assertThat(upcoming.json().size()).isEqualTo(5);
        Response connection = api.get("/api/v1/connections/" + id, Caller.user(user));
        assertThat(connection.json().path("accountEmail").asText()).isEqualTo(email);
        assertThat(connection.json().path("lastSyncOutcome").asText()).isEqualTo("SUCCESS");
    }

    @Test
    void changesMadeInGoogleArriveThroughPushWithoutAnyManualCall() {
        String user = uniqueUser();
        String email = account();
        List<String> seeded = google.seedEvents(email, 3, monday, Duration.ofHours(3), Duration.ofHours(1));
        String weekly = google.insertEvent(email, """
                {"summary":"Weekly sync","start":{"dateTime":"%s","timeZone":"Europe/Berlin"},
                 "end":{"dateTime":"%s","timeZone":"Europe/Berlin"},"recurrence":["RRULE:FREQ=WEEKLY;COUNT=4"]}"""
                .formatted(monday.plus(Duration.ofHours(1)), monday.plus(Duration.ofHours(2))));
        connectGoogle(user, email);
        assertThat(idsBetween(user)).hasSize(3 + 4);

        String added = google.insertEvent(email, """
                {"summary":"Added in Google","start":{"dateTime":"%s"},"end":{"dateTime":"%s"}}"""
                .formatted(monday.plus(Duration.ofDays(1)), monday.plus(Duration.ofDays(1)).plus(Duration.ofHours(1))));
        google.moveEvent(email, seeded.get(0), monday.plus(Duration.ofDays(3)), monday.plus(Duration.ofDays(3)).plus(Duration.ofHours(1)));
        google.deleteEvent(email, seeded.get(1));
        Instant secondWeek = monday.plus(Duration.ofDays(7)).plus(Duration.ofHours(1));
        google.cancelInstance(email, weekly, secondWeek);

        Await.until("the changes made in Google reach the events API", PATIENCE, () -> {
            List<String> ids = idsBetween(user);
            return ids.contains(added) && !ids.contains(seeded.get(1))
                    && !ids.contains(GoogleCalendarEmulator.instanceId(weekly, secondWeek)) && ids.size() == 3 + 4 - 1 - 1 + 1;
        });
        JsonNode moved = events(user, monday.minusSeconds(1), monday.plus(Duration.ofDays(60))).stream()
                .filter(e -> e.path("id").asText().equals(seeded.get(0))).findFirst().orElseThrow();
        assertThat(OffsetDateTime.parse(moved.path("start").asText()).toInstant()).isEqualTo(monday.plus(Duration.ofDays(3)));
        assertThat(events(user, monday.minusSeconds(1), monday.plus(Duration.ofDays(60))).stream()
                .filter(e -> weekly.equals(e.path("recurringEventId").asText(null))).count()).isEqualTo(3);
    }

    @Test
    void aBurstOfNotificationsCoalescesIntoFewSyncs() {
        String user = uniqueUser();
        String email = account();
        connectGoogle(user, email);
        google.failNext("events.list", 1, Fault.slow(Duration.ofMillis(1500)));
        int listsBefore = google.callCount("events.list");
        List<String> added = new ArrayList<>();

        for (int i = 0; i < 10; i++) {
            added.add(google.insertEvent(email, """
                    {"summary":"Burst %d","start":{"dateTime":"%s"},"end":{"dateTime":"%s"}}"""
                    .formatted(i, monday.plus(Duration.ofHours(i)), monday.plus(Duration.ofHours(i)).plus(Duration.ofMinutes(30)))));
        }

        Await.until("all ten events arrive", PATIENCE, () -> idsBetween(user).containsAll(added));
        assertThat(google.callCount("events.list") - listsBefore).isBetween(1, 3);
    }

    @Test
    void expiredSyncTokenRecoversThroughAFullResyncLeavingNothingStale() {
        String user = uniqueUser();
        String email = account();
        List<String> seeded = google.seedEvents(email, 5, monday, Duration.ofHours(3), Duration.ofHours(1));
        UUID id = connectGoogle(user, email);
        long generation = generation(id, email);
        // a row Google no longer has, as if a deletion had been missed
        jdbc.sql("""
                INSERT INTO events (connection_id, calendar_id, external_id, user_id, status, start_at, end_at, all_day,
                    transparent, generation, synced_at)
                SELECT connection_id, calendar_id, 'stale1', user_id, 'confirmed', start_at, end_at, false, false, generation, now()
                FROM events WHERE connection_id = ? LIMIT 1""").param(id).update();
        google.expireSyncTokens(email);

        google.deleteEvent(email, seeded.get(4));

        Await.until("a full resync after 410", PATIENCE, () -> generation(id, email) == generation + 1);
        assertThat(idsBetween(user)).containsExactlyInAnyOrderElementsOf(seeded.subList(0, 4));
    }

    @Test
    void aCalendarNoLongerReadLosesItsEventsAndComesBackWhenReadAgain() {
        String user = uniqueUser();
        String email = account();
        String team = google.createCalendar(email, "Team");
        List<String> primary = google.seedEvents(email, 3, monday, Duration.ofHours(3), Duration.ofHours(1));
        List<String> teams = google.seedEvents(team, 2, monday.plus(Duration.ofHours(1)), Duration.ofHours(3), Duration.ofHours(1));
        UUID id = connectGoogle(user, email);
        assertThat(idsBetween(user)).containsExactlyInAnyOrderElementsOf(concat(primary, teams));

        readCalendars(user, id, List.of(email));

        Await.until("the team calendar's events leave", PATIENCE, () -> idsBetween(user).size() == primary.size());
        assertThat(idsBetween(user)).containsExactlyInAnyOrderElementsOf(primary);
        assertThat(storedEvents(id, team)).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM calendar_sync_state WHERE connection_id = ? AND calendar_id = ?")
                .params(id, team).query(Integer.class).single()).isZero();

        readCalendars(user, id, List.of());

        Await.until("the team calendar's events return", PATIENCE, () -> idsBetween(user).size() == primary.size() + teams.size());
        assertThat(idsBetween(user)).containsExactlyInAnyOrderElementsOf(concat(primary, teams));
    }

    @Test
    void aFirstFullSyncCutShortStillLetsItsCalendarGoWithItsEvents() {
        String user = uniqueUser();
        String email = account();
        UUID id = connectGoogle(user, email);
        String team = google.createCalendar(email, "Team");
        google.seedEvents(team, 250, monday, Duration.ofHours(2), Duration.ofMinutes(30));
        assertThat(api.get("/api/v1/connections/" + id + "/calendars", Caller.user(user)).status()).isEqualTo(200);
        // the first page is answered, the second fails for good (counted faults are used up in the order given:
        // one that answers normally first, so no race with a loaded machine decides which page fails)
        google.failNext("events.list", 1, Fault.slow(Duration.ZERO));
        google.failNext("events.list", 1, new Fault(400, "badRequest", null, Duration.ZERO));

        readCalendars(user, id, List.of(team));

        Await.until("the sync fails after its first page", PATIENCE, () -> "FAILED".equals(
                api.get("/api/v1/connections/" + id, Caller.user(user)).json().path("lastSyncOutcome").asText(null)));
        assertThat(storedEvents(id, team)).as("the first page is stored").isEqualTo(200);
        assertThat(jdbc.sql("SELECT count(*) FROM calendar_sync_state WHERE connection_id = ? AND calendar_id = ? AND sync_cursor IS NULL")
                .params(id, team).query(Integer.class).single()).as("a state row without a cursor").isOne();
        google.clearFaults();

        readCalendars(user, id, List.of(email));

        Await.until("the team calendar's events leave", PATIENCE, () -> storedEvents(id, team) == 0);
    }

    @Test
    void rateLimitStormIsRiddenOut() {
        String user = uniqueUser();
        String email = account();
        google.seedEvents(email, 2, monday, Duration.ofHours(3), Duration.ofHours(1));
        connectGoogle(user, email);
        google.failNext("events.list", 2, Fault.tooManyRequests(Duration.ofSeconds(1)));
        google.failNext("events.list", 2, Fault.rateLimitExceeded());

        String added = google.insertEvent(email, """
                {"summary":"During the storm","start":{"dateTime":"%s"},"end":{"dateTime":"%s"}}"""
                .formatted(monday.plus(Duration.ofHours(5)), monday.plus(Duration.ofHours(6))));

        Await.until("the event added during the storm arrives", PATIENCE, () -> idsBetween(user).contains(added));
    }

    @Test
    void tokenExpiringMidSyncIsRefreshedAndTheSyncGoesOn() {
        String user = uniqueUser();
        String email = account();
        // fresh for ~3 s after issue (calbridge refreshes 2 minutes ahead), and each page takes 1.5 s
        google.setAccessTokenLifetime(Duration.ofSeconds(123));
        List<String> seeded = google.seedEvents(email, 700, monday, Duration.ofMinutes(90), Duration.ofMinutes(30));
        google.failNext("events.list", 4, Fault.slow(Duration.ofMillis(1500)));
        int refreshesBefore = google.callCount("token.refresh");

        connectGoogle(user, email);

        assertThat(google.callCount("token.refresh") - refreshesBefore).isGreaterThanOrEqualTo(1);
        assertThat(idsBetween(user, Duration.ofDays(60))).containsExactlyInAnyOrderElementsOf(seeded);
    }

    @Test
    void revokedGrantEndsInNeedsReauthAndDisconnectStopsChannels() {
        String user = uniqueUser();
        String email = account();
        UUID id = connectGoogle(user, email);
        assertThat(google.activeChannelIds()).isNotEmpty();
        jdbc.sql("UPDATE connections SET token_expires_at = now() WHERE id = ?").param(id).update();
        google.revokeAccount(email);

        Response test = api.post("/api/v1/connections/" + id + "/test", Caller.user(user), null);

        assertThat(test.json().path("ok").asBoolean()).isFalse();
        assertThat(test.json().path("error").asText()).isEqualTo("needs_reauth");
        assertThat(api.get("/api/v1/connections/" + id, Caller.user(user)).json().path("status").asText()).isEqualTo("NEEDS_REAUTH");

        String otherUser = uniqueUser();
        String otherEmail = account();
        UUID other = connectGoogle(otherUser, otherEmail);
        List<String> channelsBefore = new ArrayList<>(google.activeChannelIds());
        int revokesBefore = google.callCount("token.revoke");
        assertThat(api.delete("/api/v1/connections/" + other, Caller.user(otherUser)).status()).isEqualTo(204);
        assertThat(google.callCount("token.revoke") - revokesBefore).isEqualTo(1);
        assertThat(google.activeChannelIds()).hasSizeLessThan(channelsBefore.size());
        assertThat(jdbc.sql("SELECT count(*) FROM push_channels WHERE connection_id = ?").param(other).query(Integer.class).single())
                .isZero();
    }

    @Test
    void channelsCloseToExpiryAreRenewedAndTheOldOnesStopped() {
        String user = uniqueUser();
        UUID id = connectGoogle(user, account());
        String old = jdbc.sql("SELECT channel_id FROM push_channels WHERE connection_id = ?").param(id).query(String.class).single();
        jdbc.sql("UPDATE push_channels SET expires_at = now() + interval '1 hour' WHERE channel_id = ?").param(old).update();

        pushChannels.renewExpiring();

        List<String> now = jdbc.sql("SELECT channel_id FROM push_channels WHERE connection_id = ?").param(id).query(String.class).list();
        assertThat(now).hasSize(1).doesNotContain(old);
        assertThat(google.activeChannelIds()).contains(now.get(0)).doesNotContain(old);
    }

    @Test
    void forgedOrUnknownNotificationsChangeNothing() {
        String user = uniqueUser();
        String email = account();
        UUID id = connectGoogle(user, email);
        String channel = jdbc.sql("SELECT channel_id FROM push_channels WHERE connection_id = ?").param(id).query(String.class).single();
        String resource = jdbc.sql("SELECT resource_id FROM push_channels WHERE connection_id = ?").param(id).query(String.class).single();
        int listsBefore = google.callCount("events.list");

        Response forged = notification(channel, "not-the-token", resource);
        Response unknown = notification("no-such-channel", "whatever", resource);

        assertThat(forged.status()).isEqualTo(403);
        assertThat(unknown.status()).isEqualTo(403);
        assertThat(forged.contentType()).startsWith("application/problem+json");
        sleep(Duration.ofMillis(500));
        assertThat(google.callCount("events.list")).isEqualTo(listsBefore);
    }

    private Response notification(String channel, String token, String resource) {
        return api.send("POST", "/webhooks/google", new Caller(java.util.Map.of("X-Goog-Channel-ID", channel,
                "X-Goog-Channel-Token", token, "X-Goog-Resource-ID", resource, "X-Goog-Resource-State", "exists",
                "X-Goog-Message-Number", "2")), null, null);
    }

    /** A fresh Google account with a primary calendar in Berlin. */
    private String account() {
        String email = "u" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        google.createAccount(email, BERLIN);
        return email;
    }

    /** The OAuth round trip against the emulator (the user picks {@code email}), then waits for the first sync. */
    private UUID connectGoogle(String user, String email) {
        String authorizationUrl = connect.authorize("google", Caller.user(user), null)
                + "&login_hint=" + URLEncoder.encode(email, StandardCharsets.UTF_8);
        Response consent = api.get(authorizationUrl, Caller.anonymous());
        assertThat(consent.status()).as(consent.toString()).isEqualTo(302);
        Response done = api.get(consent.header("Location"), Caller.anonymous());
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        UUID id = UUID.fromString(done.json().path("connectionId").asText());
        Await.until("the first sync", PATIENCE, () -> "SUCCESS".equals(
                api.get("/api/v1/connections/" + id, Caller.user(user)).json().path("lastSyncOutcome").asText(null)));
        return id;
    }

    /** PATCHes the connection's readCalendarIds (empty: all calendars), then asks for a sync. */
    private void readCalendars(String user, UUID id, List<String> calendarIds) {
        Response patched = api.patch("/api/v1/connections/" + id, Caller.user(user), java.util.Map.of("readCalendarIds", calendarIds));
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        Response sync = api.post("/api/v1/connections/" + id + "/sync", Caller.user(user), null);
        assertThat(sync.status()).as(sync.toString()).isEqualTo(202);
    }

    private int storedEvents(UUID id, String calendarId) {
        return jdbc.sql("SELECT count(*) FROM events WHERE connection_id = ? AND calendar_id = ?").params(id, calendarId)
                .query(Integer.class).single();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private long generation(UUID id, String calendarId) {
        return jdbc.sql("SELECT generation FROM calendar_sync_state WHERE connection_id = ? AND calendar_id = ?")
                .params(id, calendarId).query(Long.class).single();
    }

    private List<String> idsBetween(String user) {
        return idsBetween(user, Duration.ofDays(40));
    }

    private List<String> idsBetween(String user, Duration span) {
        return events(user, monday.minusSeconds(1), monday.plus(span)).stream().map(e -> e.path("id").asText()).toList();
    }

    private List<JsonNode> events(String user, Instant from, Instant to) {
        Response response = api.get("/api/v1/events?from=" + from + "&to=" + to, Caller.user(user));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        List<JsonNode> events = new ArrayList<>();
        response.json().forEach(events::add);
        return events;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
