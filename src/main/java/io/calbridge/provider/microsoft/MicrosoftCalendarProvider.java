package io.calbridge.provider.microsoft;

import com.microsoft.graph.models.Calendar;
import com.microsoft.graph.models.CalendarCollectionResponse;
import com.microsoft.graph.models.CalendarColor;
import com.microsoft.graph.models.Organization;
import com.microsoft.graph.models.OrganizationCollectionResponse;
import com.microsoft.graph.models.Subscription;
import com.microsoft.graph.models.User;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.calendars.item.calendarview.delta.DeltaRequestBuilder;
import com.microsoft.kiota.RequestInformation;
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
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Microsoft 365 / Outlook calendars over the official Graph SDK ({@code microsoft-graph} 6), at
 * {@link MicrosoftSettings#graphBaseUrl()}; the client is built in {@link GraphApi} (no SDK retries).
 *
 * <p>OAuth (identity platform v2, auth-code flow with PKCE): {@code offline_access} (a refresh token),
 * {@code Calendars.ReadWrite}, {@code User.Read} ({@code /me} and the organization), and {@code openid email profile}
 * so the token answer carries an id_token naming tenant and user. {@code prompt=select_account}: Microsoft issues a
 * refresh token on every grant that includes {@code offline_access}, so there is no need to force the consent screen
 * (Google's {@code prompt=consent} reason); but a browser often holds a work and a personal account, and the user must
 * choose which to connect. Microsoft has no token revocation endpoint: {@link #revoke} does nothing.
 *
 * <p>Sync reads each calendar's {@code calendarView/delta} over the sync window: a full sync names the window, later
 * pages and rounds follow {@code @odata.nextLink} (the page cursor) and {@code @odata.deltaLink} (the sync cursor),
 * which carry it. Occurrences of a series arrive with their times only and are completed from the series master,
 * fetched once per master and page. A dead delta token (410, {@code SyncStateNotFound}, {@code resyncRequired}) is
 * {@link ProviderException.CursorExpired}. Mapping: {@link MicrosoftEventMapper}; writes: {@link MicrosoftEventWriter};
 * free/busy: {@link MicrosoftFreeBusy}; errors: {@link MicrosoftErrors}; webhooks: {@link MicrosoftWebhooks}.
 */
@Component
public class MicrosoftCalendarProvider implements CalendarProvider {

    public static final String ID = "microsoft";
    public static final List<String> SCOPES = List.of("offline_access", "Calendars.ReadWrite", "User.Read", "openid", "email", "profile");
    /** The tenant of every personal Microsoft account. */
    public static final String PERSONAL_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad";

    static final int DEFAULT_PAGE_SIZE = 100;
    static final int MAX_PAGE_SIZE = 1000;
    /** Graph keeps an Outlook event subscription for at most 7 days (10080 minutes). */
    static final Duration MAX_SUBSCRIPTION = Duration.ofMinutes(10080);
    /** Asked for a little less than the maximum, so clock skew cannot make Graph refuse it. */
    static final Duration SUBSCRIPTION_MARGIN = Duration.ofMinutes(15);
    static final String CHANGE_TYPES = "created,updated,deleted";

    private final ProviderDescriptor descriptor;
    private final GraphApi api;
    private final MicrosoftEventWriter writer;
    private final MicrosoftFreeBusy freeBusy;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param settings endpoints and OAuth client (Microsoft's real endpoints by default; an emulator's in tests)
     * @param clock    for subscription expiries and for reading a {@code Retry-After} given as an HTTP date
     */
    public MicrosoftCalendarProvider(MicrosoftSettings settings, Clock clock) {
        this.clock = clock;
        this.api = new GraphApi(settings, clock);
        this.writer = new MicrosoftEventWriter(api);
        this.freeBusy = new MicrosoftFreeBusy(api);
        this.descriptor = new ProviderDescriptor(ID, "Microsoft Outlook",
                Set.of(Capability.READ_EVENTS, Capability.WRITE_EVENTS, Capability.FREE_BUSY, Capability.PUSH_NOTIFICATIONS,
                        Capability.MEETING_LINKS),
                oauthClient(settings), settings.sandbox());
    }

    private static Optional<OAuthClient> oauthClient(MicrosoftSettings settings) {
        if (!settings.configured()) {
            return Optional.empty();
        }
        return Optional.of(new OAuthClient(settings.clientId(), settings.clientSecret(), settings.authUri(), settings.tokenUri(), null,
                SCOPES, Map.of("prompt", "select_account"), true));
    }

    @Override
    public ProviderDescriptor descriptor() {
        return descriptor;
    }

    /**
     * The account: {@code tenant/objectId}, stable across reconnects and unique across tenants (an object id is unique
     * only within its tenant). The tenant is the organization's id for work and school accounts; {@code /organization}
     * is not offered to personal accounts (an error or an empty list), whose tenant is {@link #PERSONAL_TENANT}.
     * The email is {@code mail}, else {@code userPrincipalName}.
     */
    @Override
    public AccountInfo account(String accessToken) {
        GraphServiceClient client = api.client(accessToken);
        User me = api.call("me.get", () -> client.me().get(config -> config.queryParameters.select =
                new String[] {"id", "mail", "userPrincipalName"}));
        if (me == null || me.getId() == null || me.getId().isBlank()) {
            throw new ProviderException.Permanent("Microsoft Graph /me has no id", null);
        }
        String email = me.getMail() != null && !me.getMail().isBlank() ? me.getMail() : me.getUserPrincipalName();
        return new AccountInfo(tenant(client).orElse(PERSONAL_TENANT) + "/" + me.getId(), email);
    }

    /** The work or school tenant's id, or empty for a personal account. */
    private Optional<String> tenant(GraphServiceClient client) {
        OrganizationCollectionResponse organizations;
        try {
            organizations = api.call("organization.list", () -> client.organization().get(config -> config.queryParameters.select =
                    new String[] {"id"}));
        } catch (ProviderException.Permanent | ProviderException.NotFound personal) {
            return Optional.empty();
        }
        if (organizations == null || organizations.getValue() == null) {
            return Optional.empty();
        }
        return organizations.getValue().stream().map(Organization::getId).filter(id -> id != null && !id.isBlank()).findFirst();
    }

    @Override
    public List<CalendarInfo> calendars(String accessToken) {
        List<CalendarInfo> result = new ArrayList<>();
        for (Calendar calendar : allCalendars(api.client(accessToken))) {
            result.add(new CalendarInfo(calendar.getId(), calendar.getName(), color(calendar), Boolean.TRUE.equals(calendar.getIsDefaultCalendar()),
                    Boolean.TRUE.equals(calendar.getCanEdit()), null));
        }
        return result;
    }

    private List<Calendar> allCalendars(GraphServiceClient client) {
        List<Calendar> result = new ArrayList<>();
        var calendars = client.me().calendars();
        CalendarCollectionResponse page = api.call("calendars.list", () -> calendars.get(config -> GraphApi.prefer(config.headers, null)));
        while (page != null) {
            if (page.getValue() != null) {
                page.getValue().stream().filter(c -> c.getId() != null).forEach(result::add);
            }
            String next = page.getOdataNextLink();
            if (next == null) {
                break;
            }
            page = api.call("calendars.list", () -> calendars.withUrl(next).get(config -> GraphApi.prefer(config.headers, null)));
        }
        return result;
    }

    /** {@code hexColor} (a CSS hex colour) where the user picked one, else Outlook's named colour, else none. */
    static String color(Calendar calendar) {
        String hex = calendar.getHexColor();
        if (hex != null && hex.matches("#[0-9a-fA-F]{6}")) {
            return hex.toLowerCase();
        }
        CalendarColor color = calendar.getColor();
        if (color == null) {
            return null;
        }
        return switch (color) {
            case LightBlue -> "#a6d1f5";
            case LightGreen -> "#87d28e";
            case LightOrange -> "#fcab73";
            case LightGray -> "#c0c0c0";
            case LightYellow -> "#f4d07a";
            case LightTeal -> "#8ad3d6";
            case LightPink -> "#f08cc0";
            case LightBrown -> "#cba287";
            case LightRed -> "#f09396";
            default -> null; // auto: Outlook picks; maxColor is no colour
        };
    }

    /** A delta link keeps the window its first request named: events outside it never appear in later rounds. */
    @Override
    public boolean cursorKeepsWindow() {
        return true;
    }

    /**
     * One page of the calendar view's delta. The SDK builds and sends the request (auth, Prefer headers, its error
     * types); the page's JSON is read by Jackson, not into the SDK's models: their parse took most of a full sync's CPU
     * (measured with MicrosoftSyncBenchmark, see README).
     */
    @Override
    public ChangePage changes(String accessToken, String calendarId, ChangeRequest request) {
        GraphServiceClient client = api.client(accessToken);
        DeltaRequestBuilder delta = client.me().calendars().byCalendarId(calendarId).calendarView().delta();
        int pageSize = pageSize(request.pageSize());
        String link = request.pageCursor() != null ? request.pageCursor() : request.syncCursor();
        RequestInformation pageRequest;
        if (link != null) {
            pageRequest = delta.withUrl(link).toGetRequestInformation(config -> GraphApi.prefer(config.headers, pageSize));
        } else {
            if (request.windowStart() == null || request.windowEnd() == null) {
                throw new ProviderException.Permanent("a full sync of an Outlook calendar view needs a window", null);
            }
            pageRequest = delta.toGetRequestInformation(config -> {
                GraphApi.prefer(config.headers, pageSize);
                config.queryParameters.startDateTime = request.windowStart().toString();
                config.queryParameters.endDateTime = request.windowEnd().toString();
            });
        }
        JsonNode page;
        try {
            page = api.json(client, pageRequest);
        } catch (RuntimeException e) {
            if (link != null && MicrosoftErrors.isSyncStateLost(e)) {
                throw new ProviderException.CursorExpired("Microsoft Graph answered " + MicrosoftErrors.status(e) + " "
                        + MicrosoftErrors.code(e) + " for calendarView.delta: a full sync is required", e);
            }
            throw api.errors().translate("calendarView.delta", e);
        }
        if (page == null || !page.isObject()) {
            throw new ProviderException.Permanent("Microsoft Graph answered calendarView.delta without a JSON object", null);
        }
        List<RemoteEvent> events = new ArrayList<>();
        Map<String, Optional<JsonNode>> masters = new HashMap<>();
        for (JsonNode item : page.path("value")) {
            if (MicrosoftEventMapper.text(item, "id") == null) {
                continue;
            }
            JsonNode master = MicrosoftEventMapper.needsMaster(item)
                    ? masters.computeIfAbsent(MicrosoftEventMapper.text(item, "seriesMasterId"), id -> master(client, id)).orElse(null)
                    : null;
            events.add(MicrosoftEventMapper.toRemote(item, master, calendarId));
        }
        String next = MicrosoftEventMapper.text(page, "@odata.nextLink");
        String deltaLink = MicrosoftEventMapper.text(page, "@odata.deltaLink");
        if (next == null && deltaLink == null) {
            throw new ProviderException.Permanent("Microsoft Graph's delta page has neither a nextLink nor a deltaLink", null);
        }
        return new ChangePage(events, next, next == null ? deltaLink : null);
    }

    /** A series master, for its occurrences' fields; empty when it is gone (its occurrences then go too). */
    private Optional<JsonNode> master(GraphServiceClient client, String masterId) {
        RequestInformation get = client.me().events().byEventId(masterId).toGetRequestInformation(config -> GraphApi.prefer(config.headers, null));
        try {
            return Optional.ofNullable(api.call("events.get", () -> api.json(client, get)));
        } catch (ProviderException.NotFound gone) {
            return Optional.empty();
        }
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

    /** getSchedule for a work account's default calendar, the calendar view for the rest (see {@link MicrosoftFreeBusy}). */
    @Override
    public List<BusyInterval> freeBusy(String accessToken, List<String> calendarIds, Instant from, Instant to) {
        GraphServiceClient client = api.client(accessToken);
        Map<String, String> defaultOwners = new LinkedHashMap<>();
        if (tenant(client).isPresent()) {
            for (Calendar calendar : allCalendars(client)) {
                if (Boolean.TRUE.equals(calendar.getIsDefaultCalendar()) && calendar.getOwner() != null
                        && calendar.getOwner().getAddress() != null) {
                    defaultOwners.put(calendar.getId(), calendar.getOwner().getAddress());
                }
            }
        }
        return freeBusy.busy(client, defaultOwners, calendarIds, from, to);
    }

    /**
     * A subscription to the calendar's events. Change and lifecycle notifications both go to {@code webhookUrl};
     * {@code clientState} is a fresh 32-byte secret (43 characters, within Graph's 128) that Graph echoes on every
     * notification. The expiry is the requested one, at most 7 days less a margin; Graph's answer gives the real one.
     */
    @Override
    public PushChannel watch(String accessToken, String calendarId, String webhookUrl, Instant requestedExpiry) {
        String secret = randomSecret();
        String resource = "me/calendars/" + calendarId + "/events";
        Instant expiry = subscriptionExpiry(requestedExpiry);
        Subscription request = new Subscription();
        request.setChangeType(CHANGE_TYPES);
        request.setNotificationUrl(webhookUrl);
        request.setLifecycleNotificationUrl(webhookUrl);
        request.setResource(resource);
        request.setExpirationDateTime(expiry.atOffset(ZoneOffset.UTC));
        request.setClientState(secret);
        GraphServiceClient client = api.client(accessToken);
        Subscription created = api.call("subscriptions.create", () -> client.subscriptions().post(request));
        if (created == null || created.getId() == null) {
            throw new ProviderException.Permanent("Microsoft Graph created a subscription without an id", null);
        }
        Instant expiresAt = created.getExpirationDateTime() != null ? created.getExpirationDateTime().toInstant() : expiry;
        return new PushChannel(created.getId(), resource, calendarId, secret, expiresAt);
    }

    /**
     * {@code PATCH /subscriptions/{id}} with a new expiry: Graph's renewal, which also reauthorizes the subscription
     * (what a {@code reauthorizationRequired} lifecycle notification asks for). A subscription Graph no longer knows
     * answers {@link ProviderException.NotFound}.
     */
    @Override
    public Optional<Instant> renewWatch(String accessToken, PushChannel channel, Instant requestedExpiry) {
        Instant expiry = subscriptionExpiry(requestedExpiry);
        Subscription renewal = new Subscription();
        renewal.setExpirationDateTime(expiry.atOffset(ZoneOffset.UTC));
        GraphServiceClient client = api.client(accessToken);
        Subscription renewed = api.call("subscriptions.update", () -> client.subscriptions().bySubscriptionId(channel.channelId()).patch(renewal));
        return Optional.of(renewed != null && renewed.getExpirationDateTime() != null ? renewed.getExpirationDateTime().toInstant() : expiry);
    }

    /** The requested expiry, at most Graph's longest less a margin. */
    private Instant subscriptionExpiry(Instant requestedExpiry) {
        Instant latest = clock.instant().plus(MAX_SUBSCRIPTION).minus(SUBSCRIPTION_MARGIN);
        return requestedExpiry == null || requestedExpiry.isAfter(latest) ? latest : requestedExpiry;
    }

    /** Deletes the subscription; one Graph no longer knows (404) is gone already. */
    @Override
    public void stopWatch(String accessToken, PushChannel channel) {
        GraphServiceClient client = api.client(accessToken);
        try {
            api.run("subscriptions.delete", () -> client.subscriptions().bySubscriptionId(channel.channelId()).delete());
        } catch (ProviderException.NotFound gone) {
            // nothing left to stop
        }
    }

    /**
     * Nothing to call: the Microsoft identity platform has no token revocation endpoint. Disconnecting deletes the
     * subscriptions and calbridge's tokens; the user removes the app's consent at myapps.microsoft.com (or an admin
     * revokes sessions) to end the grant itself.
     */
    @Override
    public void revoke(String token) {
        // no revocation endpoint at Microsoft
    }

    @Override
    public WebhookReading readWebhook(WebhookRequest request) {
        return MicrosoftWebhooks.read(request);
    }

    private String randomSecret() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
