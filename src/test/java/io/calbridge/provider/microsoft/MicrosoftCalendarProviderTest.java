package io.calbridge.provider.microsoft;

import static io.calbridge.provider.microsoft.ScriptedGraphServer.error;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What the adapter asks of Graph over real HTTP with the real SDK, and what it makes of Graph's answers. */
class MicrosoftCalendarProviderTest {

    private static final String TOKEN = "test-access-token";
    private static final String CALENDAR = "AAMkCal1";
    private static final Instant NOW = Instant.parse("2026-12-02T00:00:00Z");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ScriptedGraphServer graph;
    private MicrosoftCalendarProvider provider;

    @BeforeEach
    void start() {
        graph = new ScriptedGraphServer();
        provider = new MicrosoftCalendarProvider(MicrosoftSettings.defaults().withGraphBaseUrl(graph.baseUrl()),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void stop() {
        graph.close();
    }

    @Test
    void descriptorOffersOAuthOnlyWithAClientIdWithPkceSelectAccountAndNoRevocation() {
        assertThat(provider.descriptor().configured()).isFalse();
        assertThat(provider.descriptor().id()).isEqualTo("microsoft");
        assertThat(provider.descriptor().displayName()).isEqualTo("Microsoft Outlook");
        assertThat(provider.descriptor().capabilities()).containsExactlyInAnyOrder(Capability.READ_EVENTS, Capability.WRITE_EVENTS,
                Capability.FREE_BUSY, Capability.PUSH_NOTIFICATIONS, Capability.MEETING_LINKS);

        MicrosoftCalendarProvider configured = new MicrosoftCalendarProvider(MicrosoftSettings.defaults().withClient("app-1", "secret-1"),
                Clock.systemUTC());
        OAuthClient client = configured.descriptor().oauth().orElseThrow();

        assertThat(client.authorizationUri()).isEqualTo("https://login.microsoftonline.com/common/oauth2/v2.0/authorize");
        assertThat(client.tokenUri()).isEqualTo("https://login.microsoftonline.com/common/oauth2/v2.0/token");
        assertThat(client.revocationUri()).isNull();
        assertThat(client.scopes()).containsExactly("offline_access", "Calendars.ReadWrite", "User.Read", "openid", "email", "profile");
        assertThat(client.extraAuthorizationParameters()).containsExactly(Map.entry("prompt", "select_account"));
        assertThat(client.pkce()).isTrue();
        assertThatCode(() -> configured.revoke("any-refresh-token")).as("nothing to call").doesNotThrowAnyException();
    }

    @Test
    void workAccountIsTenantSlashObjectIdWithTheUserPrincipalNameWhenMailIsEmpty() {
        graph.replyFile(200, "me-work.json").replyFile(200, "organization.json");

        AccountInfo account = provider.account(TOKEN);

        assertThat(account.accountId()).isEqualTo("84841066-274d-4ec0-a5c1-276be684bdd3/87d349ed-44d7-43e1-9a83-5f2406dee5bd");
        assertThat(account.email()).isEqualTo("AnnaS@contoso.onmicrosoft.com");
        assertThat(graph.requests()).extracting(ScriptedGraphServer.Request::path).containsExactly("/v1.0/me", "/v1.0/organization");
        assertThat(graph.requests().get(0).header("Authorization")).isEqualTo("Bearer " + TOKEN);
    }

    @Test
    void personalAccountWhereOrganizationIsRefusedHasTheConsumerTenant() {
        graph.replyFile(200, "me-personal.json")
                .reply(403, error("Authorization_RequestDenied", "Insufficient privileges to complete the operation."));

        AccountInfo account = provider.account(TOKEN);

        assertThat(account.accountId()).isEqualTo("9188040d-6c67-4c5b-b112-36a304b66dad/4f1c2d3e5a6b7c8d");
        assertThat(account.email()).isEqualTo("anna.schmidt@outlook.com");
    }

    @Test
    void calendarsFollowEveryPageWithHexColourElseTheNamedColourDefaultAndCanEdit() {
        graph.replyFile(200, "calendars-page1.json").replyFile(200, "calendars-page2.json");

        List<CalendarInfo> calendars = provider.calendars(TOKEN);

        assertThat(calendars).containsExactly(
                new CalendarInfo("AAMkCal1", "Calendar", "#e3008c", true, true, null),
                new CalendarInfo("AAMkCal2", "Team holidays", "#87d28e", false, true, null),
                new CalendarInfo("AAMkShared", "Ben's calendar", null, false, false, null));
        assertThat(graph.requests()).hasSize(2);
        assertThat(graph.requests().get(1).query()).containsEntry("$skip", "2");
    }

    @Test
    void preferHeadersGoOnEveryDeltaPageIncludingNextLinkAndDeltaLinkPages() {
        graph.replyFile(200, "delta-page1.json").replyFile(200, "series-master.json").replyFile(200, "delta-page2.json")
                .reply(200, """
                        {"@odata.deltaLink": "%s/me/calendars/AAMkCal1/calendarView/delta?$deltatoken=next", "value": []}"""
                        .formatted(graph.baseUrl()));

        ChangePage first = provider.changes(TOKEN, CALENDAR, new ChangeRequest(null, null, Instant.parse("2026-11-01T00:00:00Z"),
                Instant.parse("2027-02-01T00:00:00Z"), 50));
        ChangePage second = provider.changes(TOKEN, CALENDAR, new ChangeRequest(null, first.nextPageCursor(), null, null, 50));
        ChangePage incremental = provider.changes(TOKEN, CALENDAR, new ChangeRequest(second.syncCursor(), null, null, null, 50));

        assertThat(first.last()).isFalse();
        assertThat(first.syncCursor()).isNull();
        assertThat(second.last()).isTrue();
        assertThat(incremental.events()).isEmpty();
        assertThat(incremental.syncCursor()).endsWith("$deltatoken=next");
        List<ScriptedGraphServer.Request> deltas = graph.requests().stream().filter(r -> r.path().endsWith("/delta()")
                || r.path().endsWith("/delta")).toList();
        assertThat(deltas).hasSize(3);
        assertThat(deltas.get(0).path()).isEqualTo("/v1.0/me/calendars/AAMkCal1/calendarView/delta()");
        assertThat(deltas.get(0).query()).containsEntry("startDateTime", "2026-11-01T00:00:00Z").containsEntry("endDateTime", "2027-02-01T00:00:00Z");
        assertThat(deltas.get(1).query()).containsEntry("$skiptoken", "R0usmcCM996atia_s").doesNotContainKey("startDateTime");
        assertThat(deltas.get(2).query()).containsEntry("$deltatoken", "R0usmci39OQxqJrxK4");
        assertThat(deltas).allSatisfy(request -> {
            assertThat(request.header("Prefer")).contains("odata.maxpagesize=50").contains("outlook.timezone=\"UTC\"")
                    .contains("IdType=\"ImmutableId\"");
            assertThat(request.header("Authorization")).isEqualTo("Bearer " + TOKEN);
        });
        assertThat(graph.requests().get(1).header("Prefer")).as("the master fetch too").contains("IdType=\"ImmutableId\"");
    }

    @Test
    void goneDeltaTokenIsCursorExpired() {
        graph.reply(410, error("SyncStateNotFound", "The sync state generation is not found."));

        ProviderException.CursorExpired expired = catchThrowableOfType(ProviderException.CursorExpired.class,
                () -> provider.changes(TOKEN, CALENDAR, new ChangeRequest(graph.baseUrl()
                        + "/me/calendars/AAMkCal1/calendarView/delta?$deltatoken=old", null, null, null, 50)));

        assertThat(expired).hasMessageContaining("410").hasMessageContaining("SyncStateNotFound");
        assertThat(graph.requests()).hasSize(1);
    }

    @Test
    void syncStateNotFoundAsBadRequestIsCursorExpiredToo() {
        graph.reply(400, error("resyncRequired", "Resync required."));

        assertThat(catchThrowableOfType(ProviderException.CursorExpired.class, () -> provider.changes(TOKEN, CALENDAR,
                new ChangeRequest(graph.baseUrl() + "/me/calendars/AAMkCal1/calendarView/delta?$deltatoken=old", null, null, null, 10))))
                .isNotNull();
    }

    @Test
    void throttlingIsRateLimitedAfterRetryAfterWithNoRetryInsideTheSdk() {
        graph.reply(429, Map.of("Retry-After", "7"), error("ApplicationThrottled", "Application is over its MailboxConcurrency limit."));

        ProviderException.RateLimited limited = catchThrowableOfType(ProviderException.RateLimited.class,
                () -> provider.calendars(TOKEN));

        assertThat(limited.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(limited).hasMessageContaining("429").hasMessageContaining("ApplicationThrottled");
        assertThat(graph.requests()).as("exactly one request: the SDK's retry handler is off").hasSize(1);
    }

    @Test
    void retryAfterGivenAsAnHttpDateCountsFromNow() {
        graph.reply(429, Map.of("Retry-After", "Wed, 02 Dec 2026 00:01:30 GMT"), error("TooManyRequests", "Too many requests"));

        ProviderException.RateLimited limited = catchThrowableOfType(ProviderException.RateLimited.class,
                () -> provider.deleteEvent(TOKEN, CALENDAR, "AAMkX"));

        assertThat(limited.retryAfter()).isEqualTo(Duration.ofSeconds(90));
        assertThat(graph.requests()).hasSize(1);
    }

    @Test
    void serviceUnavailableWithRetryAfterIsRateLimitedAndWithoutIsTransientBothWithoutRetry() {
        graph.reply(503, Map.of("Retry-After", "3"), error("ServiceUnavailable", "Service unavailable"));
        ProviderException.RateLimited limited = catchThrowableOfType(ProviderException.RateLimited.class,
                () -> provider.calendars(TOKEN));
        assertThat(limited.retryAfter()).isEqualTo(Duration.ofSeconds(3));
        assertThat(graph.requests()).hasSize(1);

        graph.reply(504, error("GatewayTimeout", "Gateway timeout"));
        assertThat(catchThrowableOfType(ProviderException.Transient.class, () -> provider.calendars(TOKEN))).isNotNull();
        assertThat(graph.requests()).hasSize(2);
    }

    @Test
    void gatewayErrorPageInsteadOfGraphsJsonKeepsItsStatusAndRetryAfter() {
        graph.reply(502, Map.of("Content-Type", "text/html"), "<html><body><h1>502 Bad Gateway</h1></body></html>")
                .reply(503, Map.of("Content-Type", "text/html", "Retry-After", "12"), "<html>busy</html>")
                .reply(500, "{\"error\": {\"code\": \"generalException\", \"mess");

        assertThat(catchThrowableOfType(ProviderException.Transient.class, () -> provider.calendars(TOKEN))).hasMessageContaining("502");
        assertThat(catchThrowableOfType(ProviderException.RateLimited.class, () -> provider.calendars(TOKEN)).retryAfter())
                .isEqualTo(Duration.ofSeconds(12));
        assertThat(catchThrowableOfType(ProviderException.Transient.class, () -> provider.calendars(TOKEN)))
                .as("a cut JSON body").hasMessageContaining("500");
        assertThat(graph.requests()).hasSize(3);
    }

    @Test
    void rejectedAccessTokenIsUnauthorizedAndNoMessageNamesTheToken() {
        graph.reply(401, Map.of("WWW-Authenticate", "Bearer realm=\"\""), error("InvalidAuthenticationToken", "Access token has expired."));

        ProviderException.Unauthorized unauthorized = catchThrowableOfType(ProviderException.Unauthorized.class,
                () -> provider.calendars(TOKEN));

        assertThat(unauthorized).hasMessageContaining("401").hasMessageContaining("InvalidAuthenticationToken")
                .hasMessageNotContaining(TOKEN);
        assertThat(graph.requests()).hasSize(1);
    }

    @Test
    void unreachableGraphIsTransient() {
        ScriptedGraphServer gone = new ScriptedGraphServer();
        String base = gone.baseUrl();
        gone.close();
        MicrosoftCalendarProvider offline = new MicrosoftCalendarProvider(MicrosoftSettings.defaults().withGraphBaseUrl(base),
                Clock.systemUTC());

        assertThat(catchThrowableOfType(ProviderException.Transient.class, () -> offline.calendars(TOKEN))).isNotNull();
    }

    @Test
    void accessTokenIsNotSentToAHostOtherThanTheConfiguredGraph() {
        graph.reply(200, """
                {"@odata.nextLink": "%s", "value": []}""".formatted(graph.baseUrl().replace("127.0.0.1", "localhost") + "/me/calendars?$skip=1"))
                .reply(200, """
                        {"value": []}""");

        provider.calendars(TOKEN);

        assertThat(graph.requests()).hasSize(2);
        assertThat(graph.requests().get(0).header("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(graph.requests().get(1).header("Authorization")).isNull();
    }

    @Test
    void createSendsAStableTransactionIdForTheSameKeyTheDraftsZoneAndATeamsRequestWhereAllowed() throws Exception {
        graph.replyFile(200, "calendar-teams.json").replyFile(201, "event-created.json")
                .replyFile(200, "calendar-teams.json").replyFile(201, "event-created.json");
        EventDraft draft = draft("appointment-42/connection-7", true);

        WrittenEvent first = provider.createEvent(TOKEN, CALENDAR, draft);
        WrittenEvent again = provider.createEvent(TOKEN, CALENDAR, draft);

        assertThat(first).isEqualTo(new WrittenEvent("AAMkCreated", "https://teams.microsoft.com/l/meetup-join/19%3ameeting_created%40thread.v2/0",
                "W/\"DwAAABYAAAAQcreated\""));
        assertThat(again).isEqualTo(first);
        List<ScriptedGraphServer.Request> posts = graph.requests().stream().filter(r -> r.method().equals("POST")).toList();
        assertThat(posts).hasSize(2);
        JsonNode body = JSON.readTree(posts.get(0).body());
        JsonNode retried = JSON.readTree(posts.get(1).body());
        assertThat(posts.get(0).path()).isEqualTo("/v1.0/me/calendars/AAMkCal1/events");
        assertThat(body.path("transactionId").asString()).isEqualTo(MicrosoftEventWriter.transactionId("appointment-42/connection-7"))
                .isEqualTo(retried.path("transactionId").asString());
        assertThat(retried).as("a fresh model per attempt, not {}").isEqualTo(body);
        assertThat(MicrosoftEventWriter.transactionId("appointment-43/connection-7")).isNotEqualTo(body.path("transactionId").asString());
        assertThat(body.path("subject").asString()).isEqualTo("Consultation");
        assertThat(body.path("start").path("dateTime").asString()).isEqualTo("2026-12-07T10:00:00");
        assertThat(body.path("start").path("timeZone").asString()).isEqualTo("Europe/Berlin");
        assertThat(body.path("end").path("dateTime").asString()).isEqualTo("2026-12-07T10:45:00");
        assertThat(body.path("body").path("contentType").asString()).isEqualTo("text");
        assertThat(body.path("body").path("content").asString()).isEqualTo("Intake call");
        assertThat(body.path("location").path("displayName").asString()).isEqualTo("Practice, room 2");
        assertThat(body.path("attendees").get(0).path("emailAddress").path("address").asString()).isEqualTo("patient@example.com");
        assertThat(body.path("isOnlineMeeting").asBoolean()).isTrue();
        assertThat(body.path("onlineMeetingProvider").asString()).isEqualTo("teamsForBusiness");
        assertThat(posts.get(0).header("Prefer")).contains("IdType=\"ImmutableId\"");
    }

    @Test
    void createAsksForNoTeamsLinkWhereTheCalendarDoesNotAllowTeams() throws Exception {
        graph.replyFile(200, "calendar-personal.json").reply(201, """
                {"id": "AAMkPersonal", "changeKey": "ck1", "subject": "Consultation"}""");

        WrittenEvent written = provider.createEvent(TOKEN, CALENDAR, draft("appointment-1/connection-2", true));

        assertThat(written.meetingUrl()).isNull();
        assertThat(written.etag()).isEqualTo("ck1");
        JsonNode body = JSON.readTree(graph.lastRequest().body());
        assertThat(body.has("isOnlineMeeting") && body.path("isOnlineMeeting").asBoolean()).isFalse();
        assertThat(body.has("onlineMeetingProvider")).isFalse();
    }

    @Test
    void updateIsAPatchWithoutIfMatchAndAnEventGoneIsNotFound() {
        graph.reply(200, """
                {"id": "AAMkCreated", "@odata.etag": "W/\\"v2\\"", "subject": "Consultation"}""");

        WrittenEvent updated = provider.updateEvent(TOKEN, CALENDAR, "AAMkCreated", draft("k", false));

        assertThat(updated.etag()).isEqualTo("W/\"v2\"");
        assertThat(graph.lastRequest().method()).isEqualTo("PATCH");
        assertThat(graph.lastRequest().path()).isEqualTo("/v1.0/me/calendars/AAMkCal1/events/AAMkCreated");
        assertThat(graph.lastRequest().header("If-Match")).isNull();

        graph.reply(404, error("ErrorItemNotFound", "The specified object was not found in the store."));
        assertThat(catchThrowableOfType(ProviderException.NotFound.class,
                () -> provider.updateEvent(TOKEN, CALENDAR, "AAMkGone", draft("k", false)))).isNotNull();
    }

    @Test
    void deleteOfAnEventAlreadyGoneIsDone() {
        graph.reply(204, null).reply(404, error("ErrorItemNotFound", "The specified object was not found in the store."));

        provider.deleteEvent(TOKEN, CALENDAR, "AAMkCreated");
        assertThatCode(() -> provider.deleteEvent(TOKEN, CALENDAR, "AAMkCreated")).doesNotThrowAnyException();

        assertThat(graph.requests()).extracting(ScriptedGraphServer.Request::method).containsExactly("DELETE", "DELETE");
    }

    @Test
    void watchCreatesASubscriptionOnTheCalendarsEventsWithASecretClientStateAndBothUrls() throws Exception {
        graph.replyFile(201, "subscription-created.json");

        PushChannel channel = provider.watch(TOKEN, CALENDAR, "https://calbridge.example.com/webhooks/microsoft",
                NOW.plus(Duration.ofDays(30)));

        JsonNode body = JSON.readTree(graph.lastRequest().body());
        assertThat(graph.lastRequest().path()).isEqualTo("/v1.0/subscriptions");
        assertThat(body.path("changeType").asString()).isEqualTo("created,updated,deleted");
        assertThat(body.path("resource").asString()).isEqualTo("me/calendars/AAMkCal1/events");
        assertThat(body.path("notificationUrl").asString()).isEqualTo("https://calbridge.example.com/webhooks/microsoft");
        assertThat(body.path("lifecycleNotificationUrl").asString()).isEqualTo("https://calbridge.example.com/webhooks/microsoft");
        Instant asked = Instant.parse(body.path("expirationDateTime").asString());
        assertThat(asked).as("at most 7 days less a margin").isAfter(NOW.plus(Duration.ofDays(6)))
                .isBefore(NOW.plus(Duration.ofMinutes(10080)));
        String clientState = body.path("clientState").asString();
        assertThat(clientState).hasSizeBetween(43, 128).matches("[A-Za-z0-9_-]+");
        assertThat(channel).isEqualTo(new PushChannel("7f105c7d-2dc5-4530-97cd-4e7ae6534c07", "me/calendars/AAMkCal1/events", CALENDAR,
                clientState, Instant.parse("2026-12-08T23:00:00Z")));
    }

    @Test
    void watchAsksForTheRequestedExpiryWhenEarlierThanGraphsMaximum() throws Exception {
        graph.replyFile(201, "subscription-created.json");

        provider.watch(TOKEN, CALENDAR, "https://calbridge.example.com/webhooks/microsoft", NOW.plus(Duration.ofHours(2)));

        assertThat(Instant.parse(JSON.readTree(graph.lastRequest().body()).path("expirationDateTime").asString()))
                .isEqualTo(NOW.plus(Duration.ofHours(2)));
    }

    @Test
    void stopWatchDeletesTheSubscriptionAndOneAlreadyGoneIsDone() {
        graph.reply(204, null).reply(404, error("ResourceNotFound", "The object was not found."));
        PushChannel channel = new PushChannel("7f105c7d-2dc5-4530-97cd-4e7ae6534c07", "me/calendars/AAMkCal1/events", CALENDAR, "s", NOW);

        provider.stopWatch(TOKEN, channel);
        assertThatCode(() -> provider.stopWatch(TOKEN, channel)).doesNotThrowAnyException();

        assertThat(graph.lastRequest().method()).isEqualTo("DELETE");
        assertThat(graph.lastRequest().path()).isEqualTo("/v1.0/subscriptions/7f105c7d-2dc5-4530-97cd-4e7ae6534c07");
    }

    @Test
    void freeBusyOfAWorkAccountsDefaultCalendarComesFromGetScheduleAndOtherCalendarsFromTheirView() throws Exception {
        graph.replyFile(200, "organization.json").replyFile(200, "calendars-page1.json").replyFile(200, "calendars-page2.json")
                .replyFile(200, "calendarview.json").replyFile(200, "schedule.json");
        Instant from = Instant.parse("2026-12-03T00:00:00Z");
        Instant to = Instant.parse("2026-12-04T00:00:00Z");

        List<BusyInterval> busy = provider.freeBusy(TOKEN, List.of("AAMkCal1", "AAMkCal2"), from, to);

        assertThat(busy).containsExactlyInAnyOrder(
                new BusyInterval("AAMkCal1", Instant.parse("2026-12-03T09:00:00Z"), Instant.parse("2026-12-03T10:00:00Z")),
                new BusyInterval("AAMkCal1", Instant.parse("2026-12-03T15:00:00Z"), Instant.parse("2026-12-03T15:30:00Z")),
                new BusyInterval("AAMkCal2", Instant.parse("2026-12-03T09:00:00Z"), Instant.parse("2026-12-03T10:00:00Z")),
                new BusyInterval("AAMkCal2", Instant.parse("2026-12-03T16:00:00Z"), Instant.parse("2026-12-03T17:00:00Z")));
        ScriptedGraphServer.Request schedule = graph.lastRequest();
        assertThat(schedule.path()).isEqualTo("/v1.0/me/calendar/getSchedule");
        // the SDK names this action's parameters in Pascal case, as one of Graph's own examples does (Graph reads them
        // case-insensitively)
        JsonNode body = JSON.readTree(schedule.body());
        assertThat(body.path("Schedules").get(0).asString()).isEqualTo("AnnaS@contoso.onmicrosoft.com");
        assertThat(body.path("StartTime").path("dateTime").asString()).isEqualTo("2026-12-03T00:00:00");
        assertThat(body.path("StartTime").path("timeZone").asString()).isEqualTo("UTC");
        assertThat(body.path("EndTime").path("dateTime").asString()).isEqualTo("2026-12-04T00:00:00");
    }

    @Test
    void freeBusyOfAPersonalAccountReadsTheCalendarView() {
        graph.reply(403, error("Authorization_RequestDenied", "Insufficient privileges.")).replyFile(200, "calendarview.json");
        Instant from = Instant.parse("2026-12-03T00:00:00Z");
        Instant to = Instant.parse("2026-12-04T00:00:00Z");

        List<BusyInterval> busy = provider.freeBusy(TOKEN, List.of("AAMkCal1"), from, to);

        assertThat(busy).as("free, declined and cancelled events leave the time free").containsExactly(
                new BusyInterval("AAMkCal1", Instant.parse("2026-12-03T09:00:00Z"), Instant.parse("2026-12-03T10:00:00Z")),
                new BusyInterval("AAMkCal1", Instant.parse("2026-12-03T16:00:00Z"), Instant.parse("2026-12-03T17:00:00Z")));
        assertThat(graph.lastRequest().path()).isEqualTo("/v1.0/me/calendars/AAMkCal1/calendarView");
        assertThat(graph.lastRequest().query()).containsEntry("startDateTime", "2026-12-03T00:00:00Z");
        assertThat(graph.requests()).noneMatch(r -> r.path().endsWith("getSchedule"));
    }

    private static EventDraft draft(String key, boolean teams) {
        return new EventDraft(key, "Consultation", "Intake call", "Practice, room 2",
                EventTime.at(Instant.parse("2026-12-07T09:00:00Z"), "Europe/Berlin"),
                EventTime.at(Instant.parse("2026-12-07T09:45:00Z"), "Europe/Berlin"),
                List.of(new Attendee("A Patient", "patient@example.com", "needsAction", false)), teams);
    }
}
