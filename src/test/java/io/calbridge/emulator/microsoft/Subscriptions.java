package io.calbridge.emulator.microsoft;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Graph change notifications for events: {@code /subscriptions} with the validation handshake (a POST to
 * {@code notificationUrl?validationToken=…} that must answer 200 text/plain echoing the token within 10 seconds,
 * and the same for lifecycleNotificationUrl), renewal, deletion, change notifications to notificationUrl (expected
 * 202; retried three times, with a short backoff, on anything else) and lifecycle notifications sent on control.
 * Graph requires https notification URLs; this emulator also takes http, since tests and the sandbox listen on
 * localhost. {@code me/events} watches every calendar of the mailbox.
 */
final class Subscriptions {

    /** Graph's longest lifetime for an Outlook event subscription: 10,080 minutes (7 days). */
    static final long MAX_MINUTES = 10_080;
    private static final Duration VALIDATION_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern CALENDAR_EVENTS = Pattern.compile("/?(?:me|users/[^/]+)/calendars/([^/]+)/events", Pattern.CASE_INSENSITIVE);
    private static final Pattern MAILBOX_EVENTS = Pattern.compile("/?(?:me|users/[^/]+)/(?:calendar/)?events", Pattern.CASE_INSENSITIVE);

    static final class Subscription {
        final String id;
        final String mailboxId;
        final String applicationId;
        final String resource;
        /** null: every calendar of the mailbox. */
        final String calendarKey;
        final String changeType;
        final String notificationUrl;
        final String lifecycleNotificationUrl;
        final String clientState;
        volatile Instant expiration;

        Subscription(String id, String mailboxId, String applicationId, String resource, String calendarKey, String changeType, String notificationUrl,
                String lifecycleNotificationUrl, String clientState, Instant expiration) {
            this.id = id;
            this.mailboxId = mailboxId;
            this.applicationId = applicationId;
            this.resource = resource;
            this.calendarKey = calendarKey;
            this.changeType = changeType;
            this.notificationUrl = notificationUrl;
            this.lifecycleNotificationUrl = lifecycleNotificationUrl;
            this.clientState = clientState;
            this.expiration = expiration;
        }
    }

