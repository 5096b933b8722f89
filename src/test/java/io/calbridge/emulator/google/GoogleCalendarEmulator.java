package io.calbridge.emulator.google;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * A stateful emulator (in memory, or kept in a directory: {@link GoogleCalendarEmulatorBuilder#persistTo}) of Google Calendar API v3 and Google's OAuth 2.0 endpoints over real HTTP, for
 * tests, benchmarks and the sandbox of the run command. Point Google's Java client at {@link #rootUrl()}
 * ({@code Calendar.Builder#setRootUrl}) and an OAuth client at {@link #authorizationUri()}, {@link #tokenUri()}
 * and {@link #revokeUri()}. The public methods below (and the same over HTTP under {@code /_control/}, see
 * {@link ControlApi}) change its state "from Google's side". Thread-safe. Plain Java: no Spring.
 *
 * <pre>{@code
 * try (GoogleCalendarEmulator google = GoogleCalendarEmulator.builder().autoApprove(true).start()) {
 *     google.seedEvents(GoogleCalendarEmulator.DEFAULT_ACCOUNT, 1000, Instant.parse("2026-01-05T09:00:00Z"), Duration.ofHours(1), Duration.ofMinutes(30));
 *     ...
 * }
 * }</pre>
 */
public final class GoogleCalendarEmulator implements AutoCloseable {

    /** Google's is https://accounts.google.com/o/oauth2/v2/auth. */
    public static final String AUTHORIZATION_PATH = "/o/oauth2/v2/auth";
    /** Google's is https://oauth2.googleapis.com/token. */
    public static final String TOKEN_PATH = "/token";
    /** Google's is https://oauth2.googleapis.com/revoke. */
    public static final String REVOKE_PATH = "/revoke";
    /** The Calendar API below the root URL, as Google's {@code calendar/v3/} service path. */
    public static final String API_PATH = "/calendar/v3";
    public static final String CONTROL_PATH = "/_control";
    /** The account a consent is for when the authorization request names none ({@code login_hint}). */
    public static final String DEFAULT_ACCOUNT = "sandbox.user@example.com";
    /** An OAuth client registered from the start (sandbox use); register others with {@link #registerClient}. */
    public static final String DEFAULT_CLIENT_ID = "calbridge-sandbox.apps.googleusercontent.com";
    public static final String DEFAULT_CLIENT_SECRET = "calbridge-sandbox-client-secret";

    private final Store store;
    private final OAuthServer oauth;
    private final EventWriter writer;
    private final PushChannels channels;
    private final Faults faults = new Faults();
    private final HttpFront http;
    /** Null unless the builder asked to persist the state. */
    private final StateFile state;
    private final boolean restored;
    private volatile boolean enforceScopes;

    GoogleCalendarEmulator(GoogleCalendarEmulatorBuilder builder) throws IOException {
        store = new Store(builder.clock);
        oauth = new OAuthServer(store);
        oauth.accessTokenLifetime = builder.accessTokenLifetime;
        oauth.autoApprove = builder.autoApprove;
        oauth.defaultAccount = builder.defaultAccount;
        oauth.defaultZone = builder.defaultTimeZone;
        oauth.registerClient(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, Set.of());
        enforceScopes = builder.enforceScopes;
        writer = new EventWriter(store);
        channels = new PushChannels(store);
        http = new HttpFront("127.0.0.1", builder.port, builder.threads);
        store.baseUrl = "http://127.0.0.1:" + http.port();
        state = builder.stateDirectory == null ? null : new StateFile(builder.stateDirectory, store, oauth, channels);
        try {
            restored = state != null && state.load();
        } catch (RuntimeException e) {
            http.stop();
            channels.shutdown();
            throw e;
        }
        store.changeListener = calendar -> {
            channels.changed(calendar);
            stateChanged();
        };
        route(CalendarApi.PREFIX, new CalendarApi(store, oauth, writer, new EventLister(store), new SeriesAndFreeBusy(store), channels,
                faults, () -> enforceScopes));
        route(AUTHORIZATION_PATH, request -> {
            CalendarApi.applyFault(faults, "oauth.authorize");
            return oauth.authorize(request);
        });
        route(TOKEN_PATH, request -> {
            Map<String, String> form = request.form();
            CalendarApi.applyFault(faults, OAuthServer.methodName(form));
            return oauth.token(request, form);
        });
        route(REVOKE_PATH, request -> {
            CalendarApi.applyFault(faults, "token.revoke");
            return oauth.revoke(request.form());
        });
        route(CONTROL_PATH + "/", new ControlApi(this));
        route("/calendar/event", new ControlApi.EventPage(store));
        store.ensureAccount(builder.defaultAccount, builder.defaultTimeZone);
        http.start();
    }

    /** A request other than a read may change grants, channels or events: the state file is written after it. */
    private void route(String prefix, HttpFront.Handler handler) {
        http.route(prefix, request -> {
            try {
                return handler.handle(request);
            } finally {
                if (!request.method.equals("GET") && !request.method.equals("HEAD")) {
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

    public static GoogleCalendarEmulatorBuilder builder() {
        return new GoogleCalendarEmulatorBuilder();
    }

    /** An emulator on a free port with the defaults. */
    public static GoogleCalendarEmulator start() {
        return builder().start();
    }

    // ---- where it is ------------------------------------------------------------------------------------------

    public int port() {
        return http.port();
    }

    /** {@code http://127.0.0.1:{port}} */
    public String baseUrl() {
        return store.baseUrl;
    }

    /** {@code http://127.0.0.1:{port}/}: the API root URL for {@code Calendar.Builder#setRootUrl} (GOOGLE_API_BASE_URL). */
    public String rootUrl() {
        return store.baseUrl + "/";
    }

    public String authorizationUri() {
        return store.baseUrl + AUTHORIZATION_PATH;
    }

    public String tokenUri() {
        return store.baseUrl + TOKEN_PATH;
    }

    public String revokeUri() {
        return store.baseUrl + REVOKE_PATH;
    }

    public String controlUrl() {
        return store.baseUrl + CONTROL_PATH;
    }

    /** Whether the state was restored from a persisted directory (so a sandbox is seeded only on its first start). */
    public boolean restoredState() {
        return restored;
    }

    @Override
    public void close() {
        http.stop();
        channels.shutdown();
        if (state != null) {
            state.close();
        }
    }

    // ---- OAuth ------------------------------------------------------------------------------------------------

    /** A client whose redirect URIs are not checked (any is accepted), like a sandbox app. */
    public void registerClient(String clientId, String clientSecret) {
        oauth.registerClient(clientId, clientSecret, Set.of());
    }

    /** A client that may only use these redirect URIs, as registered in Google's console. */
    public void registerClient(String clientId, String clientSecret, Collection<String> redirectUris) {
        oauth.registerClient(clientId, clientSecret, Set.copyOf(redirectUris));
    }

    public void setAutoApprove(boolean autoApprove) {
        oauth.autoApprove = autoApprove;
    }

    /** The account consent is given for when the request has no login_hint; created if new. */
    public void setDefaultAccount(String email) {
        oauth.defaultAccount = store.ensureAccount(email, oauth.defaultZone).email;
        stateChanged();
    }

    /** The expires_in of access tokens issued from now on. */
    public void setAccessTokenLifetime(Duration lifetime) {
        oauth.accessTokenLifetime = lifetime;
    }

    public void setEnforceScopes(boolean enforce) {
        enforceScopes = enforce;
    }

    /** A grant for {@link #DEFAULT_CLIENT_ID} without the browser round trip; the account is created if new. */
    public IssuedTokens issueTokens(String accountEmail, String scope) {
        return issueTokens(DEFAULT_CLIENT_ID, accountEmail, scope);
    }

    public IssuedTokens issueTokens(String clientId, String accountEmail, String scope) {
        IssuedTokens tokens = oauth.issue(clientId, accountEmail, scope);
        stateChanged();
        return tokens;
    }

    /** As if the user removed the app's access: refresh gives invalid_grant, access tokens 401. */
    public void revokeAccount(String accountEmail) {
        oauth.revokeAccount(accountEmail);
        stateChanged();
    }

    /** Every access token issued so far expires now (refresh tokens keep working). */
    public void expireAccessTokens() {
        oauth.expireAccessTokens();
        stateChanged();
    }

    // ---- accounts and calendars -------------------------------------------------------------------------------

    /** Creates the account (if new) in the default time zone; returns its primary calendar's id, the e-mail address. */
    public String createAccount(String email) {
        return createAccount(email, oauth.defaultZone);
    }

    public String createAccount(String email, ZoneId timeZone) {
        String id = store.ensureAccount(email, timeZone).primary().id;
        stateChanged();
        return id;
    }

    /** A secondary calendar ({@code ...@group.calendar.google.com}) in the account's time zone; returns its id. */
    public String createCalendar(String accountEmail, String summary) {
        Store.Account account = existingAccount(accountEmail);
        String id = store.createCalendar(account, summary, account.zone).id;
        stateChanged();
        return id;
    }

    public String createCalendar(String accountEmail, String summary, ZoneId timeZone) {
        String id = store.createCalendar(existingAccount(accountEmail), summary, timeZone).id;
        stateChanged();
        return id;
    }

    /** The account's calendars in calendarList order, primary first. */
    public List<String> calendarIds(String accountEmail) {
        return existingAccount(accountEmail).calendars.stream().map(c -> c.id).toList();
    }

    private Store.Account existingAccount(String email) {
        Store.Account account = store.account(email);
        if (account == null) {
            throw new IllegalArgumentException("no account " + email);
        }
        return account;
    }

    // ---- events, from Google's side ----------------------------------------------------------------------------

    /** Adds an event given as Google event JSON (an "id" is kept; conferenceData.createRequest is honoured); returns its id. */
    public String insertEvent(String calendarId, String eventJson) {
        return writer.insert(store.calendar(calendarId), Json.parseObject(eventJson.getBytes(StandardCharsets.UTF_8)), 1).id;
    }

    /** {@code count} timed events "Seeded event 1..count", starting at firstStart, one every {@code step}; returns their ids in order. */
    public List<String> seedEvents(String calendarId, int count, Instant firstStart, Duration step, Duration length) {
        return writer.seed(store.calendar(calendarId), count, firstStart, step, length, "Seeded event");
    }

    /** A few weeks of believable events around the clock's today: see {@link DemoEvents}. */
    public void seedDemoEvents(String calendarId) {
        DemoEvents.seed(this, store.calendar(calendarId), store.clock);
    }

    /** Applies a patch (Google's patch semantics) as an edit in Google Calendar; an instance id makes an exception. */
    public void changeEvent(String calendarId, String eventId, String patchJson) {
        writer.modify(store.calendar(calendarId), eventId, Json.parseObject(patchJson.getBytes(StandardCharsets.UTF_8)), false, 1, null);
    }

    /** Moves an event (or one occurrence, which becomes a moved exception) to new times; its time zone is kept. */
    public void moveEvent(String calendarId, String eventId, Instant newStart, Instant newEnd) {
        ZoneId zone = store.calendar(calendarId).zone;
        ObjectNode patch = Json.object();
        patch.putObject("start").putNull("date").put("dateTime", Json.dateTime(newStart, zone));
        patch.putObject("end").putNull("date").put("dateTime", Json.dateTime(newEnd, zone));
        writer.modify(store.calendar(calendarId), eventId, patch, false, 1, null);
    }

    /** Deletes an event (a series with its exceptions; an instance id cancels that one occurrence). */
    public void deleteEvent(String calendarId, String eventId) {
        writer.delete(store.calendar(calendarId), eventId, null);
    }

    /** Cancels one occurrence of a timed series; returns the cancelled instance's id. */
    public String cancelInstance(String calendarId, String recurringEventId, Instant originalStart) {
        String id = instanceId(recurringEventId, originalStart);
        deleteEvent(calendarId, id);
        return id;
    }

    /** Cancels one occurrence of an all-day series; returns the cancelled instance's id. */
    public String cancelInstance(String calendarId, String recurringEventId, LocalDate originalDate) {
        String id = instanceId(recurringEventId, originalDate);
        deleteEvent(calendarId, id);
        return id;
    }

    /** Google's instance id: {@code {recurringEventId}_{yyyyMMdd'T'HHmmss'Z'}} (UTC). */
    public static String instanceId(String recurringEventId, Instant originalStart) {
        return recurringEventId + "_" + EventTime.timed(originalStart, null).instanceSuffix();
    }

    /** Google's all-day instance id: {@code {recurringEventId}_{yyyyMMdd}}. */
    public static String instanceId(String recurringEventId, LocalDate originalDate) {
        return recurringEventId + "_" + EventTime.allDay(originalDate).instanceSuffix();
    }

    /** Every sync token issued for the calendar answers 410 fullSyncRequired from now on. */
    public void expireSyncTokens(String calendarId) {
        CalendarData calendar = store.calendar(calendarId);
        calendar.lock.writeLock().lock();
        try {
            calendar.epoch++;
        } finally {
            calendar.lock.writeLock().unlock();
        }
        stateChanged();
    }

    /** The stored events (deleted ones included, series not expanded): masters by id, then the rest by start. */
    public List<EventSnapshot> events(String calendarId) {
        CalendarData calendar = store.calendar(calendarId);
        calendar.lock.readLock().lock();
        try {
            List<EventSnapshot> result = new ArrayList<>(calendar.byId.size());
            calendar.masters.values().forEach(e -> result.add(snapshot(calendar, e)));
            calendar.byStart.values().forEach(e -> result.add(snapshot(calendar, e)));
            return result;
        } finally {
            calendar.lock.readLock().unlock();
        }
    }

    public Optional<EventSnapshot> event(String calendarId, String eventId) {
        CalendarData calendar = store.calendar(calendarId);
        calendar.lock.readLock().lock();
        try {
            StoredEvent event = calendar.byId.get(eventId);
            return Optional.ofNullable(event).map(e -> snapshot(calendar, e));
        } finally {
            calendar.lock.readLock().unlock();
        }
    }

    private static EventSnapshot snapshot(CalendarData calendar, StoredEvent e) {
        ObjectNode start = e.start.toJson(calendar.zone);
        ObjectNode end = e.end.toJson(calendar.zone);
        String field = e.start.isAllDay() ? "date" : "dateTime";
        byte[] json = e.json(calendar);
        return new EventSnapshot(e.id, e.status, Json.text(e.body, "summary"), Json.text(start, field), Json.text(end, field), e.start.isAllDay(),
                e.recurringEventId, e.recurrence, e.sequence, e.etag(), new String(json, StandardCharsets.UTF_8));
    }

    // ---- faults and call counts ----------------------------------------------------------------------------------

    /**
     * The next {@code times} calls of a method fail with the fault. Methods: calendarList.list, calendarList.get,
     * calendars.get, events.list, events.get, events.insert, events.patch, events.update, events.delete,
     * events.instances, events.watch, channels.stop, freebusy.query, oauth.authorize, token.authorizationCode,
     * token.refresh, token.revoke; {@code "*"} is any of them.
     */
    public void failNext(String method, int times, Fault fault) {
        faults.failNext(method, times, fault);
    }

    /** Every call of the method fails with this probability (1..100 percent), until {@link #clearFaults()}. */
    public void failRandomly(String method, int percent, Fault fault) {
        faults.failRandomly(method, percent, fault);
    }

    public void clearFaults() {
        faults.clear();
    }

    /** Calls of a method so far (failed and refused ones included); names as for {@link #failNext}. */
    public int callCount(String method) {
        return faults.calls(method);
    }

    public Map<String, Integer> callCounts() {
        return faults.snapshot();
    }

    public void resetCallCounts() {
        faults.resetCounts();
    }

    // ---- push ---------------------------------------------------------------------------------------------------

    /** Ids of watch channels not stopped and not expired. */
    public List<String> activeChannelIds() {
        return channels.active().stream().map(PushChannels.Channel::id).toList();
    }

    /** Notifications answered 2xx by their webhook so far. */
    public int deliveredNotificationCount() {
        return channels.delivered.get();
    }

    // ---- everything -----------------------------------------------------------------------------------------------

    /** Every request received (method, URI and decoded body; headers are not kept), oldest first. */
    public List<String> receivedRequests() {
        return http.received();
    }

    public void clearReceivedRequests() {
        http.clearReceived();
    }

    /** Forgets accounts, events, tokens, channels, faults and counts; keeps clients and settings; recreates the default account. */
    public void reset() {
        store.reset();
        oauth.reset();
        channels.reset();
        faults.clear();
        faults.resetCounts();
        store.ensureAccount(oauth.defaultAccount, oauth.defaultZone);
        stateChanged();
    }

    /** Runs a sandbox emulator on the given port (default 8095) with demo events for the default account. */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8095;
        GoogleCalendarEmulator google = builder().port(port).start();
        google.seedDemoEvents(DEFAULT_ACCOUNT);
        System.out.println("Google Calendar emulator: API root " + google.rootUrl() + ", auth " + google.authorizationUri()
                + ", token " + google.tokenUri() + ", control " + google.controlUrl());
        Thread.currentThread().join();
    }
}
