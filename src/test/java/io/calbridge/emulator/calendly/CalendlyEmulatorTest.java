package io.calbridge.emulator.calendly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.calbridge.emulator.calendly.CalendlyEmulator.BookingRef;
import io.calbridge.emulator.calendly.CalendlyEmulator.BookingRequest;
import io.calbridge.emulator.calendly.CalendlyEmulator.Delivery;
import io.calbridge.emulator.calendly.CalendlyEmulator.TokenPair;
import io.calbridge.testing.CalendlyEmulators;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class CalendlyEmulatorTest {

    /** A clock the tests move by hand. */
    static final class MovableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-12-01T09:00:00Z");

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

    /** A webhook receiver answering a chosen status. */
    static final class Receiver implements AutoCloseable {
        record Received(String uri, String signature, String body) {
        }

        final List<Received> received = new CopyOnWriteArrayList<>();
        final AtomicInteger status = new AtomicInteger(200);
        final AtomicInteger delayMillis = new AtomicInteger(0);
        final HttpServer server;

        Receiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                try (exchange) {
                    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                    received.add(new Received(exchange.getRequestURI().toString(),
                            exchange.getRequestHeaders().getFirst("Calendly-Webhook-Signature"), body));
                    try {
                        Thread.sleep(delayMillis.get());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    exchange.sendResponseHeaders(status.get(), -1);
                }
            });
            server.start();
        }

        String url(String pathAndQuery) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private static final Instant MONDAY = Instant.parse("2026-12-07T10:00:00Z");
    private final HttpClient http = HttpClient.newHttpClient();
    private final MovableClock clock = new MovableClock();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
    }

    private CalendlyEmulator start(CalendlyEmulator.Builder builder) throws IOException {
        CalendlyEmulator emulator = builder.clock(clock).deliveryRetryDelays(List.of(Duration.ofMillis(50), Duration.ofMillis(50))).start();
        toClose.add(emulator);
        return emulator;
    }

    private Receiver receiver() throws IOException {
        Receiver receiver = new Receiver();
        toClose.add(receiver);
        return receiver;
    }

    private HttpResponse<String> get(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String url, String token, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postForm(String url, String form, boolean basicAuth) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (basicAuth) {
            String basic = CalendlyEmulator.DEFAULT_CLIENT_ID + ":" + CalendlyEmulator.DEFAULT_CLIENT_SECRET;
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) {
        return Json.MAPPER.readTree(response.body());
    }

    private static String query(String url, String name) {
        return Json.form(URI.create(url).getRawQuery()).get(name);
    }

    private static final String VERIFIER = "a-verifier-of-sufficient-length-0123456789-abcdefghijklmnop";
    private static final String REDIRECT = "http://localhost:9999/callback";

    /** The browser leg with autoApprove: the code from the redirect. */
    private String authorize(CalendlyEmulator emulator) throws Exception {
        String url = emulator.authorizationUri() + "?response_type=code&client_id=" + CalendlyEmulator.DEFAULT_CLIENT_ID
                + "&redirect_uri=" + Json.encode(REDIRECT) + "&state=s-123&code_challenge="
                + CalendlyEmulator.s256(VERIFIER) + "&code_challenge_method=S256";
        HttpResponse<String> response = get(url, null);
        assertEquals(302, response.statusCode());
        String location = response.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith(REDIRECT + "?"));
        assertEquals("s-123", query(location, "state"));
        return query(location, "code");
    }

    private HttpResponse<String> exchange(CalendlyEmulator emulator, String code, String verifier, String redirect) throws Exception {
        return postForm(emulator.tokenUri(), "grant_type=authorization_code&code=" + Json.encode(code)
                + "&redirect_uri=" + Json.encode(redirect) + "&code_verifier=" + Json.encode(verifier), true);
    }

    private HttpResponse<String> refresh(CalendlyEmulator emulator, String refreshToken) throws Exception {
        return postForm(emulator.tokenUri(), "grant_type=refresh_token&refresh_token=" + Json.encode(refreshToken)
                + "&client_id=" + CalendlyEmulator.DEFAULT_CLIENT_ID + "&client_secret=" + CalendlyEmulator.DEFAULT_CLIENT_SECRET, false);
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(20);
        }
    }

    // ---- OAuth ----

    @Test
    void authorizationCodeWithPkceGivesCalendlyShapedTokens() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder().autoApprove(true));
        HttpResponse<String> response = exchange(emulator, authorize(emulator), VERIFIER, REDIRECT);
        assertEquals(200, response.statusCode(), response.body());
        JsonNode token = json(response);
        assertEquals("Bearer", token.path("token_type").asString());
        assertEquals(7200, token.path("expires_in").asInt());
        assertEquals("default", token.path("scope").asString());
        assertEquals(clock.instant().getEpochSecond(), token.path("created_at").asLong());
        assertTrue(token.path("owner").asString().startsWith(emulator.baseUrl() + "/users/"));
        assertTrue(token.path("organization").asString().startsWith(emulator.baseUrl() + "/organizations/"));

        JsonNode me = json(get(emulator.baseUrl() + "/users/me", token.path("access_token").asString())).path("resource");
        assertEquals(token.path("owner").asString(), me.path("uri").asString());
        assertEquals(CalendlyEmulator.DEFAULT_USER_EMAIL, me.path("email").asString());
        assertEquals(token.path("organization").asString(), me.path("current_organization").asString());
        for (String field : List.of("name", "slug", "scheduling_url", "timezone", "created_at", "updated_at")) {
            assertFalse(me.path(field).asString("").isEmpty(), field);
        }
    }

    @Test
    void codeIsSingleUseAndChecksVerifierAndRedirectUri() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder().autoApprove(true));
        HttpResponse<String> wrongVerifier = exchange(emulator, authorize(emulator), "another-verifier-entirely-0123456789-abcdefghijk", REDIRECT);
        assertEquals(400, wrongVerifier.statusCode());
        assertEquals("invalid_grant", json(wrongVerifier).path("error").asString());

        HttpResponse<String> wrongRedirect = exchange(emulator, authorize(emulator), VERIFIER, "http://localhost:9999/other");
        assertEquals("invalid_grant", json(wrongRedirect).path("error").asString());

        String code = authorize(emulator);
        assertEquals(200, exchange(emulator, code, VERIFIER, REDIRECT).statusCode());
        assertEquals(400, exchange(emulator, code, VERIFIER, REDIRECT).statusCode());
    }

    @Test
    void unknownClientSecretIsInvalidClient() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder().autoApprove(true));
        HttpResponse<String> response = postForm(emulator.tokenUri(), "grant_type=refresh_token&refresh_token=x&client_id="
                + CalendlyEmulator.DEFAULT_CLIENT_ID + "&client_secret=wrong", false);
        assertEquals(401, response.statusCode());
        assertEquals("invalid_client", json(response).path("error").asString());
    }

    @Test
    void consentPageApprovesByFormPost() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder());
        String url = emulator.authorizationUri() + "?response_type=code&client_id=" + CalendlyEmulator.DEFAULT_CLIENT_ID
                + "&redirect_uri=" + Json.encode(REDIRECT) + "&state=xyz";
        HttpResponse<String> page = get(url, null);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<form method=\"post\""));
        HttpResponse<String> approved = postForm(emulator.authorizationUri(), "client_id=" + CalendlyEmulator.DEFAULT_CLIENT_ID
                + "&redirect_uri=" + Json.encode(REDIRECT) + "&state=xyz&email=" + Json.encode(CalendlyEmulator.DEFAULT_USER_EMAIL)
                + "&decision=approve", false);
        assertEquals(302, approved.statusCode());
        String location = approved.headers().firstValue("Location").orElseThrow();
        assertEquals("xyz", query(location, "state"));
        // no challenge was given, so no verifier is needed
        assertEquals(200, exchange(emulator, query(location, "code"), "", REDIRECT).statusCode());
    }

    @Test
    void refreshTokensRotateAndAreSingleUse() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder());
        TokenPair pair = emulator.issueTokens(CalendlyEmulator.DEFAULT_USER_EMAIL);
        HttpResponse<String> first = refresh(emulator, pair.refreshToken());
        assertEquals(200, first.statusCode(), first.body());
        String rotated = json(first).path("refresh_token").asString();
        assertNotEquals(pair.refreshToken(), rotated);
        HttpResponse<String> reused = refresh(emulator, pair.refreshToken());
        assertEquals(400, reused.statusCode());
        assertEquals("invalid_grant", json(reused).path("error").asString());
        assertEquals(200, refresh(emulator, rotated).statusCode());
    }

    @Test
    void atMostEightTokenRequestsPerUserPerMinute() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder());
        String refreshToken = emulator.issueTokens(CalendlyEmulator.DEFAULT_USER_EMAIL).refreshToken();
        for (int i = 0; i < 8; i++) {
            HttpResponse<String> response = refresh(emulator, refreshToken);
            assertEquals(200, response.statusCode(), "request " + i);
            refreshToken = json(response).path("refresh_token").asString();
        }
        assertEquals(429, refresh(emulator, refreshToken).statusCode());
        clock.advance(Duration.ofSeconds(61));
        assertEquals(200, refresh(emulator, refreshToken).statusCode());
    }

    @Test
    void accessTokensExpireAfterTheirLifetimeButPersonalTokensDoNot() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder());
        String access = emulator.issueTokens(CalendlyEmulator.DEFAULT_USER_EMAIL).accessToken();
        String pat = emulator.issuePersonalAccessToken(CalendlyEmulator.DEFAULT_USER_EMAIL);
        assertEquals(200, get(emulator.baseUrl() + "/users/me", access).statusCode());
        clock.advance(Duration.ofHours(2));
        HttpResponse<String> expired = get(emulator.baseUrl() + "/users/me", access);
        assertEquals(401, expired.statusCode());
        assertEquals("Unauthenticated", json(expired).path("title").asString());
        assertEquals("The access token is expired", json(expired).path("message").asString());
        assertEquals(200, get(emulator.baseUrl() + "/users/me", pat).statusCode());

        String fresh = emulator.issueTokens(CalendlyEmulator.DEFAULT_USER_EMAIL).accessToken();
        emulator.expireAccessTokens();
        assertEquals(401, get(emulator.baseUrl() + "/users/me", fresh).statusCode());
    }

    @Test
    void revokingATokenRevokesItsWholeGrant() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder());
        TokenPair pair = emulator.issueTokens(CalendlyEmulator.DEFAULT_USER_EMAIL);
        HttpResponse<String> revoked = postForm(emulator.revokeUri(), "token=" + Json.encode(pair.accessToken()), true);
        assertEquals(200, revoked.statusCode());
        assertEquals("The access token is invalid", json(get(emulator.baseUrl() + "/users/me", pair.accessToken())).path("message").asString());
        assertEquals(400, refresh(emulator, pair.refreshToken()).statusCode());

        TokenPair other = emulator.issueTokens(CalendlyEmulator.DEFAULT_USER_EMAIL);
        emulator.revokeGrant(CalendlyEmulator.DEFAULT_USER_EMAIL);
        assertEquals(401, get(emulator.baseUrl() + "/users/me", other.accessToken()).statusCode());
    }

    // ---- errors, faults, rate limit ----

    @Test
    void errorsAreCalendlyJson() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder());
        assertEquals(401, get(emulator.baseUrl() + "/users/me", null).statusCode());
        String token = emulator.issuePersonalAccessToken(CalendlyEmulator.DEFAULT_USER_EMAIL);
        HttpResponse<String> missing = get(emulator.baseUrl() + "/nothing/here", token);
        assertEquals(404, missing.statusCode());
        assertEquals("Resource Not Found", json(missing).path("title").asString());
        HttpResponse<String> noOwner = get(emulator.baseUrl() + "/scheduled_events", token);
        assertEquals(400, noOwner.statusCode());
        assertEquals("Invalid Argument", json(noOwner).path("title").asString());
        assertEquals("organization", json(noOwner).path("details").get(0).path("parameter").asString());
    }

    @Test
    void injectedFaultsAndCallCounts() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder());
        String token = emulator.issuePersonalAccessToken(CalendlyEmulator.DEFAULT_USER_EMAIL);
        emulator.failNext("GET", "/users", 503, 1);
        assertEquals(503, get(emulator.baseUrl() + "/users/me", token).statusCode());
        assertEquals(200, get(emulator.baseUrl() + "/users/me", token).statusCode());
        assertEquals(2, emulator.callCount("GET", "/users/me"));
        emulator.failNext("GET", "/users", 500, 5);
        emulator.clearFaults();
        assertEquals(200, get(emulator.baseUrl() + "/users/me", token).statusCode());
    }

    @Test
    void rateLimitPerAccessTokenAnswers429WithCalendlyHeaders() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder().rateLimitPerMinute(3));
        String token = emulator.issueTokens(CalendlyEmulator.DEFAULT_USER_EMAIL).accessToken();
        for (int i = 0; i < 3; i++) {
            assertEquals(200, get(emulator.baseUrl() + "/users/me", token).statusCode());
        }
        clock.advance(Duration.ofSeconds(20));
        HttpResponse<String> limited = get(emulator.baseUrl() + "/users/me", token);
        assertEquals(429, limited.statusCode());
        assertEquals("3", limited.headers().firstValue("X-RateLimit-Limit").orElseThrow());
        assertEquals("0", limited.headers().firstValue("X-RateLimit-Remaining").orElseThrow());
        assertEquals("40", limited.headers().firstValue("X-RateLimit-Reset").orElseThrow());
        assertTrue(limited.headers().firstValue("Retry-After").isEmpty());
        clock.advance(Duration.ofSeconds(40));
        assertEquals(200, get(emulator.baseUrl() + "/users/me", token).statusCode());
    }

    // ---- event types and scheduled events ----

    @Test
    void eventTypesListedByUser() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder());
        String typeUri = emulator.createEventType(CalendlyEmulator.DEFAULT_USER_EMAIL, "Intro Call", 45);
        String token = emulator.issuePersonalAccessToken(CalendlyEmulator.DEFAULT_USER_EMAIL);
        String me = json(get(emulator.baseUrl() + "/users/me", token)).path("resource").path("uri").asString();
        JsonNode list = json(get(emulator.baseUrl() + "/event_types?user=" + Json.encode(me), token));
        assertEquals(1, list.path("collection").size());
        JsonNode type = list.path("collection").get(0);
        assertEquals(typeUri, type.path("uri").asString());
        assertEquals(45, type.path("duration").asInt());
        assertEquals(me, type.path("profile").path("owner").asString());
    }

    @Test
    void scheduledEventCarriesLocationMembershipCalendarEventAndInvitee() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder());
        BookingRef ref = emulator.book(new BookingRequest(CalendlyEmulator.DEFAULT_USER_EMAIL, null, MONDAY, "Ada Lovelace",
                "ada@example.org", "Europe/London", Map.of("Topic", "Engines"), "zoom", "https://zoom.example/j/1", "gcal-123"));
        String token = emulator.issuePersonalAccessToken(CalendlyEmulator.DEFAULT_USER_EMAIL);
        JsonNode event = json(get(ref.eventUri(), token)).path("resource");
        assertEquals(ref.eventUri(), event.path("uri").asString());
        assertEquals("30 Minute Meeting", event.path("name").asString());
        assertEquals("active", event.path("status").asString());
        assertEquals("2026-12-07T10:00:00.000000Z", event.path("start_time").asString());
        assertEquals("2026-12-07T10:30:00.000000Z", event.path("end_time").asString());
        assertEquals("zoom", event.path("location").path("type").asString());
        assertEquals("https://zoom.example/j/1", event.path("location").path("join_url").asString());
        assertEquals(1, event.path("invitees_counter").path("active").asInt());
        assertEquals(CalendlyEmulator.DEFAULT_USER_EMAIL, event.path("event_memberships").get(0).path("user_email").asString());
        assertEquals("gcal-123", event.path("calendar_event").path("external_id").asString());

        JsonNode invitees = json(get(ref.eventUri() + "/invitees", token));
        assertEquals(1, invitees.path("collection").size());
        JsonNode invitee = json(get(ref.inviteeUri(), token)).path("resource");
        assertEquals("ada@example.org", invitee.path("email").asString());
        assertEquals("Ada", invitee.path("first_name").asString());
        assertEquals("Lovelace", invitee.path("last_name").asString());
        assertEquals("Engines", invitee.path("questions_and_answers").get(0).path("answer").asString());
        assertEquals(ref.eventUri(), invitee.path("event").asString());
        assertTrue(invitee.path("no_show").isNull());
        assertFalse(invitee.path("rescheduled").asBoolean());
    }

    @Test
    void scheduledEventsFilterSortAndPage() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder());
        for (int day = 0; day < 5; day++) {
            emulator.book(BookingRequest.of(CalendlyEmulator.DEFAULT_USER_EMAIL, MONDAY.plus(Duration.ofDays(day)), "Guest " + day, "g" + day + "@example.org"));
        }
        BookingRef canceled = emulator.book(BookingRequest.of(CalendlyEmulator.DEFAULT_USER_EMAIL, MONDAY.plus(Duration.ofDays(10)), "Gone", "gone@example.org"));
        emulator.cancel(canceled.inviteeUri(), "no time");
        String token = emulator.issuePersonalAccessToken(CalendlyEmulator.DEFAULT_USER_EMAIL);
        String me = json(get(emulator.baseUrl() + "/users/me", token)).path("resource").path("uri").asString();
        String base = emulator.baseUrl() + "/scheduled_events?user=" + Json.encode(me);

        JsonNode window = json(get(base + "&min_start_time=2026-12-08T00:00:00Z&max_start_time=2026-12-10T10:00:00Z&sort=start_time:desc", token));
        List<String> starts = new ArrayList<>();
        window.path("collection").forEach(e -> starts.add(e.path("start_time").asString()));
        assertEquals(List.of("2026-12-09T10:00:00.000000Z", "2026-12-08T10:00:00.000000Z"), starts);

        assertEquals(1, json(get(base + "&status=canceled", token)).path("collection").size());
        assertEquals(1, json(get(base + "&invitee_email=g2@example.org", token)).path("collection").size());

        JsonNode first = json(get(base + "&status=active&count=2", token));
        assertEquals(2, first.path("pagination").path("count").asInt());
        String next = first.path("pagination").path("next_page").asString();
        assertTrue(next.startsWith(emulator.baseUrl() + "/scheduled_events?"));
        JsonNode second = json(get(next, token));
        assertEquals("2026-12-09T10:00:00.000000Z", second.path("collection").get(0).path("start_time").asString());
        JsonNode third = json(get(base + "&status=active&count=2&page_token=" + second.path("pagination").path("next_page_token").asString(), token));
        assertEquals(1, third.path("collection").size());
        assertTrue(third.path("pagination").path("next_page").isNull());
        assertFalse(third.path("pagination").path("previous_page_token").isNull());

        HttpResponse<String> tooMany = get(base + "&count=101", token);
        assertEquals(400, tooMany.statusCode());
        assertEquals("count", json(tooMany).path("details").get(0).path("parameter").asString());
    }

    @Test
    void hostCancellationViaApiAnd403WhenAlreadyCanceled() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder());
        BookingRef ref = emulator.book(BookingRequest.of(CalendlyEmulator.DEFAULT_USER_EMAIL, MONDAY, "Ada", "ada@example.org"));
        String token = emulator.issuePersonalAccessToken(CalendlyEmulator.DEFAULT_USER_EMAIL);
        clock.advance(Duration.ofMinutes(5));
        HttpResponse<String> response = send("POST", ref.eventUri() + "/cancellation", token, "{\"reason\":\"sick\"}");
        assertEquals(201, response.statusCode(), response.body());
        assertEquals("sick", json(response).path("resource").path("reason").asString());
        assertEquals("host", json(response).path("resource").path("canceler_type").asString());
        JsonNode event = json(get(ref.eventUri(), token)).path("resource");
        assertEquals("canceled", event.path("status").asString());
        assertEquals("2026-12-01T09:05:00.000000Z", event.path("updated_at").asString());
        assertEquals("canceled", json(get(ref.inviteeUri(), token)).path("resource").path("status").asString());
        HttpResponse<String> again = send("POST", ref.eventUri() + "/cancellation", token, "{}");
        assertEquals(403, again.statusCode());
        assertEquals("Permission Denied", json(again).path("title").asString());
    }

    @Test
    void rescheduleLinksOldAndNewInvitees() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder());
        BookingRef old = emulator.book(BookingRequest.of(CalendlyEmulator.DEFAULT_USER_EMAIL, MONDAY, "Ada", "ada@example.org"));
        BookingRef moved = emulator.reschedule(old.inviteeUri(), MONDAY.plus(Duration.ofDays(1)));
        assertNotEquals(old.eventUri(), moved.eventUri());
        String token = emulator.issuePersonalAccessToken(CalendlyEmulator.DEFAULT_USER_EMAIL);
        JsonNode oldInvitee = json(get(old.inviteeUri(), token)).path("resource");
        assertEquals("canceled", oldInvitee.path("status").asString());
        assertTrue(oldInvitee.path("rescheduled").asBoolean());
        assertEquals(moved.inviteeUri(), oldInvitee.path("new_invitee").asString());
        assertEquals("canceled", json(get(old.eventUri(), token)).path("resource").path("status").asString());
        JsonNode newInvitee = json(get(moved.inviteeUri(), token)).path("resource");
        assertEquals(old.inviteeUri(), newInvitee.path("old_invitee").asString());
        assertEquals("2026-12-08T10:00:00.000000Z", json(get(moved.eventUri(), token)).path("resource").path("start_time").asString());
    }

    // ---- webhooks ----

    private String orgUri(CalendlyEmulator emulator, String token) throws Exception {
        return json(get(emulator.baseUrl() + "/users/me", token)).path("resource").path("current_organization").asString();
    }

    private String subscriptionBody(String url, String org) {
        return "{\"url\":\"" + url + "\",\"events\":[\"invitee.created\",\"invitee.canceled\"],\"organization\":\"" + org
                + "\",\"scope\":\"organization\"}";
    }

    @Test
    void webhookSubscriptionsCreateListGetDeleteAnd409() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder());
        String token = emulator.issueTokens(CalendlyEmulator.DEFAULT_USER_EMAIL).accessToken();
        String org = orgUri(emulator, token);
        HttpResponse<String> created = send("POST", emulator.baseUrl() + "/webhook_subscriptions", token, subscriptionBody("https://hooks.example/c", org));
        assertEquals(201, created.statusCode(), created.body());
        JsonNode sub = json(created).path("resource");
        assertEquals("active", sub.path("state").asString());
        assertEquals("organization", sub.path("scope").asString());
        String uri = sub.path("uri").asString();
        assertTrue(uri.startsWith(emulator.baseUrl() + "/webhook_subscriptions/"));

        HttpResponse<String> duplicate = send("POST", emulator.baseUrl() + "/webhook_subscriptions", token, subscriptionBody("https://hooks.example/c", org));
        assertEquals(409, duplicate.statusCode());
        assertEquals("Already Exists", json(duplicate).path("title").asString());

        JsonNode list = json(get(emulator.baseUrl() + "/webhook_subscriptions?organization=" + Json.encode(org) + "&scope=organization", token));
        assertEquals(1, list.path("collection").size());
        assertEquals(uri, json(get(uri, token)).path("resource").path("uri").asString());
        assertEquals(204, send("DELETE", uri, token, null).statusCode());
        assertEquals(404, get(uri, token).statusCode());
        assertTrue(emulator.subscriptions().isEmpty());
    }

    @Test
    void planWithoutWebhooksAnswers403() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder());
        emulator.setWebhooksAllowed(CalendlyEmulator.DEFAULT_USER_EMAIL, false);
        String token = emulator.issueTokens(CalendlyEmulator.DEFAULT_USER_EMAIL).accessToken();
        HttpResponse<String> response = send("POST", emulator.baseUrl() + "/webhook_subscriptions", token,
                subscriptionBody("https://hooks.example/c", orgUri(emulator, token)));
        assertEquals(403, response.statusCode());
        assertEquals("Permission Denied", json(response).path("title").asString());
        assertTrue(json(response).path("message").asString().contains("upgrade"));
    }

    @Test
    void deliveriesAreSignedWithTheAppKeyAndEmbedTheEvent() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder().webhookSigningKey("app-key"));
        Receiver receiver = receiver();
        String token = emulator.issueTokens(CalendlyEmulator.DEFAULT_USER_EMAIL).accessToken();
        String url = receiver.url("/hooks/calendly?tenant=t1");
        assertEquals(201, send("POST", emulator.baseUrl() + "/webhook_subscriptions", token, subscriptionBody(url, orgUri(emulator, token))).statusCode());

        BookingRef ref = emulator.book(BookingRequest.of(CalendlyEmulator.DEFAULT_USER_EMAIL, MONDAY, "Ada", "ada@example.org"));
        eventually(() -> receiver.received.size() == 1);
        emulator.cancel(ref.eventUri(), "changed my mind");
        eventually(() -> receiver.received.size() == 2);

        Receiver.Received created = receiver.received.get(0);
        assertEquals("/hooks/calendly?tenant=t1", created.uri());
        JsonNode body = Json.MAPPER.readTree(created.body());
        assertEquals("invitee.created", body.path("event").asString());
        assertEquals(ref.inviteeUri(), body.path("payload").path("uri").asString());
        assertEquals(ref.eventUri(), body.path("payload").path("scheduled_event").path("uri").asString());
        assertNotNull(body.path("created_by").asString(null));
        String t = created.signature().substring(2, created.signature().indexOf(','));
        assertEquals("t=" + t + ",v1=" + Webhooks.hmacHex("app-key", t + "." + created.body()), created.signature());

        JsonNode canceled = Json.MAPPER.readTree(receiver.received.get(1).body());
        assertEquals("invitee.canceled", canceled.path("event").asString());
        assertEquals("changed my mind", canceled.path("payload").path("cancellation").path("reason").asString());
        assertEquals("invitee", canceled.path("payload").path("cancellation").path("canceler_type").asString());
    }

    @Test
    void personalTokenSubscriptionSignsWithItsOwnKey() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder());
        Receiver receiver = receiver();
        String token = emulator.issuePersonalAccessToken(CalendlyEmulator.DEFAULT_USER_EMAIL);
        String me = json(get(emulator.baseUrl() + "/users/me", token)).path("resource").path("uri").asString();
        String body = "{\"url\":\"" + receiver.url("/h") + "\",\"events\":[\"invitee.created\"],\"organization\":\""
                + orgUri(emulator, token) + "\",\"user\":\"" + me + "\",\"scope\":\"user\",\"signing_key\":\"own-key\"}";
        assertEquals(201, send("POST", emulator.baseUrl() + "/webhook_subscriptions", token, body).statusCode());
        emulator.book(BookingRequest.of(CalendlyEmulator.DEFAULT_USER_EMAIL, MONDAY, "Ada", "ada@example.org"));
        eventually(() -> receiver.received.size() == 1);
        Receiver.Received got = receiver.received.get(0);
        String t = got.signature().substring(2, got.signature().indexOf(','));
        assertTrue(got.signature().endsWith("v1=" + Webhooks.hmacHex("own-key", t + "." + got.body())));
    }

    @Test
    void failingReceiverIsRetriedThenTheSubscriptionIsDisabled() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder());
        Receiver receiver = receiver();
        receiver.status.set(500);
        String token = emulator.issueTokens(CalendlyEmulator.DEFAULT_USER_EMAIL).accessToken();
        assertEquals(201, send("POST", emulator.baseUrl() + "/webhook_subscriptions", token,
                subscriptionBody(receiver.url("/h"), orgUri(emulator, token))).statusCode());
        emulator.book(BookingRequest.of(CalendlyEmulator.DEFAULT_USER_EMAIL, MONDAY, "Ada", "ada@example.org"));
        // one attempt plus the two configured retries
        eventually(() -> emulator.subscriptions().get(0).state().equals("disabled"));
        assertEquals(3, receiver.received.size());
        assertEquals(List.of(1, 2, 3), emulator.deliveries().stream().map(Delivery::attempt).toList());
        assertTrue(emulator.deliveries().stream().allMatch(d -> d.status() == 500));

        receiver.status.set(200);
        emulator.book(BookingRequest.of(CalendlyEmulator.DEFAULT_USER_EMAIL, MONDAY.plus(Duration.ofDays(1)), "Bob", "bob@example.org"));
        Thread.sleep(300);
        assertEquals(3, receiver.received.size());
    }

    @Test
    void droppedDeliveriesNeverArrive() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder());
        Receiver receiver = receiver();
        String token = emulator.issueTokens(CalendlyEmulator.DEFAULT_USER_EMAIL).accessToken();
        assertEquals(201, send("POST", emulator.baseUrl() + "/webhook_subscriptions", token,
                subscriptionBody(receiver.url("/h"), orgUri(emulator, token))).statusCode());
        emulator.dropNextDeliveries(1);
        emulator.book(BookingRequest.of(CalendlyEmulator.DEFAULT_USER_EMAIL, MONDAY, "Lost", "lost@example.org"));
        emulator.book(BookingRequest.of(CalendlyEmulator.DEFAULT_USER_EMAIL, MONDAY.plus(Duration.ofDays(1)), "Kept", "kept@example.org"));
        eventually(() -> receiver.received.size() == 1);
        assertTrue(receiver.received.get(0).body().contains("kept@example.org"));
        assertEquals(1, emulator.deliveries().stream().filter(d -> d.status() == 0).count());
    }

    @Test
    void slowReceiverCountsAsATimeoutAndIsRetried() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder().deliveryTimeout(Duration.ofMillis(200)));
        Receiver receiver = receiver();
        receiver.delayMillis.set(1000);
        String token = emulator.issueTokens(CalendlyEmulator.DEFAULT_USER_EMAIL).accessToken();
        assertEquals(201, send("POST", emulator.baseUrl() + "/webhook_subscriptions", token,
                subscriptionBody(receiver.url("/slow"), orgUri(emulator, token))).statusCode());
        emulator.book(BookingRequest.of(CalendlyEmulator.DEFAULT_USER_EMAIL, MONDAY, "Ada", "ada@example.org"));
        eventually(() -> emulator.deliveries().size() >= 2);
        assertEquals(-1, emulator.deliveries().get(0).status());
        assertEquals(2, emulator.deliveries().get(1).attempt());
    }

    // ---- busy times ----

    @Test
    void userBusyTimesListActiveEventsOverlappingTheRange() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder());
        BookingRef first = emulator.book(BookingRequest.of(CalendlyEmulator.DEFAULT_USER_EMAIL, MONDAY, "Ada", "ada@example.org"));
        BookingRef second = emulator.book(BookingRequest.of(CalendlyEmulator.DEFAULT_USER_EMAIL, MONDAY.plus(Duration.ofDays(1)), "Bob", "bob@example.org"));
        BookingRef canceled = emulator.book(BookingRequest.of(CalendlyEmulator.DEFAULT_USER_EMAIL, MONDAY.plus(Duration.ofDays(2)), "Cy", "cy@example.org"));
        emulator.cancel(canceled.eventUri(), "no");
        emulator.book(BookingRequest.of(CalendlyEmulator.DEFAULT_USER_EMAIL, MONDAY.plus(Duration.ofDays(9)), "Late", "late@example.org"));
        String token = emulator.issuePersonalAccessToken(CalendlyEmulator.DEFAULT_USER_EMAIL);
        String me = json(get(emulator.baseUrl() + "/users/me", token)).path("resource").path("uri").asString();

        // an event that began before the range but ends inside it overlaps
        HttpResponse<String> response = get(emulator.baseUrl() + "/user_busy_times?user=" + Json.encode(me)
                + "&start_time=2026-12-07T10:15:00Z&end_time=2026-12-14T10:15:00Z", token);
        assertEquals(200, response.statusCode(), response.body());
        JsonNode busy = json(response);
        assertEquals(2, busy.path("collection").size());
        JsonNode one = busy.path("collection").get(0);
        assertEquals("calendly", one.path("type").asString());
        assertEquals("2026-12-07T10:00:00.000000Z", one.path("start_time").asString());
        assertEquals("2026-12-07T10:30:00.000000Z", one.path("end_time").asString());
        assertEquals("2026-12-07T10:00:00.000000Z", one.path("buffered_start_time").asString());
        assertEquals("2026-12-07T10:30:00.000000Z", one.path("buffered_end_time").asString());
        assertEquals(first.eventUri(), one.path("event").path("uri").asString());
        assertEquals(second.eventUri(), busy.path("collection").get(1).path("event").path("uri").asString());
        assertEquals(2, busy.path("pagination").path("count").asInt());
        assertTrue(busy.path("pagination").path("next_page").isNull());
    }

    @Test
    void userBusyTimesRejectMoreThanSevenDaysMissingParametersAndOtherOrganizations() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder());
        String stranger = emulator.createUser("stranger@calendly.test", "Stranger", "UTC");
        String token = emulator.issuePersonalAccessToken(CalendlyEmulator.DEFAULT_USER_EMAIL);
        String me = json(get(emulator.baseUrl() + "/users/me", token)).path("resource").path("uri").asString();

        HttpResponse<String> tooLong = get(emulator.baseUrl() + "/user_busy_times?user=" + Json.encode(me)
                + "&start_time=2026-12-07T00:00:00Z&end_time=2026-12-14T00:00:01Z", token);
        assertEquals(400, tooLong.statusCode());
        JsonNode error = json(tooLong);
        assertEquals("Invalid Argument", error.path("title").asString());
        assertNotNull(error.path("message").asString(null));
        assertEquals("end_time", error.path("details").get(0).path("parameter").asString());

        assertEquals(200, get(emulator.baseUrl() + "/user_busy_times?user=" + Json.encode(me)
                + "&start_time=2026-12-07T00:00:00Z&end_time=2026-12-14T00:00:00Z", token).statusCode());
        HttpResponse<String> missing = get(emulator.baseUrl() + "/user_busy_times?user=" + Json.encode(me)
                + "&start_time=2026-12-07T00:00:00Z", token);
        assertEquals(400, missing.statusCode());
        assertEquals("end_time", json(missing).path("details").get(0).path("parameter").asString());
        assertEquals(403, get(emulator.baseUrl() + "/user_busy_times?user=" + Json.encode(stranger)
                + "&start_time=2026-12-07T00:00:00Z&end_time=2026-12-08T00:00:00Z", token).statusCode());
        assertEquals(401, get(emulator.baseUrl() + "/user_busy_times?user=" + Json.encode(me)
                + "&start_time=2026-12-07T00:00:00Z&end_time=2026-12-08T00:00:00Z", null).statusCode());
    }

    // ---- no-shows ----

    private String noShowSubscriptionBody(String url, String org) {
        return "{\"url\":\"" + url + "\",\"events\":[\"invitee_no_show.created\",\"invitee_no_show.deleted\"],\"organization\":\"" + org
                + "\",\"scope\":\"organization\"}";
    }

    @Test
    void noShowsCreatedReadAndDeletedThroughTheApiNotifyTheSubscriptionsThatAskedForThem() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder());
        Receiver noShowReceiver = receiver();
        Receiver bookingReceiver = receiver();
        String token = emulator.issueTokens(CalendlyEmulator.DEFAULT_USER_EMAIL).accessToken();
        String org = orgUri(emulator, token);
        assertEquals(201, send("POST", emulator.baseUrl() + "/webhook_subscriptions", token,
                noShowSubscriptionBody(noShowReceiver.url("/no-shows"), org)).statusCode());
        assertEquals(201, send("POST", emulator.baseUrl() + "/webhook_subscriptions", token,
                subscriptionBody(bookingReceiver.url("/bookings"), org)).statusCode());
        BookingRef ref = emulator.book(BookingRequest.of(CalendlyEmulator.DEFAULT_USER_EMAIL, MONDAY, "Ada", "ada@example.org"));
        eventually(() -> bookingReceiver.received.size() == 1);

        HttpResponse<String> created = send("POST", emulator.baseUrl() + "/invitee_no_shows", token,
                "{\"invitee\":\"" + ref.inviteeUri() + "\"}");
        assertEquals(201, created.statusCode(), created.body());
        JsonNode noShow = json(created).path("resource");
        String uri = noShow.path("uri").asString();
        assertTrue(uri.startsWith(emulator.baseUrl() + "/invitee_no_shows/"));
        assertEquals(ref.inviteeUri(), noShow.path("invitee").asString());
        assertEquals("2026-12-01T09:00:00.000000Z", noShow.path("created_at").asString());
        assertEquals(409, send("POST", emulator.baseUrl() + "/invitee_no_shows", token,
                "{\"invitee\":\"" + ref.inviteeUri() + "\"}").statusCode());

        JsonNode invitee = json(get(ref.inviteeUri(), token)).path("resource");
        assertEquals(uri, invitee.path("no_show").path("uri").asString());
        assertEquals("2026-12-01T09:00:00.000000Z", invitee.path("no_show").path("created_at").asString());
        assertEquals(ref.inviteeUri(), json(get(uri, token)).path("resource").path("invitee").asString());

        assertEquals(204, send("DELETE", uri, token, null).statusCode());
        assertEquals(404, get(uri, token).statusCode());
        assertTrue(json(get(ref.inviteeUri(), token)).path("resource").path("no_show").isNull());

        eventually(() -> noShowReceiver.received.size() == 2);
        JsonNode createdHook = Json.MAPPER.readTree(noShowReceiver.received.get(0).body());
        assertEquals("invitee_no_show.created", createdHook.path("event").asString());
        assertEquals(ref.inviteeUri(), createdHook.path("payload").path("uri").asString());
        assertEquals(uri, createdHook.path("payload").path("no_show").path("uri").asString());
        assertEquals(ref.eventUri(), createdHook.path("payload").path("scheduled_event").path("uri").asString());
        JsonNode deletedHook = Json.MAPPER.readTree(noShowReceiver.received.get(1).body());
        assertEquals("invitee_no_show.deleted", deletedHook.path("event").asString());
        assertTrue(deletedHook.path("payload").path("no_show").isNull());
        Thread.sleep(200);
        assertEquals(1, bookingReceiver.received.size(), "a subscription without no-show events hears nothing of them");
    }

    @Test
    void noShowRequiresAKnownInviteeOfTheCallersOrganization() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder());
        emulator.createUser("other@calendly.test", "Other", "UTC");
        BookingRef theirs = emulator.book(BookingRequest.of("other@calendly.test", MONDAY, "Ada", "ada@example.org"));
        String token = emulator.issuePersonalAccessToken(CalendlyEmulator.DEFAULT_USER_EMAIL);
        assertEquals(400, send("POST", emulator.baseUrl() + "/invitee_no_shows", token, "{}").statusCode());
        assertEquals(400, send("POST", emulator.baseUrl() + "/invitee_no_shows", token,
                "{\"invitee\":\"" + theirs.inviteeUri() + "\"}").statusCode());
        assertEquals(404, get(emulator.baseUrl() + "/invitee_no_shows/NOPE", token).statusCode());
    }

    @Test
    void markAndUnmarkNoShowControlMethods() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder());
        BookingRef ref = emulator.book(BookingRequest.of(CalendlyEmulator.DEFAULT_USER_EMAIL, MONDAY, "Ada", "ada@example.org"));
        String token = emulator.issuePersonalAccessToken(CalendlyEmulator.DEFAULT_USER_EMAIL);
        String uri = emulator.markNoShow(ref.inviteeUri());
        assertEquals(uri, emulator.markNoShow(ref.inviteeUri()), "marking twice keeps the one no-show");
        assertEquals(uri, json(get(ref.inviteeUri(), token)).path("resource").path("no_show").path("uri").asString());
        emulator.unmarkNoShow(ref.inviteeUri());
        assertEquals(404, get(uri, token).statusCode());
        assertTrue(json(get(ref.inviteeUri(), token)).path("resource").path("no_show").isNull());
    }

    // ---- persistence and demo bookings ----

    @Test
    void persistedStateSurvivesARestartOnAnotherPort(@TempDir Path directory) throws Exception {
        Receiver receiver = receiver();
        CalendlyEmulator first = CalendlyEmulator.builder().clock(clock).persistTo(directory).start();
        assertFalse(first.restoredState());
        TokenPair pair = first.issueTokens(CalendlyEmulator.DEFAULT_USER_EMAIL);
        String pat = first.issuePersonalAccessToken(CalendlyEmulator.DEFAULT_USER_EMAIL);
        first.createEventType(CalendlyEmulator.DEFAULT_USER_EMAIL, "Intro Call", 15);
        assertEquals(201, send("POST", first.baseUrl() + "/webhook_subscriptions", pair.accessToken(),
                subscriptionBody(receiver.url("/h"), orgUri(first, pair.accessToken()))).statusCode());
        BookingRef booked = first.book(new BookingRequest(CalendlyEmulator.DEFAULT_USER_EMAIL, null, MONDAY, "Ada Lovelace",
                "ada@example.org", "Europe/London", Map.of("Topic", "Engines"), "zoom", "https://zoom.example/j/1", null));
        BookingRef moved = first.reschedule(booked.inviteeUri(), MONDAY.plus(Duration.ofDays(1)));
        first.markNoShow(moved.inviteeUri());
        String movedPath = moved.inviteeUri().substring(first.baseUrl().length());
        String oldPath = booked.inviteeUri().substring(first.baseUrl().length());
        assertTrue(Files.exists(directory.resolve("state.json")));
        eventually(() -> receiver.received.size() == 3);
        first.close();

        CalendlyEmulator second = start(CalendlyEmulator.builder().persistTo(directory));
        assertTrue(second.restoredState());
        JsonNode invitee = json(get(second.baseUrl() + movedPath, pat)).path("resource");
        assertEquals("ada@example.org", invitee.path("email").asString());
        assertEquals("Engines", invitee.path("questions_and_answers").get(0).path("answer").asString());
        assertEquals(second.baseUrl() + oldPath, invitee.path("old_invitee").asString());
        assertTrue(invitee.path("no_show").path("uri").asString().startsWith(second.baseUrl() + "/invitee_no_shows/"));
        assertEquals(200, get(invitee.path("no_show").path("uri").asString(), pat).statusCode());
        JsonNode old = json(get(second.baseUrl() + oldPath, pat)).path("resource");
        assertEquals("canceled", old.path("status").asString());
        assertEquals(second.baseUrl() + movedPath, old.path("new_invitee").asString());
        JsonNode event = json(get(invitee.path("event").asString(), pat)).path("resource");
        assertEquals("https://zoom.example/j/1", event.path("location").path("join_url").asString());
        assertEquals(200, get(second.baseUrl() + "/users/me", pair.accessToken()).statusCode(), "access tokens survive");
        HttpResponse<String> refreshed = refresh(second, pair.refreshToken());
        assertEquals(200, refreshed.statusCode(), refreshed.body());
        assertEquals(1, second.subscriptions().size());
        String me = json(get(second.baseUrl() + "/users/me", pat)).path("resource").path("uri").asString();
        JsonNode types = json(get(second.baseUrl() + "/event_types?user=" + Json.encode(me), pat)).path("collection");
        assertEquals(1, types.size());
        assertEquals("Intro Call", types.get(0).path("name").asString());
        assertEquals(15, types.get(0).path("duration").asInt());
        assertEquals("Intro Call", event.path("name").asString());

        // the restored subscription still hears of new bookings
        int before = receiver.received.size();
        second.book(BookingRequest.of(CalendlyEmulator.DEFAULT_USER_EMAIL, MONDAY.plus(Duration.ofDays(2)), "Bob", "bob@example.org"));
        eventually(() -> receiver.received.size() == before + 1);
    }

    @Test
    void unreadableStateFileRefusesToStart(@TempDir Path directory) throws Exception {
        Files.writeString(directory.resolve("state.json"), "{not json");
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> CalendlyEmulator.builder().persistTo(directory).start());
        assertTrue(e.getMessage().contains("move it away"));
    }

    @Test
    void demoBookingsFillTheNextTwoWeeks() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder());
        emulator.seedDemoBookings(CalendlyEmulator.DEFAULT_USER_EMAIL);
        String token = emulator.issuePersonalAccessToken(CalendlyEmulator.DEFAULT_USER_EMAIL);
        String me = json(get(emulator.baseUrl() + "/users/me", token)).path("resource").path("uri").asString();
        JsonNode types = json(get(emulator.baseUrl() + "/event_types?user=" + Json.encode(me), token)).path("collection");
        assertEquals(2, types.size());
        assertEquals("30 Minute Consultation", types.get(0).path("name").asString());
        assertEquals(30, types.get(0).path("duration").asInt());
        assertEquals("Intro Call", types.get(1).path("name").asString());
        assertEquals(15, types.get(1).path("duration").asInt());

        JsonNode events = json(get(emulator.baseUrl() + "/scheduled_events?user=" + Json.encode(me) + "&count=100", token)).path("collection");
        assertEquals(6, events.size(), "five bookings, one of them rescheduled into a sixth event");
        int canceled = 0;
        boolean zoom = false;
        boolean answered = false;
        boolean rescheduledPair = false;
        for (JsonNode event : events) {
            Instant start = Instant.parse(event.path("start_time").asString());
            assertTrue(start.isAfter(clock.instant()) && start.isBefore(clock.instant().plus(Duration.ofDays(14))), start.toString());
            canceled += event.path("status").asString().equals("canceled") ? 1 : 0;
            zoom |= event.path("location").path("type").asString("").equals("zoom");
            JsonNode invitee = json(get(event.path("uri").asString() + "/invitees", token)).path("collection").get(0);
            answered |= invitee.path("questions_and_answers").size() == 1;
            if (invitee.path("rescheduled").asBoolean()) {
                JsonNode fresh = json(get(invitee.path("new_invitee").asString(), token)).path("resource");
                rescheduledPair = fresh.path("old_invitee").asString().equals(invitee.path("uri").asString());
            }
        }
        assertEquals(2, canceled, "one canceled booking and the old half of the rescheduled pair");
        assertTrue(zoom);
        assertTrue(answered);
        assertTrue(rescheduledPair);
    }

    // ---- the sandbox page and /_control ----

    private HttpResponse<String> control(CalendlyEmulator emulator, String action, String contentType, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/_control/" + action))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void sandboxPageNeedsNoTokenAndShowsEventTypesEventsAndForms() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder());
        emulator.seedDemoBookings(CalendlyEmulator.DEFAULT_USER_EMAIL);
        HttpResponse<String> page = get(emulator.baseUrl() + "/", null);
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        String html = page.body();
        assertTrue(html.contains("30 Minute Consultation") && html.contains("Intro Call"));
        assertTrue(html.contains("Grace Hopper") && html.contains("grace@example.org"));
        assertTrue(html.contains("Moving our team calendars to one place"));
        assertTrue(html.contains("https://zoom.example/j/81234567890"));
        assertTrue(html.contains("canceled") && html.contains("rescheduled"));
        assertTrue(html.contains("action=\"/_control/book\"") && html.contains("action=\"/_control/cancel\"")
                && html.contains("action=\"/_control/reschedule\""));
        assertFalse(html.contains("<script"));
    }

    @Test
    void pageFormsBookCancelAndRescheduleThenRedirectBackWithWebhooksAsUsual() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder());
        Receiver receiver = receiver();
        String typeUri = emulator.createEventType(CalendlyEmulator.DEFAULT_USER_EMAIL, "Intro Call", 15);
        String token = emulator.issueTokens(CalendlyEmulator.DEFAULT_USER_EMAIL).accessToken();
        assertEquals(201, send("POST", emulator.baseUrl() + "/webhook_subscriptions", token,
                subscriptionBody(receiver.url("/h"), orgUri(emulator, token))).statusCode());
        String form = "application/x-www-form-urlencoded";

        HttpResponse<String> booked = control(emulator, "book", form, "user=" + Json.encode(CalendlyEmulator.DEFAULT_USER_EMAIL)
                + "&event_type=" + Json.encode(typeUri) + "&start_time=2026-12-07T10%3A00%3A00Z&name=Ada+Lovelace"
                + "&email=ada%40example.org&question=Topic&answer=Engines");
        assertEquals(303, booked.statusCode(), booked.body());
        assertEquals("/", booked.headers().firstValue("Location").orElseThrow());
        eventually(() -> receiver.received.size() == 1);
        JsonNode created = Json.MAPPER.readTree(receiver.received.get(0).body()).path("payload");
        assertEquals("invitee.created", Json.MAPPER.readTree(receiver.received.get(0).body()).path("event").asString());
        assertEquals("Engines", created.path("questions_and_answers").get(0).path("answer").asString());
        assertEquals("2026-12-07T10:15:00.000000Z", created.path("scheduled_event").path("end_time").asString());
        String inviteeUri = created.path("uri").asString();
        assertTrue(get(emulator.baseUrl() + "/", null).body().contains("Ada Lovelace"));

        HttpResponse<String> moved = control(emulator, "reschedule", form, "invitee=" + Json.encode(inviteeUri)
                + "&start_time=2026-12-08T11%3A00%3A00Z");
        assertEquals(303, moved.statusCode(), moved.body());
        eventually(() -> receiver.received.size() == 3);
        JsonNode old = json(get(inviteeUri, token)).path("resource");
        assertTrue(old.path("rescheduled").asBoolean());
        String freshUri = old.path("new_invitee").asString();

        HttpResponse<String> canceled = control(emulator, "cancel", form, "invitee=" + Json.encode(freshUri) + "&reason=Too+busy");
        assertEquals(303, canceled.statusCode(), canceled.body());
        eventually(() -> receiver.received.size() == 4);
        JsonNode cancelHook = Json.MAPPER.readTree(receiver.received.get(3).body());
        assertEquals("invitee.canceled", cancelHook.path("event").asString());
        assertEquals("Too busy", cancelHook.path("payload").path("cancellation").path("reason").asString());
        assertEquals("invitee", cancelHook.path("payload").path("cancellation").path("canceler_type").asString());
    }

    @Test
    void controlAnswersJsonForJsonAndA400ForBadInput() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder());
        String json = "application/json";
        HttpResponse<String> booked = control(emulator, "book", json,
                "{\"start_time\":\"2026-12-07T10:00:00Z\",\"name\":\"Ada\",\"email\":\"ada@example.org\"}");
        assertEquals(200, booked.statusCode(), booked.body());
        String inviteeUri = json(booked).path("invitee").asString();
        String eventUri = json(booked).path("event").asString();
        assertTrue(inviteeUri.startsWith(eventUri + "/invitees/"));
        HttpResponse<String> moved = control(emulator, "reschedule", json,
                "{\"invitee\":\"" + inviteeUri + "\",\"start_time\":\"2026-12-09T10:00:00Z\"}");
        assertEquals(200, moved.statusCode(), moved.body());
        assertNotEquals(eventUri, json(moved).path("event").asString());
        HttpResponse<String> canceled = control(emulator, "cancel", json, "{\"invitee\":\"" + json(moved).path("invitee").asString() + "\"}");
        assertEquals(200, canceled.statusCode(), canceled.body());

        String form = "application/x-www-form-urlencoded";
        HttpResponse<String> badTime = control(emulator, "book", form, "start_time=tomorrow&name=Ada&email=ada%40example.org");
        assertEquals(400, badTime.statusCode());
        assertTrue(badTime.body().contains("start_time"));
        assertEquals(400, control(emulator, "book", form, "start_time=2026-12-07T10%3A00%3A00Z&email=ada%40example.org").statusCode());
        assertEquals(400, control(emulator, "book", form, "user=nobody%40example.org&start_time=2026-12-07T10%3A00%3A00Z&name=A&email=a%40b.c").statusCode());
        assertEquals(400, control(emulator, "cancel", form, "invitee=" + Json.encode(emulator.baseUrl() + "/scheduled_events/X/invitees/Y")).statusCode());
        assertEquals(400, control(emulator, "reschedule", form, "invitee=" + Json.encode(inviteeUri) + "&start_time=2026-12-10T10%3A00%3A00Z").statusCode(),
                "a canceled invitee cannot be moved");
        assertEquals(400, control(emulator, "book", json, "[1]").statusCode());
        assertEquals(404, control(emulator, "explode", form, "").statusCode());
    }

    @Test
    void settingsForPointCalbridgeAtTheEmulator() throws Exception {
        CalendlyEmulator emulator = start(CalendlyEmulator.builder());
        Map<String, String> settings = CalendlyEmulators.settingsFor(emulator);
        assertEquals(CalendlyEmulator.DEFAULT_CLIENT_ID, settings.get("calendly.client-id"));
        assertEquals(CalendlyEmulator.DEFAULT_CLIENT_SECRET, settings.get("calendly.client-secret"));
        assertEquals(CalendlyEmulator.DEFAULT_WEBHOOK_SIGNING_KEY, settings.get("calendly.webhook-signing-key"));
        assertEquals(emulator.authorizationUri(), settings.get("calendly.auth-uri"));
        assertEquals(emulator.tokenUri(), settings.get("calendly.token-uri"));
        assertEquals(emulator.revokeUri(), settings.get("calendly.revoke-uri"));
        assertEquals(emulator.baseUrl(), settings.get("calendly.api-base-url"));
        assertEquals("true", settings.get("calendly.sandbox"));
        assertEquals(8, settings.size());
    }
}
