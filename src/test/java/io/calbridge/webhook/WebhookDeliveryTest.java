package io.calbridge.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.platform.crypto.TokenCipher;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.ApiTest;
import io.calbridge.testing.Await;
import io.calbridge.testing.WebhookEndpointRows;
import io.calbridge.testing.WebhookEndpointRows.Endpoint;
import io.calbridge.testing.WebhookReceiver;
import io.calbridge.testing.WebhookReceiver.Received;
import io.calbridge.testing.WebhookReceiver.Request;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Delivery of notifications to a real HTTP receiver that verifies each one with the official Standard Webhooks
 * library, under the short retry schedule of the tests (ApiTest): faults, order, 410, rotation, replay, the test
 * message, the deliveries listing and the metrics.
 */
class WebhookDeliveryTest extends ApiTest {

    private static final String TYPE = EventTypes.CONNECTION_CONNECTED;

    @Autowired
    private Outbox outbox;
    @Autowired
    private TransactionTemplate transactions;
    @Autowired
    private TokenCipher cipher;
    @Autowired
    private WebhookDeliveries deliveries;

    private WebhookEndpointRows rows;
    private final List<UUID> endpoints = new ArrayList<>();
    private final List<WebhookReceiver> receivers = new ArrayList<>();
    private final String admin = uniqueUser();

    @BeforeEach
    void rows() {
        rows = new WebhookEndpointRows(jdbc, cipher);
    }

    @AfterEach
    void removeEndpoints() {
        endpoints.forEach(rows::delete);
        receivers.forEach(WebhookReceiver::close);
    }

    @Test
    void aNotificationArrivesOnceSignedWithTheHeadersOfTheSpecAndTheListingShowsItsAttempt() {
        WebhookReceiver receiver = receiver();
        Endpoint endpoint = endpoint(receiver);
        receiver.verifyWith(endpoint.secret());
        String user = uniqueUser();

        String id = notify(user, 1);

        awaitReceived(receiver, 1);
        Received got = receiver.received().get(0);
        assertThat(got.id()).isEqualTo(id).startsWith("msg_");
        assertThat(got.type()).isEqualTo(TYPE);
        assertThat(got.body().path("data").path("n").asInt()).isEqualTo(1);
        assertThat(got.body().path("timestamp").asString()).isNotBlank();
        assertThat(header(got, "webhook-signature")).startsWith("v1,").doesNotContain(" ");
        assertThat(receiver.verificationFailures()).isEmpty();

        JsonNode delivery = awaitDelivery(endpoint, id, "DELIVERED");
        assertThat(delivery.path("eventType").asString()).isEqualTo(TYPE);
        assertThat(delivery.path("attempts").asInt()).isEqualTo(1);
        assertThat(delivery.path("lastStatus").asInt()).isEqualTo(204);
        assertThat(delivery.path("deliveredAt").asString()).isNotBlank();
        assertThat(delivery.path("attemptList")).hasSize(1);
        assertThat(delivery.path("attemptList").get(0).path("statusCode").asInt()).isEqualTo(204);
        assertThat(delivery.path("attemptList").get(0).has("latencyMs")).isTrue();
    }

