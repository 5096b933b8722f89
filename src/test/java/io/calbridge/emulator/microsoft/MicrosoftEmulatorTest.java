package io.calbridge.emulator.microsoft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Drives the emulator with plain java.net.http (no SDK, no calbridge), as Microsoft's docs describe the services. */
class MicrosoftEmulatorTest {

    private static final String WORK = MicrosoftGraphEmulator.DEFAULT_ACCOUNT;
    private static final String PERSONAL = "pat.personal@outlook.example";
    private static final String REDIRECT = "http://localhost:8080/oauth/microsoft/callback";
    private static final Instant WINDOW_START = Instant.parse("2026-12-01T00:00:00Z");
    private static final Instant WINDOW_END = Instant.parse("2027-01-01T00:00:00Z");

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final MutableClock clock = new MutableClock(Instant.now());
    private MicrosoftGraphEmulator microsoft;
    private String token;
    private String calendarId;
    private final List<HttpServer> receivers = new ArrayList<>();

    private record Answer(int status, JsonNode json, HttpResponse<String> raw) {
        String code() {
            return json.path("error").path("code").asString();
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    /** A clock tests move forward (code and token expiry). */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @BeforeEach
    void start() {
        microsoft = MicrosoftGraphEmulator.builder().clock(clock).start();
        microsoft.registerClient("app-1", "secret-1", List.of(REDIRECT));
        token = microsoft.issueTokens(WORK, MicrosoftGraphEmulator.CALENDAR_SCOPES).accessToken();
        calendarId = microsoft.defaultCalendarId(WORK);
    }

    @AfterEach
    void stop() {
        microsoft.close();
        receivers.forEach(r -> r.stop(0));
    }

    // ---- identity -----------------------------------------------------------------------------------------------

    @Test
    void authorizationCodeWithPkceThroughTheConsentPageGivesTokensAndAnIdTokenWithTheTenant() throws Exception {
        String verifier = "verifier-" + "x".repeat(50);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        Answer page = get(microsoft.authorizationUri("common") + "?client_id=app-1&response_type=code&redirect_uri=" + enc(REDIRECT)
                + "&scope=" + enc(MicrosoftGraphEmulator.CALENDAR_SCOPES) + "&state=s-1&code_challenge=" + challenge + "&code_challenge_method=S256&login_hint=" + enc(WORK), null);
        assertThat(page.status()).isEqualTo(200);
        Matcher requestId = Pattern.compile("name=\"request\" value=\"([^\"]+)\"").matcher(page.raw().body());
        assertThat(requestId.find()).isTrue();

        HttpResponse<String> decided = postForm(microsoft.authorizationUri("common"), "request=" + requestId.group(1) + "&decision=allow&login_hint=" + enc(WORK), null);
        assertThat(decided.statusCode()).isEqualTo(302);
        Map<String, String> redirect = query(decided.headers().firstValue("Location").orElseThrow());
        assertThat(redirect).containsEntry("state", "s-1").containsKey("code");

        HttpResponse<String> wrongVerifier = postForm(microsoft.tokenUri("common"), "grant_type=authorization_code&client_id=app-1&client_secret=secret-1&code="
                + enc(redirect.get("code")) + "&redirect_uri=" + enc(REDIRECT) + "&code_verifier=wrong", null);
        assertThat(wrongVerifier.statusCode()).isEqualTo(400);
        assertThat(json(wrongVerifier.body()).path("error").asString()).isEqualTo("invalid_grant");
        assertThat(json(wrongVerifier.body()).path("error_codes").get(0).asInt()).isEqualTo(501481);

        // the code was used up by the failed attempt: a new round trip, this time with HTTP Basic client authentication
        String code = autoApprovedCode("common", WORK, challenge);
        HttpResponse<String> tokens = postForm(microsoft.tokenUri("common"), "grant_type=authorization_code&code=" + enc(code) + "&redirect_uri=" + enc(REDIRECT)
                + "&code_verifier=" + verifier, "Basic " + Base64.getEncoder().encodeToString("app-1:secret-1".getBytes(StandardCharsets.UTF_8)));
        assertThat(tokens.statusCode()).isEqualTo(200);
        JsonNode body = json(tokens.body());
        assertThat(body.path("token_type").asString()).isEqualTo("Bearer");
        assertThat(body.path("expires_in").asInt()).isEqualTo(3600);
        assertThat(body.path("ext_expires_in").asInt()).isEqualTo(3600);
        assertThat(body.path("access_token").asString()).hasSizeGreaterThanOrEqualTo(100).matches("[A-Za-z0-9_-]+");
        assertThat(body.path("refresh_token").asString()).isNotBlank();
        assertThat(body.path("scope").asString()).contains("https://graph.microsoft.com/Calendars.ReadWrite").doesNotContain("offline_access");
        JsonNode claims = json(new String(Base64.getUrlDecoder().decode(body.path("id_token").asString().split("\\.")[1]), StandardCharsets.UTF_8));
        assertThat(claims.path("tid").asString()).isEqualTo(MicrosoftGraphEmulator.DEFAULT_TENANT);
        assertThat(claims.path("oid").asString()).isEqualTo(microsoft.accountId(WORK));
        assertThat(claims.path("preferred_username").asString()).isEqualTo(WORK);
        assertThat(claims.path("email").asString()).isEqualTo(WORK);

        Answer me = get(microsoft.graphBaseUrl() + "/me", body.path("access_token").asString());
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().path("id").asString()).isEqualTo(microsoft.accountId(WORK));
        assertThat(me.json().path("userPrincipalName").asString()).isEqualTo(WORK);

        HttpResponse<String> again = postForm(microsoft.tokenUri("common"), "grant_type=authorization_code&client_id=app-1&client_secret=secret-1&code="
                + enc(code) + "&redirect_uri=" + enc(REDIRECT) + "&code_verifier=" + verifier, null);
        assertThat(json(again.body()).path("error_codes").get(0).asInt()).isEqualTo(54005);
    }

