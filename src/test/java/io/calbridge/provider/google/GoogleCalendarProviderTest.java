package io.calbridge.provider.google;

import static io.calbridge.provider.google.ScriptedGoogleServer.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.calbridge.provider.AccountInfo;
import io.calbridge.provider.Attendee;
import io.calbridge.provider.BusyInterval;
import io.calbridge.provider.CalendarInfo;
import io.calbridge.provider.Capability;
import io.calbridge.provider.ChangePage;
import io.calbridge.provider.ChangeRequest;
import io.calbridge.provider.EventDraft;
import io.calbridge.provider.EventTime;
import io.calbridge.provider.OAuthClient;
import io.calbridge.provider.ProviderException;
import io.calbridge.provider.PushChannel;
import io.calbridge.provider.WrittenEvent;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the adapter asks of Google over real HTTP, and what it makes of Google's answers. */
class GoogleCalendarProviderTest {

    private static final String TOKEN = "test-access-token";
    private static final String EMAIL = "anna.schmidt@example.com";

    private ScriptedGoogleServer google;
    private GoogleCalendarProvider provider;

    @BeforeEach
    void start() {
        google = new ScriptedGoogleServer();
        provider = new GoogleCalendarProvider(GoogleSettings.defaults().withApiBaseUrl(google.baseUrl()), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        google.close();
    }

    @Test
    void descriptorOffersOAuthOnlyWithAClientIdAndAsksForLeastScopesOfflineWithPkce() {
        assertThat(provider.descriptor().configured()).isFalse();
        assertThat(provider.descriptor().id()).isEqualTo("google");
        assertThat(provider.descriptor().displayName()).isEqualTo("Google Calendar");
        assertThat(provider.descriptor().capabilities()).containsExactlyInAnyOrder(Capability.READ_EVENTS, Capability.WRITE_EVENTS,
                Capability.FREE_BUSY, Capability.PUSH_NOTIFICATIONS, Capability.MEETING_LINKS);

        GoogleCalendarProvider configured = new GoogleCalendarProvider(GoogleSettings.defaults().withClient("id-1", "secret-1")
                .withSandbox(true), Clock.systemUTC());
        OAuthClient client = configured.descriptor().oauth().orElseThrow();

        assertThat(configured.descriptor().sandbox()).isTrue();
        assertThat(client.authorizationUri()).isEqualTo("https://accounts.google.com/o/oauth2/v2/auth");
        assertThat(client.tokenUri()).isEqualTo("https://oauth2.googleapis.com/token");
        assertThat(client.revocationUri()).isEqualTo("https://oauth2.googleapis.com/revoke");
        assertThat(client.scopes()).containsExactly("https://www.googleapis.com/auth/calendar.events",
                "https://www.googleapis.com/auth/calendar.calendarlist.readonly", "https://www.googleapis.com/auth/calendar.freebusy");
        assertThat(client.extraAuthorizationParameters()).containsEntry("access_type", "offline").containsEntry("prompt", "consent")
                .containsEntry("include_granted_scopes", "true");
        assertThat(client.pkce()).isTrue();
        assertThat(new GoogleCalendarProvider(GoogleSettings.defaults().withClient("  ", null), Clock.systemUTC()).descriptor()
                .configured()).as("a blank client id is no client").isFalse();
    }

    @Test
    void accountIsThePrimaryCalendarWhoseIdIsTheEmail() {
        google.reply(200, """
                {"kind": "calendar#calendarListEntry", "id": "%s", "summary": "%s", "timeZone": "Europe/Berlin",
                 "accessRole": "owner", "primary": true}""".formatted(EMAIL, EMAIL));

        AccountInfo account = provider.account(TOKEN);

        assertThat(account).isEqualTo(new AccountInfo(EMAIL, EMAIL));
        assertThat(google.lastRequest().path()).isEqualTo("/calendar/v3/users/me/calendarList/primary");
        assertThat(google.lastRequest().header("Authorization")).isEqualTo("Bearer " + TOKEN);
    }

    @Test
    void calendarsAreReadAcrossAllPages() {
        google.reply(200, """
                {"kind": "calendar#calendarList", "nextPageToken": "page-2", "items": [
                  {"id": "%s", "summary": "%s", "backgroundColor": "#9fc6e7", "accessRole": "owner", "primary": true,
                   "timeZone": "Europe/Berlin"}]}""".formatted(EMAIL, EMAIL))
                .reply(200, """
                {"kind": "calendar#calendarList", "nextSyncToken": "CLi8", "items": [
                  {"id": "team@group.calendar.google.com", "summary": "Team", "summaryOverride": "My team",
                   "backgroundColor": "#16a765", "accessRole": "writer", "timeZone": "Europe/Berlin"},
                  {"id": "de.german#holiday@group.v.calendar.google.com", "summary": "Holidays in Germany",
                   "accessRole": "reader", "timeZone": "Europe/Berlin"}]}""");

        List<CalendarInfo> calendars = provider.calendars(TOKEN);

        assertThat(calendars).containsExactly(
                new CalendarInfo(EMAIL, EMAIL, "#9fc6e7", true, true, "Europe/Berlin"),
                new CalendarInfo("team@group.calendar.google.com", "My team", "#16a765", false, true, "Europe/Berlin"),
                new CalendarInfo("de.german#holiday@group.v.calendar.google.com", "Holidays in Germany", null, false, false,
                        "Europe/Berlin"));
        assertThat(google.requests().get(1).query()).containsEntry("pageToken", "page-2");
    }

    @Test
    void fullSyncAsksForTheWindowWithMastersAndDeletedAndPassesPagesOn() {
        google.reply(200, """
                {"kind": "calendar#events", "timeZone": "Europe/Berlin", "nextPageToken": "next-page", "items": [
                  {"id": "a1", "status": "confirmed", "summary": "One",
                   "start": {"dateTime": "2026-07-13T10:00:00+02:00"}, "end": {"dateTime": "2026-07-13T11:00:00+02:00"}}]}""");
        Instant from = Instant.parse("2026-06-01T00:00:00Z");
        Instant to = Instant.parse("2026-12-01T00:00:00Z");

        ChangePage page = provider.changes(TOKEN, EMAIL, new ChangeRequest(null, null, from, to, 5000));

        assertThat(page.events()).singleElement().satisfies(e -> {
            assertThat(e.externalId()).isEqualTo("a1");
            assertThat(e.start()).isEqualTo(EventTime.at(Instant.parse("2026-07-13T08:00:00Z"), "Europe/Berlin"));
        });
        assertThat(page.nextPageCursor()).isEqualTo("next-page");
        assertThat(page.syncCursor()).isNull();
        assertThat(page.last()).isFalse();
        ScriptedGoogleServer.Request request = google.lastRequest();
        assertThat(URLDecoder.decode(request.path(), StandardCharsets.UTF_8)).isEqualTo("/calendar/v3/calendars/" + EMAIL + "/events");
        assertThat(request.query()).containsEntry("singleEvents", "false").containsEntry("showDeleted", "true")
                .containsEntry("maxResults", "2500").containsKeys("timeMin", "timeMax").doesNotContainKeys("syncToken", "pageToken");
        assertThat(request.query()).containsEntry("timeMin", "2026-06-01T00:00:00.000Z")
                .containsEntry("timeMax", "2026-12-01T00:00:00.000Z");
    }

    @Test
    void lastPageOfIncrementalSyncGivesTheNextSyncCursorAndCancelledItems() {
        google.reply(200, """
                {"kind": "calendar#events", "timeZone": "Europe/Berlin", "nextSyncToken": "sync-2", "items": [
                  {"kind": "calendar#event", "etag": "\\"1\\"", "id": "gone1", "status": "cancelled"}]}""");

        ChangePage page = provider.changes(TOKEN, EMAIL, new ChangeRequest("sync-1", "page-3", null, null, 100));

        assertThat(page.last()).isTrue();
        assertThat(page.syncCursor()).isEqualTo("sync-2");
        assertThat(page.events()).singleElement().satisfies(e -> assertThat(e.cancelled()).isTrue());
        assertThat(google.lastRequest().query()).containsEntry("syncToken", "sync-1").containsEntry("pageToken", "page-3")
                .containsEntry("maxResults", "100").doesNotContainKeys("timeMin", "timeMax");
    }

    @Test
    void createInsertsUnderTheKeysIdWithMeetRequestAndNoMails() {
        String id = GoogleEventIds.forKey("appointment-42:connection-7");
        google.reply(200, """
                {"kind": "calendar#event", "etag": "\\"100\\"", "id": "%s", "status": "confirmed",
                 "hangoutLink": "https://meet.google.com/aaa-bbbb-ccc"}""".formatted(id));

        WrittenEvent written = provider.createEvent(TOKEN, "primary", draft(true));

        assertThat(written).isEqualTo(new WrittenEvent(id, "https://meet.google.com/aaa-bbbb-ccc", "\"100\""));
        ScriptedGoogleServer.Request insert = google.lastRequest();
        assertThat(insert.method()).isEqualTo("POST");
        assertThat(insert.path()).isEqualTo("/calendar/v3/calendars/primary/events");
        assertThat(insert.query()).containsEntry("conferenceDataVersion", "1").containsEntry("sendUpdates", "none");
        assertThat(insert.body()).contains("\"id\":\"" + id + "\"", "\"requestId\":\"appointment-42:connection-7\"",
                "\"type\":\"hangoutsMeet\"", "\"email\":\"jane.roe@example.org\"", "\"timeZone\":\"Europe/Berlin\"");
    }

    @Test
    void createAfterALostReplyMeets409AndUndeletesTheExistingEventInsteadOfDuplicating() {
        String id = GoogleEventIds.forKey("appointment-42:connection-7");
        google.reply(409, error(409, "global", "duplicate", "The requested identifier already exists."))
                .reply(200, """
                        {"kind": "calendar#event", "etag": "\\"200\\"", "id": "%s", "status": "cancelled", "summary": "Old title",
                         "colorId": "3", "start": {"dateTime": "2026-07-13T10:00:00+02:00"},
                         "end": {"dateTime": "2026-07-13T10:30:00+02:00"}}""".formatted(id))
                .reply(200, """
                        {"kind": "calendar#event", "etag": "\\"201\\"", "id": "%s", "status": "confirmed"}""".formatted(id));

        WrittenEvent written = provider.createEvent(TOKEN, "primary", draft(false));

        assertThat(written).isEqualTo(new WrittenEvent(id, null, "\"201\""));
        List<ScriptedGoogleServer.Request> calls = google.requests();
        assertThat(calls).extracting(ScriptedGoogleServer.Request::method).containsExactly("POST", "GET", "PUT");
        assertThat(calls.get(1).path()).isEqualTo("/calendar/v3/calendars/primary/events/" + id);
        ScriptedGoogleServer.Request update = calls.get(2);
        assertThat(update.path()).isEqualTo("/calendar/v3/calendars/primary/events/" + id);
        assertThat(update.query()).containsEntry("sendUpdates", "none");
        assertThat(update.body()).contains("\"status\":\"confirmed\"", "\"summary\":\"Consultation with Jane\"", "\"colorId\":\"3\"")
                .doesNotContain("Old title");
    }

    @Test
    void updateOfAnEventDeletedInGoogleIsNotFound() {
        google.reply(200, """
                {"kind": "calendar#event", "id": "cbx", "status": "cancelled"}""");

        assertThat(catchThrowableOfType(ProviderException.NotFound.class,
                () -> provider.updateEvent(TOKEN, "primary", "cbx", draft(false)))).isNotNull();
        assertThat(google.requests()).hasSize(1);
    }

    @Test
    void freeBusyGivesEachCalendarsBusyIntervals() {
        google.reply(200, """
                {"kind": "calendar#freeBusy", "timeMin": "2026-07-13T00:00:00.000Z", "timeMax": "2026-07-14T00:00:00.000Z",
                 "calendars": {"%s": {"busy": [
                   {"start": "2026-07-13T08:00:00Z", "end": "2026-07-13T09:30:00Z"},
                   {"start": "2026-07-13T12:00:00Z", "end": "2026-07-13T12:15:00Z"}]},
                  "team@group.calendar.google.com": {"busy": []}}}""".formatted(EMAIL));

        List<BusyInterval> busy = provider.freeBusy(TOKEN, List.of(EMAIL, "team@group.calendar.google.com"),
                Instant.parse("2026-07-13T00:00:00Z"), Instant.parse("2026-07-14T00:00:00Z"));

        assertThat(busy).containsExactly(
                new BusyInterval(EMAIL, Instant.parse("2026-07-13T08:00:00Z"), Instant.parse("2026-07-13T09:30:00Z")),
                new BusyInterval(EMAIL, Instant.parse("2026-07-13T12:00:00Z"), Instant.parse("2026-07-13T12:15:00Z")));
        assertThat(google.lastRequest().path()).isEqualTo("/calendar/v3/freeBusy");
        assertThat(google.lastRequest().body()).contains("\"id\":\"team@group.calendar.google.com\"");
    }

    @Test
    void freeBusyForACalendarGoogleCannotFindIsNotFound() {
        google.reply(200, """
                {"kind": "calendar#freeBusy", "calendars": {"nobody@example.com": {"errors": [
                  {"domain": "global", "reason": "notFound"}], "busy": []}}}""");

        assertThat(catchThrowableOfType(ProviderException.NotFound.class, () -> provider.freeBusy(TOKEN, List.of("nobody@example.com"),
                Instant.parse("2026-07-13T00:00:00Z"), Instant.parse("2026-07-14T00:00:00Z")))).isNotNull();
    }

    @Test
    void watchOpensAWebHookChannelWithAFreshSecretAndReturnsGooglesExpiry() {
        String answer = """
                {"kind": "api#channel", "id": "channel-as-google-echoes-it", "resourceId": "o3hgv1538sdjfh",
                 "resourceUri": "https://www.googleapis.com/calendar/v3/calendars/primary/events?alt=json",
                 "expiration": "1784116800000"}""";
        google.reply(200, answer).reply(200, answer);
        Instant requested = Instant.parse("2026-07-20T12:00:00Z");

        PushChannel channel = provider.watch(TOKEN, "primary", "https://calbridge.example.com/webhooks/google", requested);

        assertThat(channel.channelId()).isEqualTo("channel-as-google-echoes-it");
        assertThat(channel.resourceId()).isEqualTo("o3hgv1538sdjfh");
        assertThat(channel.calendarId()).isEqualTo("primary");
        assertThat(channel.expiresAt()).isEqualTo(Instant.ofEpochMilli(1784116800000L));
        assertThat(channel.token()).matches("[A-Za-z0-9_-]{43}");
        ScriptedGoogleServer.Request request = google.lastRequest();
        assertThat(request.path()).isEqualTo("/calendar/v3/calendars/primary/events/watch");
        assertThat(request.body()).containsPattern("\"id\":\"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\"");
        assertThat(request.body()).contains("\"type\":\"web_hook\"", "\"address\":\"https://calbridge.example.com/webhooks/google\"",
                "\"token\":\"" + channel.token() + "\"", "\"expiration\":\"" + requested.toEpochMilli() + "\"");
        PushChannel another = provider.watch(TOKEN, "primary", "https://calbridge.example.com/webhooks/google", requested);
        assertThat(another.token()).isNotEqualTo(channel.token());
    }

    @Test
    void stopWatchNamesTheChannelAndItsResource() {
        google.reply(204, "");

        provider.stopWatch(TOKEN, new PushChannel("chan-1", "res-1", "primary", "secret", Instant.parse("2026-07-20T12:00:00Z")));

        assertThat(google.lastRequest().path()).isEqualTo("/calendar/v3/channels/stop");
        assertThat(google.lastRequest().body()).contains("\"id\":\"chan-1\"", "\"resourceId\":\"res-1\"");
    }

    @Test
    void revokePostsTheTokenAsAFormAndAnUnknownTokenCountsAsRevoked() {
        GoogleCalendarProvider revoking = new GoogleCalendarProvider(GoogleSettings.defaults().withClient("id", "secret")
                .withOAuthEndpoints(google.baseUrl() + "auth", google.baseUrl() + "token", google.baseUrl() + "revoke"), Clock.systemUTC());
        google.reply(200, "{}").reply(400, """
                {"error": "invalid_token", "error_description": "Token expired or revoked"}""");

        assertThatCode(() -> revoking.revoke("test-refresh-token-value")).doesNotThrowAnyException();
        assertThatCode(() -> revoking.revoke("test-refresh-token-value")).doesNotThrowAnyException();

        ScriptedGoogleServer.Request request = google.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/revoke");
        assertThat(request.header("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(URLDecoder.decode(request.body(), StandardCharsets.UTF_8)).isEqualTo("token=test-refresh-token-value");
    }

    @Test
    void revokeFailingAtGoogleIsTransient() {
        GoogleCalendarProvider revoking = new GoogleCalendarProvider(GoogleSettings.defaults()
                .withOAuthEndpoints(google.baseUrl() + "auth", google.baseUrl() + "token", google.baseUrl() + "revoke"), Clock.systemUTC());
        google.reply(503, "");

        ProviderException.Transient e = catchThrowableOfType(ProviderException.Transient.class,
                () -> revoking.revoke("test-refresh-token-value"));

        assertThat(e.getMessage()).contains("503").doesNotContain("refresh-token-value");
    }

    private static EventDraft draft(boolean meet) {
        return new EventDraft("appointment-42:connection-7", "Consultation with Jane", "Intro call", null,
                EventTime.at(Instant.parse("2026-07-13T08:00:00Z"), "Europe/Berlin"),
                EventTime.at(Instant.parse("2026-07-13T08:30:00Z"), "Europe/Berlin"),
                List.of(new Attendee("Jane Roe", "jane.roe@example.org", null, false)), meet);
    }
}