    @Test
    void afterErrorsATimeoutARetryAfterAndARedirectEveryNotificationArrivesExactlyOnceInOrderPerUser() {
        WebhookReceiver receiver = receiver();
        Endpoint endpoint = endpoint(receiver);
        receiver.verifyWith(endpoint.secret());
        receiver.answer(3, 500).sleep(1, Duration.ofMillis(3000)).answer(1, 429, Map.of("Retry-After", "1")).redirect(1);
        String alice = uniqueUser();
        String bob = uniqueUser();
        List<String> alices = new ArrayList<>();
        List<String> bobs = new ArrayList<>();
        for (int n = 1; n <= 5; n++) {
            alices.add(notify(alice, n));
            bobs.add(notify(bob, n));
        }

        awaitReceived(receiver, 10);
        Await.pause(500); // room for a duplicate, if one were coming
        assertThat(receiver.verificationFailures()).isEmpty();
        assertThat(receiver.duplicates()).isZero();
        assertThat(receiver.received().stream().filter(r -> r.userId().equals(alice)).map(Received::id)).containsExactlyElementsOf(alices);
        assertThat(receiver.received().stream().filter(r -> r.userId().equals(bob)).map(Received::id)).containsExactlyElementsOf(bobs);

        List<Request> requests = receiver.requests();
        assertThat(requests).extracting(Request::answered).contains(500, 200, 429, 302);
        // each fault was followed by another attempt carrying the same webhook-id; after the 429, not before its Retry-After
        for (int i = 0; i < requests.size(); i++) {
            Request failed = requests.get(i);
            if (failed.answered() == 204) {
                continue;
            }
            Request next = requests.subList(i + 1, requests.size()).stream().filter(r -> r.id().equals(failed.id())).findFirst()
                    .orElseThrow(() -> new AssertionError("no retry of " + failed));
            if (failed.answered() == 429) {
                assertThat(Duration.between(failed.at(), next.at())).as("Retry-After: 1").isGreaterThanOrEqualTo(Duration.ofMillis(950));
            }
        }
        JsonNode all = deliveries(endpoint, "");
        assertThat(all.valueStream().map(d -> d.path("status").asString())).containsOnly("DELIVERED").hasSize(10);
        assertThat(all.valueStream().flatMap(d -> d.path("attemptList").valueStream()).map(a -> a.path("statusCode").asInt(0)))
                .as("the timeout has no status code").contains(500, 429, 302, 204, 0);
        assertThat(all.valueStream().flatMap(d -> d.path("attemptList").valueStream()).map(a -> a.path("error").asString("")))
                .anyMatch(e -> e.startsWith("timed out"))
                .anyMatch(e -> e.contains("redirects are not followed"));
    }

    @Test
    void a503WithRetryAfterAsAnHttpDateWaitsUntilThen() {
        WebhookReceiver receiver = receiver();
        endpoint(receiver);
        String until = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(2));
        receiver.answer(1, 503, Map.of("Retry-After", until));
        String id = notify(uniqueUser(), 1);