    @Test
    void denyingConsentRedirectsWithAccessDenied() throws Exception {
        Answer page = get(microsoft.authorizationUri("organizations") + "?client_id=app-1&response_type=code&redirect_uri=" + enc(REDIRECT)
                + "&scope=" + enc(MicrosoftGraphEmulator.CALENDAR_SCOPES) + "&state=s-2", null);
        Matcher requestId = Pattern.compile("name=\"request\" value=\"([^\"]+)\"").matcher(page.raw().body());
        assertThat(requestId.find()).isTrue();
        HttpResponse<String> denied = postForm(microsoft.authorizationUri("organizations"), "request=" + requestId.group(1) + "&decision=deny", null);
        Map<String, String> redirect = query(denied.headers().firstValue("Location").orElseThrow());
        assertThat(redirect).containsEntry("error", "access_denied").containsEntry("state", "s-2").doesNotContainKey("code");
        assertThat(redirect.get("error_description")).startsWith("AADSTS65004");
    }

    @Test
    void anExpiredCodeIsInvalidGrant70008AndAWrongSecretIsInvalidClient401() throws Exception {
        microsoft.setAutoApprove(true);
        String code = autoApprovedCode("common", WORK, null);
        HttpResponse<String> wrongSecret = postForm(microsoft.tokenUri("common"), "grant_type=authorization_code&client_id=app-1&client_secret=nope&code="
                + enc(code) + "&redirect_uri=" + enc(REDIRECT), null);
        assertThat(wrongSecret.statusCode()).isEqualTo(401);
        JsonNode error = json(wrongSecret.body());
        assertThat(error.path("error").asString()).isEqualTo("invalid_client");
        assertThat(error.path("error_description").asString()).startsWith("AADSTS7000215:");
        assertThat(error.path("trace_id").asString()).isNotBlank();
        assertThat(error.path("correlation_id").asString()).isNotBlank();
        assertThat(error.path("timestamp").asString()).isNotBlank();

        clock.advance(Duration.ofMinutes(11));
        HttpResponse<String> expired = postForm(microsoft.tokenUri("common"), "grant_type=authorization_code&client_id=app-1&client_secret=secret-1&code="
                + enc(code) + "&redirect_uri=" + enc(REDIRECT), null);
        assertThat(expired.statusCode()).isEqualTo(400);
        assertThat(json(expired.body()).path("error").asString()).isEqualTo("invalid_grant");
        assertThat(json(expired.body()).path("error_codes").get(0).asInt()).isEqualTo(70008);
    }

    @Test
    void refreshRotatesTheRefreshTokenAndTheOldOneStaysValid() throws Exception {
        IssuedTokens first = microsoft.issueTokens("app-1", WORK, MicrosoftGraphEmulator.CALENDAR_SCOPES);
        JsonNode second = json(refresh(first.refreshToken()).body());
        assertThat(second.path("refresh_token").asString()).isNotBlank().isNotEqualTo(first.refreshToken());
        assertThat(second.path("access_token").asString()).isNotEqualTo(first.accessToken());
        HttpResponse<String> oldAgain = refresh(first.refreshToken());
        assertThat(oldAgain.statusCode()).isEqualTo(200);

        microsoft.setRevokeRotatedRefreshTokens(true);
        String third = json(refresh(second.path("refresh_token").asString()).body()).path("refresh_token").asString();
        assertThat(refresh(second.path("refresh_token").asString()).statusCode()).isEqualTo(400);
        assertThat(refresh(third).statusCode()).isEqualTo(200);
    }

    @Test
    void revokedConsentKillsAccessTokensAndRefreshAnswersInvalidGrantWithTheAadstsCode() throws Exception {
        IssuedTokens tokens = microsoft.issueTokens("app-1", WORK, MicrosoftGraphEmulator.CALENDAR_SCOPES);
        assertThat(get(microsoft.graphBaseUrl() + "/me", tokens.accessToken()).status()).isEqualTo(200);
        microsoft.revokeConsent(WORK, 50173);
        Answer me = get(microsoft.graphBaseUrl() + "/me", tokens.accessToken());
        assertThat(me.status()).isEqualTo(401);
        assertThat(me.code()).isEqualTo("InvalidAuthenticationToken");
        HttpResponse<String> refreshed = refresh(tokens.refreshToken());
        assertThat(refreshed.statusCode()).isEqualTo(400);
        JsonNode error = json(refreshed.body());
        assertThat(error.path("error").asString()).isEqualTo("invalid_grant");
        assertThat(error.path("error_codes").get(0).asInt()).isEqualTo(50173);
        assertThat(error.path("error_description").asString()).startsWith("AADSTS50173:");
    }

    @Test
    void anExpiredOrUnknownAccessTokenIs401InvalidAuthenticationToken() throws Exception {
        assertThat(get(microsoft.graphBaseUrl() + "/me", "not-a-token").code()).isEqualTo("InvalidAuthenticationToken");
        clock.advance(Duration.ofMinutes(61));
        Answer expired = get(microsoft.graphBaseUrl() + "/me/calendars", token);
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.code()).isEqualTo("InvalidAuthenticationToken");
    }

    // ---- calendars and events -----------------------------------------------------------------------------------

