package io.calbridge.provider.calendly;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.emulator.calendly.CalendlyEmulator;
import io.calbridge.emulator.calendly.CalendlyEmulator.BookingRef;
import io.calbridge.emulator.calendly.CalendlyEmulator.BookingRequest;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.Await;
import io.calbridge.testing.CalendlyEmulators;
import io.calbridge.testing.Connect;
import io.calbridge.testing.RunningCalbridge;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.TestKeys;
import io.calbridge.testing.WebhookReceiver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Calendly through calbridge's HTTP API against the stateful Calendly emulator (real HTTP, OAuth with PKCE, 2-hour
 * tokens, signed webhook deliveries): connect, bookings listed with their invitees, a booking, a cancellation and a
 * reschedule followed by webhook, forged and stale deliveries refused, polling where webhooks are refused, a disabled
 * subscription replaced.
 */
class CalendlyEndToEndTest {

    /** A delivery reaches calbridge at once and the pull waits 0.2 s (Calendly's notification burst): within a second. */
    private static final Duration BY_WEBHOOK = Duration.ofSeconds(5);
    private static final Instant TOMORROW = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1)).plus(Duration.ofHours(9));

    private static CalendlyEmulator calendly;
    private static RunningCalbridge app;
    /** The app's endpoint for booking notifications, verifying each with the Standard Webhooks library. */
    private static WebhookReceiver receiver;

    @BeforeAll
    static void calbridgeWithTheEmulatorAsCalendly() throws Exception {
        calendly = CalendlyEmulator.builder().autoApprove(true).start();
        Map<String, Object> settings = new HashMap<>(CalendlyEmulators.settingsFor(calendly));
        settings.put("calbridge.token-keys", TestKeys.tokenKey("calendly"));
        settings.put("calbridge.webhook.allowed-hosts", "localhost");
        app = RunningCalbridge.start(TestDatabase.newDatabase(), settings);
        receiver = new WebhookReceiver();
        Response endpoint = app.api().post("/api/v1/webhook-endpoints", Caller.serviceWithoutUser(), Map.of("url", receiver.url(),
                "eventTypes", List.of("booking.created", "booking.canceled", "booking.rescheduled")));
        assertThat(endpoint.status()).as(endpoint.toString()).isEqualTo(201);
        receiver.verifyWith(endpoint.json().path("secret").asString());
    }

    @AfterAll
    static void stop() {
        receiver.close();
        app.close();
        calendly.close();
    }

    @Test
    void bookingsAreListedWithTheirInviteesThenABookingACancellationAndARescheduleArriveByWebhook() {
        String host = host();
        BookingRef first = calendly.book(new BookingRequest(host, null, TOMORROW, "Ada Patient", "ada@example.org", "Europe/Berlin",
                Map.of("Reason for visit", "Check-up"), "zoom", "https://zoom.example/j/1", null));
        BookingRef second = calendly.book(BookingRequest.of(host, TOMORROW.plus(Duration.ofHours(2)), "Ben Patient", "ben@example.org"));
        String user = "cal-" + UUID.randomUUID();
        Caller caller = Caller.service(user);

        UUID connection = new Connect(app.api()).connectCalendly(caller, host);

        JsonNode view = app.api().get("/api/v1/connections/" + connection, caller).json();
        assertThat(view.path("provider").asText()).isEqualTo("calendly");
        assertThat(view.path("changes").path("mode").asText()).isEqualTo("PUSH");
        assertThat(view.path("changes").path("pollInterval").asText()).as("the safety-net pull").isEqualTo("PT6H");
        assertThat(view.path("accountEmail").asText()).isEqualTo(host);
        Map<String, JsonNode> events = events(caller);
        assertThat(events).containsOnlyKeys(first.eventUri(), second.eventUri());
        JsonNode booked = events.get(first.eventUri());
        assertThat(booked.path("meetingUrl").asText()).isEqualTo("https://zoom.example/j/1");
        assertThat(booked.path("source").path("provider").asText()).isEqualTo("calendly");
        assertThat(booked.path("source").path("calendarName").asText()).isEqualTo("Calendly");
        JsonNode invitee = booked.path("booking").path("invitees").path(0);
        assertThat(invitee.path("name").asText()).isEqualTo("Ada Patient");
        assertThat(invitee.path("email").asText()).isEqualTo("ada@example.org");
        assertThat(invitee.path("answers").path(0).path("answer").asText()).isEqualTo("Check-up");
        assertThat(invitee.path("cancelUrl").asText()).isNotBlank();
        assertThat(subscriptionsOf(host)).as("one user-scope subscription for the connection")
                .singleElement().satisfies(s -> {
                    assertThat(s.scope()).isEqualTo("user");
                    assertThat(s.state()).isEqualTo("active");
                    assertThat(s.callbackUrl()).startsWith(baseUrl() + "/webhooks/calendly?channel=");
                });

        long started = System.nanoTime();
        BookingRef third = calendly.book(BookingRequest.of(host, TOMORROW.plus(Duration.ofHours(4)), "Cy Patient", "cy@example.org"));
        Await.until("a new booking arrives by webhook", BY_WEBHOOK, () -> events(caller).containsKey(third.eventUri()));
        long booking = elapsedMillis(started);

        started = System.nanoTime();
        calendly.cancel(second.inviteeUri(), "Feeling better");
        Await.until("a cancellation arrives by webhook", BY_WEBHOOK, () -> !events(caller).containsKey(second.eventUri()));
        long cancellation = elapsedMillis(started);

        started = System.nanoTime();
        BookingRef moved = calendly.reschedule(first.inviteeUri(), TOMORROW.plus(Duration.ofDays(1)));
        Await.until("a reschedule arrives by webhook", BY_WEBHOOK, () -> events(caller).containsKey(moved.eventUri()));
        System.out.printf("BENCH Calendly change to visible in the events API, by webhook: booking %d ms, "
                + "cancellation %d ms, reschedule %d ms%n", booking, cancellation, elapsedMillis(started));
        events = events(caller);
        assertThat(events).as("one moved booking, not a ghost cancellation plus a duplicate").containsOnlyKeys(third.eventUri(), moved.eventUri());
        assertThat(events.get(moved.eventUri()).path("booking").path("rescheduledFrom").asText()).isEqualTo(first.eventUri());
        String subscription = subscriptionOf(host).uri();
        assertThat(calendly.deliveries()).as("every delivery was taken").filteredOn(d -> d.subscriptionUri().equals(subscription))
                .hasSize(4).allMatch(d -> d.status() == 200); // created, canceled, and a reschedule's canceled + created
    }

    @Test
    void theAppIsToldOfEachBookingCancellationAndRescheduleOnceWithTheInviteeWhereClientDetailsAreAllowed() {
        String host = host();
        String user = "cal-" + UUID.randomUUID();
        Caller caller = Caller.service(user);
        UUID connection = new Connect(app.api()).connectCalendly(caller, host);
        Response patched = app.api().patch("/api/v1/connections/" + connection, caller, Map.of("includeClientDetails", true));
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        String privateHost = host();
        String privateUser = "cal-" + UUID.randomUUID();
        new Connect(app.api()).connectCalendly(Caller.service(privateUser), privateHost);

        BookingRef booked = calendly.book(new BookingRequest(host, null, TOMORROW, "Gil Patient", "gil@example.org", "Europe/Paris",
                Map.of("Insurance", "Public"), null, null, null));
        calendly.book(BookingRequest.of(privateHost, TOMORROW, "Hal Patient", "hal@example.org"));
        Await.until("booking.created for both", BY_WEBHOOK, () -> notifications(user).size() == 1 && notifications(privateUser).size() == 1);
        JsonNode created = notifications(user).get(0).body().path("data");
        assertThat(notifications(user).get(0).type()).isEqualTo("booking.created");
        assertThat(created.path("eventId").asText()).isEqualTo(booked.eventUri());
        assertThat(created.path("start").asText()).isEqualTo(TOMORROW.toString());
        assertThat(created.path("invitees").path(0).path("email").asText()).isEqualTo("gil@example.org");
        assertThat(created.path("invitees").path(0).path("answers").path(0).path("answer").asText()).isEqualTo("Public");
        JsonNode withoutDetails = notifications(privateUser).get(0).body().path("data");
        assertThat(withoutDetails.path("inviteeCount").asInt()).isEqualTo(1);
        assertThat(withoutDetails.has("invitees")).as("no client details without includeClientDetails").isFalse();
        assertThat(withoutDetails.toString()).doesNotContain("hal@example.org").doesNotContain("Hal Patient");

        BookingRef moved = calendly.reschedule(booked.inviteeUri(), TOMORROW.plus(Duration.ofHours(3)));
        Await.until("booking.rescheduled", BY_WEBHOOK, () -> notifications(user).size() >= 2);
        calendly.cancel(moved.eventUri(), "Found another practice");
        Await.until("booking.canceled", BY_WEBHOOK, () -> notifications(user).size() >= 3);
        io.calbridge.testing.Await.pause(1000);

        List<WebhookReceiver.Received> told = notifications(user);
        assertThat(told).extracting(WebhookReceiver.Received::type).as("a reschedule is one notification, not a cancellation plus a booking")
                .containsExactly("booking.created", "booking.rescheduled", "booking.canceled");
        assertThat(told.get(1).body().path("data").path("rescheduledFrom").asText()).isEqualTo(booked.eventUri());
        assertThat(told.get(1).body().path("data").path("eventId").asText()).isEqualTo(moved.eventUri());
        assertThat(told.get(2).body().path("data").path("eventId").asText()).isEqualTo(moved.eventUri());
        assertThat(told.get(2).body().path("data").path("cancellationReason").asText()).isEqualTo("Found another practice");
        assertThat(receiver.verificationFailures()).isEmpty();
    }

    @Test
    void theAppCancelsABookingAsTheHostAndTheLocalCopyFollows() {
        String host = host();
        BookingRef booked = calendly.book(BookingRequest.of(host, TOMORROW, "Ida Patient", "ida@example.org"));
        String user = "cal-" + UUID.randomUUID();
        Caller caller = Caller.service(user);
        UUID connection = new Connect(app.api()).connectCalendly(caller, host);
        String uuid = booked.eventUri().substring(booked.eventUri().lastIndexOf('/') + 1);
        String cancel = "/api/v1/connections/" + connection + "/bookings/" + uuid + "/cancel";

        Response tooLong = app.api().post(cancel, caller, Map.of("reason", "x".repeat(501)));
        Response stranger = app.api().post(cancel, Caller.service("someone-else"), Map.of("reason", "mine now"));
        Response unknown = app.api().post("/api/v1/connections/" + connection + "/bookings/NOSUCHBOOKING/cancel", caller, Map.of());
        assertThat(tooLong.status()).as(tooLong.toString()).isEqualTo(400);
        assertThat(stranger.status()).as(stranger.toString()).isEqualTo(404);
        assertThat(unknown.status()).as(unknown.toString()).isEqualTo(404);
        assertThat(atCalendly(host, booked.eventUri()).path("status").asText()).as("bad requests changed nothing").isEqualTo("active");

        Response canceled = app.api().post(cancel, caller, Map.of("reason", "The doctor is ill"));
        assertThat(canceled.status()).as(canceled.toString()).isEqualTo(202);
        assertThat(canceled.json().path("eventId").asText()).isEqualTo(booked.eventUri());
        JsonNode atCalendly = atCalendly(host, booked.eventUri());
        assertThat(atCalendly.path("status").asText()).isEqualTo("canceled");
        assertThat(atCalendly.path("cancellation").path("reason").asText()).isEqualTo("The doctor is ill");
        assertThat(atCalendly.path("cancellation").path("canceler_type").asText()).isEqualTo("host");
        Await.until("the events API drops the canceled booking", BY_WEBHOOK, () -> events(caller).isEmpty());
        Response again = app.api().post(cancel, caller, Map.of());
        assertThat(again.status()).as(again.toString()).isEqualTo(404);
    }

    @Test
    void aNoShowMarkArrivesByWebhookThoughItLeavesTheEventsUpdatedAtAsItWas() {
        String host = host();
        BookingRef booked = calendly.book(BookingRequest.of(host, TOMORROW, "Lea Patient", "lea@example.org"));
        Caller caller = Caller.service("cal-" + UUID.randomUUID());
        new Connect(app.api()).connectCalendly(caller, host);
        assertThat(events(caller).get(booked.eventUri()).path("booking").path("invitees").path(0).path("noShow").asBoolean()).isFalse();

        calendly.markNoShow(booked.inviteeUri());
        Await.until("the no-show mark arrives", BY_WEBHOOK, () -> events(caller).get(booked.eventUri()).path("booking").path("invitees")
                .path(0).path("noShow").asBoolean());
        calendly.unmarkNoShow(booked.inviteeUri());
        Await.until("and its removal", BY_WEBHOOK, () -> !events(caller).get(booked.eventUri()).path("booking").path("invitees")
                .path(0).path("noShow").asBoolean());
    }

    @Test
    void disconnectingDeletesTheSubscriptionThenRevokesTheGrant() {
        String host = host();
        String user = "cal-" + UUID.randomUUID();
        Caller caller = Caller.service(user);
        UUID connection = new Connect(app.api()).connectCalendly(caller, host);
        assertThat(subscriptionsOf(host)).hasSize(1);
        int revocations = calendly.callCount("POST", "/oauth/revoke");

        Response deleted = app.api().delete("/api/v1/connections/" + connection, caller);

        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
        assertThat(subscriptionsOf(host)).as("the subscription deleted with the still valid token").isEmpty();
        assertThat(calendly.callCount("POST", "/oauth/revoke") - revocations).isEqualTo(1);
        assertThat(calendly.callCount("DELETE", "/webhook_subscriptions/")).isPositive();
    }

    private static long elapsedMillis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    private static String lastSyncAt(Caller caller, UUID connection) {
        return app.api().get("/api/v1/connections/" + connection, caller).json().path("lastSyncAt").asText("");
    }

    /** The event as Calendly itself serves it to its host. */
    private static JsonNode atCalendly(String host, String eventUri) {
        String token = calendly.issueTokens(host).accessToken();
        Response event = app.api().send("GET", eventUri, Caller.anonymous().with("Authorization", "Bearer " + token), null, null);
        assertThat(event.status()).as(event.toString()).isEqualTo(200);
        return event.json().path("resource");
    }

    private static List<WebhookReceiver.Received> notifications(String user) {
        return receiver.received().stream().filter(r -> user.equals(r.userId())).toList();
    }

    @Test
    void forgedAndStaleDeliveriesAreRefusedAndChangeNothing() {
        String host = host();
        String user = "cal-" + UUID.randomUUID();
        Caller caller = Caller.service(user);
        UUID connection = new Connect(app.api()).connectCalendly(caller, host);
        String callback = subscriptionOf(host).callbackUrl();
        String path = callback.substring(baseUrl().length());
        calendly.dropNextDeliveries(1);
        BookingRef unseen = calendly.book(BookingRequest.of(host, TOMORROW, "Dee Patient", "dee@example.org"));
        String body = "{\"event\":\"invitee.created\",\"payload\":{\"uri\":\"" + unseen.inviteeUri() + "\"}}";
        long now = Instant.now().getEpochSecond();

        Response forged = deliver(path, body, "t=" + now + ",v1=" + sign("not-the-signing-key", now, body));
        Response stale = deliver(path, body, "t=" + (now - 600) + ",v1=" + sign(CalendlyEmulator.DEFAULT_WEBHOOK_SIGNING_KEY, now - 600, body));
        Response unsigned = deliver(path, body, null);

        for (Response refused : List.of(forged, stale, unsigned)) {
            assertThat(refused.status()).as(refused.toString()).isEqualTo(401);
            assertThat(refused.json().path("code").asText()).isEqualTo("invalid_signature");
        }
        io.calbridge.testing.Await.pause(1500);
        assertThat(events(caller)).as("no pull followed a refused delivery").doesNotContainKey(unseen.eventUri());

        Response genuine = deliver(path, body, "t=" + now + ",v1=" + sign(CalendlyEmulator.DEFAULT_WEBHOOK_SIGNING_KEY, now, body));
        assertThat(genuine.status()).as(genuine.toString()).isEqualTo(200);
        Await.until("a verified delivery pulls", BY_WEBHOOK, () -> events(caller).containsKey(unseen.eventUri()));
        io.calbridge.testing.Await.pause(500); // the pull records its end just after storing
        String pulledAt = lastSyncAt(caller, connection);
        Response replayed = deliver(path, body, "t=" + now + ",v1=" + sign(CalendlyEmulator.DEFAULT_WEBHOOK_SIGNING_KEY, now, body));
        assertThat(replayed.status()).as("a replay is answered as taken").isEqualTo(200);
        io.calbridge.testing.Await.pause(1500);
        assertThat(lastSyncAt(caller, connection)).as("a replay is ignored: no pull").isEqualTo(pulledAt);
        assertThat(events(caller)).as("a replay changes nothing").hasSize(1);
    }

    @Test
    void whereThePlanRefusesWebhooksPollingFindsTheSameChanges() {
        String host = host();
        calendly.setWebhooksAllowed(host, false);
        String user = "cal-" + UUID.randomUUID();
        Caller caller = Caller.service(user);
        UUID connection = new Connect(app.api()).connectCalendly(caller, host);
        assertThat(subscriptionsOf(host)).as("the plan refused the subscription").isEmpty();
        JsonNode changes = app.api().get("/api/v1/connections/" + connection, caller).json().path("changes");
        assertThat(changes.path("mode").asText()).isEqualTo("POLLING");
        assertThat(changes.path("pollInterval").asText()).isEqualTo("PT10M");
        assertThat(changes.path("reason").asText()).contains("refused a push channel").contains("upgrade");

        BookingRef booked = calendly.book(BookingRequest.of(host, TOMORROW, "Eve Patient", "eve@example.org"));
        pull(caller, connection);
        Await.until("the poll finds the booking", BY_WEBHOOK, () -> events(caller).containsKey(booked.eventUri()));
        calendly.cancel(booked.eventUri(), "Plans changed");
        pull(caller, connection);
        Await.until("the poll finds the cancellation", BY_WEBHOOK, () -> events(caller).isEmpty());
    }

    @Test
    void aDisabledSubscriptionIsNoticedAndReplacedThenDeliversAgain() {
        String host = host();
        String user = "cal-" + UUID.randomUUID();
        Caller caller = Caller.service(user);
        UUID connection = new Connect(app.api()).connectCalendly(caller, host);
        CalendlyEmulator.Subscription original = subscriptionOf(host);
        calendly.disableSubscription(original.uri());

        pull(caller, connection);
        Await.until("a new subscription replaces the disabled one", BY_WEBHOOK,
                // the disabled one is dropped before its replacement is made: for a moment the host has none
                () -> subscriptionsOf(host).stream().anyMatch(s -> !s.uri().equals(original.uri()) && "active".equals(s.state())));
        assertThat(calendly.subscriptions()).extracting(CalendlyEmulator.Subscription::uri).doesNotContain(original.uri());
        assertThat(app.api().get("/api/v1/connections/" + connection, caller).json().path("changes").path("mode").asText()).isEqualTo("PUSH");

        BookingRef booked = calendly.book(BookingRequest.of(host, TOMORROW, "Flo Patient", "flo@example.org"));
        Await.until("the booking arrives through the new subscription", BY_WEBHOOK, () -> events(caller).containsKey(booked.eventUri()));
    }

    /** The host's latest subscription. */
    private static CalendlyEmulator.Subscription subscriptionOf(String host) {
        return subscriptionsOf(host).stream().reduce((a, b) -> b).orElseThrow();
    }

    private static List<CalendlyEmulator.Subscription> subscriptionsOf(String host) {
        return calendly.subscriptions().stream().filter(s -> HOSTS.get(host).equals(s.user())).toList();
    }

    /** A new Calendly user (its URI kept in {@link #HOSTS}) with an event type. */
    private static String host() {
        String email = "h" + UUID.randomUUID().toString().substring(0, 8) + "@calendly.test";
        HOSTS.put(email, calendly.createUser(email, "Host " + email, "Europe/Berlin"));
        calendly.createEventType(email, "Consultation", 30);
        return email;
    }

    private static final Map<String, String> HOSTS = new java.util.concurrent.ConcurrentHashMap<>();

    private static void pull(Caller caller, UUID connection) {
        Response sync = app.api().post("/api/v1/connections/" + connection + "/sync", caller, null);
        assertThat(sync.status()).as(sync.toString()).isIn(200, 202);
    }

    private static Response deliver(String path, String body, String signature) {
        Caller calendlyServer = signature == null ? Caller.anonymous() : Caller.anonymous().with("Calendly-Webhook-Signature", signature);
        return app.api().send("POST", path, calendlyServer, body, "application/json");
    }

    private static String baseUrl() {
        return app.context().getEnvironment().getProperty("calbridge.public-url");
    }

    private static String sign(String key, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The user's events over the coming days, by id. */
    private static Map<String, JsonNode> events(Caller caller) {
        Response response = app.api().get("/api/v1/events?from=" + TOMORROW.minus(Duration.ofDays(1)) + "&to="
                + TOMORROW.plus(Duration.ofDays(5)), caller);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        List<JsonNode> list = new ArrayList<>();
        response.json().forEach(list::add);
        list.forEach(e -> byId.put(e.path("id").asText(), e));
        return byId;
    }
}
