package io.calbridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.testing.Api;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Await;
import io.calbridge.testing.ServiceProcess;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.TestKeys;
import io.calbridge.testing.WebhookEndpointRows;
import io.calbridge.testing.WebhookEndpointRows.Endpoint;
import io.calbridge.testing.WebhookReceiver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Two calbridge processes on one database delivering the same outbox at once (claims with {@code FOR UPDATE SKIP
 * LOCKED}, leases of the default length): every notification arrives, none twice, and both instances send.
 */
class WebhookTwoInstancesIT {

    private static final int MESSAGES = 500;
    private static final Pattern DELIVERED = Pattern.compile("calbridge_webhook_deliveries_total\\{[^}]*outcome=\"delivered\"[^}]*} ([0-9.E]+)");

    @Test
    void twoInstancesOnOneDatabaseDeliverEveryNotificationAndNoneTwice() {
        String database = TestDatabase.url(TestDatabase.newDatabase());
        String tokenKeys = TestKeys.tokenKey("k1");
        try (WebhookReceiver app = new WebhookReceiver().answerAfter(Duration.ofMillis(5));
                ServiceProcess first = ServiceProcess.create("webhook-two-a", database, tokenKeys, Map.of());
                ServiceProcess second = ServiceProcess.create("webhook-two-b", database, tokenKeys, Map.of())) {
            first.start();
            second.start();
            WebhookEndpointRows rows = WebhookEndpointRows.in(database, tokenKeys);
            Endpoint endpoint = rows.insert(app.url(), List.of("connection.connected"));
            app.verifyWith(endpoint.secret());
            rows.insertMessages(endpoint, "two", MESSAGES, 50);

            Await.until("every notification received", Duration.ofSeconds(120), () -> app.received().size() >= MESSAGES);
            Await.pause(1000); // room for a duplicate, if one were coming

            double byFirst = delivered(first.api());
            double bySecond = delivered(second.api());
            System.out.printf("WebhookTwoInstancesIT: %d received, %d duplicates; delivered by a: %.0f, by b: %.0f%n",
                    app.received().size(), app.duplicates(), byFirst, bySecond);
            assertThat(app.verificationFailures()).isEmpty();
            assertThat(app.received()).hasSize(MESSAGES);
            assertThat(app.duplicates()).as("no lease ran out, so no notification was sent twice").isZero();
            assertThat(byFirst + bySecond).isEqualTo(MESSAGES);
            assertThat(byFirst).as("delivered by the first instance").isPositive();
            assertThat(bySecond).as("delivered by the second instance").isPositive();
        }
    }

    private static double delivered(Api api) {
        Api.Response metrics = api.get("/actuator/prometheus", Caller.serviceWithoutUser());
        assertThat(metrics.status()).as(metrics.toString()).isEqualTo(200);
        Matcher matcher = DELIVERED.matcher(metrics.body());
        double total = 0;
        while (matcher.find()) {
            total += Double.parseDouble(matcher.group(1));
        }
        return total;
    }
}
