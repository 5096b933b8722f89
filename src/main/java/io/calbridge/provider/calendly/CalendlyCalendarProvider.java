package io.calbridge.provider.calendly;

import io.calbridge.provider.AccountInfo;
import io.calbridge.provider.BusyInterval;
import io.calbridge.provider.CalendarInfo;
import io.calbridge.provider.CalendarProvider;
import io.calbridge.provider.Capability;
import io.calbridge.provider.ChangePage;
import io.calbridge.provider.ChangeRequest;
import io.calbridge.provider.EventDraft;
import io.calbridge.provider.OAuthClient;
import io.calbridge.provider.ProviderDescriptor;
import io.calbridge.provider.ProviderException;
import io.calbridge.provider.PushChannel;
import io.calbridge.provider.RemoteEvent;
import io.calbridge.provider.WebhookReading;
import io.calbridge.provider.WebhookRequest;
import io.calbridge.provider.WrittenEvent;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Calendly over its REST API v2 ({@link CalendlyApi}). A Calendly account is one read-only calendar, "Calendly", whose
 * id is the user's URI and whose events are the user's scheduled events (bookings), with their invitees.
 *
 * <p>OAuth: authorization code with PKCE at {@code auth.calendly.com}; access tokens live 2 hours and each refresh
 * rotates the refresh token (the token service stores the pair at once, one refresh at a time per connection).
 *
 * <p>Sync: Calendly cannot list "what changed since", so each sync lists the window's scheduled events (100 a page)
 * and compares them with the cursor, which holds each event's {@code updated_at} and status
 * ({@link CalendlySyncCursor}); invitees are read only for new and changed events, at most {@link #EVENTS_PER_PAGE} a
 * page; a page cut short by Calendly's rate limit (50 requests a minute on the free plan) keeps what it read, and the
 * next page goes on from there. A canceled event calbridge never held is passed on without its invitees.
 *
 * <p>Push: one user-scope webhook subscription per connection for the invitee events; its callback URL carries the
 * channel id and a secret token, and every delivery is signed with the app's webhook signing key ({@link
 * CalendlyWebhooks}). A subscription does not expire at Calendly, but calbridge gives its channel a day, so that it is
 * checked after each sync and hourly: one still {@code active} is kept, a disabled one is replaced. A plan without webhooks refuses the
 * subscription (403): the connection is then polled on the shorter period.
 */
@Component
public class CalendlyCalendarProvider implements CalendarProvider {

    public static final String ID = "calendly";
    public static final String CALENDAR_NAME = "Calendly";
    static final List<String> WEBHOOK_EVENTS = List.of("invitee.created", "invitee.canceled", "invitee_no_show.created",
            "invitee_no_show.deleted");
    /** Calendly's largest page. */
    static final int LIST_PAGE = 100;
    /** The most events whose invitees one page of changes reads (each is one request). */
    static final int EVENTS_PER_PAGE = 100;
    /**
     * How long a channel is held before calbridge checks its subscription again (Calendly's never expire): a day, which
     * is within the push channels' renewal margin, so that the subscription is checked after every sync and hourly.
     */
    static final Duration CHANNEL_CHECK = Duration.ofDays(1);
    static final Duration NOTIFICATION_BURST = Duration.ofMillis(200);
    /** Calendly's busy-times query spans at most a week. */
    static final Duration BUSY_TIMES_SPAN = Duration.ofDays(7);

    private final ProviderDescriptor descriptor;
    private final CalendlyApi api;
    private final CalendlyWebhooks webhooks;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public CalendlyCalendarProvider(CalendlySettings settings, Clock clock) {
        this.clock = clock;
        this.api = new CalendlyApi(settings);
        this.webhooks = new CalendlyWebhooks(settings, clock);
        this.descriptor = new ProviderDescriptor(ID, "Calendly",
                Set.of(Capability.READ_EVENTS, Capability.FREE_BUSY, Capability.PUSH_NOTIFICATIONS, Capability.CANCEL_BOOKINGS),
                oauthClient(settings), settings.sandbox());
    }

    private static Optional<OAuthClient> oauthClient(CalendlySettings settings) {
        if (!settings.configured()) {
            return Optional.empty();
        }
        // Calendly's OAuth has no scopes to ask for: a grant reaches what its user can
        return Optional.of(new OAuthClient(settings.clientId(), settings.clientSecret(), settings.authUri(), settings.tokenUri(),
                settings.revokeUri(), List.of(), Map.of(), true));
    }

