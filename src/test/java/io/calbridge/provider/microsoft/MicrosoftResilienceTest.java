package io.calbridge.provider.microsoft;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.emulator.microsoft.Fault;
import io.calbridge.emulator.microsoft.GraphCall;
import io.calbridge.emulator.microsoft.MicrosoftGraphEmulator;
import io.calbridge.emulator.microsoft.RefreshTokenUse;
import io.calbridge.testing.Api;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.Await;
import io.calbridge.testing.Connect;
import io.calbridge.testing.MicrosoftEmulators;
import io.calbridge.testing.RunningCalbridge;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Microsoft's awkward days through calbridge's HTTP API, against the stateful emulator with the real Graph SDK over
 * HTTP: a throttling storm ridden out by calbridge's own retries (the SDK retries nothing), the mailbox concurrency
 * limit, rotated refresh tokens kept, and the subscription lifecycle events recovered from.
 */
class MicrosoftResilienceTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Instant TOMORROW = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1)).plus(Duration.ofHours(8));

    private static MicrosoftGraphEmulator microsoft;
    private static RunningCalbridge app;
    private static JdbcClient database;

    @BeforeAll
    static void calbridgeWithTheEmulatorAsMicrosoft() {
        microsoft = MicrosoftGraphEmulator.builder().start();
        Map<String, Object> settings = new HashMap<>(MicrosoftEmulators.settingsFor(microsoft));
        settings.put("calbridge.token-keys", TestKeys.tokenKey("ms-resilience"));
        // pages of 10: 25 events take three
        settings.put("calbridge.sync.page-size", 10);
        settings.put("calbridge.sync.notification-delay", "PT0.2S");
        // passing faults retried soon, so the storm takes seconds; Retry-After still rules throttling
        settings.put("calbridge.sync.retry-base", "PT0.2S");
        // a page waits out a Retry-After of up to 1.5 s itself; a longer one goes back to the queue
        settings.put("calbridge.sync.max-page-wait", "PT1.5S");
        app = RunningCalbridge.start(TestDatabase.newDatabase(), settings);
        database = JdbcClient.create(app.context().getBean(DataSource.class));
    }

    @AfterAll
    static void stop() {
        app.close();
        microsoft.close();
    }

    // ---- throttling ---------------------------------------------------------------------------------------------

    @Test
    void aThrottlingStormOnDeltaIsRiddenOutAfterRetryAfterWithEveryAttemptOneRequest() {
        String account = workAccount();
        microsoft.seedEvents(account, microsoft.defaultCalendarId(account), 25, TOMORROW, Duration.ofHours(2), Duration.ofMinutes(30));
        // seven failures: the 2 s throttles go back to the queue (longer than a page may wait), the rest are waited out in the job
        microsoft.failNext(account, "events.delta", 2, Fault.throttled(Duration.ofSeconds(2)));
        microsoft.failNext(account, "events.delta", 1, Fault.serviceUnavailable(Duration.ofSeconds(1)));
        microsoft.failNext(account, "events.delta", 1, Fault.gatewayTimeout(null));
        microsoft.failNext(account, "events.delta", 3, Fault.throttled(Duration.ofSeconds(2)));
        String user = "ms-" + UUID.randomUUID();

        UUID connection = connect(user, account);

        assertThat(titles(user)).as("the calendar fully synced").hasSize(25);
        List<GraphCall> deltas = calls(account, "events.delta");
        assertThat(deltas.stream().filter(GraphCall::failed)).as(deltas.toString()).hasSize(7);
        assertThat(deltas.stream().filter(c -> !c.failed())).as("three pages, each fetched once").hasSize(3);
        assertNothingCameBeforeItsRetryAfter(deltas);
        List<JsonNode> pulls = syncLogs(user, connection).stream().filter(l -> l.path("direction").asText().equals("PULL")).toList();
        assertThat(pulls.stream().map(l -> l.path("outcome").asText())).as("the queue retried the job after each 2 s throttle")
                .containsExactly("SUCCESS", "RETRY", "RETRY", "RETRY", "RETRY", "RETRY");
        assertThat(pulls.subList(1, pulls.size())).allMatch(l -> l.path("error").asText().startsWith("RateLimited"));
        int attemptsByCalbridge = pulls.stream().mapToInt(l -> l.path("providerCalls").asInt()).sum();
        Instant firstRun = instant(pulls.get(pulls.size() - 1).path("startedAt"));
        assertThat(microsoft.graphCalls(account).stream().filter(c -> List.of("events.delta", "calendars.list").contains(c.operation())
                && !c.at().isBefore(firstRun)))
                .as("each of calbridge's attempts is one request: no SDK-internal retry").hasSize(attemptsByCalbridge);
    }

    @Test
    void throttledEventWritesAreRetriedByTheQueueAfterRetryAfterAndTheEventExistsOnce() {
        String account = workAccount();
        String user = "ms-" + UUID.randomUUID();
        UUID connection = connect(user, account);
        microsoft.failNext(account, "events.create", 2, Fault.throttled(Duration.ofSeconds(2)));
        // the same over the emulator's HTTP control surface
        Response injected = app.api().send("POST", microsoft.controlUrl() + "/faults", Caller.anonymous(), """
                {"operation": "events.create", "fault": "serviceUnavailable", "times": 1, "retryAfterSeconds": 1, "account": "%s"}"""
                .formatted(account), "application/json");
        assertThat(injected.status()).as(injected.toString()).isEqualTo(204);
        microsoft.failNext(account, "events.create", 1, Fault.gatewayTimeout(null));

        put(user, "storm-1", TOMORROW.plus(Duration.ofHours(5)));

        Await.until("the appointment is in the calendar", PATIENCE, () -> "SYNCED".equals(destination(user, "storm-1").path("state").asText()));
        List<String> stored = microsoft.storedEventIds(account, microsoft.defaultCalendarId(account));
        assertThat(stored).as("one event, after five attempts").hasSize(1);
        List<GraphCall> creates = calls(account, "events.create");
        assertThat(creates.stream().filter(GraphCall::failed)).as(creates.toString()).hasSize(4);
        assertThat(creates).hasSize(5);
        assertNothingCameBeforeItsRetryAfter(creates);
        List<JsonNode> pushes = syncLogs(user, connection).stream().filter(l -> "storm-1".equals(l.path("appointmentId").asText())).toList();
        assertThat(pushes).as("one job run per create request: no SDK-internal retry").hasSize(creates.size());

        // a reschedule through throttled updates: still the one event, at its new time
        microsoft.failNext(account, "events.update", 2, Fault.throttled(Duration.ofSeconds(1)));
        Instant later = TOMORROW.plus(Duration.ofHours(7));
        put(user, "storm-1", later);
        Await.until("the event moved", PATIENCE, () -> "SYNCED".equals(destination(user, "storm-1").path("state").asText())
                && microsoft.eventJson(account, stored.get(0)).orElseThrow().contains(later.toString().substring(0, 16)));
        assertThat(microsoft.storedEventIds(account, microsoft.defaultCalendarId(account))).containsExactlyElementsOf(stored);
        List<GraphCall> updates = calls(account, "events.update");
        assertThat(updates.stream().filter(GraphCall::failed)).hasSize(2);
        assertNothingCameBeforeItsRetryAfter(updates);
    }

    @Test
    void appointmentsBeyondTheMailboxConcurrencyLimitAreRetriedUntilEachIsThereOnce() {
        String account = workAccount();
        String user = "ms-" + UUID.randomUUID();
        UUID connection = connect(user, account);
        int appointments = 10;
        // slow creates hold the mailbox's four request slots, so the jobs running beside them get 429 MailboxConcurrency
        microsoft.failNext(account, "events.create", appointments, Fault.slow(Duration.ofMillis(1500)));

        // all at once, so their jobs run side by side
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(appointments);
        try {
            List<java.util.concurrent.Future<?>> puts = new ArrayList<>();
            for (int i = 0; i < appointments; i++) {
                int n = i;
                puts.add(callers.submit(() -> put(user, "busy-" + n, TOMORROW.plus(Duration.ofHours(n)))));
            }
            for (java.util.concurrent.Future<?> done : puts) {
                done.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new AssertionError("a PUT failed", e);
        } finally {
            callers.shutdownNow();
        }

        Await.until("every appointment is in the calendar", PATIENCE, () -> {
            for (int i = 0; i < appointments; i++) {
                if (!"SYNCED".equals(destination(user, "busy-" + i).path("state").asText())) {
                    return false;
                }
            }
            return true;
        });
        assertThat(microsoft.storedEventIds(account, microsoft.defaultCalendarId(account))).as("one event per appointment").hasSize(appointments);
        List<GraphCall> creates = calls(account, "events.create");
        assertThat(creates.stream().filter(c -> c.status() == 429 && "MailboxConcurrency".equals(c.innerCode())))
                .as("the mailbox limit was hit: " + creates).isNotEmpty();
        List<JsonNode> pushRuns = syncLogs(user, connection).stream().filter(l -> l.path("appointmentId").asText().startsWith("busy-")).toList();
        assertThat(creates).as("one job run per create request").hasSize(pushRuns.size());
        // the requests of different jobs interleave: each job's runs show its pace (Graph answered Retry-After: 1)
        for (int i = 0; i < appointments; i++) {
            String id = "busy-" + i;
            List<JsonNode> runs = new ArrayList<>(pushRuns.stream().filter(l -> l.path("appointmentId").asText().equals(id)).toList());
            java.util.Collections.reverse(runs);
            for (int r = 0; r + 1 < runs.size(); r++) {
                assertThat(runs.get(r).path("outcome").asText()).isEqualTo("RETRY");
                // the retry time is the answer's arrival + Retry-After: between the run's start and its end (which is logged later)
                assertThat(Duration.between(instant(runs.get(r).path("startedAt")), instant(runs.get(r + 1).path("startedAt"))))
                        .as("the retry of " + id + " waited Retry-After").isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            }
        }
    }

    // ---- tokens -------------------------------------------------------------------------------------------------

    @Test
    void aRotatedRefreshTokenIsKeptSoTheNextRefreshUsesTheNewestAndNoTokenIsStoredInPlaintext() {
        String account = workAccount();
        microsoft.seedEvents(account, microsoft.defaultCalendarId(account), 2, TOMORROW, Duration.ofHours(2), Duration.ofMinutes(30));
        String user = "ms-" + UUID.randomUUID();
        UUID connection = connect(user, account);
        assertThat(microsoft.refreshTokenUses(account)).as("one-hour access tokens: no refresh yet").isEmpty();

        for (int round = 1; round <= 2; round++) {
            if (round == 1) {
                microsoft.expireAccessTokens(account);
            } else {
                Response expired = app.api().send("POST", microsoft.controlUrl() + "/accounts/" + account + "/expire-access-tokens",
                        Caller.anonymous(), "{}", "application/json");
                assertThat(expired.status()).as(expired.toString()).isEqualTo(204);
            }
            int before = microsoft.refreshTokenUses(account).size();
            Response sync = app.api().post("/api/v1/connections/" + connection + "/sync", Caller.service(user), null);
            assertThat(sync.status()).as(sync.toString()).isIn(200, 202);
            Await.until("a refresh after the expired token", PATIENCE, () -> microsoft.refreshTokenUses(account).size() > before
                    && lastPullSucceeded(user, connection));
        }

        List<RefreshTokenUse> refreshes = microsoft.refreshTokenUses(account);
        assertThat(refreshes).hasSize(2);
        JsonNode overHttp = app.api().get(microsoft.controlUrl() + "/accounts/" + account + "/refreshes", Caller.anonymous()).json();
        assertThat(overHttp.path("items").path(1).path("presented").asText()).isEqualTo(refreshes.get(1).presented());
        assertThat(refreshes.get(1).presented()).as("the second refresh uses the token the first one issued")
                .isEqualTo(refreshes.get(0).issued()).isNotEqualTo(refreshes.get(0).presented());
        List<GraphCall> refused = microsoft.graphCalls(account).stream().filter(c -> c.status() == 401).toList();
        assertThat(refused).as("one 401 per expiry, then one refresh each").hasSize(2);
        assertThat(refused).allMatch(c -> "InvalidAuthenticationToken".equals(c.code()));
        assertThat(status(user, connection)).isEqualTo("ACTIVE");

        String everything = database.sql("""
                SELECT string_agg(t::text, ' ') FROM (SELECT row_to_json(c)::text AS t FROM connections c
                    UNION ALL SELECT row_to_json(p)::text FROM push_channels p
                    UNION ALL SELECT row_to_json(s)::text FROM sync_logs s) rows""").query(String.class).single();
        assertThat(everything).as("the connection's row is there").contains(connection.toString());
        for (RefreshTokenUse use : refreshes) {
            for (String token : List.of(use.presented(), use.issued())) {
                assertThat(everything).doesNotContain(token)
                        .doesNotContain(HexFormat.of().formatHex(token.getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    // ---- subscription lifecycle ---------------------------------------------------------------------------------

    @Test
    void reauthorizationRequiredRenewsTheSubscriptionInPlaceAndNotificationsGoOn() {
        String account = workAccount();
        String user = "ms-" + UUID.randomUUID();
        UUID connection = connect(user, account);
        String subscription = awaitSubscription(connection);
        Instant expiryBefore = channelExpiry(subscription);
        int renewalsBefore = calls(account, "subscriptions.update").size();

        microsoft.sendLifecycleNotification(subscription, "reauthorizationRequired");

        Await.until("calbridge renews the subscription (PATCH)", PATIENCE,
                () -> calls(account, "subscriptions.update").stream().skip(renewalsBefore).anyMatch(c -> c.status() == 200));
        assertThat(calls(account, "subscriptions.create")).as("renewed, not replaced").hasSize(1);
        assertThat(microsoft.activeSubscriptionIds()).contains(subscription);
        Await.until("the channel's new expiry is stored", PATIENCE, () -> !channelExpiry(subscription).isBefore(expiryBefore));
        awaitPullsSettled(user, connection);
        aChangeInOutlookArrivesByNotification(user, account, "After reauthorization");
    }

    @Test
    void subscriptionRemovedMakesANewSubscriptionThatTheChannelRecordNamesAndNotificationsGoOn() {
        String account = workAccount();
        String user = "ms-" + UUID.randomUUID();
        UUID connection = connect(user, account);
        String removed = awaitSubscription(connection);

        microsoft.sendLifecycleNotification(removed, "subscriptionRemoved");

        Await.until("a new subscription replaces the removed one", PATIENCE, () -> {
            List<String> channels = channelIds(connection);
            return channels.size() == 1 && !channels.get(0).equals(removed) && microsoft.activeSubscriptionIds().contains(channels.get(0));
        });
        assertThat(microsoft.activeSubscriptionIds()).doesNotContain(removed);
        assertThat(calls(account, "subscriptions.create").stream().filter(c -> c.status() == 201)).hasSize(2);
        awaitPullsSettled(user, connection);
        aChangeInOutlookArrivesByNotification(user, account, "After removal");
    }

    @Test
    void missedNotificationsBringAnIncrementalDeltaPullWithNoManualCallAndNotificationsGoOn() {
        String account = workAccount();
        String calendar = microsoft.defaultCalendarId(account);
        microsoft.seedEvents(account, calendar, 3, TOMORROW, Duration.ofHours(2), Duration.ofMinutes(30));
        String user = "ms-" + UUID.randomUUID();
        UUID connection = connect(user, account);
        String subscription = awaitSubscription(connection);
        int deltasBefore = calls(account, "events.delta").size();
        microsoft.clearReceivedRequests();
        microsoft.sendLifecycleNotification(subscription, "missed");

        Await.until("an incremental pull follows", PATIENCE, () -> calls(account, "events.delta").size() > deltasBefore
                && lastPullSucceeded(user, connection));
        String calendarKey = calendar.replace("=", "");
        List<String> deltaRequests = microsoft.receivedRequests().stream().filter(r -> r.contains("/delta") && r.contains(calendarKey)).toList();
        assertThat(deltaRequests).as("from the stored delta link, not a new full sync").isNotEmpty()
                .allMatch(r -> r.toLowerCase(java.util.Locale.ROOT).contains("deltatoken"));
        assertThat(channelIds(connection)).containsExactly(subscription);
        aChangeInOutlookArrivesByNotification(user, account, "After missed");
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** Each failed call with a Retry-After was followed by the next call of its operation no sooner than it said. */
    private static void assertNothingCameBeforeItsRetryAfter(List<GraphCall> calls) {
        for (int i = 0; i + 1 < calls.size(); i++) {
            GraphCall call = calls.get(i);
            if (call.failed() && call.retryAfter() != null) {
                Duration gap = Duration.between(call.at(), calls.get(i + 1).at());
                assertThat(gap).as("gap after " + call + " (next " + calls.get(i + 1) + ")").isGreaterThanOrEqualTo(call.retryAfter());
            }
        }
    }

    private static List<GraphCall> calls(String account, String operation) {
        return microsoft.graphCalls(account).stream().filter(c -> c.operation().equals(operation)).toList();
    }

    /** An event created in Outlook reaches the events API, with no sync asked for. */
    private static void aChangeInOutlookArrivesByNotification(String user, String account, String title) {
        int deliveredBefore = microsoft.deliveredNotificationCount();
        microsoft.createEvent(account, microsoft.defaultCalendarId(account), """
                {"subject": "%s", "start": {"dateTime": "%s", "timeZone": "UTC"},
                 "end": {"dateTime": "%s", "timeZone": "UTC"}}""".formatted(title, local(TOMORROW.plus(Duration.ofHours(30))),
                local(TOMORROW.plus(Duration.ofHours(31)))));
        Await.until("the notification's pull brings " + title, PATIENCE, () -> titles(user).contains(title));
        assertThat(microsoft.deliveredNotificationCount()).as("a change notification was delivered").isGreaterThan(deliveredBefore);
    }

    /** The connection's one subscription, once calbridge has stored it. */
    private static String awaitSubscription(UUID connection) {
        Await.until("a subscription is open", PATIENCE, () -> channelIds(connection).size() == 1);
        return channelIds(connection).get(0);
    }

    private static List<String> channelIds(UUID connection) {
        return database.sql("SELECT channel_id FROM push_channels WHERE connection_id = ?").param(connection).query(String.class).list();
    }

    private static Instant channelExpiry(String channelId) {
        return database.sql("SELECT expires_at FROM push_channels WHERE channel_id = ?").param(channelId)
                .query(java.sql.Timestamp.class).optional().map(java.sql.Timestamp::toInstant).orElse(Instant.EPOCH);
    }

    /** No pull queued or running for the connection: what follows is a notification's doing. */
    private static void awaitPullsSettled(String user, UUID connection) {
        Await.until("the pulls settle", PATIENCE, () -> database.sql("""
                SELECT count(*) FROM sync_jobs WHERE connection_id = ? AND kind = 'PULL' AND status IN ('PENDING', 'RUNNING', 'FAILED')""")
                .param(connection).query(Long.class).single() == 0 && lastPullSucceeded(user, connection));
    }

    private static boolean lastPullSucceeded(String user, UUID connection) {
        return syncLogs(user, connection).stream().filter(l -> l.path("direction").asText().equals("PULL")).findFirst()
                .map(l -> l.path("outcome").asText().equals("SUCCESS")).orElse(false);
    }

    /** Newest first. */
    private static List<JsonNode> syncLogs(String user, UUID connection) {
        Response response = app.api().get("/api/v1/sync-logs?connectionId=" + connection + "&limit=200", Caller.service(user));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        List<JsonNode> logs = new ArrayList<>();
        response.json().forEach(logs::add);
        return logs;
    }

    private static Instant instant(JsonNode node) {
        return java.time.OffsetDateTime.parse(node.asText()).toInstant();
    }

    private static String status(String user, UUID connection) {
        return app.api().get("/api/v1/connections/" + connection, Caller.service(user)).json().path("status").asText();
    }

    private static void put(String user, String appointmentId, Instant start) {
        Map<String, Object> body = Map.of("title", "Session " + appointmentId, "start", start.toString(),
                "end", start.plus(Duration.ofMinutes(45)).toString(), "timeZone", "Europe/Berlin");
        Response put = app.api().send("PUT", "/api/v1/appointments/" + appointmentId, Caller.service(user), Api.JSON.writeValueAsString(body),
                "application/json");
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
    }

    private static JsonNode destination(String user, String appointmentId) {
        return app.api().get("/api/v1/appointments/" + appointmentId, Caller.service(user)).json().path("destinations").path(0);
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
