package io.calbridge.provider.microsoft;

import io.calbridge.provider.WebhookReading;
import io.calbridge.provider.WebhookRequest;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads what Graph POSTs to the webhook URL, after Graph's change-notification docs:
 * <ul>
 * <li>a new subscription's validation request carries {@code ?validationToken=...}: it is answered 200
 *     {@code text/plain} with the token as given (decoded), at once, and nothing else happens;</li>
 * <li>a change or lifecycle notification is {@code {"value": [{subscriptionId, clientState, changeType, resource,
 *     lifecycleEvent?}, ...]}}: each item names its subscription and echoes the secret {@code clientState}; Graph expects
 *     202 Accepted. {@code resource} names the changed item, not the subscription's resource, so it is not passed on
 *     for verification. Lifecycle items: {@code reauthorizationRequired} → renew, {@code subscriptionRemoved} →
 *     recreate, {@code missed} → pull; unknown lifecycle events are ignored.</li>
 * </ul>
 * Nothing here is trusted: calbridge verifies subscription id and client state against its stored channels.
 */
final class MicrosoftWebhooks {

    static final int ACCEPTED = 202;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private MicrosoftWebhooks() {
    }

    static WebhookReading read(WebhookRequest request) {
        String validationToken = request.query().get("validationToken");
        if (validationToken != null) {
            return new WebhookReading.Handshake(200, "text/plain", validationToken);
        }
        if (request.body().length == 0) {
            return new WebhookReading.Malformed("neither a validationToken nor a notification body");
        }
        JsonNode root;
        try {
            root = JSON.readTree(request.body());
        } catch (JacksonException e) {
            return new WebhookReading.Malformed("the body is not JSON");
        }
        JsonNode value = root == null ? null : root.get("value");
        if (value == null || !value.isArray()) {
            return new WebhookReading.Malformed("the body has no \"value\" array of notifications");
        }
        List<WebhookReading.Notification> notifications = new ArrayList<>();
        for (JsonNode item : value) {
            String subscriptionId = text(item, "subscriptionId");
            if (subscriptionId == null) {
                continue;
            }
            WebhookReading.Kind kind = kind(text(item, "lifecycleEvent"));
            if (kind != null) {
                notifications.add(new WebhookReading.Notification(subscriptionId, text(item, "clientState"), null, kind));
            }
        }
        if (notifications.isEmpty()) {
            return new WebhookReading.Malformed("no notification names a subscription");
        }
        return new WebhookReading.Notifications(notifications, ACCEPTED);
    }

    /** The kind of an item by its {@code lifecycleEvent}; {@code null} for a lifecycle event calbridge does not know. */
    private static WebhookReading.Kind kind(String lifecycleEvent) {
        if (lifecycleEvent == null) {
            return WebhookReading.Kind.CHANGED;
        }
        return switch (lifecycleEvent) {
            case "reauthorizationRequired" -> WebhookReading.Kind.RENEW;
            case "subscriptionRemoved" -> WebhookReading.Kind.REMOVED;
            case "missed" -> WebhookReading.Kind.MISSED;
            default -> null;
        };
    }

    private static String text(JsonNode item, String field) {
        JsonNode node = item == null ? null : item.get(field);
        return node != null && node.isString() && !node.asString().isBlank() ? node.asString() : null;
    }
}