    @Override
    public ProviderDescriptor descriptor() {
        return descriptor;
    }

    /** The account is the user's URI, stable for the user's life at Calendly. */
    @Override
    public AccountInfo account(String accessToken) {
        JsonNode me = me(accessToken);
        return new AccountInfo(me.path("uri").asString(), me.path("email").asString(null));
    }

    @Override
    public List<CalendarInfo> calendars(String accessToken) {
        JsonNode me = me(accessToken);
        return List.of(new CalendarInfo(me.path("uri").asString(), CALENDAR_NAME, null, true, false, me.path("timezone").asString(null)));
    }

    private JsonNode me(String accessToken) {
        JsonNode me = api.get(accessToken, api.url("/users/me", Map.of())).path("resource");
        if (me.path("uri").asString("").isBlank()) {
            throw new ProviderException.Permanent("Calendly /users/me has no uri", null);
        }
        return me;
    }

    @Override
    public ChangePage changes(String accessToken, String calendarId, ChangeRequest request) {
        Map<String, String> seen = CalendlySyncCursor.decode(request.pageCursor() != null ? request.pageCursor() : request.syncCursor());
        List<JsonNode> changed = new ArrayList<>();
        Map<String, JsonNode> listed = new LinkedHashMap<>();
        for (JsonNode event : listEvents(accessToken, calendarId, request.windowStart(), request.windowEnd())) {
            String uri = event.path("uri").asString();
            listed.put(uri, event);
            // a no-show mark leaves the event's updated_at as it was: its webhook names the event to read again
            if (!entry(event).equals(seen.get(uri)) || request.refresh().contains(uri)) {
                changed.add(event);
            }
        }
        int limit = Math.min(EVENTS_PER_PAGE, Math.max(1, request.pageSize()));
        List<RemoteEvent> events = new ArrayList<>();
        for (JsonNode event : changed.subList(0, Math.min(limit, changed.size()))) {
            String uri = event.path("uri").asString();
            boolean canceled = "canceled".equals(event.path("status").asString(""));
            List<JsonNode> invitees;
            try {
                // a canceled event calbridge never held needs no invitees: it is only passed on as gone
                invitees = canceled && !seen.containsKey(uri) ? null : invitees(accessToken, uri);
            } catch (ProviderException.RateLimited limited) {
                if (events.isEmpty()) {
                    throw limited;
                }
                // a page needs more calls than a small plan allows a minute: what was read is kept, the next page goes on
                break;
            }
            events.add(CalendlyEventMapper.toRemoteEvent(event, invitees, calendarId));
            seen.put(uri, entry(event));
        }
        // events that left the listing (the window moved past them) are forgotten, not deleted: the store keeps them
        seen.keySet().retainAll(listed.keySet());
        String cursor = CalendlySyncCursor.encode(seen);
        return changed.size() > events.size() ? new ChangePage(events, cursor, null) : new ChangePage(events, null, cursor);
    }

    private static String entry(JsonNode event) {
        return CalendlySyncCursor.entry(event.path("updated_at").asString(""), event.path("status").asString(""));
    }