    @Test
    void calendarsOfAWorkAccountOfferTeamsAndAPersonalAccountHasTheConsumerTenantAndNoTeamsLink() throws Exception {
        Answer calendars = get(microsoft.graphBaseUrl() + "/me/calendars", token);
        JsonNode calendar = calendars.json().path("value").get(0);
        assertThat(calendar.path("id").asString()).isEqualTo(calendarId);
        assertThat(calendar.path("isDefaultCalendar").asBoolean()).isTrue();
        assertThat(calendar.path("canEdit").asBoolean()).isTrue();
        assertThat(calendar.path("owner").path("address").asString()).isEqualTo(WORK);
        assertThat(calendar.path("allowedOnlineMeetingProviders").get(0).asString()).isEqualTo("teamsForBusiness");

        Answer teams = post(microsoft.graphBaseUrl() + "/me/calendars/" + enc(calendarId) + "/events", token,
                event("Design review", "2026-12-03T09:00:00", "2026-12-03T10:00:00", "W. Europe Standard Time")
                        .replace("}}", "},\"isOnlineMeeting\":true,\"onlineMeetingProvider\":\"teamsForBusiness\"}"), Map.of());
        assertThat(teams.status()).isEqualTo(201);
        assertThat(teams.json().path("onlineMeeting").path("joinUrl").asString()).startsWith("https://teams.microsoft.com/l/meetup-join/");
        assertThat(teams.json().path("isOnlineMeeting").asBoolean()).isTrue();

        microsoft.createPersonalAccount(PERSONAL, "Pat Personal", "Pacific Standard Time", false);
        String personalToken = microsoft.issueTokens(PERSONAL, MicrosoftGraphEmulator.CALENDAR_SCOPES).accessToken();
        Answer me = get(microsoft.graphBaseUrl() + "/me", personalToken);
        assertThat(me.json().path("mail").isNull()).isTrue();
        JsonNode claims = json(new String(Base64.getUrlDecoder().decode(microsoft.issueTokens(PERSONAL, "openid email offline_access Calendars.ReadWrite")
                .idToken().split("\\.")[1]), StandardCharsets.UTF_8));
        assertThat(claims.path("tid").asString()).isEqualTo(MicrosoftGraphEmulator.CONSUMER_TENANT);
        Answer personalCalendars = get(microsoft.graphBaseUrl() + "/me/calendars", personalToken);
        assertThat(personalCalendars.json().path("value").get(0).path("allowedOnlineMeetingProviders").size()).isZero();
        Answer noTeams = post(microsoft.graphBaseUrl() + "/me/events", personalToken,
                event("Coffee", "2026-12-03T09:00:00", "2026-12-03T10:00:00", "Pacific Standard Time")
                        .replace("}}", "},\"isOnlineMeeting\":true,\"onlineMeetingProvider\":\"teamsForBusiness\"}"), Map.of());
        assertThat(noTeams.status()).isEqualTo(201);
        assertThat(noTeams.json().path("onlineMeeting").isNull()).isTrue();
        assertThat(noTeams.json().path("isOnlineMeeting").asBoolean()).isFalse();
    }

    @Test
    void eventsComeBackInUtcOrInThePreferredZoneAndKeepTheirWindowsZone() throws Exception {
        Answer created = post(microsoft.graphBaseUrl() + "/me/calendars/" + enc(calendarId) + "/events", token,
                event("Planning", "2026-12-03T09:00:00", "2026-12-03T10:00:00", "Europe/Berlin"), Map.of());
        assertThat(created.status()).isEqualTo(201);
        JsonNode e = created.json();
        assertThat(e.path("start").path("dateTime").asString()).isEqualTo("2026-12-03T08:00:00.0000000");
        assertThat(e.path("start").path("timeZone").asString()).isEqualTo("UTC");
        assertThat(e.path("originalStartTimeZone").asString()).isEqualTo("W. Europe Standard Time");
        assertThat(e.path("type").asString()).isEqualTo("singleInstance");
        assertThat(e.path("@odata.etag").asString()).startsWith("W/\"");
        assertThat(e.path("iCalUId").asString()).isNotBlank();
        assertThat(e.path("responseStatus").path("response").asString()).isEqualTo("organizer");

        Answer pacific = get(microsoft.graphBaseUrl() + "/me/events/" + enc(e.path("id").asString()), token, "outlook.timezone=\"Pacific Standard Time\"");
        assertThat(pacific.json().path("start").path("dateTime").asString()).isEqualTo("2026-12-03T00:00:00.0000000");
        assertThat(pacific.json().path("start").path("timeZone").asString()).isEqualTo("Pacific Standard Time");

        Answer allDay = post(microsoft.graphBaseUrl() + "/me/events", token, "{\"subject\":\"Holiday\",\"isAllDay\":true,"
                + "\"start\":{\"dateTime\":\"2026-12-24T00:00:00\",\"timeZone\":\"W. Europe Standard Time\"},"
                + "\"end\":{\"dateTime\":\"2026-12-25T00:00:00\",\"timeZone\":\"W. Europe Standard Time\"}}", Map.of());
        assertThat(allDay.json().path("start").path("dateTime").asString()).isEqualTo("2026-12-24T00:00:00.0000000");
        assertThat(allDay.json().path("end").path("dateTime").asString()).isEqualTo("2026-12-25T00:00:00.0000000");
        assertThat(allDay.json().path("isAllDay").asBoolean()).isTrue();

        Answer badZone = post(microsoft.graphBaseUrl() + "/me/events", token, event("Bad", "2026-12-03T09:00:00", "2026-12-03T10:00:00", "Mars/Olympus"), Map.of());
        assertThat(badZone.status()).isEqualTo(400);
        assertThat(badZone.code()).isEqualTo("TimeZoneNotSupportedException");
    }

    @Test
    void aRepeatedTransactionIdReturnsTheExistingEventInsteadOfADuplicate() throws Exception {
        String body = event("Booked slot", "2026-12-04T09:00:00", "2026-12-04T09:30:00", "UTC").replace("}}", "},\"transactionId\":\"tx-42\"}");
        Answer first = post(microsoft.graphBaseUrl() + "/me/calendars/" + enc(calendarId) + "/events", token, body, Map.of());
        Answer second = post(microsoft.graphBaseUrl() + "/me/calendars/" + enc(calendarId) + "/events", token, body, Map.of());
        assertThat(second.json().path("id").asString()).isEqualTo(first.json().path("id").asString());
        assertThat(second.json().path("transactionId").asString()).isEqualTo("tx-42");
        assertThat(microsoft.storedEventIds(WORK, calendarId)).hasSize(1);
    }