        awaitReceived(receiver, 1);
        List<Request> attempts = receiver.requests().stream().filter(r -> r.id().equals(id)).toList();
        assertThat(attempts).extracting(Request::answered).containsExactly(503, 204);
        // the date has whole seconds: at least one second later, and not the schedule's 0.2 s
        assertThat(Duration.between(attempts.get(0).at(), attempts.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }

    @Test
    void aDeliveryThatFailsEveryAttemptIsFailedAndTheNextOfItsStreamFollows() {
        WebhookReceiver receiver = receiver();
        Endpoint endpoint = endpoint(receiver);
        receiver.answer(8, 500);
        String user = uniqueUser();
        String first = notify(user, 1);
        String second = notify(user, 2);

        awaitReceived(receiver, 1);
        assertThat(receiver.received().get(0).id()).isEqualTo(second);
        JsonNode failed = awaitDelivery(endpoint, first, "FAILED");
        assertThat(failed.path("attempts").asInt()).isEqualTo(8);
        assertThat(failed.path("lastStatus").asInt()).isEqualTo(500);
        assertThat(failed.path("attemptList")).hasSize(8);
        assertThat(receiver.requests().stream().filter(r -> r.id().equals(first))).hasSize(8);
        assertThat(deliveries(endpoint, "?status=FAILED")).hasSize(1);

        // an admin replays it: the same id once more, attempts counted afresh
        JsonNode delivery = deliveries(endpoint, "?status=FAILED").get(0);
        Response replay = api.post(path(endpoint) + "/deliveries/" + delivery.path("id").asString() + "/replay", Caller.service(admin), null);
        assertThat(replay.status()).as(replay.toString()).isEqualTo(202);
        awaitReceived(receiver, 2);
        assertThat(receiver.received().get(1).id()).isEqualTo(first);
        JsonNode replayed = awaitDelivery(endpoint, first, "DELIVERED");
        assertThat(replayed.path("attempts").asInt()).isEqualTo(1);
        assertThat(replayed.path("attemptList")).hasSize(9);

        Response again = api.post(path(endpoint) + "/deliveries/" + delivery.path("id").asString() + "/replay", Caller.service(admin), null);
        assertThat(again.status()).as("a delivered one can be replayed too").isEqualTo(202);
        Await.until("the replay of a delivered notification arrives", Duration.ofSeconds(10), () -> receiver.duplicates() == 1);
        assertThat(prometheus()).contains("calbridge_webhook_deliveries_total{outcome=\"failed\"}",
                "calbridge_webhook_deliveries_total{outcome=\"failed_attempt\"}", "calbridge_webhook_oldest_undelivered_age_seconds");
    }

    @Test
    void goneDisablesTheEndpointWhoseDeliveriesThenWaitUntilItIsEnabledAgain() {
        WebhookReceiver receiver = receiver();
        Endpoint endpoint = endpoint(receiver);
        receiver.answer(1, 410);
        String id = notify(uniqueUser(), 1);

        Await.until("the endpoint is disabled", Duration.ofSeconds(10),
                () -> !jdbc.sql("SELECT enabled FROM webhook_endpoints WHERE id = ?").param(endpoint.id()).query(Boolean.class).single());
        assertThat(jdbc.sql("SELECT disabled_reason FROM webhook_endpoints WHERE id = ?").param(endpoint.id()).query(String.class).single())
                .contains("410");
        JsonNode waiting = awaitDelivery(endpoint, id, "PENDING");
        assertThat(waiting.path("lastStatus").asInt()).isEqualTo(410);
        Response replay = api.post(path(endpoint) + "/deliveries/" + waiting.path("id").asString() + "/replay", Caller.service(admin), null);
        assertThat(replay.status()).isEqualTo(409);
        assertThat(replay.json().path("code").asString()).isEqualTo("not_replayable");
        Await.pause(600);
        assertThat(receiver.received()).as("nothing is sent while disabled").isEmpty();
        assertThat(prometheus()).contains("calbridge_webhook_deliveries_total{outcome=\"disabled\"}");

        assertThat(api.patch(path(endpoint), Caller.service(admin), Map.of("enabled", true)).status()).isEqualTo(200);
        awaitReceived(receiver, 1);
        assertThat(receiver.received().get(0).id()).isEqualTo(id);
    }

    @Test
    void aStreamIsDeliveredInCommitOrderNotInTheOrderItsNotificationsWereAdded() throws Exception {
        WebhookReceiver receiver = receiver();
        endpoint(receiver);
        String user = uniqueUser();
        CountDownLatch firstAdded = new CountDownLatch(1);
        CountDownLatch commitFirst = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<String> first = threads.submit(() -> transactions.execute(status -> {
                String id = outbox.add(user, TYPE, Map.of("userId", user, "n", 1));
                firstAdded.countDown();
                await(commitFirst);
                return id;
            }));
            await(firstAdded);
            // the first transaction holds no lock of the stream while it is open: the second commits past it
            String second = threads.submit(() -> notify(user, 2)).get(10, TimeUnit.SECONDS);
            awaitReceived(receiver, 1);
            commitFirst.countDown();
            String firstId = first.get(10, TimeUnit.SECONDS);

            awaitReceived(receiver, 2);
            assertThat(receiver.received().stream().map(Received::id).toList()).as("delivered in commit order").containsExactly(second, firstId);
        } finally {
            commitFirst.countDown();
            threads.shutdownNow();
        }
    }

    @Test
    void aRolledBackChangeHasNoNotification() {
        WebhookReceiver receiver = receiver();
        endpoint(receiver);
        String user = uniqueUser();
        transactions.execute(status -> {
            outbox.add(user, TYPE, Map.of("userId", user, "n", 1));
            status.setRollbackOnly();
            return null;
        });
        String delivered = notify(user, 2);

        awaitReceived(receiver, 1);
        Await.pause(500);
        assertThat(receiver.received().stream().map(Received::id).toList()).containsExactly(delivered);
    }