    /** All of the user's scheduled events starting in the window, active and canceled, oldest first. */
    private List<JsonNode> listEvents(String accessToken, String userUri, Instant from, Instant to) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("user", userUri);
        query.put("min_start_time", from.toString());
        query.put("max_start_time", to.toString());
        query.put("sort", "start_time:asc");
        query.put("count", String.valueOf(LIST_PAGE));
        return collect(accessToken, api.url("/scheduled_events", Map.of()), query);
    }

    private List<JsonNode> invitees(String accessToken, String eventUri) {
        return collect(accessToken, eventUri + "/invitees", Map.of("count", String.valueOf(LIST_PAGE)));
    }

    /** Every item of the paged collection at {@code uri}, following {@code next_page_token}. */
    private List<JsonNode> collect(String accessToken, String uri, Map<String, String> query) {
        List<JsonNode> items = new ArrayList<>();
        Map<String, String> page = new LinkedHashMap<>(query);
        while (true) {
            JsonNode answer = api.get(accessToken, CalendlyApi.withQuery(uri, page));
            answer.path("collection").forEach(items::add);
            String next = answer.path("pagination").path("next_page_token").asString(null);
            if (next == null || next.isBlank()) {
                return items;
            }
            page.put("page_token", next);
        }
    }

    @Override
    public WrittenEvent createEvent(String accessToken, String calendarId, EventDraft draft) {
        throw readOnly();
    }

    @Override
    public WrittenEvent updateEvent(String accessToken, String calendarId, String externalId, EventDraft draft) {
        throw readOnly();
    }

    @Override
    public void deleteEvent(String accessToken, String calendarId, String externalId) {
        throw readOnly();
    }

    private static ProviderException readOnly() {
        return new ProviderException.Permanent("Calendly takes no pushed events: its calendar is read-only", null);
    }

    /** The users' busy times (their Calendly bookings), a week per request as Calendly allows. */
    @Override
    public List<BusyInterval> freeBusy(String accessToken, List<String> calendarIds, Instant from, Instant to) {
        List<BusyInterval> busy = new ArrayList<>();
        for (String userUri : calendarIds) {
            for (Instant start = from; start.isBefore(to); start = start.plus(BUSY_TIMES_SPAN)) {
                Instant end = start.plus(BUSY_TIMES_SPAN).isBefore(to) ? start.plus(BUSY_TIMES_SPAN) : to;
                JsonNode answer = api.get(accessToken, api.url("/user_busy_times",
                        Map.of("user", userUri, "start_time", start.toString(), "end_time", end.toString())));
                for (JsonNode time : answer.path("collection")) {
                    busy.add(new BusyInterval(userUri, Instant.parse(time.path("start_time").asString()),
                            Instant.parse(time.path("end_time").asString())));
                }
            }
        }
        return busy;
    }

    @Override
    public PushChannel watch(String accessToken, String calendarId, String webhookUrl, Instant requestedExpiry) {
        JsonNode me = me(accessToken);
        String channelId = "calendly-" + randomToken(12);
        String token = randomToken(24);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", webhookUrl + "?channel=" + channelId + "&token=" + token);
        body.put("events", WEBHOOK_EVENTS);
        body.put("organization", me.path("current_organization").asString());
        body.put("user", calendarId);
        body.put("scope", "user");
        String subscription = api.post(accessToken, api.url("/webhook_subscriptions", Map.of()), body).path("resource").path("uri").asString();
        return new PushChannel(channelId, subscription, calendarId, token, checkBy(requestedExpiry));
    }

    /** Still {@code active} at Calendly: held another day; disabled (after failed deliveries) or gone: {@code NotFound}. */
    @Override
    public Optional<Instant> renewWatch(String accessToken, PushChannel channel, Instant requestedExpiry) {
        String state = api.get(accessToken, channel.resourceId()).path("resource").path("state").asString("");
        if (!"active".equals(state)) {
            throw new ProviderException.NotFound("the Calendly webhook subscription is " + state, null);
        }
        return Optional.of(checkBy(requestedExpiry));
    }

    @Override
    public void stopWatch(String accessToken, PushChannel channel) {
        try {
            api.delete(accessToken, channel.resourceId());
        } catch (ProviderException.NotFound alreadyGone) {
            // deleted at Calendly already: nothing to stop
        }
    }

    private Instant checkBy(Instant requestedExpiry) {
        Instant check = clock.instant().plus(CHANNEL_CHECK);
        return requestedExpiry != null && requestedExpiry.isBefore(check) ? requestedExpiry : check;
    }

    /** Cancels the booking as its host; Calendly tells the invitees, with the reason. */
    @Override
    public void cancelBooking(String accessToken, String externalId, String reason) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (reason != null) {
            body.put("reason", reason);
        }
        api.post(accessToken, externalId + "/cancellation", body);
    }

    @Override
    public void revoke(String token) {
        api.revoke(token);
    }

    /** One delivery per invitee change; a reschedule's two come together. */
    @Override
    public Optional<Duration> notificationBurst() {
        return Optional.of(NOTIFICATION_BURST);
    }

    @Override
    public WebhookReading readWebhook(WebhookRequest request) {
        return webhooks.read(request);
    }

    private String randomToken(int bytes) {
        byte[] value = new byte[bytes];
        random.nextBytes(value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }
}