    @Test
    void aCreateWhoseReplyIsLostIsAppliedAndItsRepeatWithTheSameTransactionIdReturnsThatEvent() throws Exception {
        String url = microsoft.graphBaseUrl() + "/me/calendars/" + enc(calendarId) + "/events";
        String body = event("Lost reply", "2026-12-04T09:00:00", "2026-12-04T09:30:00", "UTC").replace("}}", "},\"transactionId\":\"tx-lost\"}");
        microsoft.failNext("events.create", 1, Fault.connectionDroppedAfterApplying());
        assertThatThrownBy(() -> post(url, token, body, Map.of())).isInstanceOf(IOException.class);
        assertThat(microsoft.storedEventIds(WORK, calendarId)).hasSize(1);

        microsoft.failNext("events.create", 1, Fault.gatewayTimeoutAfterApplying());
        Answer timedOut = post(url, token, body, Map.of());
        assertThat(timedOut.status()).isEqualTo(504);
        Answer repeated = post(url, token, body, Map.of());
        assertThat(repeated.status()).isEqualTo(201);
        assertThat(repeated.json().path("subject").asString()).isEqualTo("Lost reply");
        assertThat(microsoft.storedEventIds(WORK, calendarId)).containsExactly(repeated.json().path("id").asString());
    }

    @Test
    void theCreatesEtagGoesStaleAtOnceSoIfMatchWithItIs412WhileAPatchWithoutIfMatchSucceeds() throws Exception {
        Answer created = post(microsoft.graphBaseUrl() + "/me/events", token, event("Etag", "2026-12-05T09:00:00", "2026-12-05T10:00:00", "UTC"), Map.of());
        String id = created.json().path("id").asString();
        String createEtag = created.json().path("@odata.etag").asString();
        assertThat(get(microsoft.graphBaseUrl() + "/me/events/" + enc(id), token).json().path("@odata.etag").asString()).isNotEqualTo(createEtag);

        Answer conflict = patch(microsoft.graphBaseUrl() + "/me/events/" + enc(id), token, "{\"subject\":\"Renamed\"}", createEtag);
        assertThat(conflict.status()).isEqualTo(412);
        assertThat(conflict.code()).isEqualTo("ErrorIrresolvableConflict");
        Answer patched = patch(microsoft.graphBaseUrl() + "/me/events/" + enc(id), token, "{\"subject\":\"Renamed\"}", null);
        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.json().path("subject").asString()).isEqualTo("Renamed");
        Answer current = patch(microsoft.graphBaseUrl() + "/me/events/" + enc(id), token, "{\"subject\":\"Again\"}", patched.json().path("@odata.etag").asString());
        assertThat(current.status()).isEqualTo(200);

