package io.calbridge.emulator.google;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The sandbox's emulator kept in a directory: a restart finds accounts, events, grants, sync state and channels again. */
class PersistedStateTest {

    private static final String ACCOUNT = GoogleCalendarEmulator.DEFAULT_ACCOUNT;
    private static final String SCOPE = "https://www.googleapis.com/auth/calendar.events https://www.googleapis.com/auth/calendar.calendarlist.readonly";

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<GoogleCalendarEmulator> started = new ArrayList<>();

    @TempDir
    Path directory;

    @AfterEach
    void closeAll() {
        started.forEach(GoogleCalendarEmulator::close);
    }

    @Test
    void restartFromItsDirectoryKeepsEventsGrantsSyncTokensAndChannels() throws Exception {
        GoogleCalendarEmulator first = start();
        assertThat(first.restoredState()).isFalse();
        IssuedTokens tokens = first.issueTokens(ACCOUNT, SCOPE);
        String team = first.createCalendar(ACCOUNT, "Team");
        first.seedDemoEvents(ACCOUNT);
        String single = first.insertEvent(team, """
                {"summary": "Planning", "start": {"dateTime": "2026-03-03T10:00:00Z"}, "end": {"dateTime": "2026-03-03T11:00:00Z"}}""");
        String gone = first.insertEvent(team, """
                {"summary": "Gone", "start": {"date": "2026-03-04"}, "end": {"date": "2026-03-05"}}""");
        first.deleteEvent(team, gone);
        String syncToken = fullSync(first, tokens.accessToken(), ACCOUNT);
        JsonNode channel = call(first, tokens.accessToken(), "POST", "/calendar/v3/calendars/primary/events/watch",
                "{\"id\":\"channel-1\",\"type\":\"web_hook\",\"address\":\"http://127.0.0.1:9/webhooks/google\"}").json();
        List<EventSnapshot> primaryBefore = first.events(ACCOUNT);
        List<EventSnapshot> teamBefore = first.events(team);
        String firstBase = first.baseUrl();
        first.close();

        GoogleCalendarEmulator second = start();

        assertThat(second.restoredState()).isTrue();
        assertThat(second.calendarIds(ACCOUNT)).containsExactly(ACCOUNT, team);
        assertThat(rebased(second.events(ACCOUNT), second.baseUrl(), firstBase)).containsExactlyElementsOf(primaryBefore);
        assertThat(rebased(second.events(team), second.baseUrl(), firstBase)).containsExactlyElementsOf(teamBefore);
        assertThat(second.events(team)).extracting(EventSnapshot::id).contains(single, gone);
        assertThat(second.activeChannelIds()).containsExactly(channel.path("id").asString());
        // the access token issued before the restart still works, and so does the refresh token
        assertThat(call(second, tokens.accessToken(), "GET", "/calendar/v3/users/me/calendarList", null).status()).isEqualTo(200);
        HttpResponse<String> refreshed = postForm(second, GoogleCalendarEmulator.TOKEN_PATH, "grant_type=refresh_token&refresh_token="
                + Json.encodeQueryValue(tokens.refreshToken()) + "&client_id=" + Json.encodeQueryValue(GoogleCalendarEmulator.DEFAULT_CLIENT_ID)
                + "&client_secret=" + Json.encodeQueryValue(GoogleCalendarEmulator.DEFAULT_CLIENT_SECRET));
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        // the sync token continues: nothing changed, then exactly the change made after the restart
        Answer idle = call(second, tokens.accessToken(), "GET", "/calendar/v3/calendars/primary/events?syncToken=" + encode(syncToken), null);
        assertThat(idle.status()).isEqualTo(200);
        assertThat(idle.json().path("items").size()).isZero();
        String added = second.insertEvent(ACCOUNT, """
                {"summary": "After the restart", "start": {"dateTime": "2026-03-05T10:00:00Z"}, "end": {"dateTime": "2026-03-05T10:30:00Z"}}""");
        Answer changes = call(second, tokens.accessToken(), "GET", "/calendar/v3/calendars/primary/events?syncToken="
                + encode(idle.json().path("nextSyncToken").asString()), null);
        assertThat(changes.json().path("items").valueStream().map(e -> e.path("id").asString())).containsExactly(added);
    }

