package io.calbridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.testing.Await;
import io.calbridge.testing.ServiceProcess;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.TestKeys;
import io.calbridge.testing.WebhookEndpointRows;
import io.calbridge.testing.WebhookEndpointRows.Endpoint;
import io.calbridge.testing.WebhookReceiver;
import io.calbridge.testing.WebhookReceiver.Received;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Crash safety of webhook delivery: 500 notifications in the outbox of calbridge running as a process of its own,
 * killed with SIGKILL twice while it delivers them to a slowish app, started again each time on the same database.
 * In the end the app has every notification (deduplicated by webhook-id), each user's in order; a notification the
 * app got twice came both times with the same id (the app's dedupe sees it). The seed is printed
 * ({@code -Dcrash.seed=...}).
 */
class WebhookCrashSafetyIT {

    private static final int MESSAGES = 500;
    private static final int USERS = 20;
    private static final int KILLS = 2;

    @Test
    void killedTwiceMidDeliveryThenTheAppHasEveryNotificationOnceAfterDedupeEachUsersInOrder() {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        System.out.println("WebhookCrashSafetyIT seed " + seed);
        Random random = new Random(seed);
        String database = TestDatabase.url(TestDatabase.newDatabase());
        String tokenKeys = TestKeys.tokenKey("k1");
        try (WebhookReceiver app = new WebhookReceiver().answerAfter(Duration.ofMillis(40));
                ServiceProcess calbridge = ServiceProcess.create("webhook-crash", database, tokenKeys, settings())) {
            calbridge.start();
            WebhookEndpointRows rows = WebhookEndpointRows.in(database, tokenKeys);
            Endpoint endpoint = rows.insert(app.url(), List.of("connection.connected"));
            app.verifyWith(endpoint.secret());
            rows.insertMessages(endpoint, "crash", MESSAGES, USERS);

            for (int kill = 1; kill <= KILLS; kill++) {
                int before = app.received().size();
                Await.until("deliveries flow", Duration.ofSeconds(60), () -> app.received().size() > before);
                Await.pause(200 + random.nextInt(800));
                calbridge.kill();
                System.out.printf("WebhookCrashSafetyIT kill %d: %d notifications received so far%n", kill, app.received().size());
                calbridge.start();
            }
            Await.until("every notification received", Duration.ofSeconds(120), () -> app.received().size() >= MESSAGES);

            assertThat(app.verificationFailures()).isEmpty();
            assertThat(app.received()).hasSize(MESSAGES);
            Map<String, List<Integer>> byUser = app.received().stream().collect(Collectors.groupingBy(Received::userId,
                    Collectors.mapping(r -> r.body().path("data").path("n").asInt(), Collectors.toList())));
            assertThat(byUser).hasSize(USERS);
            byUser.forEach((user, ns) -> assertThat(ns).as("first arrivals of " + user).isSorted());
            assertThat(rows.jdbc().sql("SELECT count(*) FROM webhook_deliveries WHERE status = 'DELIVERED'").query(Integer.class).single())
                    .isEqualTo(MESSAGES);
            // a duplicate is an id the app had accepted already: its dedupe drops it
            System.out.printf("WebhookCrashSafetyIT: %d notifications received, %d duplicates (same webhook-id), %d requests%n",
                    app.received().size(), app.duplicates(), app.requests().size());
        }
    }

    private static Map<String, String> settings() {
        // a killed instance's claims come back after this, rather than after the default minute
        return Map.of("calbridge.webhook.lease", "PT3S", "calbridge.webhook.timeout", "PT2S");
    }
}