        assertThat(delete(microsoft.graphBaseUrl() + "/me/events/" + enc(id), token).status()).isEqualTo(204);
        Answer gone = delete(microsoft.graphBaseUrl() + "/me/events/" + enc(id), token);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.code()).isEqualTo("ErrorItemNotFound");
    }

    // ---- delta --------------------------------------------------------------------------------------------------

    @Test
    void deltaPagesToADeltaLinkThenAnIncrementalRoundReportsCreatedMovedDeletedAndCancelledOccurrences() throws Exception {
        List<String> seeded = microsoft.seedEvents(WORK, calendarId, 22, Instant.parse("2026-12-02T09:00:00Z"), Duration.ofHours(24), Duration.ofMinutes(30));
        Answer series = post(microsoft.graphBaseUrl() + "/me/events", token, "{\"subject\":\"Weekly\","
                + "\"start\":{\"dateTime\":\"2026-12-07T10:00:00\",\"timeZone\":\"W. Europe Standard Time\"},"
                + "\"end\":{\"dateTime\":\"2026-12-07T10:30:00\",\"timeZone\":\"W. Europe Standard Time\"},"
                + "\"recurrence\":{\"pattern\":{\"type\":\"weekly\",\"interval\":1,\"daysOfWeek\":[\"monday\"]},"
                + "\"range\":{\"type\":\"numbered\",\"startDate\":\"2026-12-07\",\"numberOfOccurrences\":4}}}", Map.of());
        String masterId = series.json().path("id").asString();
        assertThat(series.json().path("type").asString()).isEqualTo("seriesMaster");

        List<JsonNode> items = new ArrayList<>();
        String url = microsoft.graphBaseUrl() + "/me/calendars/" + enc(calendarId) + "/calendarView/delta()?startDateTime=" + WINDOW_START + "&endDateTime=" + WINDOW_END;
        int pages = 0;
        String deltaLink = null;
        while (url != null) {
            Answer page = get(url, token, "odata.maxpagesize=10");
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.json().path("value").size()).isLessThanOrEqualTo(10);
            page.json().path("value").forEach(items::add);
            pages++;
            url = page.json().path("@odata.nextLink").asString(null);
            deltaLink = page.json().path("@odata.deltaLink").asString(null);
            if (url != null) {
                assertThat(url).contains("$skiptoken=");
            }
        }
        assertThat(pages).isGreaterThanOrEqualTo(3);
        assertThat(deltaLink).contains("$deltatoken=");
        assertThat(items).hasSize(22 + 4);
        assertThat(items).noneMatch(i -> i.path("type").asString().equals("seriesMaster"));
        JsonNode occurrence = items.stream().filter(i -> i.path("type").asString().equals("occurrence")).findFirst().orElseThrow();
        assertThat(occurrence.path("seriesMasterId").asString()).isEqualTo(masterId);
        assertThat(occurrence.has("subject")).isFalse();
        assertThat(occurrence.path("start").path("dateTime").asString()).isEqualTo("2026-12-07T09:00:00.0000000");
        assertThat(get(microsoft.graphBaseUrl() + "/me/events/" + enc(occurrence.path("id").asString()), token).json().path("subject").asString()).isEqualTo("Weekly");

        // changes from Microsoft's side and through the API
        String createdId = microsoft.createEvent(WORK, calendarId, event("New", "2026-12-10T13:00:00", "2026-12-10T14:00:00", "UTC"));
        microsoft.moveEvent(WORK, seeded.get(0), Instant.parse("2027-02-01T09:00:00Z"), Instant.parse("2027-02-01T09:30:00Z"));
        assertThat(delete(microsoft.graphBaseUrl() + "/me/events/" + enc(seeded.get(1)), token).status()).isEqualTo(204);
        String cancelled = microsoft.cancelOccurrence(WORK, masterId, Instant.parse("2026-12-14T09:00:00Z"));
        String moved = microsoft.moveOccurrence(WORK, masterId, Instant.parse("2026-12-21T09:00:00Z"), Instant.parse("2026-12-22T09:00:00Z"),
                Instant.parse("2026-12-22T09:30:00Z"));
        Answer cancelByApi = post(microsoft.graphBaseUrl() + "/me/events/" + enc(MicrosoftGraphEmulator.occurrenceId(masterId, Instant.parse("2026-12-28T09:00:00Z")))
                + "/cancel", token, "{\"Comment\":\"no\"}", Map.of());
        assertThat(cancelByApi.status()).isEqualTo(202);

        Answer round = get(deltaLink, token, "odata.maxpagesize=50");
        assertThat(round.json().path("@odata.deltaLink").asString()).contains("$deltatoken=");
        Map<String, JsonNode> byId = new java.util.HashMap<>();
        round.json().path("value").forEach(i -> byId.put(i.path("id").asString(), i));
        assertThat(byId.get(createdId).path("subject").asString()).isEqualTo("New");
        assertThat(byId.get(seeded.get(0)).has("@removed")).isTrue();
        assertThat(byId.get(seeded.get(1)).path("@removed").path("reason").asString()).isEqualTo("deleted");
        assertThat(byId.get(cancelled).has("@removed")).isTrue();
        assertThat(byId.get(moved).path("type").asString()).isEqualTo("exception");
        assertThat(byId.get(moved).path("start").path("dateTime").asString()).isEqualTo("2026-12-22T09:00:00.0000000");
        assertThat(byId.get(MicrosoftGraphEmulator.occurrenceId(masterId, Instant.parse("2026-12-28T09:00:00Z"))).has("@removed")).isTrue();
        assertThat(byId).hasSize(6);

        Answer quiet = get(round.json().path("@odata.deltaLink").asString(), token, null);
        assertThat(quiet.json().path("value").size()).isZero();
    }

    @Test
    void deltaNeedsAWindowAndAPageWithoutPreferGetsTheDefaultSize() throws Exception {
        microsoft.seedEvents(WORK, calendarId, 30, Instant.parse("2026-12-02T09:00:00Z"), Duration.ofHours(2), Duration.ofMinutes(30));
        Answer noWindow = get(microsoft.graphBaseUrl() + "/me/calendarView/delta", token);
        assertThat(noWindow.status()).isEqualTo(400);
        assertThat(noWindow.code()).isEqualTo("ErrorInvalidParameter");

        Answer first = get(microsoft.graphBaseUrl() + "/me/calendarView/delta?startdatetime=" + WINDOW_START + "&enddatetime=" + WINDOW_END, token,
                "odata.maxpagesize=5");
        assertThat(first.json().path("value").size()).isEqualTo(5);
        assertThat(first.header("Preference-Applied")).contains("odata.maxpagesize=5");
        Answer second = get(first.json().path("@odata.nextLink").asString(), token);
        assertThat(second.json().path("value").size()).isEqualTo(DeltaQuery.DEFAULT_PAGE);
    }

    @Test
    void anExpiredDeltaTokenAnswers410SyncStateNotFound() throws Exception {
        microsoft.seedEvents(WORK, calendarId, 3, Instant.parse("2026-12-02T09:00:00Z"), Duration.ofHours(2), Duration.ofMinutes(30));
        Answer round = get(microsoft.graphBaseUrl() + "/me/calendars/" + enc(calendarId) + "/calendarView/delta?startDateTime=" + WINDOW_START + "&endDateTime=" + WINDOW_END, token);
        String first = round.json().path("@odata.deltaLink").asString();
        // three more rounds: the first token is then older than the generations a sync state keeps
        String second = get(first, token).json().path("@odata.deltaLink").asString();
        String third = get(second, token).json().path("@odata.deltaLink").asString();
        String fourth = get(third, token).json().path("@odata.deltaLink").asString();
        Answer tooOld = get(first, token);
        assertThat(tooOld.status()).isEqualTo(410);
        assertThat(tooOld.code()).isEqualTo("SyncStateNotFound");
        assertThat(get(second, token).status()).isEqualTo(200);

        microsoft.expireDeltaTokens(WORK);
        Answer gone = get(fourth, token);
        assertThat(gone.status()).isEqualTo(410);
        assertThat(gone.code()).isEqualTo("SyncStateNotFound");
        assertThat(microsoft.callCount("events.delta")).isEqualTo(7);
    }

    @Test
    void immutableIdsAreAcceptedAndStable() throws Exception {
        String id = microsoft.createEvent(WORK, calendarId, event("Immutable", "2026-12-03T09:00:00", "2026-12-03T10:00:00", "UTC"));
        Answer immutable = get(microsoft.graphBaseUrl() + "/me/events/" + enc(id), token, "IdType=\"ImmutableId\"");
        String immutableId = immutable.json().path("id").asString();
        assertThat(immutableId).isNotEqualTo(id);
        microsoft.moveEvent(WORK, id, Instant.parse("2026-12-04T09:00:00Z"), Instant.parse("2026-12-04T10:00:00Z"));
        Answer again = get(microsoft.graphBaseUrl() + "/me/events/" + enc(immutableId), token, "IdType=\"ImmutableId\"");
        assertThat(again.json().path("id").asString()).isEqualTo(immutableId);
        assertThat(again.json().path("start").path("dateTime").asString()).isEqualTo("2026-12-04T09:00:00.0000000");
    }

    // ---- subscriptions ------------------------------------------------------------------------------------------

    @Test
    void aSubscriptionIsValidatedThenChangesAreNotifiedAndLifecycleEventsReachTheLifecycleUrl() throws Exception {
        BlockingQueue<String> notifications = new LinkedBlockingQueue<>();
        String notificationUrl = receiver("/notify", notifications, true);
        BlockingQueue<String> lifecycle = new LinkedBlockingQueue<>();
        String lifecycleUrl = receiver("/lifecycle", lifecycle, true);
        String expiration = Instant.now().plus(Duration.ofDays(2)).toString();
        Answer created = post(microsoft.graphBaseUrl() + "/subscriptions", token, "{\"changeType\":\"created,updated,deleted\",\"notificationUrl\":\"" + notificationUrl
                + "\",\"lifecycleNotificationUrl\":\"" + lifecycleUrl + "\",\"resource\":\"me/calendars/" + calendarId + "/events\",\"expirationDateTime\":\""
                + expiration + "\",\"clientState\":\"secret-state\"}", Map.of());
        assertThat(created.status()).isEqualTo(201);
        String subscriptionId = created.json().path("id").asString();
        assertThat(created.json().path("clientState").asString()).isEqualTo("secret-state");

        microsoft.createEvent(WORK, calendarId, event("Notify me", "2026-12-03T09:00:00", "2026-12-03T10:00:00", "UTC"));
        JsonNode notification = json(notifications.poll(10, TimeUnit.SECONDS)).path("value").get(0);
        assertThat(notification.path("subscriptionId").asString()).isEqualTo(subscriptionId);
        assertThat(notification.path("clientState").asString()).isEqualTo("secret-state");
        assertThat(notification.path("changeType").asString()).isEqualTo("created");
        assertThat(notification.path("tenantId").asString()).isEqualTo(MicrosoftGraphEmulator.DEFAULT_TENANT);
        assertThat(notification.path("resourceData").path("@odata.type").asString()).isEqualTo("#Microsoft.Graph.Event");
        assertThat(notification.path("resource").asString()).startsWith("Users/" + microsoft.accountId(WORK) + "/Events/");

        microsoft.sendLifecycleNotification(subscriptionId, "reauthorizationRequired");
        JsonNode event = json(lifecycle.poll(10, TimeUnit.SECONDS)).path("value").get(0);
        assertThat(event.path("lifecycleEvent").asString()).isEqualTo("reauthorizationRequired");
        assertThat(event.path("subscriptionId").asString()).isEqualTo(subscriptionId);

        Answer renewed = patch(microsoft.graphBaseUrl() + "/subscriptions/" + subscriptionId, token,
                "{\"expirationDateTime\":\"" + Instant.now().plus(Duration.ofDays(3)) + "\"}", null);
        assertThat(renewed.status()).isEqualTo(200);
        assertThat(delete(microsoft.graphBaseUrl() + "/subscriptions/" + subscriptionId, token).status()).isEqualTo(204);
        assertThat(microsoft.activeSubscriptionIds()).isEmpty();
    }

    @Test
    void aSubscriptionWhoseEndpointDoesNotEchoTheTokenOrThatLastsTooLongIsRefused() throws Exception {
        String silent = receiver("/silent", new LinkedBlockingQueue<>(), false);
        Answer refused = post(microsoft.graphBaseUrl() + "/subscriptions", token, "{\"changeType\":\"created\",\"notificationUrl\":\"" + silent
                + "\",\"resource\":\"me/events\",\"expirationDateTime\":\"" + Instant.now().plus(Duration.ofDays(1)) + "\"}", Map.of());
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.code()).isEqualTo("ValidationError");

        String good = receiver("/good", new LinkedBlockingQueue<>(), true);
        Answer tooLong = post(microsoft.graphBaseUrl() + "/subscriptions", token, "{\"changeType\":\"created\",\"notificationUrl\":\"" + good
                + "\",\"resource\":\"me/events\",\"expirationDateTime\":\"" + Instant.now().plus(Duration.ofMinutes(10_081 + 5)) + "\"}", Map.of());
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(microsoft.activeSubscriptionIds()).isEmpty();
    }

    // ---- limits, faults, schedule, control, persistence ---------------------------------------------------------

    @Test
    void anInjectedThrottleIs429WithRetryAfterAndIsCounted() throws Exception {
        microsoft.failNext("events.delta", 1, Fault.throttled(Duration.ofSeconds(7)));
        String url = microsoft.graphBaseUrl() + "/me/calendarView/delta?startDateTime=" + WINDOW_START + "&endDateTime=" + WINDOW_END;
        Answer throttled = get(url, token);
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.code()).isEqualTo("ApplicationThrottled");
        assertThat(throttled.header("Retry-After")).isEqualTo("7");
        assertThat(get(url, token).status()).isEqualTo(200);
        assertThat(microsoft.callCount("events.delta")).isEqualTo(2);

        microsoft.failNext("me.get", 1, Fault.serviceUnavailable(Duration.ofSeconds(3)));
        Answer unavailable = get(microsoft.graphBaseUrl() + "/me", token);
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(unavailable.header("Retry-After")).isEqualTo("3");
        microsoft.resetCallCounts();
        assertThat(microsoft.callCount("events.delta")).isZero();
    }

    @Test
    void overTheOptionalRateLimitAMailboxGets429WithRetryAfter() throws Exception {
        microsoft.setRateLimitPerMinute(3);
        for (int i = 0; i < 3; i++) {
            assertThat(get(microsoft.graphBaseUrl() + "/me", token).status()).isEqualTo(200);
        }
        Answer limited = get(microsoft.graphBaseUrl() + "/me", token);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.code()).isEqualTo("ApplicationThrottled");
        assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 60);
    }

    @Test
    void theFifthConcurrentRequestOfAMailboxIsThrottledMailboxConcurrency() throws Exception {
        microsoft.failNext("me.get", 4, Fault.slow(Duration.ofSeconds(4)));
        List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            slow.add(http.sendAsync(HttpRequest.newBuilder(URI.create(microsoft.graphBaseUrl() + "/me")).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        // the four hold their slots for 4 s once they are in; on a loaded machine (a full build on 2 cores) they may need
        // more than a second to get there
        long deadline = System.currentTimeMillis() + 3500;
        Answer fifth = get(microsoft.graphBaseUrl() + "/me/calendars", token);
        while (fifth.status() != 429 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            fifth = get(microsoft.graphBaseUrl() + "/me/calendars", token);
        }
        assertThat(fifth.status()).isEqualTo(429);
        assertThat(fifth.json().path("error").path("innerError").path("code").asString()).isEqualTo("MailboxConcurrency");
        assertThat(fifth.header("Retry-After")).isNotNull();
        for (CompletableFuture<HttpResponse<String>> future : slow) {
            assertThat(future.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        assertThat(get(microsoft.graphBaseUrl() + "/me/calendars", token).status()).isEqualTo(200);
    }

    @Test
    void getScheduleShowsBusyTimesForWorkAccountsAndIsRefusedForPersonalOnes() throws Exception {
        microsoft.createEvent(WORK, calendarId, event("Busy", "2026-12-03T09:00:00", "2026-12-03T10:00:00", "UTC"));
        Answer schedule = post(microsoft.graphBaseUrl() + "/me/calendar/getSchedule", token, "{\"schedules\":[\"" + WORK + "\"],"
                + "\"startTime\":{\"dateTime\":\"2026-12-03T08:00:00\",\"timeZone\":\"UTC\"},\"endTime\":{\"dateTime\":\"2026-12-03T11:00:00\",\"timeZone\":\"UTC\"},"
                + "\"availabilityViewInterval\":60}", Map.of());
        assertThat(schedule.status()).isEqualTo(200);
        JsonNode info = schedule.json().path("value").get(0);
        assertThat(info.path("availabilityView").asString()).isEqualTo("020");
        assertThat(info.path("scheduleItems").get(0).path("status").asString()).isEqualTo("busy");

        microsoft.createPersonalAccount(PERSONAL, "Pat Personal", null, true);
        String personalToken = microsoft.issueTokens(PERSONAL, MicrosoftGraphEmulator.CALENDAR_SCOPES).accessToken();
        Answer refused = post(microsoft.graphBaseUrl() + "/me/calendar/getSchedule", personalToken, "{\"schedules\":[\"" + PERSONAL + "\"],"
                + "\"startTime\":{\"dateTime\":\"2026-12-03T08:00:00\",\"timeZone\":\"UTC\"},\"endTime\":{\"dateTime\":\"2026-12-03T11:00:00\",\"timeZone\":\"UTC\"}}", Map.of());
        assertThat(refused.status()).isEqualTo(400);
    }

    @Test
    void theControlApiOverHttpSeedsEventsAndInjectsFaults() throws Exception {
        HttpResponse<String> seeded = http.send(HttpRequest.newBuilder(URI.create(microsoft.controlUrl() + "/accounts/" + enc(WORK) + "/calendars/" + enc(calendarId) + "/seed"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"count\":12,\"firstStart\":\"2026-12-02T09:00:00Z\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(json(seeded.body()).path("count").asInt()).isEqualTo(12);
        http.send(HttpRequest.newBuilder(URI.create(microsoft.controlUrl() + "/faults"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"operation\":\"calendarView.list\",\"fault\":\"gatewayTimeout\",\"retryAfterSeconds\":2}")).build(),
                HttpResponse.BodyHandlers.ofString());
        String view = microsoft.graphBaseUrl() + "/me/calendarView?startDateTime=" + WINDOW_START + "&endDateTime=" + WINDOW_END;
        assertThat(get(view, token).status()).isEqualTo(504);
        Answer page = get(view, token);
        assertThat(page.json().path("value").size()).isEqualTo(10);
        assertThat(page.json().path("@odata.nextLink").asString()).contains("$skip=10");
        assertThat(get(page.json().path("@odata.nextLink").asString(), token).json().path("value").size()).isEqualTo(2);
    }

    @Test
    void theStateSurvivesARestartWithTokensEventsAndDeltaTokens(@TempDir Path directory) throws Exception {
        microsoft.close();
        String access;
        String refreshToken;
        String deltaLink;
        String eventId;
        try (MicrosoftGraphEmulator first = MicrosoftGraphEmulator.builder().persistTo(directory).start()) {
            assertThat(first.restoredState()).isFalse();
            first.registerClient("app-kept", "secret-kept");
            IssuedTokens tokens = first.issueTokens("app-kept", WORK, MicrosoftGraphEmulator.CALENDAR_SCOPES);
            access = tokens.accessToken();
            refreshToken = tokens.refreshToken();
            String calendar = first.defaultCalendarId(WORK);
            eventId = first.createEvent(WORK, calendar, event("Kept", "2026-12-03T09:00:00", "2026-12-03T10:00:00", "UTC").replace("}}", "},\"transactionId\":\"tx-kept\"}"));
            deltaLink = get(first.graphBaseUrl() + "/me/calendarView/delta?startDateTime=" + WINDOW_START + "&endDateTime=" + WINDOW_END, access)
                    .json().path("@odata.deltaLink").asString();
        }
        assertThat(Files.exists(directory.resolve(StateFile.FILE_NAME))).isTrue();
        microsoft = MicrosoftGraphEmulator.builder().persistTo(directory).start();
        assertThat(microsoft.restoredState()).isTrue();
        String graph = microsoft.graphBaseUrl();
        assertThat(get(graph + "/me/events/" + enc(eventId), access).json().path("subject").asString()).isEqualTo("Kept");
        assertThat(microsoft.issueTokens(WORK, "User.Read").accessToken()).isNotBlank();
        String newBase = microsoft.baseUrl();
        String movedDeltaLink = newBase + deltaLink.substring(deltaLink.indexOf("/v1.0"));
        microsoft.deleteEvent(WORK, eventId);
        Answer round = get(movedDeltaLink, access);
        assertThat(round.status()).isEqualTo(200);
        assertThat(round.json().path("value").get(0).path("@removed").path("reason").asString()).isEqualTo("deleted");
        HttpResponse<String> refreshed = postForm(microsoft.tokenUri("common"), "grant_type=refresh_token&client_id=app-kept&client_secret=secret-kept&refresh_token="
                + enc(refreshToken), null);
        assertThat(refreshed.statusCode()).isEqualTo(200);
    }

    @Test
    void demoEventsHoldASeriesWithAMovedAndACancelledOccurrenceAnAllDayEventATeamsMeetingAndADeclinedInvitation() throws Exception {
        microsoft.seedDemoEvents(WORK);
        Instant now = clock.instant();
        List<JsonNode> all = new ArrayList<>();
        String url = microsoft.graphBaseUrl() + "/me/calendarView?startDateTime=" + now + "&endDateTime=" + now.plus(Duration.ofDays(15)) + "&$top=100";
        get(url, token).json().path("value").forEach(all::add);
        Set<String> types = new HashSet<>();
        all.forEach(e -> types.add(e.path("type").asString()));
        assertThat(types).contains("occurrence", "exception", "singleInstance");
        assertThat(all.stream().filter(e -> e.path("subject").asString().equals("Team sync"))).hasSize(5);
        assertThat(all).anyMatch(e -> e.path("isAllDay").asBoolean());
        assertThat(all).anyMatch(e -> e.path("onlineMeeting").path("joinUrl").asString("").startsWith("https://teams.microsoft.com/"));
        assertThat(all).anyMatch(e -> e.path("responseStatus").path("response").asString().equals("declined"));
    }

    @Test
    void fiftyThousandEventsAreSeededAndServedThroughDeltaEachOnce() throws Exception {
        long seedStart = System.nanoTime();
        microsoft.seedEvents(WORK, calendarId, 50_000, Instant.parse("2026-01-01T00:00:00Z"), Duration.ofMinutes(10), Duration.ofMinutes(5));
        double seedSeconds = (System.nanoTime() - seedStart) / 1e9;
        fullDeltaRound(); // warm-up: the JIT, as calbridge's benchmark warms up too
        long start = System.nanoTime();
        List<String> served = fullDeltaRound();
        int items = served.size();
        Set<String> ids = new HashSet<>(served);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("microsoft emulator: seeded 50,000 events in %.2f s; a warm full delta round served %d events in %.2f s = %.0f events/s%n",
                seedSeconds, items, seconds, items / seconds);
        assertThat(items).isEqualTo(50_000);
        assertThat(ids).hasSize(50_000);
        // no speed assertion: on a loaded 2-core machine any bound either flakes or means nothing; the figure is printed
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** One full delta round with pages of 1000; returns the ids served. */
    private List<String> fullDeltaRound() throws Exception {
        String url = microsoft.graphBaseUrl() + "/me/calendars/" + enc(calendarId) + "/calendarView/delta()?startDateTime=2026-01-01T00:00:00Z&endDateTime=2027-01-01T00:00:00Z";
        List<String> ids = new ArrayList<>();
        Pattern id = Pattern.compile("\"id\":\"(AAMkAG[^\"]+)\"");
        Pattern next = Pattern.compile("\"@odata.nextLink\":\"([^\"]+)\"");
        while (url != null) {
            // the body is scanned, not parsed into a tree: this measures what the emulator serves, not the test's parsing
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                    .header("Prefer", "odata.maxpagesize=1000").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            Matcher m = id.matcher(page.body());
            while (m.find()) {
                ids.add(m.group(1));
            }
            Matcher link = next.matcher(page.body());
            url = link.find() ? link.group(1) : null;
        }
        return ids;
    }

    private String autoApprovedCode(String tenant, String account, String challenge) throws Exception {
        microsoft.setAutoApprove(true);
        String url = microsoft.authorizationUri(tenant) + "?client_id=app-1&response_type=code&redirect_uri=" + enc(REDIRECT) + "&scope="
                + enc(MicrosoftGraphEmulator.CALENDAR_SCOPES) + "&login_hint=" + enc(account)
                + (challenge == null ? "" : "&code_challenge=" + challenge + "&code_challenge_method=S256");
        HttpResponse<String> redirect = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(redirect.statusCode()).isEqualTo(302);
        return query(redirect.headers().firstValue("Location").orElseThrow()).get("code");
    }

    private HttpResponse<String> refresh(String refreshToken) throws Exception {
        return postForm(microsoft.tokenUri("common"), "grant_type=refresh_token&client_id=app-1&client_secret=secret-1&refresh_token=" + enc(refreshToken)
                + "&scope=" + enc("Calendars.ReadWrite offline_access"), null);
    }

    /** A small webhook: echoes validationToken (or not) and queues notification bodies, answering 202. */
    private String receiver(String path, BlockingQueue<String> bodies, boolean echo) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(path, exchange -> {
            try (exchange) {
                Map<String, String> q = query("x?" + (exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery()));
                byte[] body = exchange.getRequestBody().readAllBytes();
                if (q.containsKey("validationToken")) {
                    byte[] echoed = (echo ? q.get("validationToken") : "nope").getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "text/plain");
                    exchange.sendResponseHeaders(200, echoed.length);
                    exchange.getResponseBody().write(echoed);
                    return;
                }
                bodies.add(new String(body, StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(202, -1);
            }
        });
        server.start();
        receivers.add(server);
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private static String event(String subject, String start, String end, String zone) {
        return "{\"subject\":\"" + subject + "\",\"body\":{\"contentType\":\"text\",\"content\":\"about " + subject + "\"},"
                + "\"start\":{\"dateTime\":\"" + start + "\",\"timeZone\":\"" + zone + "\"},\"end\":{\"dateTime\":\"" + end + "\",\"timeZone\":\"" + zone + "\"}}";
    }

    private Answer get(String url, String bearer) throws Exception {
        return get(url, bearer, null);
    }

    private Answer get(String url, String bearer, String prefer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        if (prefer != null) {
            request.header("Prefer", prefer);
        }
        return answer(http.send(request.build(), HttpResponse.BodyHandlers.ofString()));
    }

    private Answer post(String url, String bearer, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + bearer)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return answer(http.send(request.build(), HttpResponse.BodyHandlers.ofString()));
    }

    private Answer patch(String url, String bearer, String body, String ifMatch) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + bearer)
                .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString(body));
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        return answer(http.send(request.build(), HttpResponse.BodyHandlers.ofString()));
    }

    private Answer delete(String url, String bearer) throws Exception {
        return answer(http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + bearer).DELETE().build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    private HttpResponse<String> postForm(String url, String form, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Answer answer(HttpResponse<String> response) {
        String body = response.body().trim();
        boolean isJson = body.startsWith("{") || body.startsWith("[");
        return new Answer(response.statusCode(), isJson ? json(body) : Json.object(), response);
    }

    private static JsonNode json(String body) {
        return Json.MAPPER.readTree(body);
    }

    private static String enc(String value) {
        return Json.encode(value);
    }

    private static Map<String, String> query(String url) {
        Map<String, String> result = new java.util.LinkedHashMap<>();
        int q = url.indexOf('?');
        if (q < 0) {
            return result;
        }
        for (String pair : url.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                result.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return result;
    }
}