    @Test
    void changeIsWrittenSoonWithoutCloseSoAKilledSandboxKeepsIt() throws Exception {
        GoogleCalendarEmulator first = start();
        IssuedTokens tokens = first.issueTokens(ACCOUNT, SCOPE);
        Answer created = call(first, tokens.accessToken(), "POST", "/calendar/v3/calendars/primary/events", """
                {"summary": "Written through the API", "start": {"dateTime": "2026-03-03T10:00:00Z"}, "end": {"dateTime": "2026-03-03T11:00:00Z"}}""");
        String id = created.json().path("id").asString();
        Path file = directory.resolve(StateFile.FILE_NAME);
        Instant deadline = Instant.now().plusSeconds(5);
        while (!(Files.exists(file) && Files.readString(file).contains(id)) && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }

        GoogleCalendarEmulator second = start(); // the first one still runs: as if it had been killed

        assertThat(second.event(ACCOUNT, id)).map(EventSnapshot::summary).contains("Written through the API");
        assertThat(call(second, tokens.accessToken(), "GET", "/calendar/v3/calendars/primary/events/" + id, null).status()).isEqualTo(200);
    }

    @Test
    void unreadableStateFileRefusesToStartNamingTheFile() throws Exception {
        Files.writeString(directory.resolve(StateFile.FILE_NAME), "{ not json");

        assertThatThrownBy(this::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(directory.resolve(StateFile.FILE_NAME).toString()).hasMessageContaining("move it away");
    }

    @Test
    void withoutPersistToNothingIsWritten() throws Exception {
        try (GoogleCalendarEmulator memoryOnly = GoogleCalendarEmulator.builder().start()) {
            memoryOnly.insertEvent(ACCOUNT, """
                    {"summary": "Kept in memory", "start": {"date": "2026-03-04"}, "end": {"date": "2026-03-05"}}""");
        }
        try (var files = Files.list(directory)) {
            assertThat(files).isEmpty();
        }
    }

    private GoogleCalendarEmulator start() {
        GoogleCalendarEmulator google = GoogleCalendarEmulator.builder().persistTo(directory).start();
        started.add(google);
        return google;
    }

    /** Event JSON holds links with the emulator's address, which changes with its port. */
    private static List<EventSnapshot> rebased(List<EventSnapshot> events, String from, String to) {
        return events.stream().map(e -> new EventSnapshot(e.id(), e.status(), e.summary(), e.start(), e.end(), e.allDay(),
                e.recurringEventId(), e.recurrence(), e.sequence(), e.etag(), e.json().replace(from, to))).toList();
    }

    private String fullSync(GoogleCalendarEmulator google, String accessToken, String calendarId) throws Exception {
        String pageToken = null;
        while (true) {
            Answer page = call(google, accessToken, "GET", "/calendar/v3/calendars/" + encode(calendarId) + "/events?maxResults=5"
                    + (pageToken == null ? "" : "&pageToken=" + encode(pageToken)), null);
            assertThat(page.status()).isEqualTo(200);
            if (page.json().has("nextSyncToken")) {
                return page.json().path("nextSyncToken").asString();
            }
            pageToken = page.json().path("nextPageToken").asString();
        }
    }

    private record Answer(int status, JsonNode json) {
    }

    private Answer call(GoogleCalendarEmulator google, String accessToken, String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(google.baseUrl() + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + accessToken)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), Json.parse(response.body().getBytes(StandardCharsets.UTF_8)));
    }

    private HttpResponse<String> postForm(GoogleCalendarEmulator google, String path, String form) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(google.baseUrl() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String encode(String value) {
        return Json.encodeQueryValue(value);
    }
}
