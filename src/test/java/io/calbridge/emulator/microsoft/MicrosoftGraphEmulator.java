package io.calbridge.emulator.microsoft;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * A stateful emulator (in memory, or kept in a directory: {@link MicrosoftGraphEmulatorBuilder#persistTo}) of the
 * Microsoft identity platform (v2 authorize and token endpoints) and the Microsoft Graph v1.0 calendar API over real
 * HTTP, for tests, benchmarks and the sandbox. Point the Graph SDK's base URL at {@link #graphBaseUrl()} and an OAuth
 * client at {@link #authorizationUri(String)} and {@link #tokenUri(String)}. The public methods below (and the same
 * over HTTP under {@code /_control/}, see {@link ControlApi}) change its state "from Microsoft's side". Thread-safe.
 *
 * <p>Where the docs leave things open, this emulator chooses what the real service appears to do:
 * <ul>
 * <li>Ids are opaque strings ending in "=" ({@code AAMkAG…=}); {@code Prefer: IdType="ImmutableId"} shows ids with
 *     another prefix ({@code AAkALg…=}); both kinds are accepted on every request. Ids never change here, since
 *     events are never moved between calendars.</li>
 * <li>An occurrence's id encodes its series and original start; an exception keeps its occurrence's id.</li>
 * <li>A created event's changeKey changes once right after the create answered (Exchange processing the new item),
 *     so If-Match with the create's etag answers 412 ErrorIrresolvableConflict; that extra change notifies nobody.</li>
 * <li>calendarView/delta pages default to 10 items; {@code Prefer: odata.maxpagesize} (capped at 1000) is read on every
 *     page request, so a nextLink request without it gets 10. A delta token stays valid until
 *     {@link #expireDeltaTokens} (real tokens also expire when the sync-state cache drops them; not emulated), then
 *     answers 410 SyncStateNotFound. An unknown or evicted skiptoken answers the same.</li>
 * <li>Times are UTC unless {@code Prefer: outlook.timezone} names a zone (Windows or IANA); all-day events stay
 *     midnight to midnight whatever the zone. Events keep the zone they were written in as originalStartTimeZone,
 *     stored with its Windows name when one is known.</li>
 * <li>Teams join URLs are made for work accounts only; on a personal account isOnlineMeeting stays false.</li>
 * <li>The id_token is HS256-signed with the client secret (alg "none" for public clients). Token responses' scope
 *     lists Graph permissions with the {@code https://graph.microsoft.com/} prefix and OIDC scopes bare.</li>
 * <li>At most {@value Mailbox#CONCURRENCY_LIMIT} Graph requests per mailbox run at once; the next gets 429
 *     ApplicationThrottled (innerError MailboxConcurrency) with Retry-After: 1.</li>
 * <li>getSchedule answers 400 ErrorInvalidRequest for personal accounts.</li>
 * </ul>
 *
 * <pre>{@code
 * try (MicrosoftGraphEmulator microsoft = MicrosoftGraphEmulator.builder().autoApprove(true).start()) {
 *     String calendar = microsoft.defaultCalendarId(MicrosoftGraphEmulator.DEFAULT_ACCOUNT);
 *     microsoft.seedEvents(MicrosoftGraphEmulator.DEFAULT_ACCOUNT, calendar, 1000, Instant.parse("2026-01-05T09:00:00Z"), Duration.ofHours(1), Duration.ofMinutes(30));
 * }
 * }</pre>
 */
public final class MicrosoftGraphEmulator implements AutoCloseable {

    public static final String CONTROL_PATH = "/_control";
    /** The work account the consent page proposes when the request has no login_hint. */
    public static final String DEFAULT_ACCOUNT = "sandbox.user@contoso.onmicrosoft.com";
    /** The tenant of the default account. */
    public static final String DEFAULT_TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    public static final String DEFAULT_CLIENT_ID = "00000000-0000-0000-0000-00000ca1b41d";
    public static final String DEFAULT_CLIENT_SECRET = "calbridge-sandbox-client-secret";
    /** Microsoft's tenant id of every personal account. */
    public static final String CONSUMER_TENANT = Mailbox.CONSUMER_TENANT;
    /** What a calendar app asks for. */
    public static final String CALENDAR_SCOPES = "offline_access Calendars.ReadWrite User.Read openid email profile";

    private final Directory directory;
    private final Identity identity;
    private final Events events;
    private final DeltaQuery delta = new DeltaQuery();
    private final Subscriptions subscriptions;
    private final Faults faults = new Faults();
    private final GraphApi graph;
    private final HttpFront http;
    private final StateFile state;
    private final boolean restored;
    private final String defaultTimeZone;
    private volatile int rateLimitPerMinute;

    MicrosoftGraphEmulator(MicrosoftGraphEmulatorBuilder builder) throws IOException {
        directory = new Directory(builder.clock);
        identity = new Identity(directory);
        identity.accessTokenLifetime = builder.accessTokenLifetime;
        identity.autoApprove = builder.autoApprove;
        identity.revokeRotatedRefreshTokens = builder.revokeRotatedRefreshTokens;
        identity.defaultAccount = builder.defaultAccount;
        identity.registerClient(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, Set.of());
        defaultTimeZone = WindowsZones.storedName(builder.defaultTimeZone);
        rateLimitPerMinute = builder.rateLimitPerMinute;
        events = new Events(directory);
        subscriptions = new Subscriptions(directory);
        http = new HttpFront("127.0.0.1", builder.port, builder.threads);
        directory.baseUrl = "http://127.0.0.1:" + http.port();
        state = builder.stateDirectory == null ? null : new StateFile(builder.stateDirectory, directory, identity, subscriptions);
        try {
            restored = state != null && state.load();
        } catch (RuntimeException e) {
            http.stop();
            subscriptions.shutdown();
            throw e;
        }
        directory.listener = (mailbox, calendar, changeType, eventId) -> {
            subscriptions.changed(mailbox, calendar, changeType, eventId);
            stateChanged();
        };
        graph = new GraphApi(directory, identity, events, delta, subscriptions, faults, () -> rateLimitPerMinute);
        route(GraphApi.PREFIX, graph);
        route(CONTROL_PATH + "/", new ControlApi(this));
        route("/", request -> {
            List<String> s = request.segments("/");
            if (s.size() == 3 && s.get(1).equals("oauth2") && s.get(2).startsWith("v2.0")) {
                throw GraphException.identity(404, "invalid_request", 90002, "Unknown endpoint.");
            }
            if (s.size() == 4 && s.get(1).equals("oauth2") && s.get(2).equals("v2.0")) {
                if (s.get(3).equals("authorize")) {
                    faults.apply("identity.authorize", true);
                    return identity.authorize(request, s.get(0));
                }
                if (s.get(3).equals("token")) {
                    faults.apply(Identity.operationName(request.form()), true);
                    return identity.token(request, s.get(0));
                }
            }
            throw GraphException.graph(404, "UnknownError", "Not found.");
        });
        if (directory.byEmail(builder.defaultAccount) == null) {
            createWorkAccount(builder.defaultAccount, "Sandbox User", DEFAULT_TENANT, defaultTimeZone);
        }
        http.start();
    }

    /** A request other than a read may change state: the state file is written after it. */
    private void route(String prefix, HttpFront.Handler handler) {
        http.route(prefix, request -> {
            try {
                return handler.handle(request);
            } finally {
                if (!request.method.equals("GET")) {
                    stateChanged();
                }
            }
        });
    }

    private void stateChanged() {
        if (state != null) {
            state.changed();
        }
    }

    public static MicrosoftGraphEmulatorBuilder builder() {
        return new MicrosoftGraphEmulatorBuilder();
    }

    public static MicrosoftGraphEmulator start() {
        return builder().start();
    }

    // ---- where it is --------------------------------------------------------------------------------------------

    public int port() {
        return http.port();
    }

    /** {@code http://127.0.0.1:{port}}: the authority host (login.microsoftonline.com's stand-in). */
    public String baseUrl() {
        return directory.baseUrl;
    }

    /** {@code http://127.0.0.1:{port}/v1.0}: the Graph SDK's base URL (graph.microsoft.com/v1.0's stand-in). */
    public String graphBaseUrl() {
        return directory.baseUrl + "/v1.0";
    }

    /** {@code {base}/{tenant}/oauth2/v2.0/authorize}; tenant: common, organizations, consumers or a tenant id. */
    public String authorizationUri(String tenant) {
        return directory.baseUrl + "/" + tenant + "/oauth2/v2.0/authorize";
    }

    public String tokenUri(String tenant) {
        return directory.baseUrl + "/" + tenant + "/oauth2/v2.0/token";
    }

    public String controlUrl() {
        return directory.baseUrl + CONTROL_PATH;
    }

    public boolean restoredState() {
        return restored;
    }

    @Override
    public void close() {
        http.stop();
        subscriptions.shutdown();
        if (state != null) {
            state.close();
        }
    }

    // ---- identity -----------------------------------------------------------------------------------------------

    /** A confidential client whose redirect URIs are not checked. */
    public void registerClient(String clientId, String clientSecret) {
        identity.registerClient(clientId, clientSecret, Set.of());
        stateChanged();
    }

    /** A client limited to these redirect URIs; a null secret makes it a public client (PKCE required). */
    public void registerClient(String clientId, String clientSecret, Collection<String> redirectUris) {
        identity.registerClient(clientId, clientSecret, Set.copyOf(redirectUris));
        stateChanged();
    }

    public void setAutoApprove(boolean autoApprove) {
        identity.autoApprove = autoApprove;
    }

    /** The account the consent page proposes (and auto-approval uses) without a login_hint; it must exist. */
    public void setDefaultAccount(String userPrincipalName) {
        identity.defaultAccount = directory.existing(userPrincipalName).userPrincipalName;
    }

    /** The expires_in of access tokens issued from now on. */
    public void setAccessTokenLifetime(Duration lifetime) {
        identity.accessTokenLifetime = lifetime;
    }

    /** true: a refresh token dies when it is used (the default, false, keeps Microsoft's behaviour: it stays valid). */
    public void setRevokeRotatedRefreshTokens(boolean revoke) {
        identity.revokeRotatedRefreshTokens = revoke;
    }

    /** Graph requests per minute and mailbox before 429; 0 for none. */
    public void setRateLimitPerMinute(int requests) {
        rateLimitPerMinute = requests;
    }

    /** Tokens for {@link #DEFAULT_CLIENT_ID} without the browser round trip. */
    public IssuedTokens issueTokens(String userPrincipalName, String scope) {
        return issueTokens(DEFAULT_CLIENT_ID, userPrincipalName, scope);
    }

    public IssuedTokens issueTokens(String clientId, String userPrincipalName, String scope) {
        ObjectNode json = identity.issue(clientId, userPrincipalName, scope);
        stateChanged();
        return new IssuedTokens(Json.text(json, "access_token"), Json.text(json, "refresh_token"), Json.text(json, "id_token"),
                json.path("expires_in").asLong(), Json.text(json, "scope"));
    }

    /**
     * As if the user (or an admin) withdrew the app's access: access tokens answer 401, refresh answers invalid_grant
     * with this AADSTS code (50173 grant revoked, 65001 consent required, 700082 refresh token expired, 70008 expired).
     */
    public void revokeConsent(String userPrincipalName, int aadstsCode) {
        identity.revokeConsent(userPrincipalName, aadstsCode);
        stateChanged();
    }

    /** Every access token issued so far expires now (refresh tokens keep working). */
    public void expireAccessTokens() {
        identity.expireAccessTokens();
        stateChanged();
    }

    /**
     * The account's access tokens issued so far expire now, as an hour-old one does: Graph answers them 401
     * InvalidAuthenticationToken ("Lifetime validation failed, the token is expired"); refresh tokens keep working.
     */
    public void expireAccessTokens(String userPrincipalName) {
        identity.expireAccessTokens(userPrincipalName);
        stateChanged();
    }

    // ---- accounts and calendars ---------------------------------------------------------------------------------

    /** A work or school account in a tenant (a GUID), with a mailbox in the zone (Windows or IANA name); returns its object id. */
    public String createWorkAccount(String userPrincipalName, String displayName, String tenantId, String timeZone) {
        Mailbox mailbox = directory.create(userPrincipalName, displayName, false, tenantId, zoneOrDefault(timeZone), true, null);
        ensureCalendar(mailbox);
        stateChanged();
        return mailbox.id;
    }

    /** A personal Microsoft account (tenant {@link #CONSUMER_TENANT}); withMail false leaves /me's mail null, as for some. */
    public String createPersonalAccount(String email, String displayName, String timeZone, boolean withMail) {
        Mailbox mailbox = directory.create(email, displayName, true, CONSUMER_TENANT, zoneOrDefault(timeZone), withMail, null);
        ensureCalendar(mailbox);
        stateChanged();
        return mailbox.id;
    }

    private String zoneOrDefault(String zone) {
        if (zone == null) {
            return defaultTimeZone;
        }
        if (WindowsZones.zone(zone) == null) {
            throw new IllegalArgumentException("unknown time zone " + zone);
        }
        return WindowsZones.storedName(zone);
    }

    private static void ensureCalendar(Mailbox mailbox) {
        mailbox.lock.writeLock().lock();
        try {
            if (mailbox.calendars.isEmpty()) {
                mailbox.calendars.add(new Mailbox.Calendar(Mailbox.newKey(), "Calendar", true));
            }
        } finally {
            mailbox.lock.writeLock().unlock();
        }
    }

    public String accountId(String userPrincipalName) {
        return directory.existing(userPrincipalName).id;
    }

    public String tenantId(String userPrincipalName) {
        return directory.existing(userPrincipalName).tenantId;
    }

    public String defaultCalendarId(String userPrincipalName) {
        return EventJson.id(directory.existing(userPrincipalName).defaultCalendar().key, false);
    }

    /** A further calendar; returns its id. */
    public String createCalendar(String userPrincipalName, String name) {
        Mailbox mailbox = directory.existing(userPrincipalName);
        Mailbox.Calendar calendar = new Mailbox.Calendar(Mailbox.newKey(), name, false);
        mailbox.lock.writeLock().lock();
        try {
            mailbox.calendars.add(calendar);
        } finally {
            mailbox.lock.writeLock().unlock();
        }
        stateChanged();
        return EventJson.id(calendar.key, false);
    }

    public List<String> calendarIds(String userPrincipalName) {
        Mailbox mailbox = directory.existing(userPrincipalName);
        mailbox.lock.readLock().lock();
        try {
            return mailbox.calendars.stream().map(c -> EventJson.id(c.key, false)).toList();
        } finally {
            mailbox.lock.readLock().unlock();
        }
    }

    private Mailbox.Calendar calendar(Mailbox mailbox, String calendarId) {
        String key = EventJson.key(calendarId);
        mailbox.lock.readLock().lock();
        try {
            Mailbox.Calendar calendar = key == null ? null : mailbox.calendar(key);
            if (calendar == null) {
                throw new IllegalArgumentException("no calendar " + calendarId + " in " + mailbox.userPrincipalName);
            }
            return calendar;
        } finally {
            mailbox.lock.readLock().unlock();
        }
    }

    // ---- events, from Microsoft's side --------------------------------------------------------------------------

    /** Creates an event from Graph event JSON (as POST /events would; change notifications follow); returns its id. */
    public String createEvent(String userPrincipalName, String calendarId, String eventJson) {
        Mailbox mailbox = directory.existing(userPrincipalName);
        return EventJson.id(events.create(mailbox, calendar(mailbox, calendarId), Json.parseObject(eventJson.getBytes(StandardCharsets.UTF_8))).key, false);
    }

    /** {@code count} timed events "Seeded event 1..count", one every step; returns their ids. Fast (one lock, no JSON). */
    public List<String> seedEvents(String userPrincipalName, String calendarId, int count, Instant firstStart, Duration step, Duration length) {
        Mailbox mailbox = directory.existing(userPrincipalName);
        return events.seed(mailbox, calendar(mailbox, calendarId), count, firstStart, step, length, "Seeded event");
    }

    /** Applies a Graph PATCH body as an edit in Outlook; an occurrence id makes an exception. */
    public void updateEvent(String userPrincipalName, String eventId, String patchJson) {
        events.update(directory.existing(userPrincipalName), null, eventId, Json.parseObject(patchJson.getBytes(StandardCharsets.UTF_8)), null);
    }

    /** Moves an event (or one occurrence, which becomes an exception) to new times, in the event's own time zone. */
    public void moveEvent(String userPrincipalName, String eventId, Instant newStart, Instant newEnd) {
        Mailbox mailbox = directory.existing(userPrincipalName);
        String zone;
        mailbox.lock.readLock().lock();
        try {
            Events.Target target = Events.find(mailbox, eventId, null);
            if (target == null) {
                throw new IllegalArgumentException("no event " + eventId);
            }
            zone = (target.isVirtualOccurrence() ? target.master() : target.stored()).zone;
        } finally {
            mailbox.lock.readLock().unlock();
        }
        java.time.ZoneId id = WindowsZones.zone(zone);
        ObjectNode patch = Json.object();
        patch.putObject("start").put("dateTime", Json.graphLocal(LocalDateTime.ofInstant(newStart, id))).put("timeZone", zone);
        patch.putObject("end").put("dateTime", Json.graphLocal(LocalDateTime.ofInstant(newEnd, id))).put("timeZone", zone);
        events.update(mailbox, null, eventId, patch, null);
    }

    /** Deletes an event (a series with its exceptions; an occurrence id cancels that occurrence). */
    public void deleteEvent(String userPrincipalName, String eventId) {
        events.delete(directory.existing(userPrincipalName), null, eventId, null, false);
    }

    /** Cancels one occurrence of a series; returns the occurrence's id. */
    public String cancelOccurrence(String userPrincipalName, String seriesMasterId, Instant originalStart) {
        String id = occurrenceId(seriesMasterId, originalStart);
        deleteEvent(userPrincipalName, id);
        return id;
    }

    /** Moves one occurrence of a series (it becomes an exception); returns its id. */
    public String moveOccurrence(String userPrincipalName, String seriesMasterId, Instant originalStart, Instant newStart, Instant newEnd) {
        String id = occurrenceId(seriesMasterId, originalStart);
        moveEvent(userPrincipalName, id, newStart, newEnd);
        return id;
    }

    /** The id of a series' occurrence at its original start. */
    public static String occurrenceId(String seriesMasterId, Instant originalStart) {
        String key = EventJson.key(seriesMasterId);
        if (key == null) {
            throw new IllegalArgumentException("not an event id: " + seriesMasterId);
        }
        return EventJson.id(StoredEvent.occurrenceKey(key, originalStart), false);
    }

    /** Makes a stored event an invitation from someone else, answered by the user (accepted, declined, tentativelyAccepted, notResponded). */
    public void makeInvitation(String userPrincipalName, String eventId, String organizerName, String organizerAddress, String response) {
        events.makeInvitation(directory.existing(userPrincipalName), eventId, organizerName, organizerAddress, response);
        stateChanged();
    }

    /** Every delta token and skiptoken issued for the account's calendars answers 410 SyncStateNotFound from now on. */
    public void expireDeltaTokens(String userPrincipalName) {
        Mailbox mailbox = directory.existing(userPrincipalName);
        mailbox.lock.writeLock().lock();
        try {
            mailbox.deltaEpoch++;
        } finally {
            mailbox.lock.writeLock().unlock();
        }
        delta.reset();
        stateChanged();
    }

    /** Believable events around today in the account's default calendar: see {@link DemoEvents}. */
    public void seedDemoEvents(String userPrincipalName) {
        DemoEvents.seed(this, directory.existing(userPrincipalName), directory.clock);
    }

    /** An event (or occurrence) as GET /me/events/{id} shows it (UTC), or empty. */
    public Optional<String> eventJson(String userPrincipalName, String eventId) {
        Mailbox mailbox = directory.existing(userPrincipalName);
        mailbox.lock.readLock().lock();
        try {
            Events.Target target = Events.find(mailbox, eventId, null);
            if (target == null) {
                return Optional.empty();
            }
            ObjectNode json = target.isVirtualOccurrence() ? EventJson.occurrence(mailbox, target.master(), target.originalStart(), EventJson.View.DEFAULT)
                    : EventJson.full(mailbox, target.stored(), EventJson.View.DEFAULT);
            return Optional.of(json.toString());
        } finally {
            mailbox.lock.readLock().unlock();
        }
    }

    /** Ids of the live stored events of a calendar (singles, masters, exceptions). */
    public List<String> storedEventIds(String userPrincipalName, String calendarId) {
        Mailbox mailbox = directory.existing(userPrincipalName);
        Mailbox.Calendar calendar = calendar(mailbox, calendarId);
        mailbox.lock.readLock().lock();
        try {
            List<String> ids = new ArrayList<>();
            calendar.events.values().stream().filter(e -> !e.deleted).forEach(e -> ids.add(EventJson.id(e.key, false)));
            return ids;
        } finally {
            mailbox.lock.readLock().unlock();
        }
    }

    // ---- faults, limits and counts ------------------------------------------------------------------------------

    /**
     * The next {@code times} calls of an operation fail with the fault. Operations: identity.authorize,
     * token.authorizationCode, token.refresh, me.get, mailboxSettings.get, organization.get, calendars.list,
     * calendars.get, events.list, events.get, events.create, events.update, events.delete, events.cancel,
     * calendarView.list, events.delta, schedule.get, subscriptions.create, subscriptions.list, subscriptions.get,
     * subscriptions.update, subscriptions.delete, subscriptions.reauthorize; {@code "*"} is any.
     */
    public void failNext(String operation, int times, Fault fault) {
        faults.failNext(operation, times, fault);
    }

    /** As {@link #failNext(String, int, Fault)}, for the Graph calls of one account only (its access tokens'). */
    public void failNext(String userPrincipalName, String operation, int times, Fault fault) {
        faults.failNext(directory.existing(userPrincipalName).userPrincipalName, operation, times, fault);
    }

    public void failRandomly(String operation, int percent, Fault fault) {
        faults.failRandomly(operation, percent, fault);
    }

    public void clearFaults() {
        faults.clear();
    }

    /** Calls of an operation so far (failed and throttled ones included). */
    public int callCount(String operation) {
        return faults.calls(operation);
    }

    public Map<String, Integer> callCounts() {
        return faults.snapshot();
    }

    public void resetCallCounts() {
        faults.resetCounts();
    }

    /** The Graph calls made with the account's access tokens (expired ones included), oldest first, as answered. */
    public List<GraphCall> graphCalls(String userPrincipalName) {
        String upn = directory.existing(userPrincipalName).userPrincipalName;
        return graph.calls().stream().filter(c -> upn.equalsIgnoreCase(c.account())).toList();
    }

    /** The account's successful refresh_token grants, oldest first: the refresh token presented and the one issued. */
    public List<RefreshTokenUse> refreshTokenUses(String userPrincipalName) {
        String upn = directory.existing(userPrincipalName).userPrincipalName;
        return identity.refreshes.stream().filter(r -> upn.equalsIgnoreCase(r.account())).toList();
    }

    /** Whether a mailbox's fifth concurrent request gets 429 MailboxConcurrency (on by default). */
    public void setConcurrencyLimitEnforced(boolean enforced) {
        graph.enforceConcurrency = enforced;
    }

    // ---- subscriptions ------------------------------------------------------------------------------------------

    /** Ids of subscriptions not deleted and not expired. */
    public List<String> activeSubscriptionIds() {
        Instant now = directory.now();
        return subscriptions.byId.values().stream().filter(s -> s.expiration.isAfter(now)).map(s -> s.id).toList();
    }

    /** Sends a lifecycle notification: reauthorizationRequired, subscriptionRemoved (which also removes it) or missed. */
    public void sendLifecycleNotification(String subscriptionId, String lifecycleEvent) {
        if (!List.of("reauthorizationRequired", "subscriptionRemoved", "missed").contains(lifecycleEvent)) {
            throw new IllegalArgumentException("unknown lifecycle event " + lifecycleEvent);
        }
        subscriptions.lifecycle(subscriptionId, lifecycleEvent);
        stateChanged();
    }

    /** Notifications (change and lifecycle) answered 2xx so far. */
    public int deliveredNotificationCount() {
        return subscriptions.delivered.get();
    }

    // ---- everything ---------------------------------------------------------------------------------------------

    /** Every request received (method and URI; never headers or bodies), oldest first. */
    public List<String> receivedRequests() {
        return http.received();
    }

    public void clearReceivedRequests() {
        http.clearReceived();
    }

    /** Forgets accounts, events, tokens, subscriptions, faults and counts; keeps clients and settings; recreates the default account. */
    public void reset() {
        directory.reset();
        identity.reset();
        subscriptions.reset();
        delta.reset();
        faults.clear();
        faults.resetCounts();
        graph.clearCalls();
        createWorkAccount(identity.defaultAccount, "Sandbox User", DEFAULT_TENANT, defaultTimeZone);
        stateChanged();
    }

    /** Runs a sandbox emulator on the given port (default 8096) with demo events for the default account. */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8096;
        MicrosoftGraphEmulator microsoft = builder().port(port).start();
        microsoft.seedDemoEvents(DEFAULT_ACCOUNT);
        System.out.println("Microsoft emulator: Graph " + microsoft.graphBaseUrl() + ", authorize " + microsoft.authorizationUri("common")
                + ", token " + microsoft.tokenUri("common") + ", control " + microsoft.controlUrl());
        Thread.currentThread().join();
    }
}
