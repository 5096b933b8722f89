package io.calbridge.sync;

import io.calbridge.connection.Connection;
import io.calbridge.connection.ConnectionService;
import io.calbridge.connection.ConnectionStatus;
import io.calbridge.connection.TokenService;
import io.calbridge.event.EventStore;
import io.calbridge.event.EventStore.PageResult;
import io.calbridge.provider.CalendarInfo;
import io.calbridge.provider.CalendarProvider;
import io.calbridge.provider.Capability;
import io.calbridge.provider.ChangePage;
import io.calbridge.provider.ChangeRequest;
import io.calbridge.provider.ProviderException;
import io.calbridge.provider.ProviderRegistry;
import io.calbridge.sync.CalendarSyncStates.State;
import io.calbridge.sync.CalendarSyncStates.Window;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Pulls a connection's calendars into the local event store: a full sync over the configured window first, then
 * incremental syncs from the provider's cursor. Every page is stored as it arrives; an expired cursor turns into a
 * full resync that also removes what vanished remotely. Provider calls happen outside any transaction.
 *
 * <p>The window rolls with the clock (now - windowPast .. now + windowFuture). Where the provider's cursor keeps
 * the window it was started with ({@link CalendarProvider#cursorKeepsWindow()}), events that enter the rolling window
 * later would never come; so once the window has moved more than {@code windowDrift} from the cursor's, the run is
 * a full resync over the current window instead (re-anchoring the cursor, and removing what is no longer there).
 */
@Service
public class InboundSync {

    private static final Logger log = LoggerFactory.getLogger(InboundSync.class);

    private final ConnectionService connections;
    private final TokenService tokens;
    private final ProviderRegistry providers;
    private final EventStore events;
    private final CalendarSyncStates states;
    private final PushChannels pushChannels;
    private final RefreshHints hints;
    private final SyncProperties properties;
    private final ApplicationEventPublisher publisher;
    private final TransactionTemplate transactions;
    private final Clock clock;

    InboundSync(ConnectionService connections, TokenService tokens, ProviderRegistry providers, EventStore events,
            CalendarSyncStates states, PushChannels pushChannels, RefreshHints hints, SyncProperties properties,
            ApplicationEventPublisher publisher, TransactionTemplate transactions, Clock clock) {
        this.connections = connections;
        this.hints = hints;
        this.tokens = tokens;
        this.providers = providers;
        this.events = events;
        this.states = states;
        this.pushChannels = pushChannels;
        this.properties = properties;
        this.publisher = publisher;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** What a sync run did; {@code failure} is set when it failed. */
    public record Outcome(String status, int created, int updated, int deleted, int providerCalls, ProviderException failure) {
        static Outcome skipped() {
            return new Outcome("SKIPPED", 0, 0, 0, 0, null);
        }
    }

    /** Syncs every read calendar of the connection; {@code full} forces a full resync. */
    public Outcome sync(UUID connectionId, boolean full) {
        Connection connection = connections.find(connectionId).orElse(null);
        if (connection == null) {
            return Outcome.skipped();
        }
        if (connection.status() != ConnectionStatus.ACTIVE || !connection.settings().syncEnabled()) {
            return Outcome.skipped();
        }
        CalendarProvider provider = providers.find(connection.provider()).orElse(null);
        if (provider == null || !provider.descriptor().can(Capability.READ_EVENTS)) {
            return Outcome.skipped();
        }
        Counter counter = new Counter();
        try {
            List<CalendarInfo> calendars = calendarsToRead(connection, provider, counter);
            Map<String, State> known = states.all(connectionId);
            counter.deleted += forgetCalendarsNoLongerRead(connection, calendars, known);
            RefreshHints.Pending refresh = hints.pending(connectionId);
            for (CalendarInfo calendar : calendars) {
                syncCalendar(connection, provider, calendar, known.get(calendar.id()), full, refresh.items(), counter);
            }
            hints.done(connectionId, refresh);
            Outcome outcome = new Outcome("SUCCESS", counter.created, counter.updated, counter.deleted, counter.calls, null);
            connections.recordSync(connectionId, outcome.status(), null);
            return outcome;
        } catch (ProviderException e) {
            if (e instanceof ProviderException.AuthRevoked) {
                connections.markNeedsReauth(connectionId, "the provider refused the authorization during sync");
            }
            String error = e.getClass().getSimpleName() + ": " + e.getMessage();
            log.warn("sync of connection {} failed: {}", connectionId, error);
            // a provider that refuses even a fresh token stays visible as such, not as any failure
            connections.recordSync(connectionId, e instanceof ProviderException.Unauthorized ? TokenService.AUTH_FAILED : "FAILED", error);
            return new Outcome("FAILED", counter.created, counter.updated, counter.deleted, counter.calls, e);
        }
    }

    private List<CalendarInfo> calendarsToRead(Connection connection, CalendarProvider provider, Counter counter) {
        List<CalendarInfo> known = connection.calendars();
        if (known.isEmpty()) {
            known = tokens.call(connection.id(), token -> {
                counter.calls++; // in here, so that a call repeated after a refresh counts too
                return provider.calendars(token);
            });
            connections.rememberCalendars(connection.id(), known);
        }
        List<String> chosen = connection.settings().readCalendarIds();
        return chosen.isEmpty() ? known : known.stream().filter(c -> chosen.contains(c.id())).toList();
    }

    /**
     * Removes the events of calendars no longer read (the user narrowed readCalendarIds, or the account lost the
     * calendar). Every calendar with stored events has a state row, so only calendars whose state row goes need their
     * events deleted; the usual run, where the calendars did not change, writes nothing. State rows and events go in
     * one transaction, so no event outlives its calendar's row.
     */
    private int forgetCalendarsNoLongerRead(Connection connection, List<CalendarInfo> calendars, Map<String, State> known) {
        UUID connectionId = connection.id();
        Set<String> read = calendars.stream().map(CalendarInfo::id).collect(Collectors.toSet());
        if (read.containsAll(known.keySet())) {
            return 0;
        }
        Instant now = clock.instant();
        Integer deleted = transactions.execute(tx -> {
            List<String> removed = states.retainOnly(connectionId, read.toArray(String[]::new));
            if (removed.isEmpty()) {
                return 0;
            }
            int count = 0;
            for (Map.Entry<String, List<String>> calendar : events.deleteCalendars(connectionId, removed).entrySet()) {
                count += calendar.getValue().size();
                publisher.publishEvent(new CalendarEventsChanged(connectionId, connection.userId(), connection.provider(),
                        calendar.getKey(), List.of(), List.of(), calendar.getValue(), now.minus(properties.windowPast()),
                        now.plus(properties.windowFuture())));
            }
            return count;
        });
        return deleted == null ? 0 : deleted;
    }

    /** {@code known}: the calendar's state when the run started; null when it has none yet. */
    private void syncCalendar(Connection connection, CalendarProvider provider, CalendarInfo calendar, State known, boolean forceFull,
            Set<String> refresh, Counter counter) {
        State state = known != null ? known : new State(null, 0, null, null, null);
        Instant now = clock.instant();
        Window window = new Window(now.minus(properties.windowPast()), now.plus(properties.windowFuture()));
        boolean reanchor = !forceFull && state.cursor() != null && windowMoved(provider, state, window);
        if (reanchor) {
            log.info("sync window of {} / {} moved more than {} from its cursor's: full resync over the current window",
                    connection.id(), calendar.id(), properties.windowDrift());
        }
        boolean full = forceFull || state.cursor() == null || reanchor;
        long generation = full ? state.generation() + 1 : state.generation();
        String cursor = full ? null : state.cursor();
        String pageCursor = null;
        String nextSyncCursor = null;
        ZoneId zone = zone(calendar.timeZone());
        if (known == null) {
            // the row must exist before the first page is stored: it is what lets a deselected calendar lose its events
            states.begin(connection.id(), calendar.id(), generation);
        }
        while (true) {
            ChangePage page;
            ChangeRequest request = new ChangeRequest(cursor, pageCursor, window.start(), window.end(), properties.pageSize(),
                    pageCursor == null ? refresh : Set.of());
            try {
                page = fetchPage(connection, provider, calendar.id(), request, counter);
            } catch (ProviderException.CursorExpired e) {
                if (full) {
                    throw e;
                }
                log.info("sync cursor of {} / {} expired: full resync", connection.id(), calendar.id());
                full = true;
                generation++;
                cursor = null;
                pageCursor = null;
                continue;
            }
            PageResult result = page.events().isEmpty() ? events.apply(connection.id(), connection.userId(), calendar.id(), zone,
                    page.events(), generation) : storePage(connection, calendar.id(), zone, page, generation, window);
            counter.add(result);
            pageCursor = page.nextPageCursor();
            nextSyncCursor = page.syncCursor();
            if (pageCursor == null) {
                break;
            }
        }
        if (full) {
            long seen = generation;
            Integer deleted = transactions.execute(tx -> {
                List<String> gone = events.deleteNotSeen(connection.id(), calendar.id(), seen);
                if (!gone.isEmpty()) {
                    publisher.publishEvent(new CalendarEventsChanged(connection.id(), connection.userId(), connection.provider(),
                            calendar.id(), List.of(), List.of(), gone, window.start(), window.end()));
                }
                publisher.publishEvent(new CalendarFullySynced(connection.id(), connection.provider(), calendar.id(), now,
                        window.start(), window.end()));
                return gone.size();
            });
            counter.deleted += deleted == null ? 0 : deleted;
        }
        states.save(connection.id(), calendar.id(), nextSyncCursor, generation, full ? window : null, clock.instant());
        pushChannels.ensureWatching(connection, provider, calendar.id(), state.channelExpiresAt());
    }

    /**
     * Stores a page and tells the features what it changed, in one transaction: what they write (an appointment's remote
     * change, a notification to the app) commits with the page or not at all.
     */
    private PageResult storePage(Connection connection, String calendarId, ZoneId zone, ChangePage page, long generation, Window window) {
        return transactions.execute(tx -> {
            PageResult result = events.apply(connection.id(), connection.userId(), calendarId, zone, page.events(), generation);
            publisher.publishEvent(new RemoteEventsChanged(connection.id(), connection.provider(), calendarId, page.events()));
            if (result.changedAnything()) {
                publisher.publishEvent(new CalendarEventsChanged(connection.id(), connection.userId(), connection.provider(), calendarId,
                        result.createdIds(), result.updatedIds(), result.deletedIds(), window.start(), window.end()));
                List<BookingsChanged.Change> bookings = BookingsChanged.of(page.events(), result);
                if (!bookings.isEmpty()) {
                    publisher.publishEvent(new BookingsChanged(connection.id(), connection.userId(), connection.provider(), calendarId,
                            connection.settings().includeClientDetails(), bookings));
                }
            }
            return result;
        });
    }

    /**
     * Whether the provider's cursor is tied to its window and that window lies more than {@code windowDrift} from the
     * current one at either end (time went on, or the configured window changed). A cursor whose window is unknown
     * (stored before windows were) counts as moved: one full sync re-anchors it.
     */
    private boolean windowMoved(CalendarProvider provider, State state, Window current) {
        if (!provider.cursorKeepsWindow()) {
            return false;
        }
        if (state.windowStart() == null || state.windowEnd() == null) {
            return true;
        }
        Duration drift = properties.windowDrift();
        return Duration.between(state.windowStart(), current.start()).abs().compareTo(drift) > 0
                || Duration.between(state.windowEnd(), current.end()).abs().compareTo(drift) > 0;
    }

    /**
     * One page, riding out rate limits and passing faults: a few attempts, waiting as the provider asks
     * (Retry-After) or with growing, jittered pauses. A fresh token per attempt: one that expires mid-sync is
     * refreshed and the sync goes on; one the provider refuses is refreshed at once (see {@link TokenService#call}).
     */
    private ChangePage fetchPage(Connection connection, CalendarProvider provider, String calendarId, ChangeRequest request,
            Counter counter) {
        for (int attempt = 1; ; attempt++) {
            try {
                return tokens.call(connection.id(), token -> {
                    counter.calls++;
                    return provider.changes(token, calendarId, request);
                });
            } catch (ProviderException.RateLimited | ProviderException.Transient e) {
                // a provider's Retry-After longer than a page may wait goes to the queue, which waits all of it
                if (attempt >= properties.pageAttempts() || e instanceof ProviderException.RateLimited limited && limited.stated()
                        && limited.retryAfter().compareTo(properties.maxPageWait()) > 0) {
                    throw e;
                }
                Duration wait = e instanceof ProviderException.RateLimited limited ? limited.retryAfter()
                        : Duration.ofMillis((long) (200 * Math.pow(2, attempt - 1) * (0.5 + ThreadLocalRandom.current().nextDouble())));
                log.info("page of {} / {} failed ({}), attempt {} of {}; waiting {} ms", connection.id(), calendarId,
                        e.getClass().getSimpleName(), attempt, properties.pageAttempts(), wait.toMillis());
                sleep(min(wait, properties.maxPageWait()));
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException.Transient("interrupted while waiting to retry", e);
        }
    }

    private static ZoneId zone(String id) {
        try {
            return id == null ? ZoneOffset.UTC : ZoneId.of(id);
        } catch (RuntimeException e) {
            return ZoneOffset.UTC;
        }
    }

    private static final class Counter {
        int created;
        int updated;
        int deleted;
        int calls;

        void add(PageResult page) {
            created += page.created();
            updated += page.updated();
            deleted += page.deleted();
        }
    }
}