    @Test
    void notificationsPastTheRetentionArePurgedOnceNoDeliveryOfThemWaits() {
        WebhookReceiver receiver = receiver();
        Endpoint endpoint = endpoint(receiver);
        String user = uniqueUser();
        String delivered = notify(user, 1);
        awaitDelivery(endpoint, delivered, "DELIVERED");
        receiver.answer(1_000, 500);
        String waiting = notify(user, 2);
        awaitDelivery(endpoint, waiting, "PENDING");
        String recent = notify(uniqueUser(), 3);
        jdbc.sql("UPDATE webhook_messages SET created_at = now() - interval '31 days' WHERE id IN (?, ?)").params(delivered, waiting).update();

        deliveries.purgeOld();

        assertThat(jdbc.sql("SELECT id FROM webhook_messages WHERE id IN (?, ?, ?)").params(delivered, waiting, recent)
                .query(String.class).list()).as("the old delivered one goes; the one still to deliver and the recent one stay")
                .containsExactlyInAnyOrder(waiting, recent);
        assertThat(jdbc.sql("SELECT count(*) FROM webhook_deliveries WHERE message_id = ?").param(delivered).query(Long.class).single()).isZero();
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anEndpointFailingForFiveDaysIsDisabledAndASuccessClearsItsFailingSince() {
        WebhookReceiver receiver = receiver();
        Endpoint failing = endpoint(receiver);
        jdbc.sql("UPDATE webhook_endpoints SET failing_since = ? WHERE id = ?")
                .params(java.sql.Timestamp.from(Instant.now().minus(Duration.ofDays(5)).minusSeconds(60)), failing.id()).update();
        receiver.answer(1, 500);
        notify(uniqueUser(), 1);
        Await.until("the endpoint is disabled", Duration.ofSeconds(10),
                () -> !jdbc.sql("SELECT enabled FROM webhook_endpoints WHERE id = ?").param(failing.id()).query(Boolean.class).single());
        assertThat(jdbc.sql("SELECT disabled_reason FROM webhook_endpoints WHERE id = ?").param(failing.id()).query(String.class).single())
                .contains("failed for 5 days");
        rows.delete(failing.id());

        Endpoint recovering = endpoint(receiver);
        jdbc.sql("UPDATE webhook_endpoints SET failing_since = ? WHERE id = ?")
                .params(java.sql.Timestamp.from(Instant.now().minus(Duration.ofDays(1))), recovering.id()).update();
        String id = notify(uniqueUser(), 2);
        awaitDelivery(recovering, id, "DELIVERED");
        assertThat(jdbc.sql("SELECT failing_since FROM webhook_endpoints WHERE id = ?").param(recovering.id())
                .query((rs, row) -> rs.getTimestamp(1)).list()).containsExactly((java.sql.Timestamp) null);
    }

    @Test
    void duringARotationBothSecretsSignAndEachVerifies() {
        WebhookReceiver receiver = receiver();
        Endpoint endpoint = endpoint(receiver);
        String newSecret = WebhookEndpointRows.newSecret();
        rows.rotate(endpoint, newSecret, Instant.now().plus(Duration.ofHours(1)));
        receiver.verifyWith(newSecret, endpoint.secret());

        notify(uniqueUser(), 1);
        awaitReceived(receiver, 1);
        assertThat(header(receiver.received().get(0), "webhook-signature").split(" ")).hasSize(2).allMatch(s -> s.startsWith("v1,"));
        assertThat(receiver.verificationFailures()).isEmpty();

        // the grace period over: the new secret alone
        jdbc.sql("UPDATE webhook_endpoints SET previous_secret_until = ? WHERE id = ?")
                .params(java.sql.Timestamp.from(Instant.now().minusSeconds(1)), endpoint.id()).update();
        receiver.verifyWith(newSecret);
        notify(uniqueUser(), 2);
        awaitReceived(receiver, 2);
        assertThat(header(receiver.received().get(1), "webhook-signature").split(" ")).hasSize(1);
        assertThat(receiver.verificationFailures()).isEmpty();
    }

    @Test
    void theTestOperationSendsAWebhookTestToThatEndpointOnly() {
        WebhookReceiver receiver = receiver();
        WebhookReceiver other = receiver();
        Endpoint endpoint = endpoint(receiver);
        endpoint(other);
        receiver.verifyWith(endpoint.secret());

        Response test = api.post(path(endpoint) + "/test", Caller.service(admin), null);
        assertThat(test.status()).as(test.toString()).isEqualTo(202);
        String id = test.json().path("messageId").asString();
        awaitReceived(receiver, 1);
        assertThat(receiver.received().get(0).id()).isEqualTo(id);
        assertThat(receiver.received().get(0).type()).isEqualTo(EventTypes.WEBHOOK_TEST);
        assertThat(receiver.verificationFailures()).isEmpty();
        Await.pause(400);
        assertThat(other.received()).isEmpty();
    }

    @Test
    void unknownIdsAreNotFoundAndABadStatusOrLimitIsRefused() {
        WebhookReceiver receiver = receiver();
        Endpoint endpoint = endpoint(receiver);
        String unknown = "/api/v1/webhook-endpoints/" + UUID.randomUUID();
        for (Response response : List.of(api.get(unknown + "/deliveries", Caller.service(admin)),
                api.post(unknown + "/test", Caller.service(admin), null),
                api.post(unknown + "/deliveries/" + UUID.randomUUID() + "/replay", Caller.service(admin), null),
                api.post(path(endpoint) + "/deliveries/" + UUID.randomUUID() + "/replay", Caller.service(admin), null),
                api.get("/api/v1/webhook-endpoints/not-an-id/deliveries", Caller.service(admin)))) {
            assertThat(response.status()).as(response.toString()).isEqualTo(404);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.json().path("code").asString()).isEqualTo("not_found");
        }
        assertThat(api.get(path(endpoint) + "/deliveries?status=LOST", Caller.service(admin)).json().path("code").asString())
                .isEqualTo("invalid_status");
        assertThat(api.get(path(endpoint) + "/deliveries?limit=0", Caller.service(admin)).json().path("code").asString())
                .isEqualTo("invalid_limit");
    }