    private final Directory directory;
    final Map<String, Subscription> byId = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ScheduledExecutorService deliveries = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "microsoft-emulator-notifications");
        thread.setDaemon(true);
        return thread;
    });
    final AtomicInteger delivered = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();

    Subscriptions(Directory directory) {
        this.directory = directory;
    }

    ObjectNode create(Mailbox mailbox, String applicationId, ObjectNode body) {
        String resource = Json.text(body, "resource");
        String changeType = Json.text(body, "changeType");
        String url = Json.text(body, "notificationUrl");
        String lifecycleUrl = Json.text(body, "lifecycleNotificationUrl");
        String clientState = Json.text(body, "clientState");
        if (resource == null || changeType == null || url == null || body.get("expirationDateTime") == null) {
            throw GraphException.badRequest("InvalidRequest", "Subscription requires resource, changeType, notificationUrl and expirationDateTime.");
        }
        for (String type : changeType.split(",")) {
            if (!List.of("created", "updated", "deleted").contains(type.trim())) {
                throw GraphException.badRequest("InvalidRequest", "Invalid changeType '" + type + "'.");
            }
        }
        String calendarKey = calendarOf(mailbox, resource);
        checkUrl(url);
        if (lifecycleUrl != null) {
            checkUrl(lifecycleUrl);
        }
        if (clientState != null && clientState.length() > 128) {
            throw GraphException.badRequest("InvalidRequest", "clientState must be at most 128 characters.");
        }
        Instant expiration = expiration(body);
        if (!validated(url) || lifecycleUrl != null && !validated(lifecycleUrl)) {
            throw GraphException.badRequest("ValidationError",
                    "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.");
        }
        Subscription subscription = new Subscription(Json.randomGuid(), mailbox.id, applicationId, resource, calendarKey, changeType, url, lifecycleUrl,
                clientState, expiration);
        byId.put(subscription.id, subscription);
        return json(subscription);
    }

    private static String calendarOf(Mailbox mailbox, String resource) {
        Matcher calendar = CALENDAR_EVENTS.matcher(resource);
        if (calendar.matches()) {
            String key = EventJson.key(Json.decodePathSegment(calendar.group(1)));
            mailbox.lock.readLock().lock();
            try {
                if (key == null || mailbox.calendar(key) == null) {
                    throw GraphException.graph(404, "ExtensionError", "Operation: Create; Exception: [Status Code: NotFound; Reason: The calendar was not found.]");
                }
            } finally {
                mailbox.lock.readLock().unlock();
            }
            return key;
        }
        if (MAILBOX_EVENTS.matcher(resource).matches()) {
            return null;
        }
        throw GraphException.badRequest("InvalidRequest", "Resource '" + resource + "' is not supported by this emulator (calendar events only).");
    }

    private static void checkUrl(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("https://") && !lower.startsWith("http://")) {
            throw GraphException.badRequest("InvalidRequest", "The notification URL must be an absolute https URL.");
        }
    }

    private Instant expiration(ObjectNode body) {
        Instant expiration;
        try {
            expiration = OffsetDateTime.parse(body.get("expirationDateTime").asString()).toInstant();
        } catch (DateTimeParseException e) {
            throw GraphException.badRequest("InvalidRequest", "expirationDateTime is not a valid DateTimeOffset.");
        }
        Instant now = directory.now();
        if (!expiration.isAfter(now)) {
            throw GraphException.badRequest("ExtensionError", "Operation: Create; Exception: [Status Code: BadRequest; Reason: Subscription expiration must be in the future.]");
        }
        if (expiration.isAfter(now.plus(Duration.ofMinutes(MAX_MINUTES)))) {
            throw GraphException.badRequest("ExtensionError", "Operation: Create; Exception: [Status Code: BadRequest; Reason: Subscription expiration can only be "
                    + MAX_MINUTES + " minutes in the future.]");
        }
        return expiration;
    }

    /** Graph's handshake: the endpoint must echo the token, 200 text/plain, within 10 seconds. */
    private boolean validated(String url) {
        String token = "Validation: Testing client application reachability for subscription Request-Id: " + Json.randomGuid();
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url + (url.contains("?") ? "&" : "?") + "validationToken=" + Json.encode(token)))
                    .timeout(VALIDATION_TIMEOUT).header("Content-Type", "text/plain; charset=utf-8").POST(HttpRequest.BodyPublishers.noBody()).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            String type = response.headers().firstValue("Content-Type").orElse("");
            return response.statusCode() == 200 && type.toLowerCase(Locale.ROOT).startsWith("text/plain") && token.equals(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    Subscription owned(Mailbox mailbox, String id) {
        Subscription subscription = byId.get(id);
        if (subscription == null || !subscription.mailboxId.equals(mailbox.id)) {
            throw GraphException.graph(404, "ResourceNotFound", "The object was not found.");
        }
        return subscription;
    }

    ObjectNode renew(Mailbox mailbox, String id, ObjectNode body) {
        Subscription subscription = owned(mailbox, id);
        if (body.get("expirationDateTime") == null) {
            throw GraphException.badRequest("InvalidRequest", "expirationDateTime is required.");
        }
        subscription.expiration = expiration(body);
        return json(subscription);
    }

    void delete(Mailbox mailbox, String id) {
        byId.remove(owned(mailbox, id).id);
    }

    List<ObjectNode> list(Mailbox mailbox) {
        List<ObjectNode> result = new ArrayList<>();
        byId.values().stream().filter(s -> s.mailboxId.equals(mailbox.id)).forEach(s -> result.add(json(s)));
        return result;
    }

    static ObjectNode json(Subscription s) {
        ObjectNode out = Json.object();
        out.put("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#subscriptions/$entity");
        out.put("id", s.id);
        out.put("resource", s.resource);
        out.put("applicationId", s.applicationId);
        out.put("changeType", s.changeType);
        if (s.clientState != null) {
            out.put("clientState", s.clientState);
        } else {
            out.putNull("clientState");
        }
        out.put("notificationUrl", s.notificationUrl);
        out.putNull("notificationQueryOptions");
        if (s.lifecycleNotificationUrl != null) {
            out.put("lifecycleNotificationUrl", s.lifecycleNotificationUrl);
        } else {
            out.putNull("lifecycleNotificationUrl");
        }
        out.put("expirationDateTime", Json.timestamp(s.expiration));
        out.put("creatorId", s.mailboxId);
        out.putNull("includeResourceData");
        out.put("latestSupportedTlsVersion", "v1_2");
        out.putNull("encryptionCertificate");
        out.putNull("encryptionCertificateId");
        out.putNull("notificationUrlAppId");
        return out;
    }

    // ---- notifications ------------------------------------------------------------------------------------------

    /** After a change of an event: a notification to every live subscription watching its calendar and change type. */
    void changed(Mailbox mailbox, Mailbox.Calendar calendar, String changeType, String eventId) {
        Instant now = directory.now();
        for (Subscription s : byId.values()) {
            if (!s.mailboxId.equals(mailbox.id) || s.calendarKey != null && !s.calendarKey.equals(calendar.key) || !s.expiration.isAfter(now)
                    || !List.of(s.changeType.replace(" ", "").split(",")).contains(changeType)) {
                continue;
            }
            ObjectNode item = Json.object();
            item.put("subscriptionId", s.id);
            item.put("subscriptionExpirationDateTime", Json.timestamp(s.expiration));
            item.put("changeType", changeType);
            item.put("resource", "Users/" + mailbox.id + "/Events/" + eventId);
            ObjectNode data = item.putObject("resourceData");
            data.put("@odata.type", "#Microsoft.Graph.Event");
            data.put("@odata.id", "Users/" + mailbox.id + "/Events/" + eventId);
            data.put("id", eventId);
            if (s.clientState != null) {
                item.put("clientState", s.clientState);
            }
            item.put("tenantId", mailbox.tenantId);
            send(s, s.notificationUrl, item, false);
        }
    }

    /** A lifecycle notification (reauthorizationRequired, subscriptionRemoved, missed) to the subscription's lifecycle URL. */
    void lifecycle(String subscriptionId, String event) {
        Subscription s = byId.get(subscriptionId);
        if (s == null) {
            throw new IllegalArgumentException("no subscription " + subscriptionId);
        }
        if (s.lifecycleNotificationUrl == null) {
            throw new IllegalArgumentException("subscription " + subscriptionId + " has no lifecycleNotificationUrl");
        }
        Mailbox mailbox = directory.byId(s.mailboxId);
        ObjectNode item = Json.object();
        item.put("subscriptionId", s.id);
        item.put("subscriptionExpirationDateTime", Json.timestamp(s.expiration));
        item.put("tenantId", mailbox == null ? "" : mailbox.tenantId);
        if (s.clientState != null) {
            item.put("clientState", s.clientState);
        }
        item.put("lifecycleEvent", event);
        if ("subscriptionRemoved".equals(event)) {
            byId.remove(s.id);
        }
        send(s, s.lifecycleNotificationUrl, item, true);
    }

    /**
     * lifecycle: a lifecycle notification goes out even for a subscription already removed (subscriptionRemoved says
     * just that), also where notification and lifecycle URL are the same.
     */
    private void send(Subscription s, String url, ObjectNode item, boolean lifecycle) {
        ObjectNode body = Json.object();
        body.putArray("value").add(item);
        byte[] bytes = Json.bytes(body);
        deliveries.schedule(() -> deliver(s, url, bytes, lifecycle, 0), 0, TimeUnit.MILLISECONDS);
    }

    private void deliver(Subscription s, String url, byte[] body, boolean lifecycle, int attempt) {
        if (!lifecycle && (byId.get(s.id) != s || !s.expiration.isAfter(directory.now()))) {
            return; // deleted or expired since the change
        }
        boolean ok;
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/json; charset=utf-8").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            ok = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() / 100 == 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            ok = false;
        }
        if (ok) {
            delivered.incrementAndGet();
        } else if (attempt < 3) {
            deliveries.schedule(() -> deliver(s, url, body, lifecycle, attempt + 1), 250L << (attempt + 1), TimeUnit.MILLISECONDS);
        } else {
            failed.incrementAndGet();
        }
    }

    void reset() {
        byId.clear();
    }

    void shutdown() {
        deliveries.shutdownNow();
    }
}
