package io.calbridge.emulator.google;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * events.watch and channels.stop, and the notifications they cause: a {@code sync} message right after a channel
 * is made, then an {@code exists} message after each change of the watched calendar. Messages are POSTs with an
 * empty body and the X-Goog-* headers, sent from one background thread in order, so an API call never waits for
 * a webhook. Google retries failed deliveries with backoff; this emulator drops them (and counts them).
 */
final class PushChannels {

    record Channel(String id, String resourceId, String resourceUri, String calendarId, String account, String address, String token,
            long expiration, AtomicLong messageNumber) {
    }

    /** Google's default channel time-to-live: one week. */
    private static final long DEFAULT_TTL_SECONDS = 604_800;
    private static final DateTimeFormatter EXPIRATION = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final Store store;
    private final Map<String, Channel> channels = new ConcurrentHashMap<>();
    private final ExecutorService deliveries;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final AtomicInteger delivered = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();

    PushChannels(Store store) {
        this.store = store;
        this.deliveries = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "google-emulator-push");
            thread.setDaemon(true);
            return thread;
        });
    }

    ObjectNode watch(CalendarData calendar, String account, ObjectNode body, String resourceUri) {
        String id = Json.text(body, "id");
        String type = Json.text(body, "type");
        String address = Json.text(body, "address");
        if (id == null || id.isBlank()) {
            throw GoogleApiException.required("Required channel id.");
        }
        if (!"web_hook".equals(type) && !"webhook".equals(type)) {
            throw GoogleApiException.badRequest("push.channelTypeUnknown", "Unknown channel type: " + type);
        }
        if (address == null || !(address.startsWith("https://") || address.startsWith("http://"))) {
            throw GoogleApiException.badRequest("push.webhookUrlUnknownScheme", "WebHook callback must be HTTPS: " + address);
        }
        if (channels.containsKey(id)) {
            throw GoogleApiException.badRequest("channelIdNotUnique", "Channel id " + id + " not unique");
        }
        long now = store.now().toEpochMilli();
        long expiration = now + DEFAULT_TTL_SECONDS * 1000;
        try {
            JsonNode requested = body.get("expiration");
            if (requested != null && !requested.isNull()) {
                // int64 travels as a JSON string in Google's APIs; accept a number too
                expiration = requested.isString() ? Long.parseLong(requested.stringValue()) : requested.asLong();
            }
            String ttl = Json.text(body.path("params"), "ttl");
            if (ttl != null) {
                expiration = now + Long.parseLong(ttl) * 1000;
            }
        } catch (NumberFormatException e) {
            throw GoogleApiException.invalid("Invalid Value");
        }
        Channel channel = new Channel(id, calendar.resourceId, resourceUri, calendar.id, account, address, Json.text(body, "token"), expiration,
                new AtomicLong());
        channels.put(id, channel);
        send(channel, "sync");
        ObjectNode response = Json.object();
        response.put("kind", "api#channel");
        response.put("id", id);
        response.put("resourceId", channel.resourceId());
        response.put("resourceUri", resourceUri);
        if (channel.token() != null) {
            response.put("token", channel.token());
        }
        response.put("expiration", Long.toString(expiration));
        return response;
    }

    void stop(String account, ObjectNode body) {
        String id = Json.text(body, "id");
        Channel channel = id == null ? null : channels.get(id);
        if (channel == null || !channel.resourceId().equals(Json.text(body, "resourceId")) || !channel.account().equalsIgnoreCase(account)) {
            throw new GoogleApiException(404, "global", "notFound", "Channel '" + id + "' not found for project");
        }
        channels.remove(id);
    }

    /** After a change: an {@code exists} message to every live channel on the calendar. */
    void changed(CalendarData calendar) {
        for (Channel channel : channels.values()) {
            if (channel.calendarId().equals(calendar.id)) {
                send(channel, "exists");
            }
        }
    }

    List<Channel> active() {
        long now = store.now().toEpochMilli();
        List<Channel> result = new ArrayList<>();
        channels.values().stream().filter(c -> c.expiration() > now).forEach(result::add);
        return result;
    }

    private void send(Channel channel, String state) {
        long number = channel.messageNumber().incrementAndGet();
        deliveries.execute(() -> deliver(channel, state, number));
    }

    private void deliver(Channel channel, String state, long number) {
        if (channels.get(channel.id()) != channel || channel.expiration() <= store.now().toEpochMilli()) {
            return; // stopped or expired since the change
        }
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(channel.address()))
                    .timeout(Duration.ofSeconds(5))
                    .header("X-Goog-Channel-ID", channel.id())
                    .header("X-Goog-Channel-Expiration", EXPIRATION.format(Instant.ofEpochMilli(channel.expiration())))
                    .header("X-Goog-Resource-ID", channel.resourceId())
                    .header("X-Goog-Resource-URI", channel.resourceUri())
                    .header("X-Goog-Resource-State", state)
                    .header("X-Goog-Message-Number", Long.toString(number))
                    .POST(HttpRequest.BodyPublishers.noBody());
            if (channel.token() != null) {
                request.header("X-Goog-Channel-Token", channel.token());
            }
            HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            (response.statusCode() / 100 == 2 ? delivered : failed).incrementAndGet();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            failed.incrementAndGet();
        }
    }

    /** The channels by id, for saving and restoring them (StateFile). */
    Map<String, Channel> byId() {
        return channels;
    }

    void reset() {
        channels.clear();
    }

    void shutdown() {
        deliveries.shutdownNow();
    }
}
