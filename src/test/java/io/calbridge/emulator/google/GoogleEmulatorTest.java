package io.calbridge.emulator.google;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.calendar.Calendar;
import com.google.api.services.calendar.model.Channel;
import com.google.api.services.calendar.model.ConferenceData;
import com.google.api.services.calendar.model.ConferenceSolutionKey;
import com.google.api.services.calendar.model.CreateConferenceRequest;
import com.google.api.services.calendar.model.Event;
import com.google.api.services.calendar.model.EventDateTime;
import com.google.api.services.calendar.model.Events;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class GoogleEmulatorTest {

    private static final String ACCOUNT = GoogleCalendarEmulator.DEFAULT_ACCOUNT;
    private static final String SCOPE = "https://www.googleapis.com/auth/calendar.events https://www.googleapis.com/auth/calendar.calendarlist.readonly email";
    private static final Instant MONDAY = Instant.parse("2026-03-02T08:00:00Z");

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private GoogleCalendarEmulator google;
    private String accessToken;

    private record Answer(int status, JsonNode json, HttpResponse<String> raw) {
        String reason() {
            return json.path("error").path("errors").path(0).path("reason").asString();
        }
    }

    @BeforeEach
    void start() {
        google = GoogleCalendarEmulator.start();
        accessToken = google.issueTokens(ACCOUNT, SCOPE).accessToken();
    }

    @AfterEach
    void stop() {
        google.close();
    }

    @Test
    void listPagesCarryNextPageTokenAndOnlyTheLastPageANextSyncToken() throws Exception {
        List<String> seeded = google.seedEvents(ACCOUNT, 25, MONDAY, Duration.ofHours(1), Duration.ofMinutes(30));

        List<JsonNode> pages = fullSync("primary", 10);

        assertThat(pages).hasSize(3);
        assertThat(pages.subList(0, 2)).allSatisfy(page -> {
            assertThat(page.has("nextPageToken")).isTrue();
            assertThat(page.has("nextSyncToken")).isFalse();
        });
        assertThat(pages.get(2).has("nextPageToken")).isFalse();
        assertThat(pages.get(2).path("nextSyncToken").asString()).isNotEmpty();
        assertThat(ids(pages)).containsExactlyInAnyOrderElementsOf(seeded);
    }

    @Test
    void incrementalSyncReturnsChangesAndDeletionsAsCancelled() throws Exception {
        List<String> seeded = google.seedEvents(ACCOUNT, 5, MONDAY, Duration.ofHours(1), Duration.ofMinutes(30));
        String syncToken = last(fullSync("primary", 250)).path("nextSyncToken").asString();

        google.changeEvent(ACCOUNT, seeded.get(0), "{\"summary\":\"Renamed in Google\"}");
        google.deleteEvent(ACCOUNT, seeded.get(1));
        String added = google.insertEvent(ACCOUNT, timedEvent("Added in Google", "2026-03-03T10:00:00Z", "2026-03-03T11:00:00Z"));
        Answer changes = get("/calendar/v3/calendars/primary/events?syncToken=" + encode(syncToken));

        assertThat(changes.status()).isEqualTo(200);
        Map<String, JsonNode> byId = byId(changes.json());
        assertThat(byId.keySet()).containsExactlyInAnyOrder(seeded.get(0), seeded.get(1), added);
        assertThat(byId.get(seeded.get(0)).path("summary").asString()).isEqualTo("Renamed in Google");
        assertThat(byId.get(seeded.get(0)).path("sequence").asInt()).isEqualTo(1);
        assertThat(byId.get(seeded.get(1)).path("status").asString()).isEqualTo("cancelled");
        assertThat(byId.get(seeded.get(1)).has("summary")).isFalse();

        Answer idle = get("/calendar/v3/calendars/primary/events?syncToken=" + encode(changes.json().path("nextSyncToken").asString()));
        assertThat(idle.json().path("items").size()).isZero();
        assertThat(idle.json().path("nextSyncToken").asString()).isNotEmpty();
    }

    @Test
    void expiredOrUnknownSyncTokenAnswers410FullSyncRequired() throws Exception {
        google.seedEvents(ACCOUNT, 3, MONDAY, Duration.ofHours(1), Duration.ofMinutes(30));
        String syncToken = last(fullSync("primary", 250)).path("nextSyncToken").asString();
        google.expireSyncTokens(ACCOUNT);

        Answer expired = get("/calendar/v3/calendars/primary/events?syncToken=" + encode(syncToken));
        Answer unknown = get("/calendar/v3/calendars/primary/events?syncToken=bm90LWEtdG9rZW4=");

        assertThat(expired.status()).isEqualTo(410);
        assertThat(expired.reason()).isEqualTo("fullSyncRequired");
        assertThat(unknown.status()).isEqualTo(410);
        assertThat(unknown.reason()).isEqualTo("fullSyncRequired");
    }

    @Test
    void syncTokenTogetherWithTimeMinIsRefusedWith400() throws Exception {
        String syncToken = last(fullSync("primary", 250)).path("nextSyncToken").asString();

        Answer answer = get("/calendar/v3/calendars/primary/events?timeMin=2026-01-01T00:00:00Z&syncToken=" + encode(syncToken));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.reason()).isEqualTo("invalid");
    }

    @Test
    void insertKeepsAClientChosenIdRefusesItsReuseWith409AndANonBase32hexIdWith400() throws Exception {
        String body = timedEvent("Appointment", "2026-03-03T10:00:00Z", "2026-03-03T11:00:00Z");
        String withId = body.replaceFirst("\\{", "{\"id\":\"appt0123456789v\",");

        Answer created = send("POST", "/calendar/v3/calendars/primary/events", withId);
        Answer again = send("POST", "/calendar/v3/calendars/primary/events", withId);

        assertThat(created.status()).isEqualTo(200);
        assertThat(created.json().path("id").asString()).isEqualTo("appt0123456789v");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.reason()).isEqualTo("duplicate");
        for (String bad : List.of("abcd", "UPPERCASE1", "has_underscore", "wxyz12345")) {
            Answer refused = send("POST", "/calendar/v3/calendars/primary/events", body.replaceFirst("\\{", "{\"id\":\"" + bad + "\","));
            assertThat(refused.status()).as(bad).isEqualTo(400);
        }
    }

    @Test
    void aWriteWhoseReplyIsLostIsAppliedSoItsRepeatUnderTheSameIdIs409Duplicate() throws Exception {
        String body = timedEvent("Lost reply", "2026-03-03T10:00:00Z", "2026-03-03T11:00:00Z").replaceFirst("\\{", "{\"id\":\"lostrep0001\",");
        google.failNext("events.insert", 1, Fault.connectionDroppedAfterApplying());
        assertThatThrownBy(() -> send("POST", "/calendar/v3/calendars/primary/events", body)).isInstanceOf(IOException.class);
        assertThat(get("/calendar/v3/calendars/primary/events/lostrep0001").json().path("summary").asString()).isEqualTo("Lost reply");

        google.failNext("events.delete", 1, Fault.unavailableAfterApplying());
        assertThat(send("DELETE", "/calendar/v3/calendars/primary/events/lostrep0001", null).status()).isEqualTo(503);
        assertThat(get("/calendar/v3/calendars/primary/events/lostrep0001").json().path("status").asString()).isEqualTo("cancelled");
        Answer again = send("POST", "/calendar/v3/calendars/primary/events", body);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.reason()).isEqualTo("duplicate");
    }

    @Test
    void anOffsetAsTimeZoneIsRefusedAsGoogleDoesAndUtcIsNamedUtc() throws Exception {
        for (String offset : List.of("Z", "+05:30", "UTC+05:30")) {
            String body = """
                    {"summary":"Offset","start":{"dateTime":"2026-03-03T10:00:00+05:30","timeZone":"%s"},
                     "end":{"dateTime":"2026-03-03T11:00:00+05:30"}}""".formatted(offset);
            Answer refused = send("POST", "/calendar/v3/calendars/primary/events", body);
            assertThat(refused.status()).as(offset).isEqualTo(400);
            assertThat(refused.json().path("error").path("message").asString()).as(offset)
                    .isEqualTo("Invalid time zone definition for start time.");
        }
        Answer offsetOnly = send("POST", "/calendar/v3/calendars/primary/events", """
                {"summary":"Offset","start":{"dateTime":"2026-03-03T10:00:00+05:30"},"end":{"dateTime":"2026-03-03T11:00:00+05:30"}}""");
        Answer utc = send("POST", "/calendar/v3/calendars/primary/events", """
                {"summary":"UTC","start":{"dateTime":"2026-03-03T10:00:00Z","timeZone":"UTC"},
                 "end":{"dateTime":"2026-03-03T11:00:00Z","timeZone":"UTC"}}""");

        assertThat(offsetOnly.status()).as(offsetOnly.raw().body()).isEqualTo(200);
        assertThat(offsetOnly.json().path("start").has("timeZone")).isFalse();
        assertThat(utc.status()).as(utc.raw().body()).isEqualTo(200);
        assertThat(utc.json().path("start").path("timeZone").asString()).isEqualTo("UTC");
        // the default account's calendar and its list answer name their zone as Google does: UTC, not Java's "Z"
        assertThat(get("/calendar/v3/users/me/calendarList").json().path("items").path(0).path("timeZone").asString()).isEqualTo("UTC");
        assertThat(get("/calendar/v3/calendars/primary/events").json().path("timeZone").asString()).isEqualTo("UTC");
    }

    @Test
    void deletingTwiceAnswers410AndAnUnknownEvent404() throws Exception {
        String id = google.insertEvent(ACCOUNT, timedEvent("Doomed", "2026-03-03T10:00:00Z", "2026-03-03T11:00:00Z"));

        Answer first = send("DELETE", "/calendar/v3/calendars/primary/events/" + id, null);
        Answer second = send("DELETE", "/calendar/v3/calendars/primary/events/" + id, null);
        Answer unknown = send("DELETE", "/calendar/v3/calendars/primary/events/nosuchevent123", null);

        assertThat(first.status()).isEqualTo(204);
        assertThat(second.status()).isEqualTo(410);
        assertThat(second.reason()).isEqualTo("deleted");
        assertThat(unknown.status()).isEqualTo(404);
    }

    @Test
    void recurringSeriesExpandsWithExdateAMovedAndACancelledInstanceAcrossDaylightSaving() throws Exception {
        String series = google.insertEvent(ACCOUNT, """
                {"summary":"Weekly sync","start":{"dateTime":"2026-03-02T09:00:00","timeZone":"Europe/Berlin"},
                 "end":{"dateTime":"2026-03-02T09:30:00","timeZone":"Europe/Berlin"},
                 "recurrence":["RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10","EXDATE;TZID=Europe/Berlin:20260304T090000"]}""");
        String moved = GoogleCalendarEmulator.instanceId(series, Instant.parse("2026-03-09T08:00:00Z"));
        google.moveEvent(ACCOUNT, moved, Instant.parse("2026-03-09T09:00:00Z"), Instant.parse("2026-03-09T09:30:00Z"));
        String cancelled = google.cancelInstance(ACCOUNT, series, Instant.parse("2026-03-11T08:00:00Z"));

        Answer expanded = get("/calendar/v3/calendars/primary/events?singleEvents=true&orderBy=startTime"
                + "&timeMin=2026-03-01T00:00:00Z&timeMax=2026-04-02T00:00:00Z");
        Answer masters = get("/calendar/v3/calendars/primary/events");

        List<String> starts = new ArrayList<>();
        expanded.json().path("items").forEach(item -> starts.add(Instant.parse(
                item.path("start").path("dateTime").asString().replace("+00:00", "Z")).toString()));
        // 10 occurrences, less the EXDATE'd Mar 4 and the cancelled Mar 11; 09:00 Berlin is 08:00Z before and 07:00Z after Mar 29
        assertThat(starts).containsExactly("2026-03-02T08:00:00Z", "2026-03-09T09:00:00Z", "2026-03-16T08:00:00Z", "2026-03-18T08:00:00Z",
                "2026-03-23T08:00:00Z", "2026-03-25T08:00:00Z", "2026-03-30T07:00:00Z", "2026-04-01T07:00:00Z");
        JsonNode first = expanded.json().path("items").path(0);
        assertThat(first.path("id").asString()).isEqualTo(series + "_20260302T080000Z");
        assertThat(first.path("recurringEventId").asString()).isEqualTo(series);
        JsonNode movedItem = expanded.json().path("items").path(1);
        assertThat(movedItem.path("id").asString()).isEqualTo(moved);
        assertThat(Instant.parse(movedItem.path("originalStartTime").path("dateTime").asString().replace("+00:00", "Z")))
                .isEqualTo(Instant.parse("2026-03-09T08:00:00Z"));
        // without singleEvents: the master with its recurrence plus the two exceptions, the cancelled one as cancelled
        Map<String, JsonNode> items = byId(masters.json());
        assertThat(items.keySet()).containsExactlyInAnyOrder(series, moved, cancelled);
        assertThat(items.get(series).path("recurrence").size()).isEqualTo(2);
        assertThat(items.get(cancelled).path("status").asString()).isEqualTo("cancelled");
        assertThat(items.get(cancelled).path("recurringEventId").asString()).isEqualTo(series);
        Answer instances = get("/calendar/v3/calendars/primary/events/" + series + "/instances");
        assertThat(instances.json().path("items").size()).isEqualTo(8);
    }

    @Test
    void consentPageRemembersTheAccountAndDenyRedirectsWithAccessDenied() throws Exception {
        String authorize = "?client_id=" + GoogleCalendarEmulator.DEFAULT_CLIENT_ID + "&redirect_uri=" + encode("http://app.test/cb")
                + "&response_type=code&access_type=offline&scope=" + encode(SCOPE) + "&state=s1";

        Answer page = getUnauthenticated(GoogleCalendarEmulator.AUTHORIZATION_PATH + authorize);
        String consent = page.raw().body().replaceAll("(?s).*name=\"consent\" value=\"([^\"]+)\".*", "$1");
        HttpResponse<String> denied = postForm(GoogleCalendarEmulator.AUTHORIZATION_PATH, "consent=" + consent + "&decision=deny");
        String consentAgain = getUnauthenticated(GoogleCalendarEmulator.AUTHORIZATION_PATH + authorize).raw().body()
                .replaceAll("(?s).*name=\"consent\" value=\"([^\"]+)\".*", "$1");
        HttpResponse<String> allowed = postForm(GoogleCalendarEmulator.AUTHORIZATION_PATH,
                "consent=" + consentAgain + "&decision=allow&login_hint=" + encode("second.user@example.com"));
        String code = queryParam(allowed.headers().firstValue("Location").orElseThrow(), "code");
        JsonNode tokens = json(postForm(GoogleCalendarEmulator.TOKEN_PATH, "grant_type=authorization_code&code=" + encode(code)
                + "&redirect_uri=" + encode("http://app.test/cb") + clientCredentials()));
        accessToken = tokens.path("access_token").asString();

        assertThat(page.status()).isEqualTo(200);
        assertThat(denied.statusCode()).isEqualTo(302);
        assertThat(denied.headers().firstValue("Location").orElseThrow()).isEqualTo("http://app.test/cb?state=s1&error=access_denied");
        assertThat(queryParam(allowed.headers().firstValue("Location").orElseThrow(), "state")).isEqualTo("s1");
        assertThat(get("/calendar/v3/users/me/calendarList").json().path("items").path(0).path("id").asString())
                .isEqualTo("second.user@example.com");
    }

    @Test
    void refreshGrantReturnsANewAccessTokenButNoRefreshToken() throws Exception {
        google.setAutoApprove(true);
        String verifier = "a-verifier-that-is-long-enough-for-pkce-0123456789";
        JsonNode tokens = authorizeAndExchange(s256(verifier), verifier);

        JsonNode refreshed = json(postForm(GoogleCalendarEmulator.TOKEN_PATH,
                "grant_type=refresh_token&refresh_token=" + encode(tokens.path("refresh_token").asString()) + clientCredentials()));
        accessToken = refreshed.path("access_token").asString();

        assertThat(tokens.path("refresh_token").asString()).isNotEmpty();
        assertThat(tokens.path("token_type").asString()).isEqualTo("Bearer");
        assertThat(refreshed.path("access_token").asString()).isNotEqualTo(tokens.path("access_token").asString());
        assertThat(refreshed.path("expires_in").asLong()).isEqualTo(3600);
        assertThat(refreshed.has("refresh_token")).isFalse();
        assertThat(get("/calendar/v3/users/me/calendarList/primary").json().path("id").asString()).isEqualTo(ACCOUNT);
        // calendars.get is not among what calendar.events + calendar.calendarlist.readonly allow, as at Google
        assertThat(get("/calendar/v3/calendars/primary").reason()).isEqualTo("insufficientPermissions");
        assertThat(google.callCount("token.refresh")).isEqualTo(1);
    }

    @Test
    void revokedGrantAnswersInvalidGrantOnRefreshAnd401OnTheApi() throws Exception {
        google.setAutoApprove(true);
        JsonNode tokens = authorizeAndExchange(null, null);
        accessToken = tokens.path("access_token").asString();

        HttpResponse<String> revoke = postForm(GoogleCalendarEmulator.REVOKE_PATH, "token=" + encode(tokens.path("refresh_token").asString()));
        HttpResponse<String> refresh = postForm(GoogleCalendarEmulator.TOKEN_PATH,
                "grant_type=refresh_token&refresh_token=" + encode(tokens.path("refresh_token").asString()) + clientCredentials());
        Answer api = get("/calendar/v3/users/me/calendarList");

        assertThat(revoke.statusCode()).isEqualTo(200);
        assertThat(refresh.statusCode()).isEqualTo(400);
        assertThat(json(refresh).path("error").asString()).isEqualTo("invalid_grant");
        assertThat(json(refresh).path("error_description").asString()).isEqualTo("Token has been expired or revoked.");
        assertThat(api.status()).isEqualTo(401);
        assertThat(api.json().path("error").path("status").asString()).isEqualTo("UNAUTHENTICATED");
    }

    @Test
    void pkceVerifierMismatchIsRefusedAndTheCodeCannotBeRetried() throws Exception {
        google.setAutoApprove(true);
        String verifier = "the-right-verifier-0123456789-0123456789-0123456789";
        String code = authorize(s256(verifier));

        HttpResponse<String> wrong = exchange(code, "a-wrong-verifier-0123456789-0123456789-0123456789");
        HttpResponse<String> retried = exchange(code, verifier);

        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(json(wrong).path("error").asString()).isEqualTo("invalid_grant");
        assertThat(retried.statusCode()).isEqualTo(400);
    }

    @Test
    void watchDeliversASyncNotificationThenExistsOnEachChangeUntilStopped() throws Exception {
        BlockingQueue<Map<String, String>> received = new LinkedBlockingQueue<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/webhooks/google", exchange -> {
            Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
            headers.put("body-length", Integer.toString(exchange.getRequestBody().readAllBytes().length));
            received.add(headers);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try {
            String address = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/webhooks/google";
            Answer channel = send("POST", "/calendar/v3/calendars/primary/events/watch",
                    "{\"id\":\"channel-1\",\"type\":\"web_hook\",\"address\":\"" + address + "\",\"token\":\"secret-token\"}");
            Map<String, String> sync = received.poll(5, TimeUnit.SECONDS);
            String id = google.insertEvent(ACCOUNT, timedEvent("New", "2026-03-03T10:00:00Z", "2026-03-03T11:00:00Z"));
            Map<String, String> exists = received.poll(5, TimeUnit.SECONDS);
            Answer stopped = send("POST", "/calendar/v3/channels/stop",
                    "{\"id\":\"channel-1\",\"resourceId\":\"" + channel.json().path("resourceId").asString() + "\"}");
            google.deleteEvent(ACCOUNT, id);

            assertThat(channel.json().path("kind").asString()).isEqualTo("api#channel");
            assertThat(channel.json().path("expiration").isString()).isTrue(); // int64 travels as a string
            assertThat(sync).containsEntry("X-Goog-Resource-State", "sync").containsEntry("X-Goog-Message-Number", "1")
                    .containsEntry("X-Goog-Channel-ID", "channel-1").containsEntry("X-Goog-Channel-Token", "secret-token")
                    .containsEntry("X-Goog-Resource-ID", channel.json().path("resourceId").asString()).containsEntry("body-length", "0")
                    .containsKeys("X-Goog-Resource-URI", "X-Goog-Channel-Expiration");
            assertThat(exists).containsEntry("X-Goog-Resource-State", "exists").containsEntry("X-Goog-Message-Number", "2");
            assertThat(stopped.status()).isEqualTo(204);
            assertThat(received.poll(500, TimeUnit.MILLISECONDS)).isNull();
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void injectedRateLimitAnswers429WithRetryAfterThenRecovers() throws Exception {
        google.failNext("events.list", 1, Fault.tooManyRequests(Duration.ofSeconds(7)));
        google.failNext("events.list", 1, Fault.rateLimitExceeded());

        Answer limited = get("/calendar/v3/calendars/primary/events");
        Answer forbidden = get("/calendar/v3/calendars/primary/events");
        Answer recovered = get("/calendar/v3/calendars/primary/events");

        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.raw().headers().firstValue("Retry-After")).hasValue("7");
        assertThat(limited.json().path("error").path("errors").path(0).path("domain").asString()).isEqualTo("usageLimits");
        assertThat(limited.reason()).isEqualTo("rateLimitExceeded");
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.reason()).isEqualTo("rateLimitExceeded");
        assertThat(recovered.status()).isEqualTo(200);
        assertThat(google.callCount("events.list")).isEqualTo(3);
    }

    @Test
    void fiftyThousandSeededEventsPageThroughInTwentyPagesOf2500() throws Exception {
        long seedStart = System.nanoTime();
        google.seedEvents(ACCOUNT, 50_000, MONDAY, Duration.ofMinutes(15), Duration.ofMinutes(10));
        long seeded = System.nanoTime();
        List<JsonNode> pages = fullSync("primary", 2500);
        long paged = System.nanoTime();

        System.out.printf("google emulator: seeded 50,000 events in %d ms; paged them in %d pages in %d ms%n",
                (seeded - seedStart) / 1_000_000, pages.size(), (paged - seeded) / 1_000_000);
        assertThat(pages).hasSize(20);
        assertThat(new HashSet<>(ids(pages))).hasSize(50_000);
        assertThat(last(pages).has("nextSyncToken")).isTrue();
    }

    @Test
    void googlesJavaClientInsertsPatchesPagesAndSyncsAgainstTheEmulator() throws Exception {
        google.seedEvents(ACCOUNT, 30, MONDAY, Duration.ofHours(1), Duration.ofMinutes(30));
        Calendar client = new Calendar.Builder(new NetHttpTransport(), GsonFactory.getDefaultInstance(),
                request -> request.getHeaders().setAuthorization("Bearer " + accessToken))
                .setRootUrl(google.rootUrl()).setApplicationName("calbridge-test").build();

        Event meeting = new Event().setId("calbridge0appt0001").setSummary("With a Meet link")
                .setStart(new EventDateTime().setDateTime(new com.google.api.client.util.DateTime("2026-03-04T10:00:00+01:00")).setTimeZone("Europe/Berlin"))
                .setEnd(new EventDateTime().setDateTime(new com.google.api.client.util.DateTime("2026-03-04T11:00:00+01:00")).setTimeZone("Europe/Berlin"))
                .setConferenceData(new ConferenceData().setCreateRequest(new CreateConferenceRequest().setRequestId("req-1")
                        .setConferenceSolutionKey(new ConferenceSolutionKey().setType("hangoutsMeet"))));
        Event inserted = client.events().insert("primary", meeting).setConferenceDataVersion(1).execute();
        Event patched = client.events().patch("primary", inserted.getId(), new Event().setSummary("Renamed")).execute();
        List<Event> all = new ArrayList<>();
        String pageToken = null;
        Events page;
        do {
            page = client.events().list("primary").setMaxResults(10).setPageToken(pageToken).execute();
            all.addAll(page.getItems());
            pageToken = page.getNextPageToken();
        } while (pageToken != null);
        client.events().delete("primary", inserted.getId()).execute();
        Events changes = client.events().list("primary").setSyncToken(page.getNextSyncToken()).execute();
        Channel channel = client.events().watch("primary", new Channel().setId("c-2").setType("web_hook").setAddress("http://127.0.0.1:9/none"))
                .execute();
        GoogleJsonResponseException gone = null;
        try {
            client.events().list("primary").setSyncToken("bm90LWEtdG9rZW4=").execute();
        } catch (GoogleJsonResponseException e) {
            gone = e;
        }

        assertThat(inserted.getHangoutLink()).startsWith("https://meet.google.com/");
        assertThat(patched.getSummary()).isEqualTo("Renamed");
        assertThat(patched.getSequence()).isEqualTo(1);
        assertThat(patched.getHangoutLink()).isEqualTo(inserted.getHangoutLink());
        assertThat(all).hasSize(31);
        assertThat(changes.getItems()).singleElement().satisfies(e -> assertThat(e.getStatus()).isEqualTo("cancelled"));
        assertThat(channel.getExpiration()).isGreaterThan(0L);
        assertThat(gone).isNotNull();
        assertThat(gone.getStatusCode()).isEqualTo(410);
        assertThat(gone.getDetails().getErrors().get(0).getReason()).isEqualTo("fullSyncRequired");
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private List<JsonNode> fullSync(String calendarId, int pageSize) throws Exception {
        List<JsonNode> pages = new ArrayList<>();
        String pageToken = null;
        do {
            Answer answer = get("/calendar/v3/calendars/" + calendarId + "/events?maxResults=" + pageSize
                    + (pageToken == null ? "" : "&pageToken=" + encode(pageToken)));
            assertThat(answer.status()).isEqualTo(200);
            pages.add(answer.json());
            pageToken = answer.json().has("nextPageToken") ? answer.json().path("nextPageToken").asString() : null;
        } while (pageToken != null);
        return pages;
    }

    private static JsonNode last(List<JsonNode> pages) {
        return pages.get(pages.size() - 1);
    }

    private static List<String> ids(List<JsonNode> pages) {
        List<String> ids = new ArrayList<>();
        pages.forEach(page -> page.path("items").forEach(item -> ids.add(item.path("id").asString())));
        return ids;
    }

    private static Map<String, JsonNode> byId(JsonNode page) {
        Map<String, JsonNode> items = new java.util.LinkedHashMap<>();
        page.path("items").forEach(item -> items.put(item.path("id").asString(), item));
        return items;
    }

    private static String timedEvent(String summary, String start, String end) {
        return "{\"summary\":\"" + summary + "\",\"start\":{\"dateTime\":\"" + start + "\"},\"end\":{\"dateTime\":\"" + end + "\"}}";
    }

    private String authorize(String challenge) throws Exception {
        String url = GoogleCalendarEmulator.AUTHORIZATION_PATH + "?client_id=" + GoogleCalendarEmulator.DEFAULT_CLIENT_ID
                + "&redirect_uri=" + encode("http://app.test/cb") + "&response_type=code&access_type=offline&prompt=consent&state=xyz&scope="
                + encode(SCOPE) + (challenge == null ? "" : "&code_challenge=" + challenge + "&code_challenge_method=S256");
        Answer redirect = getUnauthenticated(url);
        assertThat(redirect.status()).isEqualTo(302);
        return queryParam(redirect.raw().headers().firstValue("Location").orElseThrow(), "code");
    }

    private JsonNode authorizeAndExchange(String challenge, String verifier) throws Exception {
        HttpResponse<String> response = exchange(authorize(challenge), verifier);
        assertThat(response.statusCode()).isEqualTo(200);
        return json(response);
    }

    private HttpResponse<String> exchange(String code, String verifier) throws Exception {
        return postForm(GoogleCalendarEmulator.TOKEN_PATH, "grant_type=authorization_code&code=" + encode(code)
                + "&redirect_uri=" + encode("http://app.test/cb") + clientCredentials() + (verifier == null ? "" : "&code_verifier=" + verifier));
    }

    private static String clientCredentials() {
        return "&client_id=" + encode(GoogleCalendarEmulator.DEFAULT_CLIENT_ID) + "&client_secret=" + encode(GoogleCalendarEmulator.DEFAULT_CLIENT_SECRET);
    }

    private static String s256(String verifier) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    private static String queryParam(String url, String name) {
        return Json.form(URI.create(url).getRawQuery()).get(name);
    }

    private Answer get(String path) throws Exception {
        return send("GET", path, null);
    }

    private Answer getUnauthenticated(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(google.baseUrl() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), null, response);
    }

    private Answer send(String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(google.baseUrl() + path))
                .header("Authorization", "Bearer " + accessToken)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body().isEmpty() ? Json.object() : Json.parse(response.body().getBytes(StandardCharsets.UTF_8)),
                response);
    }

    private HttpResponse<String> postForm(String path, String form) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(google.baseUrl() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) {
        return Json.parse(response.body().getBytes(StandardCharsets.UTF_8));
    }

    private static String encode(String value) {
        return Json.encodeQueryValue(value);
    }
}
