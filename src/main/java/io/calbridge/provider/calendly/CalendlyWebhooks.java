package io.calbridge.provider.calendly;

import io.calbridge.provider.WebhookReading;
import io.calbridge.provider.WebhookRequest;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads Calendly's webhook deliveries. Each is signed: {@code Calendly-Webhook-Signature: t=<unix seconds>,v1=<hex
 * HMAC-SHA256 of "t.body" with the app's webhook signing key>}. A delivery verifies only with that signature over the
 * raw body and a timestamp within the tolerance of now (an old delivery replayed is refused); then its channel id and
 * token, in the callback URL's query as calbridge subscribed, name the connection. A verified delivery asks for a pull:
 * calbridge reads the bookings from Calendly itself. Calendly's deliveries carry no id; one whose event, invitee and
 * creation time this instance took in the last tolerance is a replay and is answered without a pull (on another
 * instance it costs one pull that finds nothing new).
 */
final class CalendlyWebhooks {

    /** Enough for the deliveries of a busy instance within the tolerance; the oldest go first. */
    private static final int REMEMBERED = 10_000;

    private final CalendlySettings settings;
    private final Clock clock;
    private final JsonMapper json = JsonMapper.builder().build();
    private final Map<String, Instant> taken = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > REMEMBERED;
        }
    };

    CalendlyWebhooks(CalendlySettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    WebhookReading read(WebhookRequest request) {
        String channel = request.query().get("channel");
        String token = request.query().get("token");
        if (channel == null || token == null) {
            return new WebhookReading.Malformed("no channel in the callback URL");
        }
        String header = request.header("Calendly-Webhook-Signature");
        if (header == null) {
            return new WebhookReading.Rejected("no Calendly-Webhook-Signature header");
        }
        if (settings.webhookSigningKey() == null) {
            return new WebhookReading.Rejected("no webhook signing key is configured (CALENDLY_WEBHOOK_SIGNING_KEY)");
        }
        String timestamp = null;
        String signature = null;
        for (String part : header.split(",")) {
            String trimmed = part.trim();
            if (trimmed.startsWith("t=")) {
                timestamp = trimmed.substring(2);
            } else if (trimmed.startsWith("v1=")) {
                signature = trimmed.substring(3);
            }
        }
        if (timestamp == null || signature == null) {
            return new WebhookReading.Rejected("a signature header without t= and v1=");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return new WebhookReading.Rejected("a signature timestamp that is not a number");
        }
        if (!MessageDigest.isEqual(sign(timestamp, request.body()).getBytes(StandardCharsets.US_ASCII),
                signature.toLowerCase().getBytes(StandardCharsets.US_ASCII))) {
            return new WebhookReading.Rejected("the signature does not verify");
        }
        Duration age = Duration.between(Instant.ofEpochSecond(seconds), clock.instant()).abs();
        if (age.compareTo(settings.webhookTolerance()) > 0) {
            return new WebhookReading.Rejected("signed " + age.toSeconds() + " s from now, more than the tolerance");
        }
        JsonNode delivery = parse(request.body());
        if (!firstTime(delivery)) {
            return new WebhookReading.AlreadyTaken(200);
        }
        return new WebhookReading.Notifications(List.of(new WebhookReading.Notification(channel, token, null, WebhookReading.Kind.CHANGED,
                changedEvent(delivery))), 200);
    }

    /** The body as JSON; an empty object when it is none (signed, so Calendly's: the pull decides what it means). */
    private JsonNode parse(byte[] body) {
        try {
            return json.readTree(body);
        } catch (JacksonException notJson) {
            return json.createObjectNode();
        }
    }

    /**
     * A no-show mark changes the invitee but not its event's {@code updated_at}, so the listing cannot show it: the
     * delivery names the event to read again. Other deliveries change the event itself.
     */
    private static String changedEvent(JsonNode delivery) {
        if (!delivery.path("event").asString("").startsWith("invitee_no_show.")) {
            return null;
        }
        String invitee = delivery.path("payload").path("uri").asString(null);
        return invitee == null ? null : CalendlyEventMapper.eventOfInvitee(invitee);
    }

    /** Remembers the delivery by event, invitee and creation time; false when it was taken within the tolerance. */
    private boolean firstTime(JsonNode delivery) {
        String key = delivery.path("event").asString("") + " " + delivery.path("payload").path("uri").asString("") + " "
                + delivery.path("created_at").asString("");
        Instant now = clock.instant();
        synchronized (taken) {
            Instant before = taken.get(key);
            if (before != null && Duration.between(before, now).compareTo(settings.webhookTolerance()) <= 0) {
                return false;
            }
            taken.put(key, now);
            return true;
        }
    }

    /** The hex HMAC-SHA256 of {@code timestamp + "." + body} with the signing key. */
    String sign(String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(settings.webhookSigningKey().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
