package io.calbridge.provider.microsoft;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.provider.WebhookReading;
import io.calbridge.provider.WebhookReading.Kind;
import io.calbridge.provider.WebhookReading.Notification;
import io.calbridge.provider.WebhookRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the adapter makes of Graph's POSTs to the webhook URL (bodies after Graph's change-notification docs). */
class MicrosoftWebhooksTest {

    private final MicrosoftCalendarProvider provider = new MicrosoftCalendarProvider(MicrosoftSettings.defaults(), Clock.systemUTC());

    @Test
    void validationRequestIsAHandshakeEchoingTheDecodedTokenAsPlainText() {
        WebhookReading reading = provider.readWebhook(new WebhookRequest(Map.of("content-type", "text/plain; charset=utf-8"),
                Map.of("validationToken", "Validation: Testing client application reachability for subscription Request-Id: 3b3f9821"),
                new byte[0]));

        assertThat(reading).isEqualTo(new WebhookReading.Handshake(200, "text/plain",
                "Validation: Testing client application reachability for subscription Request-Id: 3b3f9821"));
    }

    @Test
    void changeNotificationsNameTheirSubscriptionAndClientStateAndAreAccepted202() {
        WebhookReading reading = provider.readWebhook(json("""
                {
                  "value": [
                    {
                      "subscriptionId": "7f105c7d-2dc5-4530-97cd-4e7ae6534c07",
                      "subscriptionExpirationDateTime": "2026-12-08T23:00:00.0000000Z",
                      "changeType": "updated",
                      "resource": "Users/87d349ed/Events/AAMkSingle",
                      "resourceData": {
                        "@odata.type": "#Microsoft.Graph.Event",
                        "@odata.id": "Users/87d349ed/Events/AAMkSingle",
                        "@odata.etag": "W/\\"DwAAABYAAAAQ\\"",
                        "id": "AAMkSingle"
                      },
                      "clientState": "secret-of-the-channel",
                      "tenantId": "84841066-274d-4ec0-a5c1-276be684bdd3"
                    },
                    {
                      "subscriptionId": "7f105c7d-2dc5-4530-97cd-4e7ae6534c07",
                      "changeType": "deleted",
                      "resource": "Users/87d349ed/Events/AAMkGone",
                      "clientState": "secret-of-the-channel"
                    }
                  ]
                }"""));

        assertThat(reading).isEqualTo(new WebhookReading.Notifications(java.util.List.of(
                new Notification("7f105c7d-2dc5-4530-97cd-4e7ae6534c07", "secret-of-the-channel", null, Kind.CHANGED),
                new Notification("7f105c7d-2dc5-4530-97cd-4e7ae6534c07", "secret-of-the-channel", null, Kind.CHANGED)), 202));
    }

    @Test
    void lifecycleNotificationsBecomeRenewRemovedAndMissed() {
        WebhookReading reading = provider.readWebhook(json("""
                {"value": [
                  {"subscriptionId": "sub-1", "subscriptionExpirationDateTime": "2026-12-08T23:00:00Z", "tenantId": "t",
                   "clientState": "s1", "lifecycleEvent": "reauthorizationRequired"},
                  {"subscriptionId": "sub-2", "clientState": "s2", "lifecycleEvent": "subscriptionRemoved"},
                  {"subscriptionId": "sub-3", "clientState": "s3", "lifecycleEvent": "missed"},
                  {"subscriptionId": "sub-4", "clientState": "s4", "lifecycleEvent": "somethingNew"}
                ]}"""));

        assertThat(reading).isEqualTo(new WebhookReading.Notifications(java.util.List.of(
                new Notification("sub-1", "s1", null, Kind.RENEW),
                new Notification("sub-2", "s2", null, Kind.REMOVED),
                new Notification("sub-3", "s3", null, Kind.MISSED)), 202));
    }

    @Test
    void garbageOrAnEmptyBodyOrOneWithoutSubscriptionsIsMalformed() {
        assertThat(provider.readWebhook(json("not json at all {"))).isInstanceOf(WebhookReading.Malformed.class);
        assertThat(provider.readWebhook(json("{\"value\": \"nope\"}"))).isInstanceOf(WebhookReading.Malformed.class);
        assertThat(provider.readWebhook(json("{\"value\": [{\"changeType\": \"updated\"}]}"))).isInstanceOf(WebhookReading.Malformed.class);
        assertThat(provider.readWebhook(json("[1, 2]"))).isInstanceOf(WebhookReading.Malformed.class);
        assertThat(provider.readWebhook(new WebhookRequest(Map.of(), Map.of(), null))).isInstanceOf(WebhookReading.Malformed.class);
    }

    private static WebhookRequest json(String body) {
        return new WebhookRequest(Map.of("content-type", "application/json"), Map.of(), body.getBytes(StandardCharsets.UTF_8));
    }
}
