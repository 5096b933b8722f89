package io.calbridge.emulator.calendly;

import io.calbridge.emulator.calendly.HttpFront.Reply;
import io.calbridge.emulator.calendly.HttpFront.Request;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A stateful Calendly API v2 emulator over real HTTP, for tests and for watching calbridge follow a Calendly account.
 *
 * <p>Choices where Calendly's docs are silent (what the real service appears to do):
 * <ul>
 *   <li>The authorize endpoint logs in the user named by {@code login_hint} (else {@link #DEFAULT_USER_EMAIL}).
 *   <li>Authorization codes live 10 minutes and are single-use; PKCE is only checked when a challenge was given, and
 *       only {@code S256} is accepted.
 *   <li>Refreshing rotates the refresh token (the old one answers {@code invalid_grant}) but leaves earlier access
 *       tokens valid until they expire; revoking any token of a grant revokes all of that grant's tokens.
 *   <li>The 8-token-requests-per-user-per-minute limit and the per-access-token API rate limit are fixed one-minute
 *       windows; the X-RateLimit headers are sent on the 429 only (no Retry-After, as Calendly).
 *   <li>Cancelling an already canceled event answers 403 Permission Denied.
 *   <li>Webhook retries run on {@code deliveryRetryDelays} (seconds by default; real Calendly retries over ~24 h);
 *       after the last retry fails the subscription becomes {@code disabled}.
 *   <li>Page tokens are opaque offsets into the filtered, sorted list.
 *   <li>{@code /user_busy_times} lists only Calendly's own events (no external calendars), with buffered times equal
 *       to the event's (event types have no buffers here), on one page; a start in the past is accepted.
 *   <li>A no-show can be created once per invitee (a second answers 409); the {@code invitee_no_show.*} webhooks
 *       carry the invitee (with its {@code no_show}, null after deletion) and its {@code scheduled_event}.
 * </ul>
 * For the run command's sandbox: {@link Builder#persistTo} keeps the state in a JSON file, {@link #seedDemoBookings}
 * fills a fresh one, and the page at {@code /} (no auth) shows each user's event types and scheduled events with
 * forms that post to {@code /_control/book}, {@code /_control/cancel} and {@code /_control/reschedule} (form-encoded
 * or JSON), which call {@link #book}, {@link #cancel} and {@link #reschedule}.
 */
public final class CalendlyEmulator implements AutoCloseable {

    public static final String DEFAULT_CLIENT_ID = "calbridge-calendly-client";
    public static final String DEFAULT_CLIENT_SECRET = "calbridge-calendly-client-secret";
    public static final String DEFAULT_WEBHOOK_SIGNING_KEY = "calbridge-calendly-webhook-signing-key";
    public static final String DEFAULT_USER_EMAIL = "sandbox@calendly.test";

    /** What an invitee fills in when booking; {@code eventTypeUri} null means the host's first event type. */
    public record BookingRequest(String userEmail, String eventTypeUri, Instant start, String inviteeName,
                                 String inviteeEmail, String inviteeTimezone, Map<String, String> answers,
                                 String locationKind, String joinUrl, String calendarEventExternalId) {
        /** A plain booking of the host's default event type, with no answers and no location. */
        public static BookingRequest of(String userEmail, Instant start, String inviteeName, String inviteeEmail) {
            return new BookingRequest(userEmail, null, start, inviteeName, inviteeEmail, "UTC", Map.of(), null, null, null);
        }
    }

    public record BookingRef(String eventUri, String inviteeUri) {
    }

    public record TokenPair(String accessToken, String refreshToken) {
    }

    /** One delivery attempt: status is the receiver's HTTP status, -1 for no answer (timeout), 0 for dropped. */
    public record Delivery(String subscriptionUri, String url, String event, String body, String signature,
                           int attempt, int status, Instant at) {
    }

    public record Subscription(String uri, String callbackUrl, List<String> events, String scope,
                               String organization, String user, String state) {
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int port = 0;
        private boolean autoApprove = false;
        private Clock clock = Clock.systemUTC();
        private String webhookSigningKey = DEFAULT_WEBHOOK_SIGNING_KEY;
        private List<Duration> deliveryRetryDelays = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
        private Duration deliveryTimeout = Duration.ofSeconds(5);
        private Duration accessTokenLifetime = Duration.ofHours(2);
        private int rateLimitPerMinute = 500;
        private Path stateDirectory;

        private Builder() {
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder autoApprove(boolean autoApprove) {
            this.autoApprove = autoApprove;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        public Builder webhookSigningKey(String key) {
            this.webhookSigningKey = Objects.requireNonNull(key);
            return this;
        }

        public Builder deliveryRetryDelays(List<Duration> delays) {
            this.deliveryRetryDelays = List.copyOf(delays);
            return this;
        }

        public Builder deliveryTimeout(Duration timeout) {
            this.deliveryTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        public Builder accessTokenLifetime(Duration lifetime) {
            this.accessTokenLifetime = Objects.requireNonNull(lifetime);
            return this;
        }

        public Builder rateLimitPerMinute(int limit) {
            this.rateLimitPerMinute = limit;
            return this;
        }

        /** Keeps the whole state in {@code directory/state.json}: read at start, written after each change. */
        public Builder persistTo(Path directory) {
            this.stateDirectory = Objects.requireNonNull(directory);
            return this;
        }

        public CalendlyEmulator start() throws IOException {
            CalendlyEmulator emulator = new CalendlyEmulator(this);
            emulator.front.start();
            return emulator;
        }
    }

    // ---- state (all guarded by this) ----

    private static final class User {
        String uuid, email, name, slug, timezone, orgUuid;
        Instant created;
    }

    private static final class Org {
        String uuid, name;
        boolean webhooksAllowed = true;
        Instant created;
    }

    private record PendingCode(String clientId, String redirectUri, String challenge, String userUuid, Instant expires) {
    }

    private static final class Grant {
        String id, userUuid, clientId;
        boolean revoked;
    }

    /** grantId null = personal access token; expires null = never. */
    private static final class AccessToken {
        String grantId, userUuid;
        Instant expires;
        Instant windowStart;
        int windowCount;
    }

    private static final class RefreshToken {
        String grantId;
        boolean used;
    }

    private static final class EventType {
        String uuid, userUuid, name, slug;
        int duration;
        Instant created;
    }

    private record Cancellation(String canceledBy, String reason, String cancelerType, Instant created) {
    }

    private static final class Event {
        String uuid, name, eventTypeUuid, hostUuid, status = "active";
        String locationKind, joinUrl, calendarEventExternalId;
        Instant start, end, created, updated;
        Cancellation cancellation;
        List<Invitee> invitees = new ArrayList<>();
    }

    private static final class Invitee {
        String uuid, eventUuid, email, name, timezone, status = "active";
        Map<String, String> answers = Map.of();
        Instant created, updated;
        boolean rescheduled;
        /** Paths (no base URL), so that a restart on another port keeps them valid. */
        String oldInviteePath, newInviteePath;
        Cancellation cancellation;
        String noShowUuid;
    }

    private static final class NoShow {
        String uuid, eventUuid, inviteeUuid;
        Instant created;
    }

    private static final class StoredSubscription {
        String uuid, url, scope, orgUuid, userUuid, creatorUuid, state = "active", signingKey;
        List<String> events;
        Instant created, updated;
    }

    private static final class Fault {
        final String method, pathPrefix;
        final int status;
        int remaining;

        Fault(String method, String pathPrefix, int status, int remaining) {
            this.method = method;
            this.pathPrefix = pathPrefix;
            this.status = status;
            this.remaining = remaining;
        }
    }

    private static final Duration CODE_LIFETIME = Duration.ofMinutes(10);
    private static final int TOKEN_REQUESTS_PER_MINUTE = 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpFront front;
    private final Webhooks webhooks;
    private final Clock clock;
    private final boolean autoApprove;
    private final String webhookSigningKey;
    private final Duration accessTokenLifetime;
    private final int rateLimitPerMinute;

    private final Map<String, User> users = new LinkedHashMap<>();
    private final Map<String, Org> orgs = new LinkedHashMap<>();
    private final Map<String, String> clients = new HashMap<>();
    private final Map<String, PendingCode> codes = new HashMap<>();
    private final Map<String, Grant> grants = new HashMap<>();
    private final Map<String, AccessToken> accessTokens = new HashMap<>();
    private final Map<String, RefreshToken> refreshTokens = new HashMap<>();
    private final Map<String, Deque<Instant>> tokenRequests = new HashMap<>();
    private final Map<String, EventType> eventTypes = new LinkedHashMap<>();
    private final Map<String, Event> events = new LinkedHashMap<>();
    private final Map<String, StoredSubscription> subscriptions = new LinkedHashMap<>();
    private final Map<String, NoShow> noShows = new LinkedHashMap<>();
    /** Null unless the builder asked to persist the state. */
    private final Path stateFile;
    private final boolean restored;
    private final List<Fault> faults = new ArrayList<>();
    private final ConcurrentLinkedQueue<String> calls = new ConcurrentLinkedQueue<>();
    private int dropNextDeliveries;

    private CalendlyEmulator(Builder builder) throws IOException {
        this.clock = builder.clock;
        this.autoApprove = builder.autoApprove;
        this.webhookSigningKey = builder.webhookSigningKey;
        this.accessTokenLifetime = builder.accessTokenLifetime;
        this.rateLimitPerMinute = builder.rateLimitPerMinute;
        this.front = new HttpFront(builder.port, this::handle);
        this.webhooks = new Webhooks(clock, builder.deliveryRetryDelays, builder.deliveryTimeout,
                this::subscriptionActive, this::disableSubscription);
        this.stateFile = builder.stateDirectory == null ? null : builder.stateDirectory.resolve(StateFile.FILE_NAME);
        clients.put(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET);
        try {
            if (stateFile != null && java.nio.file.Files.exists(stateFile)) {
                Saved saved = StateFile.read(stateFile, Saved.class);
                restore(saved);
                restored = true;
            } else {
                createUser(DEFAULT_USER_EMAIL, "Sandbox User", "Europe/Berlin");
                restored = false;
            }
        } catch (RuntimeException e) {
            front.stop();
            webhooks.close();
            throw e;
        }
    }

    /** Whether the state was read from the persisted directory (so a sandbox is seeded only on its first start). */
    public boolean restoredState() {
        return restored;
    }

    @Override
    public void close() {
        front.stop();
        webhooks.close();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + front.port();
    }

    public String authorizationUri() {
        return baseUrl() + "/oauth/authorize";
    }

    public String tokenUri() {
        return baseUrl() + "/oauth/token";
    }

    public String revokeUri() {
        return baseUrl() + "/oauth/revoke";
    }

    // ---- persistence ----

    private static final int STATE_VERSION = 1;

    /** Everything but pending codes, faults, call counts and the delivery log. */
    private record Saved(int version, List<User> users, List<Org> orgs, Map<String, String> clients, List<Grant> grants,
                         Map<String, AccessToken> accessTokens, Map<String, RefreshToken> refreshTokens,
                         List<EventType> eventTypes, List<Event> events, List<StoredSubscription> subscriptions,
                         List<NoShow> noShows) {
    }

    private void restore(Saved saved) {
        if (saved.version() != STATE_VERSION) {
            throw new IllegalStateException("the Calendly sandbox state in " + stateFile + " has version " + saved.version()
                    + ", not " + STATE_VERSION + "; move it away to start with a fresh sandbox");
        }
        saved.users().forEach(u -> users.put(u.uuid, u));
        saved.orgs().forEach(o -> orgs.put(o.uuid, o));
        clients.putAll(saved.clients());
        saved.grants().forEach(g -> grants.put(g.id, g));
        accessTokens.putAll(saved.accessTokens());
        refreshTokens.putAll(saved.refreshTokens());
        saved.eventTypes().forEach(t -> eventTypes.put(t.uuid, t));
        saved.events().forEach(e -> events.put(e.uuid, e));
        saved.subscriptions().forEach(sub -> subscriptions.put(sub.uuid, sub));
        saved.noShows().forEach(n -> noShows.put(n.uuid, n));
        if (findUserByEmail(DEFAULT_USER_EMAIL) == null) {
            createUser(DEFAULT_USER_EMAIL, "Sandbox User", "Europe/Berlin");
        }
    }

    /** Writes the state file (when persisting); called under the lock after every change. */
    private synchronized void persist() {
        if (stateFile == null) {
            return;
        }
        Saved saved = new Saved(STATE_VERSION, List.copyOf(users.values()), List.copyOf(orgs.values()), new LinkedHashMap<>(clients),
                List.copyOf(grants.values()), new LinkedHashMap<>(accessTokens), new LinkedHashMap<>(refreshTokens),
                List.copyOf(eventTypes.values()), List.copyOf(events.values()), List.copyOf(subscriptions.values()),
                List.copyOf(noShows.values()));
        try {
            StateFile.write(stateFile, saved);
        } catch (IOException e) {
            System.err.println("calendly emulator: cannot write " + stateFile + ": " + e);
        }
    }

    // ---- control ----

    public synchronized void registerClient(String clientId, String clientSecret) {
        clients.put(clientId, clientSecret);
        persist();
    }

    /** A user in an organization of its own; returns the user's URI. */
    public synchronized String createUser(String email, String name, String timezone) {
        if (findUserByEmail(email) != null) {
            throw new IllegalArgumentException("user exists: " + email);
        }
        Org org = new Org();
        org.uuid = newUuid();
        org.name = name + "'s organization";
        org.created = clock.instant();
        orgs.put(org.uuid, org);
        User user = new User();
        user.uuid = newUuid();
        user.email = email;
        user.name = name;
        user.slug = email.substring(0, email.indexOf('@') < 0 ? email.length() : email.indexOf('@'))
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        user.timezone = timezone;
        user.orgUuid = org.uuid;
        user.created = clock.instant();
        users.put(user.uuid, user);
        persist();
        return userUri(user);
    }

    /** Returns the event type's URI. */
    public synchronized String createEventType(String userEmail, String name, int durationMinutes) {
        User user = requireUser(userEmail);
        EventType type = new EventType();
        type.uuid = newUuid();
        type.userUuid = user.uuid;
        type.name = name;
        type.slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        type.duration = durationMinutes;
        type.created = clock.instant();
        eventTypes.put(type.uuid, type);
        persist();
        return eventTypeUri(type);
    }

    /** Books as an invitee would on the scheduling page; an {@code invitee.created} webhook follows. */
    public BookingRef book(BookingRequest request) {
        List<Webhooks.Planned> planned = new ArrayList<>();
        BookingRef ref;
        synchronized (this) {
            Invitee invitee = bookLocked(request);
            planned.addAll(planWebhooks("invitee.created", invitee));
            ref = new BookingRef(eventUri(events.get(invitee.eventUuid)), inviteeUri(invitee));
            persist();
        }
        sendAll(planned);
        return ref;
    }

    /** Cancels as the invitee would: an event URI cancels all its invitees, an invitee URI that invitee (and its event). */
    public void cancel(String eventOrInviteeUri, String reason) {
        List<Webhooks.Planned> planned = new ArrayList<>();
        synchronized (this) {
            Invitee single = findInviteeByUri(eventOrInviteeUri);
            Event event = single != null ? events.get(single.eventUuid) : findEventByUri(eventOrInviteeUri);
            if (event == null) {
                throw new IllegalArgumentException("no such event or invitee: " + eventOrInviteeUri);
            }
            String by = single != null ? single.name : event.invitees.isEmpty() ? "Invitee" : event.invitees.get(0).name;
            Cancellation cancellation = new Cancellation(by, reason, "invitee", clock.instant());
            for (Invitee invitee : event.invitees) {
                if ((single == null || single == invitee) && invitee.status.equals("active")) {
                    cancelInvitee(invitee, cancellation);
                    planned.addAll(planWebhooks("invitee.canceled", invitee));
                }
            }
            if (event.invitees.stream().noneMatch(i -> i.status.equals("active"))) {
                cancelEvent(event, cancellation);
            }
            persist();
        }
        sendAll(planned);
    }

    /** The invitee moves the meeting: old invitee and event canceled, a new event and invitee linked to them. */
    public BookingRef reschedule(String inviteeUri, Instant newStart) {
        List<Webhooks.Planned> planned = new ArrayList<>();
        BookingRef ref;
        synchronized (this) {
            Invitee old = findInviteeByUri(inviteeUri);
            if (old == null || !old.status.equals("active")) {
                throw new IllegalArgumentException("no active invitee: " + inviteeUri);
            }
            Event oldEvent = events.get(old.eventUuid);
            User host = users.get(oldEvent.hostUuid);
            EventType type = eventTypes.get(oldEvent.eventTypeUuid);
            Invitee fresh = bookLocked(new BookingRequest(host.email, eventTypeUri(type), newStart, old.name, old.email,
                    old.timezone, old.answers, oldEvent.locationKind, oldEvent.joinUrl, null));
            fresh.oldInviteePath = inviteePath(old);
            old.rescheduled = true;
            old.newInviteePath = inviteePath(fresh);
            Cancellation cancellation = new Cancellation(old.name, "Rescheduled", "invitee", clock.instant());
            cancelInvitee(old, cancellation);
            cancelEvent(oldEvent, cancellation);
            planned.addAll(planWebhooks("invitee.canceled", old));
            planned.addAll(planWebhooks("invitee.created", fresh));
            ref = new BookingRef(eventUri(events.get(fresh.eventUuid)), inviteeUri(fresh));
            persist();
        }
        sendAll(planned);
        return ref;
    }

    /** The host marks the invitee as a no-show; an {@code invitee_no_show.created} webhook follows. Returns the no-show's URI. */
    public String markNoShow(String inviteeUri) {
        List<Webhooks.Planned> planned = new ArrayList<>();
        String uri;
        synchronized (this) {
            Invitee invitee = findInviteeByUri(inviteeUri);
            if (invitee == null) {
                throw new IllegalArgumentException("no such invitee: " + inviteeUri);
            }
            uri = noShowUri(markNoShowLocked(invitee, planned));
            persist();
        }
        sendAll(planned);
        return uri;
    }

    /** The host takes the no-show mark back; an {@code invitee_no_show.deleted} webhook follows. */
    public void unmarkNoShow(String inviteeUri) {
        List<Webhooks.Planned> planned = new ArrayList<>();
        synchronized (this) {
            Invitee invitee = findInviteeByUri(inviteeUri);
            if (invitee == null || invitee.noShowUuid == null) {
                throw new IllegalArgumentException("no no-show for invitee: " + inviteeUri);
            }
            unmarkNoShowLocked(noShows.get(invitee.noShowUuid), planned);
            persist();
        }
        sendAll(planned);
    }

    private NoShow markNoShowLocked(Invitee invitee, List<Webhooks.Planned> planned) {
        if (invitee.noShowUuid != null) {
            return noShows.get(invitee.noShowUuid);
        }
        NoShow noShow = new NoShow();
        noShow.uuid = newUuid();
        noShow.eventUuid = invitee.eventUuid;
        noShow.inviteeUuid = invitee.uuid;
        noShow.created = clock.instant();
        noShows.put(noShow.uuid, noShow);
        invitee.noShowUuid = noShow.uuid;
        planned.addAll(planWebhooks("invitee_no_show.created", invitee));
        return noShow;
    }

    private void unmarkNoShowLocked(NoShow noShow, List<Webhooks.Planned> planned) {
        noShows.remove(noShow.uuid);
        Invitee invitee = inviteeOf(noShow);
        invitee.noShowUuid = null;
        planned.addAll(planWebhooks("invitee_no_show.deleted", invitee));
    }

    private Invitee inviteeOf(NoShow noShow) {
        return events.get(noShow.eventUuid).invitees.stream().filter(i -> i.uuid.equals(noShow.inviteeUuid)).findFirst().orElseThrow();
    }

    /**
     * Demo bookings for a sandbox, in the next two weeks at the host's local office hours: the event types
     * "30 Minute Consultation" and "Intro Call" (15 min), a consultation with an answered question, an intro call on a
     * Zoom-like link, a canceled booking, a rescheduled pair and one plain consultation.
     */
    public void seedDemoBookings(String userEmail) {
        String consultation;
        String intro;
        java.time.ZoneId zone;
        synchronized (this) {
            User host = requireUser(userEmail);
            zone = java.time.ZoneId.of(host.timezone);
            consultation = eventTypes.values().stream().filter(t -> t.userUuid.equals(host.uuid) && t.name.equals("30 Minute Consultation"))
                    .findFirst().map(this::eventTypeUri).orElse(null);
            intro = eventTypes.values().stream().filter(t -> t.userUuid.equals(host.uuid) && t.name.equals("Intro Call"))
                    .findFirst().map(this::eventTypeUri).orElse(null);
        }
        if (consultation == null) {
            consultation = createEventType(userEmail, "30 Minute Consultation", 30);
        }
        if (intro == null) {
            intro = createEventType(userEmail, "Intro Call", 15);
        }
        java.time.LocalDate today = java.time.LocalDate.ofInstant(clock.instant(), zone);
        java.util.function.BiFunction<Integer, Integer, Instant> at =
                (days, hour) -> today.plusDays(days).atTime(hour, 0).atZone(zone).toInstant();
        book(new BookingRequest(userEmail, consultation, at.apply(1, 10), "Grace Hopper", "grace@example.org", "America/New_York",
                Map.of("What would you like to discuss?", "Moving our team calendars to one place"), null, null, null));
        book(new BookingRequest(userEmail, intro, at.apply(2, 14), "Alan Turing", "alan@example.org", "Europe/London",
                Map.of(), "zoom", "https://zoom.example/j/81234567890", null));
        BookingRef canceled = book(new BookingRequest(userEmail, consultation, at.apply(3, 9), "Katherine Johnson",
                "katherine@example.org", "America/New_York", Map.of(), null, null, null));
        cancel(canceled.inviteeUri(), "Something came up, sorry");
        BookingRef moved = book(new BookingRequest(userEmail, intro, at.apply(4, 11), "Edsger Dijkstra", "edsger@example.org",
                "Europe/Amsterdam", Map.of(), null, null, null));
        reschedule(moved.inviteeUri(), at.apply(6, 15));
        book(new BookingRequest(userEmail, consultation, at.apply(9, 16), "Barbara Liskov", "barbara@example.org",
                "America/New_York", Map.of(), null, null, null));
    }

    /** An organization URI or a user's email: whether that organization's plan allows webhooks. */
    public synchronized void setWebhooksAllowed(String orgUriOrUserEmail, boolean allowed) {
        Org org = orgs.get(lastSegment(orgUriOrUserEmail));
        if (org == null) {
            org = orgs.get(requireUser(orgUriOrUserEmail).orgUuid);
        }
        org.webhooksAllowed = allowed;
        persist();
    }

    public synchronized List<Subscription> subscriptions() {
        return subscriptions.values().stream().map(s -> new Subscription(subscriptionUri(s), s.url, List.copyOf(s.events),
                s.scope, orgUri(s.orgUuid), s.userUuid == null ? null : userUri(users.get(s.userUuid)), s.state)).toList();
    }

    public synchronized void disableSubscription(String uri) {
        StoredSubscription sub = subscriptions.get(lastSegment(uri));
        if (sub != null) {
            sub.state = "disabled";
            sub.updated = clock.instant();
            persist();
        }
    }

    /** The next n deliveries are lost (logged with status 0, never sent). */
    public synchronized void dropNextDeliveries(int n) {
        dropNextDeliveries = n;
    }

    public List<Delivery> deliveries() {
        return webhooks.log();
    }

    /** A token pair as if the user had gone through the browser flow with the default client. */
    public synchronized TokenPair issueTokens(String userEmail) {
        User user = requireUser(userEmail);
        Grant grant = new Grant();
        grant.id = newUuid();
        grant.userUuid = user.uuid;
        grant.clientId = DEFAULT_CLIENT_ID;
        grants.put(grant.id, grant);
        TokenPair pair = newPair(grant);
        persist();
        return pair;
    }

    /** A personal access token: never expires. */
    public synchronized String issuePersonalAccessToken(String userEmail) {
        User user = requireUser(userEmail);
        AccessToken token = new AccessToken();
        token.userUuid = user.uuid;
        String value = "pat-" + randomToken();
        accessTokens.put(value, token);
        persist();
        return value;
    }

    /** Every OAuth access token issued so far expires now (personal access tokens never expire). */
    public synchronized void expireAccessTokens() {
        Instant past = clock.instant().minusSeconds(1);
        accessTokens.values().stream().filter(t -> t.grantId != null).forEach(t -> t.expires = past);
        persist();
    }

    /** The user disconnects every app: all grants (their access and refresh tokens) are revoked. */
    public synchronized void revokeGrant(String userEmail) {
        User user = requireUser(userEmail);
        grants.values().stream().filter(g -> g.userUuid.equals(user.uuid)).forEach(g -> g.revoked = true);
        persist();
    }

    /** The next {@code count} API calls matching method and path prefix answer {@code status}. */
    public synchronized void failNext(String method, String pathPrefix, int status, int count) {
        faults.add(new Fault(method.toUpperCase(Locale.ROOT), pathPrefix, status, count));
    }

    public synchronized void clearFaults() {
        faults.clear();
    }

    public int callCount(String method, String pathPrefix) {
        String wanted = method.toUpperCase(Locale.ROOT) + " " + pathPrefix;
        return (int) calls.stream().filter(c -> c.startsWith(wanted)).count();
    }

    // ---- HTTP ----

    private Reply handle(Request request) throws IOException {
        calls.add(request.method + " " + request.path);
        // the sandbox page and its control surface are no part of Calendly's API: no auth, no faults
        if (request.path.equals("/") && request.method.equals("GET")) {
            return Reply.html(200, sandboxPage());
        }
        if (request.path.startsWith("/_control/")) {
            return control(request);
        }
        List<Webhooks.Planned> planned = new ArrayList<>();
        Reply reply;
        synchronized (this) {
            Fault fault = takeFault(request);
            if (fault != null) {
                throw CalendlyApiException.of(fault.status, fault.status >= 500 ? "Internal Server Error" : "Injected Fault",
                        "A fault injected by the test.");
            }
            try {
                reply = route(request, planned);
            } finally {
                if (!request.method.equals("GET")) {
                    persist();
                }
            }
        }
        sendAll(planned);
        return reply;
    }

    private Fault takeFault(Request request) {
        for (Fault fault : faults) {
            if (fault.remaining > 0 && fault.method.equals(request.method) && request.path.startsWith(fault.pathPrefix)) {
                fault.remaining--;
                return fault;
            }
        }
        return null;
    }

    private Reply route(Request request, List<Webhooks.Planned> planned) throws IOException {
        String path = request.path;
        String method = request.method;
        if (path.equals("/oauth/authorize")) {
            return method.equals("POST") ? consent(request) : authorize(request);
        }
        if (path.equals("/oauth/token") && method.equals("POST")) {
            return token(request);
        }
        if (path.equals("/oauth/revoke") && method.equals("POST")) {
            return revoke(request);
        }
        User caller = authenticate(request);
        List<String> seg = segments(path);
        if (seg.isEmpty()) {
            throw CalendlyApiException.notFound();
        }
        switch (seg.get(0)) {
            case "users" -> {
                if (method.equals("GET") && seg.size() == 2) {
                    User user = seg.get(1).equals("me") ? caller : users.get(seg.get(1));
                    if (user == null) {
                        throw CalendlyApiException.notFound();
                    }
                    return resource(userJson(user));
                }
            }
            case "organizations" -> {
                if (method.equals("GET") && seg.size() == 2 && orgs.containsKey(seg.get(1))) {
                    return resource(orgJson(orgs.get(seg.get(1))));
                }
            }
            case "event_types" -> {
                if (method.equals("GET") && seg.size() == 1) {
                    return listEventTypes(request, caller);
                }
                if (method.equals("GET") && seg.size() == 2 && eventTypes.containsKey(seg.get(1))) {
                    return resource(eventTypeJson(eventTypes.get(seg.get(1))));
                }
            }
            case "scheduled_events" -> {
                return scheduledEvents(request, caller, seg, planned);
            }
            case "webhook_subscriptions" -> {
                return webhookSubscriptions(request, caller, seg);
            }
            case "user_busy_times" -> {
                if (method.equals("GET") && seg.size() == 1) {
                    return userBusyTimes(request, caller);
                }
            }
            case "invitee_no_shows" -> {
                return inviteeNoShows(request, caller, seg, planned);
            }
            default -> {
            }
        }
        throw CalendlyApiException.notFound();
    }

    // ---- the sandbox page and its control surface ----

    /** Server-rendered: each user's event types and scheduled events, with forms that post to {@code /_control}. */
    private synchronized String sandboxPage() {
        StringBuilder html = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\">")
                .append("<title>Calendly sandbox</title><style>body{font-family:sans-serif;margin:2em}")
                .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px;vertical-align:top}")
                .append("form{margin:2px 0}</style></head><body><h1>Calendly sandbox</h1>")
                .append("<p>API at <code>").append(escape(baseUrl())).append("</code>. Act here as an invitee would on ")
                .append("Calendly's scheduling pages: book, cancel, reschedule. Webhooks go to the subscriptions as usual.</p>");
        for (User user : users.values()) {
            html.append("<h2>").append(escape(user.name)).append(" &lt;").append(escape(user.email)).append("&gt;</h2>")
                    .append("<p>User <code>").append(escape(userUri(user))).append("</code>, time zone ")
                    .append(escape(user.timezone)).append("</p><h3>Event types</h3><ul>");
            List<EventType> types = eventTypes.values().stream().filter(t -> t.userUuid.equals(user.uuid)).toList();
            for (EventType type : types) {
                html.append("<li>").append(escape(type.name)).append(" (").append(type.duration).append(" min) <code>")
                        .append(escape(eventTypeUri(type))).append("</code></li>");
            }
            if (types.isEmpty()) {
                html.append("<li>none yet (booking creates \"30 Minute Meeting\")</li>");
            }
            html.append("</ul><h3>Book</h3><form method=\"post\" action=\"/_control/book\">")
                    .append("<input type=\"hidden\" name=\"user\" value=\"").append(escape(user.email)).append("\">");
            if (!types.isEmpty()) {
                html.append("<select name=\"event_type\">");
                for (EventType type : types) {
                    html.append("<option value=\"").append(escape(eventTypeUri(type))).append("\">").append(escape(type.name)).append("</option>");
                }
                html.append("</select> ");
            }
            html.append("<input name=\"start_time\" placeholder=\"start, e.g. ").append(Json.time(clock.instant().plus(Duration.ofDays(1)))
                            .replace(".000000", "")).append("\" size=\"24\" required> ")
                    .append("<input name=\"name\" placeholder=\"invitee name\" required> ")
                    .append("<input name=\"email\" type=\"email\" placeholder=\"invitee email\" required> ")
                    .append("<input name=\"question\" placeholder=\"question (optional)\"> ")
                    .append("<input name=\"answer\" placeholder=\"answer\"> <button>Book</button></form>")
                    .append("<h3>Scheduled events</h3><table><tr><th>Event</th><th>Status</th><th>Time (UTC)</th><th>Location</th><th>Invitees</th></tr>");
            List<Event> hosted = events.values().stream().filter(e -> e.hostUuid.equals(user.uuid))
                    .sorted(Comparator.comparing((Event e) -> e.start)).toList();
            for (Event event : hosted) {
                html.append("<tr><td>").append(escape(event.name)).append("<br><a href=\"").append(escape(eventUri(event)))
                        .append("\"><code>").append(escape(event.uuid)).append("</code></a></td><td>").append(escape(event.status));
                if (event.cancellation != null) {
                    html.append("<br>").append(escape(String.valueOf(event.cancellation.reason())));
                }
                html.append("</td><td>").append(escape(Json.time(event.start))).append("<br>").append(escape(Json.time(event.end)))
                        .append("</td><td>");
                if (event.joinUrl != null) {
                    html.append(escape(event.locationKind)).append(": <a href=\"").append(escape(event.joinUrl)).append("\">")
                            .append(escape(event.joinUrl)).append("</a>");
                }
                html.append("</td><td>");
                for (Invitee invitee : event.invitees) {
                    html.append("<div>").append(escape(String.valueOf(invitee.name))).append(" &lt;").append(escape(invitee.email))
                            .append("&gt; ").append(escape(invitee.status));
                    if (invitee.rescheduled) {
                        html.append(", rescheduled");
                    }
                    if (invitee.oldInviteePath != null) {
                        html.append(", rescheduled from an earlier booking");
                    }
                    if (invitee.noShowUuid != null) {
                        html.append(", no-show");
                    }
                    invitee.answers.forEach((q, a) -> html.append("<br><i>").append(escape(q)).append("</i>: ").append(escape(a)));
                    html.append("<br><a href=\"").append(escape(inviteeUri(invitee))).append("\">invitee</a>");
                    if (invitee.status.equals("active")) {
                        html.append("<form method=\"post\" action=\"/_control/cancel\"><input type=\"hidden\" name=\"invitee\" value=\"")
                                .append(escape(inviteeUri(invitee))).append("\"><input name=\"reason\" placeholder=\"reason\"> ")
                                .append("<button>Cancel</button></form>")
                                .append("<form method=\"post\" action=\"/_control/reschedule\"><input type=\"hidden\" name=\"invitee\" value=\"")
                                .append(escape(inviteeUri(invitee))).append("\"><input name=\"start_time\" placeholder=\"new start (ISO)\" required> ")
                                .append("<button>Reschedule</button></form>");
                    }
                    html.append("</div>");
                }
                html.append("</td></tr>");
            }
            if (hosted.isEmpty()) {
                html.append("<tr><td colspan=\"5\">no bookings yet</td></tr>");
            }
            html.append("</table>");
        }
        return html.append("</body></html>").toString();
    }

    /**
     * {@code POST /_control/book|cancel|reschedule}, form-encoded (the page: 303 back to it) or JSON (scripts: a JSON
     * answer). The same code as {@link #book}, {@link #cancel}, {@link #reschedule}; bad input is a 400 with a short text.
     */
    private Reply control(Request request) throws IOException {
        if (!request.method.equals("POST")) {
            return Reply.text(405, "POST only");
        }
        String contentType = String.valueOf(request.header("Content-Type")).toLowerCase(Locale.ROOT);
        boolean json = contentType.startsWith("application/json");
        Map<String, String> in = new LinkedHashMap<>();
        try {
            if (json) {
                request.jsonObject().properties().forEach(e -> in.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asString()));
            } else {
                in.putAll(request.form());
            }
        } catch (CalendlyApiException e) {
            return Reply.text(400, "the body is not a JSON object");
        }
        ObjectNode answer = Json.object();
        try {
            switch (request.path) {
                case "/_control/book" -> {
                    String question = blankToNull(in.get("question"));
                    String given = blankToNull(in.get("answer"));
                    Map<String, String> answers = question == null || given == null ? Map.of() : Map.of(question, given);
                    BookingRef ref = book(new BookingRequest(in.getOrDefault("user", DEFAULT_USER_EMAIL), blankToNull(in.get("event_type")),
                            instant(in.get("start_time")), required(in, "name"), required(in, "email"),
                            Objects.requireNonNullElse(blankToNull(in.get("timezone")), "UTC"), answers,
                            blankToNull(in.get("location_kind")), blankToNull(in.get("join_url")), null));
                    answer.put("event", ref.eventUri());
                    answer.put("invitee", ref.inviteeUri());
                }
                case "/_control/cancel" -> {
                    String target = in.get("invitee") != null ? in.get("invitee") : required(in, "event");
                    cancel(target, blankToNull(in.get("reason")));
                    answer.put("canceled", target);
                }
                case "/_control/reschedule" -> {
                    BookingRef ref = reschedule(required(in, "invitee"), instant(in.get("start_time")));
                    answer.put("event", ref.eventUri());
                    answer.put("invitee", ref.inviteeUri());
                }
                default -> {
                    return Reply.text(404, "no such control: " + request.path);
                }
            }
        } catch (IllegalArgumentException e) {
            return Reply.text(400, String.valueOf(e.getMessage()));
        }
        return json ? Reply.json(answer) : Reply.seeOther("/");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static String required(Map<String, String> in, String name) {
        String value = blankToNull(in.get(name));
        if (value == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }

    private static Instant instant(String value) {
        if (blankToNull(value) == null) {
            throw new IllegalArgumentException("start_time is required");
        }
        try {
            return Instant.parse(value.trim());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("start_time must be an ISO instant such as 2026-12-07T10:00:00Z");
        }
    }

    // ---- OAuth ----

    private Reply authorize(Request request) {
        Map<String, String> q = request.query;
        String clientId = q.getOrDefault("client_id", "");
        String redirectUri = q.get("redirect_uri");
        if (!clients.containsKey(clientId) || redirectUri == null || redirectUri.isBlank()) {
            return Reply.html(400, "<!doctype html><title>Error</title><p>Unknown client or missing redirect_uri.</p>");
        }
        if (!"code".equals(q.get("response_type"))) {
            return Reply.redirect(withQuery(redirectUri, "error", "unsupported_response_type", "state", q.get("state")));
        }
        String challenge = q.get("code_challenge");
        String challengeMethod = q.get("code_challenge_method");
        if ((challenge != null || challengeMethod != null) && (challenge == null || !"S256".equals(challengeMethod))) {
            return Reply.redirect(withQuery(redirectUri, "error", "invalid_request", "state", q.get("state")));
        }
        User user = findUserByEmail(q.getOrDefault("login_hint", DEFAULT_USER_EMAIL));
        if (user == null) {
            user = findUserByEmail(DEFAULT_USER_EMAIL);
        }
        if (autoApprove) {
            return Reply.redirect(issueCode(clientId, redirectUri, challenge, user, q.get("state")));
        }
        StringBuilder html = new StringBuilder("<!doctype html><html><head><title>Calendly emulator: authorize</title></head><body>")
                .append("<h1>Allow ").append(escape(clientId)).append(" to access your Calendly account?</h1>")
                .append("<form method=\"post\" action=\"/oauth/authorize\">");
        for (String name : List.of("client_id", "redirect_uri", "state", "code_challenge")) {
            if (q.get(name) != null) {
                html.append("<input type=\"hidden\" name=\"").append(name).append("\" value=\"").append(escape(q.get(name))).append("\">");
            }
        }
        html.append("<label>Signed in as <input name=\"email\" value=\"").append(escape(user.email)).append("\"></label>")
                .append("<button name=\"decision\" value=\"approve\">Allow</button>")
                .append("<button name=\"decision\" value=\"deny\">Deny</button></form></body></html>");
        return Reply.html(200, html.toString());
    }

    private Reply consent(Request request) throws IOException {
        Map<String, String> form = request.form();
        String clientId = form.getOrDefault("client_id", "");
        String redirectUri = form.get("redirect_uri");
        if (!clients.containsKey(clientId) || redirectUri == null) {
            return Reply.html(400, "<!doctype html><title>Error</title><p>Unknown client or missing redirect_uri.</p>");
        }
        if (!"approve".equals(form.get("decision"))) {
            return Reply.redirect(withQuery(redirectUri, "error", "access_denied", "state", form.get("state")));
        }
        User user = findUserByEmail(form.getOrDefault("email", DEFAULT_USER_EMAIL));
        if (user == null) {
            return Reply.html(400, "<!doctype html><title>Error</title><p>No such user.</p>");
        }
        return Reply.redirect(issueCode(clientId, redirectUri, form.get("code_challenge"), user, form.get("state")));
    }

    private String issueCode(String clientId, String redirectUri, String challenge, User user, String state) {
        String code = randomToken();
        codes.put(code, new PendingCode(clientId, redirectUri, challenge, user.uuid, clock.instant().plus(CODE_LIFETIME)));
        return withQuery(redirectUri, "code", code, "state", state);
    }

    private Reply token(Request request) throws IOException {
        Map<String, String> form = request.form();
        String clientId = authenticateClient(request, form);
        String grantType = form.getOrDefault("grant_type", "");
        Grant grant;
        if (grantType.equals("authorization_code")) {
            PendingCode pending = codes.remove(form.getOrDefault("code", ""));
            if (pending == null || pending.expires().isBefore(clock.instant()) || !pending.clientId().equals(clientId)) {
                throw CalendlyApiException.oauth(400, "invalid_grant", "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.");
            }
            if (!pending.redirectUri().equals(form.get("redirect_uri"))) {
                throw CalendlyApiException.oauth(400, "invalid_grant", "The redirect_uri does not match the one of the authorization request.");
            }
            if (pending.challenge() != null) {
                String verifier = form.get("code_verifier");
                if (verifier == null || !s256(verifier).equals(pending.challenge())) {
                    throw CalendlyApiException.oauth(400, "invalid_grant", "The code_verifier does not match the code_challenge.");
                }
            }
            countTokenRequest(pending.userUuid());
            grant = new Grant();
            grant.id = newUuid();
            grant.userUuid = pending.userUuid();
            grant.clientId = clientId;
            grants.put(grant.id, grant);
        } else if (grantType.equals("refresh_token")) {
            RefreshToken refresh = refreshTokens.get(form.getOrDefault("refresh_token", ""));
            grant = refresh == null ? null : grants.get(refresh.grantId);
            if (refresh == null || refresh.used || grant.revoked || !grant.clientId.equals(clientId)) {
                throw CalendlyApiException.oauth(400, "invalid_grant", "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.");
            }
            countTokenRequest(grant.userUuid);
            refresh.used = true; // single-use: the answer carries its successor
        } else {
            throw CalendlyApiException.oauth(400, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.");
        }
        TokenPair pair = newPair(grant);
        User user = users.get(grant.userUuid);
        ObjectNode body = Json.object();
        body.put("token_type", "Bearer");
        body.put("access_token", pair.accessToken());
        body.put("refresh_token", pair.refreshToken());
        body.put("scope", "default");
        body.put("created_at", clock.instant().getEpochSecond());
        body.put("expires_in", accessTokenLifetime.toSeconds());
        body.put("owner", userUri(user));
        body.put("organization", orgUri(user.orgUuid));
        return Reply.json(body);
    }

    private void countTokenRequest(String userUuid) {
        Instant now = clock.instant();
        Deque<Instant> recent = tokenRequests.computeIfAbsent(userUuid, k -> new ArrayDeque<>());
        while (!recent.isEmpty() && !recent.peekFirst().isAfter(now.minusSeconds(60))) {
            recent.pollFirst();
        }
        if (recent.size() >= TOKEN_REQUESTS_PER_MINUTE) {
            throw CalendlyApiException.of(429, "Too Many Requests", "At most 8 token requests per user per minute.");
        }
        recent.addLast(now);
    }

    private Reply revoke(Request request) throws IOException {
        Map<String, String> form = request.form();
        authenticateClient(request, form);
        String token = form.getOrDefault("token", "");
        String grantId = null;
        if (accessTokens.containsKey(token)) {
            grantId = accessTokens.get(token).grantId;
        } else if (refreshTokens.containsKey(token)) {
            grantId = refreshTokens.get(token).grantId;
        }
        if (grantId != null) {
            grants.get(grantId).revoked = true;
        }
        return Reply.json(Json.object()); // RFC 7009: an unknown token is not an error
    }

    private String authenticateClient(Request request, Map<String, String> form) {
        String id = form.get("client_id");
        String secret = form.get("client_secret");
        String authorization = request.header("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon > 0) {
                id = Json.decode(decoded.substring(0, colon));
                secret = Json.decode(decoded.substring(colon + 1));
            }
        }
        if (id == null || secret == null || !secret.equals(clients.get(id))) {
            throw CalendlyApiException.oauth(401, "invalid_client", "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.");
        }
        return id;
    }

    private TokenPair newPair(Grant grant) {
        AccessToken access = new AccessToken();
        access.grantId = grant.id;
        access.userUuid = grant.userUuid;
        access.expires = clock.instant().plus(accessTokenLifetime);
        String accessValue = "at-" + randomToken();
        accessTokens.put(accessValue, access);
        RefreshToken refresh = new RefreshToken();
        refresh.grantId = grant.id;
        String refreshValue = "rt-" + randomToken();
        refreshTokens.put(refreshValue, refresh);
        return new TokenPair(accessValue, refreshValue);
    }

    private User authenticate(Request request) {
        String authorization = request.header("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw CalendlyApiException.unauthenticated("The access token is invalid");
        }
        AccessToken token = accessTokens.get(authorization.substring(7).trim());
        if (token == null || (token.grantId != null && grants.get(token.grantId).revoked)) {
            throw CalendlyApiException.unauthenticated("The access token is invalid");
        }
        Instant now = clock.instant();
        if (token.expires != null && !now.isBefore(token.expires)) {
            throw CalendlyApiException.unauthenticated("The access token is expired");
        }
        if (token.windowStart == null || !now.isBefore(token.windowStart.plusSeconds(60))) {
            token.windowStart = now;
            token.windowCount = 0;
        }
        if (token.windowCount >= rateLimitPerMinute) {
            long reset = Math.max(1, Duration.between(now, token.windowStart.plusSeconds(60)).toSeconds());
            ObjectNode body = Json.object();
            body.put("title", "Too Many Requests");
            body.put("message", "You have exceeded the rate limit. Please try again later.");
            throw new CalendlyApiException(429, body, Map.of("X-RateLimit-Limit", String.valueOf(rateLimitPerMinute),
                    "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", String.valueOf(reset)));
        }
        token.windowCount++;
        return users.get(token.userUuid);
    }

    // ---- event types and scheduled events ----

    private Reply listEventTypes(Request request, User caller) {
        String userUri = request.query.get("user");
        String orgUri = request.query.get("organization");
        if (userUri == null && orgUri == null) {
            throw CalendlyApiException.invalidArgument("organization", "user or organization is required");
        }
        List<ObjectNode> items = new ArrayList<>();
        for (EventType type : eventTypes.values()) {
            User host = users.get(type.userUuid);
            if (visibleOwner(caller, host, userUri, orgUri)) {
                items.add(eventTypeJson(type));
            }
        }
        return page(request, "/event_types", items);
    }

    /** Whether the owner matches the user/organization filter, which must be within the caller's organization. */
    private boolean visibleOwner(User caller, User owner, String userUri, String orgUri) {
        if (userUri != null) {
            User filter = users.get(lastSegment(userUri));
            if (filter == null) {
                throw CalendlyApiException.invalidArgument("user", "must be a valid user URI");
            }
            if (!filter.orgUuid.equals(caller.orgUuid)) {
                throw CalendlyApiException.permissionDenied("You do not have permission to access this resource.");
            }
            if (!filter.uuid.equals(owner.uuid)) {
                return false;
            }
        }
        if (orgUri != null) {
            String orgUuid = lastSegment(orgUri);
            if (!orgs.containsKey(orgUuid)) {
                throw CalendlyApiException.invalidArgument("organization", "must be a valid organization URI");
            }
            if (!orgUuid.equals(caller.orgUuid)) {
                throw CalendlyApiException.permissionDenied("You do not have permission to access this resource.");
            }
            return owner.orgUuid.equals(orgUuid);
        }
        return true;
    }

    private Reply scheduledEvents(Request request, User caller, List<String> seg, List<Webhooks.Planned> planned) throws IOException {
        if (seg.size() == 1 && request.method.equals("GET")) {
            return listScheduledEvents(request, caller);
        }
        Event event = seg.size() >= 2 ? events.get(seg.get(1)) : null;
        if (event == null || !users.get(event.hostUuid).orgUuid.equals(caller.orgUuid)) {
            throw CalendlyApiException.notFound();
        }
        if (seg.size() == 2 && request.method.equals("GET")) {
            return resource(eventJson(event));
        }
        if (seg.size() == 3 && seg.get(2).equals("cancellation") && request.method.equals("POST")) {
            if (!event.status.equals("active")) {
                throw CalendlyApiException.permissionDenied("Event is already canceled.");
            }
            JsonNode body = request.jsonObject();
            Cancellation cancellation = new Cancellation(caller.name, body.path("reason").asString(null), "host", clock.instant());
            for (Invitee invitee : event.invitees) {
                if (invitee.status.equals("active")) {
                    cancelInvitee(invitee, cancellation);
                    planned.addAll(planWebhooks("invitee.canceled", invitee));
                }
            }
            cancelEvent(event, cancellation);
            return Reply.json(201, Json.object().set("resource", cancellationJson(cancellation)));
        }
        if (seg.size() == 3 && seg.get(2).equals("invitees") && request.method.equals("GET")) {
            String status = request.query.get("status");
            String email = request.query.get("email");
            checkStatus(status);
            List<Invitee> selected = new ArrayList<>(event.invitees.stream()
                    .filter(i -> status == null || i.status.equals(status))
                    .filter(i -> email == null || i.email.equalsIgnoreCase(email)).toList());
            sortByTime(request, selected, i -> i.created);
            return page(request, "/scheduled_events/" + event.uuid + "/invitees", selected.stream().map(this::inviteeJson).toList());
        }
        if (seg.size() == 4 && seg.get(2).equals("invitees") && request.method.equals("GET")) {
            for (Invitee invitee : event.invitees) {
                if (invitee.uuid.equals(seg.get(3))) {
                    return resource(inviteeJson(invitee));
                }
            }
        }
        throw CalendlyApiException.notFound();
    }

    private Reply listScheduledEvents(Request request, User caller) {
        Map<String, String> q = request.query;
        if (q.get("user") == null && q.get("organization") == null) {
            throw CalendlyApiException.invalidArgument("organization", "user or organization is required");
        }
        Instant min = q.containsKey("min_start_time") ? Json.parseTime("min_start_time", q.get("min_start_time")) : null;
        Instant max = q.containsKey("max_start_time") ? Json.parseTime("max_start_time", q.get("max_start_time")) : null;
        String status = q.get("status");
        checkStatus(status);
        String inviteeEmail = q.get("invitee_email");
        List<Event> selected = new ArrayList<>();
        for (Event event : events.values()) {
            if (!visibleOwner(caller, users.get(event.hostUuid), q.get("user"), q.get("organization"))) {
                continue;
            }
            if ((min != null && event.start.isBefore(min)) || (max != null && !event.start.isBefore(max))) {
                continue;
            }
            if (status != null && !event.status.equals(status)) {
                continue;
            }
            if (inviteeEmail != null && event.invitees.stream().noneMatch(i -> i.email.equalsIgnoreCase(inviteeEmail))) {
                continue;
            }
            selected.add(event);
        }
        sortByTime(request, selected, e -> e.start);
        return page(request, "/scheduled_events", selected.stream().map(this::eventJson).toList());
    }

    private static void checkStatus(String status) {
        if (status != null && !status.equals("active") && !status.equals("canceled")) {
            throw CalendlyApiException.invalidArgument("status", "must be one of active, canceled");
        }
    }

    private static <T> void sortByTime(Request request, List<T> items, java.util.function.Function<T, Instant> key) {
        String sort = request.query.getOrDefault("sort", "start_time:asc");
        String direction = sort.substring(sort.indexOf(':') + 1);
        if (!sort.contains(":") || !(direction.equals("asc") || direction.equals("desc"))) {
            throw CalendlyApiException.invalidArgument("sort", "must be in the form field:asc or field:desc");
        }
        Comparator<T> order = Comparator.comparing(key);
        items.sort(direction.equals("asc") ? order : order.reversed());
    }

    /** Calendly's paging: count 1..100 (default 20), an opaque page_token, full next/previous page URLs. */
    private Reply page(Request request, String path, List<ObjectNode> items) {
        int count = 20;
        if (request.query.containsKey("count")) {
            try {
                count = Integer.parseInt(request.query.get("count"));
            } catch (NumberFormatException e) {
                count = -1;
            }
            if (count < 1 || count > 100) {
                throw CalendlyApiException.invalidArgument("count", "must be between 1 and 100");
            }
        }
        int offset = 0;
        String pageToken = request.query.get("page_token");
        if (pageToken != null) {
            try {
                offset = Integer.parseInt(new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8).substring(7));
            } catch (RuntimeException e) {
                throw CalendlyApiException.invalidArgument("page_token", "is invalid");
            }
        }
        ObjectNode body = Json.object();
        ArrayNode collection = body.putArray("collection");
        items.stream().skip(offset).limit(count).forEach(collection::add);
        ObjectNode pagination = body.putObject("pagination");
        pagination.put("count", collection.size());
        String next = offset + count < items.size() ? pageToken(offset + count) : null;
        String previous = offset > 0 ? pageToken(Math.max(0, offset - count)) : null;
        pagination.put("next_page", next == null ? null : pageUrl(request, path, next));
        pagination.put("previous_page", previous == null ? null : pageUrl(request, path, previous));
        pagination.put("next_page_token", next);
        pagination.put("previous_page_token", previous);
        return Reply.json(body);
    }

    private static String pageToken(int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("offset:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private String pageUrl(Request request, String path, String token) {
        Map<String, String> query = new LinkedHashMap<>(request.query);
        query.put("page_token", token);
        StringBuilder url = new StringBuilder(baseUrl()).append(path);
        char separator = '?';
        for (Map.Entry<String, String> entry : query.entrySet()) {
            url.append(separator).append(Json.encode(entry.getKey())).append('=').append(Json.encode(entry.getValue()));
            separator = '&';
        }
        return url.toString();
    }

    private Invitee bookLocked(BookingRequest request) {
        User host = requireUser(request.userEmail());
        EventType type;
        if (request.eventTypeUri() != null) {
            type = eventTypes.get(lastSegment(request.eventTypeUri()));
            if (type == null) {
                throw new IllegalArgumentException("no such event type: " + request.eventTypeUri());
            }
        } else {
            type = eventTypes.values().stream().filter(t -> t.userUuid.equals(host.uuid)).findFirst()
                    .orElseGet(() -> eventTypes.get(lastSegment(createEventType(host.email, "30 Minute Meeting", 30))));
        }
        Instant now = clock.instant();
        Event event = new Event();
        event.uuid = newUuid();
        event.name = type.name;
        event.eventTypeUuid = type.uuid;
        event.hostUuid = host.uuid;
        event.start = request.start();
        event.end = request.start().plus(Duration.ofMinutes(type.duration));
        event.locationKind = request.locationKind();
        event.joinUrl = request.joinUrl();
        event.calendarEventExternalId = request.calendarEventExternalId();
        event.created = now;
        event.updated = now;
        Invitee invitee = new Invitee();
        invitee.uuid = newUuid();
        invitee.eventUuid = event.uuid;
        invitee.email = request.inviteeEmail();
        invitee.name = request.inviteeName();
        invitee.timezone = request.inviteeTimezone() == null ? "UTC" : request.inviteeTimezone();
        invitee.answers = request.answers() == null ? Map.of() : new LinkedHashMap<>(request.answers());
        invitee.created = now;
        invitee.updated = now;
        event.invitees.add(invitee);
        events.put(event.uuid, event);
        return invitee;
    }

    private void cancelInvitee(Invitee invitee, Cancellation cancellation) {
        invitee.status = "canceled";
        invitee.cancellation = cancellation;
        invitee.updated = cancellation.created();
        events.get(invitee.eventUuid).updated = cancellation.created();
    }

    private void cancelEvent(Event event, Cancellation cancellation) {
        event.status = "canceled";
        event.cancellation = cancellation;
        event.updated = cancellation.created();
    }

    // ---- busy times and no-shows ----

    private Reply userBusyTimes(Request request, User caller) {
        Map<String, String> q = request.query;
        for (String required : List.of("user", "start_time", "end_time")) {
            if (q.get(required) == null || q.get(required).isBlank()) {
                throw CalendlyApiException.invalidArgument(required, "is required");
            }
        }
        User user = users.get(lastSegment(q.get("user")));
        if (user == null) {
            throw CalendlyApiException.invalidArgument("user", "must be a valid user URI");
        }
        if (!user.orgUuid.equals(caller.orgUuid)) {
            throw CalendlyApiException.permissionDenied("You do not have permission to access this resource.");
        }
        Instant start = Json.parseTime("start_time", q.get("start_time"));
        Instant end = Json.parseTime("end_time", q.get("end_time"));
        if (!end.isAfter(start)) {
            throw CalendlyApiException.invalidArgument("end_time", "must be after start_time");
        }
        if (Duration.between(start, end).compareTo(Duration.ofDays(7)) > 0) {
            throw CalendlyApiException.invalidArgument("end_time", "The date range can be no greater than 1 week (7 days)");
        }
        ObjectNode body = Json.object();
        ArrayNode collection = body.putArray("collection");
        events.values().stream()
                .filter(e -> e.hostUuid.equals(user.uuid) && e.status.equals("active"))
                .filter(e -> e.start.isBefore(end) && e.end.isAfter(start))
                .sorted(Comparator.comparing((Event e) -> e.start))
                .forEach(e -> {
                    ObjectNode busy = collection.addObject();
                    busy.put("type", "calendly");
                    busy.put("start_time", Json.time(e.start));
                    busy.put("end_time", Json.time(e.end));
                    busy.put("buffered_start_time", Json.time(e.start)); // event types here have no buffers
                    busy.put("buffered_end_time", Json.time(e.end));
                    busy.putObject("event").put("uri", eventUri(e));
                });
        ObjectNode pagination = body.putObject("pagination"); // one page: no keyset paging on this endpoint
        pagination.put("count", collection.size());
        pagination.putNull("next_page");
        pagination.putNull("previous_page");
        pagination.putNull("next_page_token");
        pagination.putNull("previous_page_token");
        return Reply.json(body);
    }

    private Reply inviteeNoShows(Request request, User caller, List<String> seg, List<Webhooks.Planned> planned) throws IOException {
        if (seg.size() == 1 && request.method.equals("POST")) {
            String inviteeUri = request.jsonObject().path("invitee").asString(null);
            if (inviteeUri == null || inviteeUri.isBlank()) {
                throw CalendlyApiException.invalidArgument("invitee", "is required");
            }
            Invitee invitee = findInviteeByUri(inviteeUri);
            if (invitee == null || !users.get(events.get(invitee.eventUuid).hostUuid).orgUuid.equals(caller.orgUuid)) {
                throw CalendlyApiException.invalidArgument("invitee", "must be a valid invitee URI");
            }
            if (invitee.noShowUuid != null) {
                throw CalendlyApiException.of(409, "Already Exists", "The invitee is already marked as a no show.");
            }
            return Reply.json(201, Json.object().set("resource", noShowJson(markNoShowLocked(invitee, planned))));
        }
        NoShow noShow = seg.size() == 2 ? noShows.get(seg.get(1)) : null;
        if (noShow == null || !users.get(events.get(noShow.eventUuid).hostUuid).orgUuid.equals(caller.orgUuid)) {
            throw CalendlyApiException.notFound();
        }
        if (request.method.equals("GET")) {
            return resource(noShowJson(noShow));
        }
        if (request.method.equals("DELETE")) {
            unmarkNoShowLocked(noShow, planned);
            return Reply.noContent();
        }
        throw CalendlyApiException.notFound();
    }

    private ObjectNode noShowJson(NoShow noShow) {
        ObjectNode node = Json.object();
        node.put("uri", noShowUri(noShow));
        node.put("invitee", inviteeUri(inviteeOf(noShow)));
        node.put("created_at", Json.time(noShow.created));
        return node;
    }

    // ---- webhook subscriptions ----

    private Reply webhookSubscriptions(Request request, User caller, List<String> seg) throws IOException {
        if (seg.size() == 1 && request.method.equals("POST")) {
            return createSubscription(request, caller);
        }
        if (seg.size() == 1 && request.method.equals("GET")) {
            Map<String, String> q = request.query;
            String orgUri = q.get("organization");
            String scope = q.get("scope");
            if (orgUri == null) {
                throw CalendlyApiException.invalidArgument("organization", "is required");
            }
            if (scope == null || !(scope.equals("user") || scope.equals("organization"))) {
                throw CalendlyApiException.invalidArgument("scope", "must be one of user, organization");
            }
            if (scope.equals("user") && q.get("user") == null) {
                throw CalendlyApiException.invalidArgument("user", "is required for scope user");
            }
            if (!lastSegment(orgUri).equals(caller.orgUuid)) {
                throw CalendlyApiException.permissionDenied("You do not have permission to access this resource.");
            }
            List<ObjectNode> items = subscriptions.values().stream()
                    .filter(s -> s.orgUuid.equals(caller.orgUuid) && s.scope.equals(scope))
                    .filter(s -> !scope.equals("user") || lastSegment(q.get("user")).equals(s.userUuid))
                    .sorted(Comparator.comparing((StoredSubscription s) -> s.created))
                    .map(this::subscriptionJson).toList();
            return page(request, "/webhook_subscriptions", items);
        }
        StoredSubscription sub = seg.size() == 2 ? subscriptions.get(seg.get(1)) : null;
        if (sub == null || !sub.orgUuid.equals(caller.orgUuid)) {
            throw CalendlyApiException.notFound();
        }
        if (request.method.equals("GET")) {
            return resource(subscriptionJson(sub));
        }
        if (request.method.equals("DELETE")) {
            subscriptions.remove(sub.uuid);
            return Reply.noContent();
        }
        throw CalendlyApiException.notFound();
    }

    private static final List<String> WEBHOOK_EVENTS = List.of("invitee.created", "invitee.canceled",
            "invitee_no_show.created", "invitee_no_show.deleted", "routing_form_submission.created");

    private Reply createSubscription(Request request, User caller) throws IOException {
        ObjectNode body = request.jsonObject();
        String url = body.path("url").asString("");
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw CalendlyApiException.invalidArgument("url", "must be a valid URL");
        }
        List<String> wanted = new ArrayList<>();
        for (JsonNode event : body.path("events")) {
            if (!WEBHOOK_EVENTS.contains(event.asString(""))) {
                throw CalendlyApiException.invalidArgument("events", "contains an unknown event: " + event.asString(""));
            }
            wanted.add(event.asString());
        }
        if (wanted.isEmpty()) {
            throw CalendlyApiException.invalidArgument("events", "is required");
        }
        String orgUri = body.path("organization").asString(null);
        if (orgUri == null) {
            throw CalendlyApiException.invalidArgument("organization", "is required");
        }
        String scope = body.path("scope").asString("");
        if (!scope.equals("user") && !scope.equals("organization")) {
            throw CalendlyApiException.invalidArgument("scope", "must be one of user, organization");
        }
        String userUri = body.path("user").asString(null);
        if (scope.equals("user") && userUri == null) {
            throw CalendlyApiException.invalidArgument("user", "is required for scope user");
        }
        Org org = orgs.get(lastSegment(orgUri));
        if (org == null || !org.uuid.equals(caller.orgUuid)) {
            throw CalendlyApiException.permissionDenied("You do not have permission to access this resource.");
        }
        if (!org.webhooksAllowed) {
            throw CalendlyApiException.permissionDenied("Please upgrade your Calendly account to Standard");
        }
        String userUuid = scope.equals("user") ? lastSegment(userUri) : null;
        if (userUuid != null && (!users.containsKey(userUuid) || !users.get(userUuid).orgUuid.equals(org.uuid))) {
            throw CalendlyApiException.invalidArgument("user", "must be a user of the organization");
        }
        for (StoredSubscription existing : subscriptions.values()) {
            if (existing.url.equals(url) && existing.scope.equals(scope) && existing.orgUuid.equals(org.uuid)
                    && Objects.equals(existing.userUuid, userUuid)) {
                throw CalendlyApiException.of(409, "Already Exists", "Hook with this url already exists");
            }
        }
        StoredSubscription sub = new StoredSubscription();
        sub.uuid = newUuid();
        sub.url = url;
        sub.events = List.copyOf(wanted);
        sub.scope = scope;
        sub.orgUuid = org.uuid;
        sub.userUuid = userUuid;
        sub.creatorUuid = caller.uuid;
        // only a personal access token's own key is used; OAuth apps sign with the app's webhook signing key
        String signingKey = body.path("signing_key").asString(null);
        boolean personal = accessTokens.get(request.header("Authorization").substring(7).trim()).grantId == null;
        sub.signingKey = personal && signingKey != null && !signingKey.isBlank() ? signingKey : null;
        sub.created = clock.instant();
        sub.updated = sub.created;
        subscriptions.put(sub.uuid, sub);
        return Reply.json(201, Json.object().set("resource", subscriptionJson(sub)));
    }

    private boolean subscriptionActive(String uri) {
        synchronized (this) {
            StoredSubscription sub = subscriptions.get(lastSegment(uri));
            return sub != null && sub.state.equals("active");
        }
    }

    /** Deliveries for the active subscriptions that cover this invitee's host; built under the lock, sent after. */
    private List<Webhooks.Planned> planWebhooks(String eventName, Invitee invitee) {
        Event event = events.get(invitee.eventUuid);
        User host = users.get(event.hostUuid);
        List<Webhooks.Planned> planned = new ArrayList<>();
        for (StoredSubscription sub : subscriptions.values()) {
            boolean covers = sub.scope.equals("organization") ? sub.orgUuid.equals(host.orgUuid) : host.uuid.equals(sub.userUuid);
            if (!sub.state.equals("active") || !covers || !sub.events.contains(eventName)) {
                continue;
            }
            ObjectNode payload = inviteeJson(invitee);
            payload.set("scheduled_event", eventJson(event));
            ObjectNode body = Json.object();
            body.put("event", eventName);
            body.put("created_at", Json.time(clock.instant()));
            body.put("created_by", userUri(users.get(sub.creatorUuid)));
            body.set("payload", payload);
            Webhooks.Planned delivery = new Webhooks.Planned(subscriptionUri(sub), sub.url, eventName,
                    new String(Json.bytes(body), StandardCharsets.UTF_8), sub.signingKey != null ? sub.signingKey : webhookSigningKey);
            if (dropNextDeliveries > 0) {
                dropNextDeliveries--;
                webhooks.drop(delivery);
            } else {
                planned.add(delivery);
            }
        }
        return planned;
    }

    private void sendAll(List<Webhooks.Planned> planned) {
        planned.forEach(webhooks::send);
    }

    // ---- JSON ----

    private static Reply resource(ObjectNode node) {
        return Reply.json(Json.object().set("resource", node));
    }

    private ObjectNode userJson(User user) {
        ObjectNode node = Json.object();
        node.put("uri", userUri(user));
        node.put("name", user.name);
        node.put("slug", user.slug);
        node.put("email", user.email);
        node.put("scheduling_url", baseUrl() + "/" + user.slug);
        node.put("timezone", user.timezone);
        node.putNull("avatar_url");
        node.put("created_at", Json.time(user.created));
        node.put("updated_at", Json.time(user.created));
        node.put("current_organization", orgUri(user.orgUuid));
        node.put("resource_type", "User");
        return node;
    }

    private ObjectNode orgJson(Org org) {
        ObjectNode node = Json.object();
        node.put("uri", orgUri(org.uuid));
        node.put("name", org.name);
        node.put("plan", org.webhooksAllowed ? "teams" : "basic");
        node.put("stage", "paid");
        node.put("created_at", Json.time(org.created));
        node.put("updated_at", Json.time(org.created));
        return node;
    }

    private ObjectNode eventTypeJson(EventType type) {
        User owner = users.get(type.userUuid);
        ObjectNode node = Json.object();
        node.put("uri", eventTypeUri(type));
        node.put("name", type.name);
        node.put("active", true);
        node.put("slug", type.slug);
        node.put("scheduling_url", baseUrl() + "/" + owner.slug + "/" + type.slug);
        node.put("duration", type.duration);
        node.put("kind", "solo");
        node.put("pooling_type", (String) null);
        node.put("type", "StandardEventType");
        node.put("color", "#006bff");
        node.put("created_at", Json.time(type.created));
        node.put("updated_at", Json.time(type.created));
        ObjectNode profile = node.putObject("profile");
        profile.put("type", "User");
        profile.put("name", owner.name);
        profile.put("owner", userUri(owner));
        node.putArray("custom_questions");
        return node;
    }

    private static final List<String> CONFERENCE_KINDS = List.of("google_conference", "zoom",
            "microsoft_teams_conference", "webex_conference", "gotomeeting");

    private ObjectNode eventJson(Event event) {
        User host = users.get(event.hostUuid);
        ObjectNode node = Json.object();
        node.put("uri", eventUri(event));
        node.put("name", event.name);
        node.putNull("meeting_notes_plain");
        node.putNull("meeting_notes_html");
        node.put("status", event.status);
        node.put("start_time", Json.time(event.start));
        node.put("end_time", Json.time(event.end));
        node.put("event_type", eventTypeUri(eventTypes.get(event.eventTypeUuid)));
        if (event.locationKind == null) {
            node.putNull("location");
        } else {
            ObjectNode location = node.putObject("location");
            location.put("type", event.locationKind);
            if (CONFERENCE_KINDS.contains(event.locationKind)) {
                location.put("status", "pushed");
                location.put("join_url", event.joinUrl);
                location.putObject("data");
            } else {
                location.put("location", event.joinUrl);
            }
        }
        ObjectNode counter = node.putObject("invitees_counter");
        counter.put("total", event.invitees.size());
        counter.put("active", event.invitees.stream().filter(i -> i.status.equals("active")).count());
        counter.put("limit", 1);
        node.put("created_at", Json.time(event.created));
        node.put("updated_at", Json.time(event.updated));
        ObjectNode membership = node.putArray("event_memberships").addObject();
        membership.put("user", userUri(host));
        membership.put("user_email", host.email);
        membership.put("user_name", host.name);
        node.putArray("event_guests");
        if (event.calendarEventExternalId == null) {
            node.putNull("calendar_event");
        } else {
            ObjectNode calendar = node.putObject("calendar_event");
            calendar.put("kind", "google");
            calendar.put("external_id", event.calendarEventExternalId);
        }
        if (event.cancellation != null) {
            node.set("cancellation", cancellationJson(event.cancellation));
        }
        return node;
    }

    private ObjectNode inviteeJson(Invitee invitee) {
        Event event = events.get(invitee.eventUuid);
        ObjectNode node = Json.object();
        node.put("uri", inviteeUri(invitee));
        node.put("email", invitee.email);
        node.put("name", invitee.name);
        int space = invitee.name == null ? -1 : invitee.name.indexOf(' ');
        node.put("first_name", space < 0 ? invitee.name : invitee.name.substring(0, space));
        node.put("last_name", space < 0 ? null : invitee.name.substring(space + 1));
        node.put("status", invitee.status);
        ArrayNode answers = node.putArray("questions_and_answers");
        int position = 0;
        for (Map.Entry<String, String> answer : invitee.answers.entrySet()) {
            ObjectNode qa = answers.addObject();
            qa.put("question", answer.getKey());
            qa.put("answer", answer.getValue());
            qa.put("position", position++);
        }
        node.put("timezone", invitee.timezone);
        node.put("event", eventUri(event));
        node.put("created_at", Json.time(invitee.created));
        node.put("updated_at", Json.time(invitee.updated));
        ObjectNode tracking = node.putObject("tracking");
        for (String field : List.of("utm_campaign", "utm_source", "utm_medium", "utm_content", "utm_term", "salesforce_uuid")) {
            tracking.putNull(field);
        }
        node.putNull("text_reminder_number");
        node.put("rescheduled", invitee.rescheduled);
        node.put("old_invitee", invitee.oldInviteePath == null ? null : baseUrl() + invitee.oldInviteePath);
        node.put("new_invitee", invitee.newInviteePath == null ? null : baseUrl() + invitee.newInviteePath);
        node.put("cancel_url", baseUrl() + "/cancellations/" + invitee.uuid);
        node.put("reschedule_url", baseUrl() + "/reschedulings/" + invitee.uuid);
        node.putNull("routing_form_submission");
        node.putNull("payment");
        NoShow noShow = invitee.noShowUuid == null ? null : noShows.get(invitee.noShowUuid);
        if (noShow == null) {
            node.putNull("no_show");
        } else {
            ObjectNode shown = node.putObject("no_show");
            shown.put("uri", noShowUri(noShow));
            shown.put("created_at", Json.time(noShow.created));
        }
        node.putNull("reconfirmation");
        if (invitee.cancellation != null) {
            node.set("cancellation", cancellationJson(invitee.cancellation));
        }
        return node;
    }

    private static ObjectNode cancellationJson(Cancellation cancellation) {
        ObjectNode node = Json.object();
        node.put("canceled_by", cancellation.canceledBy());
        node.put("reason", cancellation.reason());
        node.put("canceler_type", cancellation.cancelerType());
        node.put("created_at", Json.time(cancellation.created()));
        return node;
    }

    private ObjectNode subscriptionJson(StoredSubscription sub) {
        ObjectNode node = Json.object();
        node.put("uri", subscriptionUri(sub));
        node.put("callback_url", sub.url);
        node.put("created_at", Json.time(sub.created));
        node.put("updated_at", Json.time(sub.updated));
        node.putNull("retry_started_at");
        node.put("state", sub.state);
        ArrayNode list = node.putArray("events");
        sub.events.forEach(list::add);
        node.put("scope", sub.scope);
        node.put("organization", orgUri(sub.orgUuid));
        node.put("user", sub.userUuid == null ? null : userUri(users.get(sub.userUuid)));
        node.put("creator", userUri(users.get(sub.creatorUuid)));
        return node;
    }

    // ---- helpers ----

    private String userUri(User user) {
        return baseUrl() + "/users/" + user.uuid;
    }

    private String orgUri(String orgUuid) {
        return baseUrl() + "/organizations/" + orgUuid;
    }

    private String eventTypeUri(EventType type) {
        return baseUrl() + "/event_types/" + type.uuid;
    }

    private String eventUri(Event event) {
        return baseUrl() + "/scheduled_events/" + event.uuid;
    }

    private String inviteeUri(Invitee invitee) {
        return baseUrl() + inviteePath(invitee);
    }

    private static String inviteePath(Invitee invitee) {
        return "/scheduled_events/" + invitee.eventUuid + "/invitees/" + invitee.uuid;
    }

    private String noShowUri(NoShow noShow) {
        return baseUrl() + "/invitee_no_shows/" + noShow.uuid;
    }

    private String subscriptionUri(StoredSubscription sub) {
        return baseUrl() + "/webhook_subscriptions/" + sub.uuid;
    }

    private User findUserByEmail(String email) {
        return users.values().stream().filter(u -> u.email.equalsIgnoreCase(email)).findFirst().orElse(null);
    }

    private User requireUser(String email) {
        User user = findUserByEmail(email);
        if (user == null) {
            throw new IllegalArgumentException("no such user: " + email);
        }
        return user;
    }

    private Event findEventByUri(String uri) {
        List<String> seg = segments(uri.startsWith(baseUrl()) ? uri.substring(baseUrl().length()) : uri);
        return seg.size() == 2 && seg.get(0).equals("scheduled_events") ? events.get(seg.get(1)) : null;
    }

    private Invitee findInviteeByUri(String uri) {
        List<String> seg = segments(uri.startsWith(baseUrl()) ? uri.substring(baseUrl().length()) : uri);
        if (seg.size() != 4 || !seg.get(2).equals("invitees") || !events.containsKey(seg.get(1))) {
            return null;
        }
        return events.get(seg.get(1)).invitees.stream().filter(i -> i.uuid.equals(seg.get(3))).findFirst().orElse(null);
    }

    private static List<String> segments(String path) {
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(Json.decode(segment));
            }
        }
        return segments;
    }

    private static String lastSegment(String uri) {
        return uri.substring(uri.lastIndexOf('/') + 1);
    }

    private static String withQuery(String url, String name1, String value1, String name2, String value2) {
        StringBuilder result = new StringBuilder(url).append(url.contains("?") ? '&' : '?')
                .append(name1).append('=').append(Json.encode(value1));
        if (value2 != null) {
            result.append('&').append(name2).append('=').append(Json.encode(value2));
        }
        return result.toString();
    }

    static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String newUuid() {
        return UUID.randomUUID().toString().replace("-", "").toUpperCase(Locale.ROOT);
    }

    private static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
