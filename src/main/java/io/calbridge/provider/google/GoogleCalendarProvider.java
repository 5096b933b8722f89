package io.calbridge.provider.google;

import com.google.api.client.util.DateTime;
import com.google.api.services.calendar.Calendar;
import com.google.api.services.calendar.CalendarScopes;
import com.google.api.services.calendar.model.CalendarList;
import com.google.api.services.calendar.model.CalendarListEntry;
import com.google.api.services.calendar.model.Channel;
import com.google.api.services.calendar.model.Event;
import com.google.api.services.calendar.model.Events;
import com.google.api.services.calendar.model.FreeBusyCalendar;
import com.google.api.services.calendar.model.FreeBusyRequest;
import com.google.api.services.calendar.model.FreeBusyRequestItem;
import com.google.api.services.calendar.model.FreeBusyResponse;
import com.google.api.services.calendar.model.TimePeriod;
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
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Google Calendar over the official client ({@code google-api-services-calendar}), at {@link GoogleSettings#apiBaseUrl()}.
 *
 * <p>OAuth: the least scopes that cover what calbridge does: {@code calendar.events} (read and write events, watch
 * them), {@code calendar.calendarlist.readonly} (list calendars; the primary entry's id is the account's email, so
 * neither {@code openid}/{@code email} nor a userinfo call is needed) and {@code calendar.freebusy} (free/busy
 * query). Offline access with {@code prompt=consent} so that Google issues a refresh token on every connect; PKCE.
 *
 * <p>Sync reads with {@code singleEvents=false}: a recurring series comes as its master (with {@code RRULE},
 * {@code EXDATE}) plus its changed or cancelled instances, and calbridge expands series itself. With
 * {@code singleEvents=true} Google would expand every series into instances, but an incremental sync may not
 * name {@code timeMin}/{@code timeMax} together with a {@code syncToken}: one edit of an endless weekly series would
 * send back its instances for years ahead, and each instance is another row to store and to keep current. The master
 * form keeps pages, calls and storage proportional to what changed. {@code showDeleted=true} brings deleted events and
 * cancelled instances as {@code status: cancelled}; a stale sync token (410 {@code fullSyncRequired}) is
 * {@link ProviderException.CursorExpired}.
 *
 * <p>Errors are typed by {@link GoogleErrors} (see there for what a 401 becomes); writes are in
 * {@link GoogleEventWriter}, the mapping in {@link GoogleEventMapper}.
 */
@Component
public class GoogleCalendarProvider implements CalendarProvider {

    public static final String ID = "google";
    public static final List<String> SCOPES = List.of(CalendarScopes.CALENDAR_EVENTS, CalendarScopes.CALENDAR_CALENDARLIST_READONLY,
            CalendarScopes.CALENDAR_FREEBUSY);

    static final int MAX_PAGE_SIZE = 2500;
    static final int DEFAULT_PAGE_SIZE = 250;
    /** Google answers free/busy for at most this many calendars per query. */
    static final int FREE_BUSY_CALENDARS_PER_QUERY = 50;

    private final ProviderDescriptor descriptor;
    private final GoogleApi api;
    private final GoogleEventWriter writer;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param settings endpoints and OAuth client (Google's real endpoints by default; an emulator's in tests)
     * @param clock    for reading a {@code Retry-After} given as an HTTP date
     */
    public GoogleCalendarProvider(GoogleSettings settings, Clock clock) {
        this.api = new GoogleApi(settings, clock);
        this.writer = new GoogleEventWriter(api);
        this.descriptor = new ProviderDescriptor(ID, "Google Calendar",
                Set.of(Capability.READ_EVENTS, Capability.WRITE_EVENTS, Capability.FREE_BUSY, Capability.PUSH_NOTIFICATIONS,
                        Capability.MEETING_LINKS),
                oauthClient(settings), settings.sandbox());
    }

    private static Optional<OAuthClient> oauthClient(GoogleSettings settings) {
        if (!settings.configured()) {
            return Optional.empty();
        }
        return Optional.of(new OAuthClient(settings.clientId(), settings.clientSecret(), settings.authUri(), settings.tokenUri(),
                settings.revokeUri(), SCOPES,
                Map.of("access_type", "offline", "prompt", "consent", "include_granted_scopes", "true"), true));
    }

    @Override
    public ProviderDescriptor descriptor() {
        return descriptor;
    }

    /**
     * Google's push message is all headers: the channel (id, the token calbridge gave it, the watched resource) and the
     * resource state, {@code sync} for the channel's first message and {@code exists}/{@code not_exists} for a change.
     */
    @Override
    public WebhookReading readWebhook(WebhookRequest request) {
        String channelId = request.header("X-Goog-Channel-ID");
        String state = request.header("X-Goog-Resource-State");
        String resourceId = request.header("X-Goog-Resource-ID");
        if (channelId == null || state == null || resourceId == null) {
            return new WebhookReading.Malformed(
                    "a Google push notification carries X-Goog-Channel-ID, X-Goog-Resource-ID and X-Goog-Resource-State");
        }
        WebhookReading.Kind kind = "sync".equals(state) ? WebhookReading.Kind.STARTED : WebhookReading.Kind.CHANGED;
        return new WebhookReading.Notifications(List.of(new WebhookReading.Notification(channelId, request.header("X-Goog-Channel-Token"),
                resourceId, kind)), 200);
    }

    /** The account is its primary calendar, whose id is the account's email address. */
    @Override
    public AccountInfo account(String accessToken) {
        Calendar calendar = api.calendar(accessToken);
        CalendarListEntry primary = api.execute("calendarList.get", () -> calendar.calendarList().get("primary"));
        String id = primary.getId();
        if (id == null || id.isBlank()) {
            throw new ProviderException.Permanent("Google's primary calendar has no id", null);
        }
        return new AccountInfo(id, id.contains("@") ? id : null);
    }

    @Override
    public List<CalendarInfo> calendars(String accessToken) {
        Calendar calendar = api.calendar(accessToken);
        List<CalendarInfo> result = new ArrayList<>();
        String pageToken = null;
        do {
            String page = pageToken;
            CalendarList list = api.execute("calendarList.list",
                    () -> calendar.calendarList().list().setMaxResults(250).setPageToken(page));
            if (list.getItems() != null) {
                list.getItems().stream().filter(entry -> !Boolean.TRUE.equals(entry.getDeleted())).map(GoogleCalendarProvider::calendarInfo)
                        .forEach(result::add);
            }
            pageToken = list.getNextPageToken();
        } while (pageToken != null);
        return result;
    }

    private static CalendarInfo calendarInfo(CalendarListEntry entry) {
        String name = entry.getSummaryOverride() != null && !entry.getSummaryOverride().isBlank() ? entry.getSummaryOverride()
                : entry.getSummary();
        boolean writable = "owner".equals(entry.getAccessRole()) || "writer".equals(entry.getAccessRole());
        return new CalendarInfo(entry.getId(), name, entry.getBackgroundColor(), Boolean.TRUE.equals(entry.getPrimary()), writable,
                entry.getTimeZone());
    }

    @Override
    public ChangePage changes(String accessToken, String calendarId, ChangeRequest request) {
        Calendar.Events.List list;
        try {
            list = api.calendar(accessToken).events().list(calendarId)
                    .setSingleEvents(false)
                    .setShowDeleted(true)
                    .setMaxResults(pageSize(request.pageSize()));
        } catch (IOException e) {
            throw api.errors().translate("events.list", e);
        }
        if (request.syncCursor() != null) {
            list.setSyncToken(request.syncCursor()); // Google refuses timeMin/timeMax beside a sync token
        } else {
            if (request.windowStart() != null) {
                list.setTimeMin(utc(request.windowStart()));
            }
            if (request.windowEnd() != null) {
                list.setTimeMax(utc(request.windowEnd()));
            }
        }
        if (request.pageCursor() != null) {
            list.setPageToken(request.pageCursor());
        }
        Events page;
        try {
            page = list.execute();
        } catch (IOException e) {
            if (GoogleErrors.status(e) == 410) {
                throw new ProviderException.CursorExpired("Google answered 410 " + GoogleErrors.reason(e)
                        + " for events.list: a full sync is required", e);
            }
            throw api.errors().translate("events.list", e);
        } catch (IllegalArgumentException e) {
            throw api.errors().unreadable("events.list", e);
        }
        List<RemoteEvent> events = new ArrayList<>();
        if (page.getItems() != null) {
            for (Event item : page.getItems()) {
                if (item.getId() != null) {
                    events.add(GoogleEventMapper.toRemote(item, calendarId, page.getTimeZone()));
                }
            }
        }
        String next = page.getNextPageToken();
        return new ChangePage(events, next, next == null ? page.getNextSyncToken() : null);
    }

    /** An RFC 3339 time in UTC ({@code ...Z}), whatever the JVM's default zone. */
    private static DateTime utc(Instant instant) {
        return new DateTime(instant.toEpochMilli(), 0);
    }

    static int pageSize(int requested) {
        return requested <= 0 ? DEFAULT_PAGE_SIZE : Math.min(requested, MAX_PAGE_SIZE);
    }

    @Override
    public WrittenEvent createEvent(String accessToken, String calendarId, EventDraft draft) {
        return writer.create(accessToken, calendarId, draft);
    }

    @Override
    public WrittenEvent updateEvent(String accessToken, String calendarId, String externalId, EventDraft draft) {
        return writer.update(accessToken, calendarId, externalId, draft);
    }

    @Override
    public void deleteEvent(String accessToken, String calendarId, String externalId) {
        writer.delete(accessToken, calendarId, externalId);
    }

    @Override
    public List<BusyInterval> freeBusy(String accessToken, List<String> calendarIds, Instant from, Instant to) {
        Calendar calendar = api.calendar(accessToken);
        List<BusyInterval> result = new ArrayList<>();
        for (int i = 0; i < calendarIds.size(); i += FREE_BUSY_CALENDARS_PER_QUERY) {
            List<String> chunk = calendarIds.subList(i, Math.min(calendarIds.size(), i + FREE_BUSY_CALENDARS_PER_QUERY));
            FreeBusyRequest query = new FreeBusyRequest()
                    .setTimeMin(utc(from))
                    .setTimeMax(utc(to))
                    .setItems(chunk.stream().map(id -> new FreeBusyRequestItem().setId(id)).toList());
            FreeBusyResponse answer = api.execute("freebusy.query", () -> calendar.freebusy().query(query));
            for (String id : chunk) {
                FreeBusyCalendar busy = answer.getCalendars() == null ? null : answer.getCalendars().get(id);
                if (busy == null) {
                    continue;
                }
                failOnCalendarError(id, busy);
                if (busy.getBusy() != null) {
                    for (TimePeriod period : busy.getBusy()) {
                        if (period.getStart() != null && period.getEnd() != null) {
                            result.add(new BusyInterval(id, Instant.ofEpochMilli(period.getStart().getValue()),
                                    Instant.ofEpochMilli(period.getEnd().getValue())));
                        }
                    }
                }
            }
        }
        return result;
    }

    /** Google reports a calendar it cannot answer for inside a 200 answer, as {@code errors: [{reason}]}. */
    private static void failOnCalendarError(String calendarId, FreeBusyCalendar busy) {
        if (busy.getErrors() == null || busy.getErrors().isEmpty()) {
            return;
        }
        String reason = busy.getErrors().get(0).getReason();
        String message = "Google free/busy for calendar " + calendarId + " failed: " + reason;
        if ("notFound".equals(reason)) {
            throw new ProviderException.NotFound(message, null);
        }
        if ("backendError".equals(reason) || "internalError".equals(reason)) {
            throw new ProviderException.Transient(message, null);
        }
        throw new ProviderException.Permanent(message, null);
    }

    /**
     * A web_hook channel on the calendar's events. Its token is a fresh 32-byte secret that Google echoes in
     * {@code X-Goog-Channel-Token}; Google may shorten the requested expiry, and its own expiry is returned.
     */
    @Override
    public PushChannel watch(String accessToken, String calendarId, String webhookUrl, Instant requestedExpiry) {
        String secret = randomSecret();
        Channel request = new Channel().setId(UUID.randomUUID().toString()).setType("web_hook").setAddress(webhookUrl).setToken(secret);
        if (requestedExpiry != null) {
            request.setExpiration(requestedExpiry.toEpochMilli());
        }
        Calendar calendar = api.calendar(accessToken);
        Channel channel = api.execute("events.watch", () -> calendar.events().watch(calendarId, request));
        Instant expiresAt = channel.getExpiration() != null ? Instant.ofEpochMilli(channel.getExpiration()) : requestedExpiry;
        String channelId = channel.getId() != null ? channel.getId() : request.getId();
        return new PushChannel(channelId, channel.getResourceId(), calendarId, secret, expiresAt);
    }

    /** Stops a channel; one Google no longer knows (404) is stopped already. */
    @Override
    public void stopWatch(String accessToken, PushChannel channel) {
        Calendar calendar = api.calendar(accessToken);
        Channel stop = new Channel().setId(channel.channelId()).setResourceId(channel.resourceId());
        try {
            api.execute("channels.stop", () -> calendar.channels().stop(stop));
        } catch (ProviderException.NotFound gone) {
            // nothing left to stop
        }
    }

    @Override
    public void revoke(String token) {
        api.revoke(token);
    }

    private String randomSecret() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
