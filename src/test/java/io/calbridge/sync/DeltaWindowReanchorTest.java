package io.calbridge.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.emulator.microsoft.MicrosoftGraphEmulator;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.Await;
import io.calbridge.testing.Connect;
import io.calbridge.testing.MicrosoftEmulators;
import io.calbridge.testing.MovableClock;
import io.calbridge.testing.RunningCalbridge;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.TestKeys;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import tools.jackson.databind.JsonNode;

/**
 * Microsoft's calendarView/delta keeps the window its first request named; calbridge's window rolls with the clock.
 * calbridge (its clock moved by the test: days pass in an instant) against the Microsoft emulator, whose delta tokens
 * carry their window as Graph's do: once the window has moved more than {@code window-drift}, the next round is a
 * full delta over the current window; inside the drift an idle round stays one delta call.
 */
class DeltaWindowReanchorTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Duration WINDOW_PAST = Duration.ofDays(10);
    private static final Duration WINDOW_FUTURE = Duration.ofDays(60);

    private static final MovableClock CLOCK = new MovableClock();
    private static MicrosoftGraphEmulator microsoft;
    private static RunningCalbridge app;

    @TestConfiguration(proxyBeanMethods = false)
    static class MovableClockConfig {
        @Bean
        @Primary
        Clock movableClock() {
            return CLOCK;
        }
    }

    @BeforeAll
    static void calbridgeWithTheEmulatorAsMicrosoft() {
        microsoft = MicrosoftGraphEmulator.builder().start();
        Map<String, Object> settings = new HashMap<>(MicrosoftEmulators.settingsFor(microsoft));
        settings.put("calbridge.token-keys", TestKeys.tokenKey("drift"));
        settings.put("calbridge.sync.page-size", 10);
        settings.put("calbridge.sync.window-past", WINDOW_PAST.toString());
        settings.put("calbridge.sync.window-future", WINDOW_FUTURE.toString());
        settings.put("calbridge.sync.window-drift", "P7D");
        // no scheduled polls while days pass in an instant: every round here is one the test asks for (or a notification's)
        settings.put("calbridge.sync.poll-interval", "P1000D");
        settings.put("calbridge.sync.push-poll-interval", "P1000D");
        settings.put("calbridge.sync.notification-delay", "PT0.2S");
        app = RunningCalbridge.start(TestDatabase.newDatabase(), settings, MovableClockConfig.class);
    }

    @AfterAll
    static void stop() {
        app.close();
        microsoft.close();
    }

    @Test
    void afterTheWindowMovedPastTheDriftTheNextRoundIsAFullDeltaOverTheNewWindowAndLeavesNothingStale() {
        String account = workAccount();
        String calendar = microsoft.defaultCalendarId(account);
        // times from calbridge's clock, which other tests of this class may have moved already
        Instant anchor = CLOCK.instant();
        Instant tomorrow = tomorrow();
        microsoft.seedEvents(account, calendar, 25, tomorrow, Duration.ofHours(2), Duration.ofMinutes(30));
        event(account, calendar, "Leaves at the past end", anchor.minus(Duration.ofDays(9)));
        String moving = event(account, calendar, "Moves to the far end", tomorrow.plus(Duration.ofHours(1)));
        String deleted = event(account, calendar, "Deleted in Outlook", tomorrow.plus(Duration.ofHours(3)));
        String user = "drift-" + UUID.randomUUID();
        UUID connection = connect(user, account);
        assertThat(titles(user)).hasSize(28).contains("Leaves at the past end", "Moves to the far end", "Deleted in Outlook");

        CLOCK.advance(Duration.ofDays(8));
        // beyond the first delta's window end (now + 60 days) but inside the moved one (now + 8 + 60 days)
        Instant farEnd = anchor.plus(Duration.ofDays(66));
        Instant movedTo = anchor.plus(Duration.ofDays(65));
        event(account, calendar, "Only in the new window", farEnd);
        microsoft.moveEvent(account, moving, movedTo, movedTo.plus(Duration.ofMinutes(30)));
        microsoft.deleteEvent(account, deleted);
        microsoft.clearReceivedRequests();
        Instant movedNow = CLOCK.instant();
        sync(user, connection);

        Await.until("the event that only fits the new window is pulled", PATIENCE, () -> titles(user).contains("Only in the new window"));
        try {
            Await.until("the round that pulled it is finished", PATIENCE, () -> titles(user).size() == 27);
        } catch (AssertionError notYet) {
            assertThat(titles(user)).as("the 25 seeded, the moved and the new one").hasSize(27);
        }
        List<JsonNode> events = events(user);
        List<String> titles = events.stream().map(e -> e.path("title").asText()).toList();
        assertThat(titles).as("the 25 seeded, the moved and the new one: nothing deleted, nothing outside the window")
                .contains("Only in the new window", "Moves to the far end")
                .doesNotContain("Deleted in Outlook", "Leaves at the past end")
                .filteredOn(t -> t.startsWith("Seeded")).hasSize(25);
        assertThat(events.stream().filter(e -> e.path("title").asText().equals("Moves to the far end")).findFirst().orElseThrow()
                .path("start").asText()).as("the moved event at its new time").startsWith(movedTo.toString().substring(0, 10));
        List<Instant> windowStarts = deltaWindowStarts();
        assertThat(windowStarts).as("a fresh delta named the moved window: " + microsoft.receivedRequests()).isNotEmpty();
        assertThat(Duration.between(movedNow.minus(WINDOW_PAST), windowStarts.get(windowStarts.size() - 1)).abs())
                .isLessThan(Duration.ofMinutes(5));

        // re-anchored: the next idle round continues the new delta link in one call
        microsoft.resetCallCounts();
        syncAndWait(user, connection);
        assertThat(microsoft.callCount("events.delta")).as(microsoft.callCounts().toString()).isEqualTo(1);
        assertThat(titles(user)).hasSize(27);
    }

    @Test
    void idleRoundsInsideTheDriftStayOneDeltaCallAndTheFirstBeyondItIsAFullOne() {
        String account = workAccount();
        String calendar = microsoft.defaultCalendarId(account);
        microsoft.seedEvents(account, calendar, 25, tomorrow(), Duration.ofHours(2), Duration.ofMinutes(30));
        String user = "drift-" + UUID.randomUUID();
        UUID connection = connect(user, account);

        for (int round = 0; round < 2; round++) {
            CLOCK.advance(Duration.ofDays(3)); // 3, then 6 days: inside the 7-day drift
            microsoft.resetCallCounts();
            syncAndWait(user, connection);
            assertThat(microsoft.callCount("events.delta")).as("round " + round + ": " + microsoft.callCounts()).isEqualTo(1);
        }

        CLOCK.advance(Duration.ofDays(2)); // 8 days
        microsoft.resetCallCounts();
        syncAndWait(user, connection);
        assertThat(microsoft.callCount("events.delta")).as("a full delta over 25 events, 10 a page: " + microsoft.callCounts())
                .isEqualTo(3);
        assertThat(titles(user)).hasSize(25);
    }

    /** 08:00 UTC tomorrow by calbridge's (moved) clock. */
    private static Instant tomorrow() {
        return CLOCK.instant().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1)).plus(Duration.ofHours(8));
    }

    private static String event(String account, String calendar, String subject, Instant start) {
        return microsoft.createEvent(account, calendar, """
                {"subject": "%s", "start": {"dateTime": "%s", "timeZone": "UTC"},
                 "end": {"dateTime": "%s", "timeZone": "UTC"}}""".formatted(subject, local(start), local(start.plus(Duration.ofMinutes(30)))));
    }

    /** The startDateTime of every delta request the emulator received that named a window (a full delta). */
    private static List<Instant> deltaWindowStarts() {
        List<Instant> starts = new ArrayList<>();
        Pattern start = Pattern.compile("[?&]startDateTime=([^&]+)", Pattern.CASE_INSENSITIVE);
        for (String request : microsoft.receivedRequests()) {
            Matcher matcher = start.matcher(request);
            if (request.contains("/calendarView/delta") && matcher.find()) {
                starts.add(Instant.parse(URLDecoder.decode(matcher.group(1), StandardCharsets.UTF_8)));
            }
        }
        return starts;
    }

    private static void sync(String user, UUID connection) {
        Response sync = app.api().post("/api/v1/connections/" + connection + "/sync", Caller.service(user), null);
        assertThat(sync.status()).as(sync.toString()).isIn(200, 202);
    }

    /** Asks for a sync and waits until one more pull has run and logged itself. */
    private static void syncAndWait(String user, UUID connection) {
        int before = pullLogs(user, connection);
        sync(user, connection);
        Await.until("one more pull has run", PATIENCE, () -> pullLogs(user, connection) > before);
    }

    private static int pullLogs(String user, UUID connection) {
        Response logs = app.api().get("/api/v1/sync-logs?limit=200&connectionId=" + connection, Caller.service(user));
        assertThat(logs.status()).as(logs.toString()).isEqualTo(200);
        int count = 0;
        for (JsonNode log : logs.json()) {
            if (!log.path("direction").asText().equalsIgnoreCase("PUSH")) {
                count++;
            }
        }
        return count;
    }

    private static String workAccount() {
        return MicrosoftEmulators.newWorkAccount(microsoft, "UTC");
    }

    /** Connects {@code account} through the emulator's consent page and waits for the first sync. */
    private static UUID connect(String user, String account) {
        return new Connect(app.api()).connectMicrosoft(Caller.service(user), account);
    }

    /** The user's events from 30 days before to 120 days after the real now (the moved clock's windows lie inside). */
    private static List<JsonNode> events(String user) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        return app.api().events(Caller.service(user), now.minus(Duration.ofDays(30)), now.plus(Duration.ofDays(120)));
    }

    private static List<String> titles(String user) {
        return events(user).stream().map(e -> e.path("title").asText()).toList();
    }

    private static String local(Instant instant) {
        return MicrosoftEmulators.utcLocal(instant);
    }
}