    private WebhookReceiver receiver() {
        WebhookReceiver receiver = new WebhookReceiver();
        receivers.add(receiver);
        return receiver;
    }

    private Endpoint endpoint(WebhookReceiver receiver) {
        Endpoint endpoint = rows.insert(receiver.url(), List.of(TYPE));
        endpoints.add(endpoint.id());
        return endpoint;
    }

    /** A notification about {@code user}, written as a change's transaction would write it. */
    private String notify(String user, int n) {
        return transactions.execute(status -> outbox.add(user, TYPE, Map.of("userId", user, "n", n)));
    }

    private static String path(Endpoint endpoint) {
        return "/api/v1/webhook-endpoints/" + endpoint.id();
    }

    private JsonNode deliveries(Endpoint endpoint, String query) {
        Response response = api.get(path(endpoint) + "/deliveries" + query, Caller.service(admin));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json();
    }

    private JsonNode awaitDelivery(Endpoint endpoint, String messageId, String status) {
        JsonNode[] found = new JsonNode[1];
        Await.until("delivery of " + messageId + " is " + status, Duration.ofSeconds(20), () -> {
            found[0] = deliveries(endpoint, "").valueStream().filter(d -> d.path("messageId").asString().equals(messageId)).findFirst()
                    .orElse(null);
            return found[0] != null && found[0].path("status").asString().equals(status);
        });
        return found[0];
    }

    private static void awaitReceived(WebhookReceiver receiver, int count) {
        Await.until(count + " notifications received", Duration.ofSeconds(30), () -> receiver.received().size() >= count);
    }

    private static String header(Received received, String name) {
        return received.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).flatMap(e -> e.getValue().stream())
                .findFirst().orElse(null);
    }

    private String prometheus() {
        Response metrics = api.get("/actuator/prometheus", Caller.serviceWithoutUser());
        assertThat(metrics.status()).as(metrics.toString()).isEqualTo(200);
        return metrics.body();
    }
}
