package io.calbridge.availability;

import io.calbridge.appointment.BookedAppointments;
import io.calbridge.appointment.BookedAppointments.Booked;
import io.calbridge.availability.UserBusyTime.Items;
import io.calbridge.event.ChangeStamps;
import io.calbridge.event.EventQuery;
import io.calbridge.event.StoredEvent;
import io.calbridge.event.BusyChangeLog;
import io.calbridge.event.BusyChangeLog.Since;
import io.calbridge.event.BusyChangeLog.Stamped;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.stereotype.Component;

/**
 * Users' busy time, kept in memory and checked against the user's change stamp on every request: one primary-key
 * lookup instead of reading (and expanding) thousands of events. A cached entry spans the days from a few days ago to
 * 95 days ahead, which holds every query of the 90-day horizon that starts now; a query beyond it reads the store
 * for just its own range, uncached.
 *
 * When the stamp moved, the entry is brought up to date rather than rebuilt: in one REPEATABLE READ transaction, the
 * change rows its snapshot could not see name the time ranges and appointments that may differ, and just those are
 * read again (see {@link #refresh}). Every writer records its change row with its stamp bump, so this holds on every
 * instance, whoever wrote.
 */
@Component
class BusyIndex {

    private static final long DAY = Duration.ofDays(1).toSeconds();
    private static final long CACHED_DAYS_BEHIND = 3;
    private static final long CACHED_DAYS_AHEAD = 95;
    /** All-day events are laid out in the asker's zone, up to 14 hours away from UTC midnight: read a day more. */
    private static final long FLOATING_MARGIN = DAY;
    private static final int LOCK_STRIPES = 64;
    /**
     * A change touching more than this much time (a week: about a fifth of a full read for a user whose events fill
     * the month) is cheaper to rebuild, and so are more ranges than {@link #MAX_DIRTY_RANGES} (one query each).
     */
    private static final long MAX_DIRTY_SECONDS = 7 * DAY;
    private static final int MAX_DIRTY_RANGES = 64;

    private final EventQuery events;
    private final BookedAppointments appointments;
    private final ChangeStamps stamps;
    private final BusyChangeLog changes;
    private final Clock clock;
    private final BusyCache cache;
    private final TransactionTemplate snapshotReads;
    private final Object[] buildLocks = new Object[LOCK_STRIPES];
    private final Counter hits;
    private final Counter misses;
    private final Counter updates;
    private final Counter rebuilds;

    BusyIndex(EventQuery events, BookedAppointments appointments, ChangeStamps stamps, BusyChangeLog changes,
            AvailabilityProperties properties, DataSource dataSource, MeterRegistry meters, Clock clock) {
        this.events = events;
        this.appointments = appointments;
        this.stamps = stamps;
        this.changes = changes;
        this.clock = clock;
        this.cache = new BusyCache(properties.cacheMaxIntervals());
        // one snapshot for the stamp, the change rows and the store: an entry is then exactly the store as of its
        // snapshot. Plain JDBC transactions on the same pool: no JPA session is needed for these reads, and the
        // isolation is set by the transaction's first statement (SET TRANSACTION) rather than on the connection and
        // back, which would cost two more round trips on what should be a millisecond
        this.snapshotReads = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        snapshotReads.setReadOnly(true);
        for (int i = 0; i < LOCK_STRIPES; i++) {
            buildLocks[i] = new Object();
        }
        this.hits = Counter.builder("calbridge.availability.busy.cache").tag("result", "hit").register(meters);
        this.misses = Counter.builder("calbridge.availability.busy.cache").tag("result", "miss").register(meters);
        this.updates = Counter.builder("calbridge.availability.busy.refresh").tag("kind", "update").register(meters);
        this.rebuilds = Counter.builder("calbridge.availability.busy.refresh").tag("kind", "rebuild").register(meters);
        Gauge.builder("calbridge.availability.busy.cache.users", cache, BusyCache::size).register(meters);
    }

    /** Everything that keeps the user busy during at least [from, to), all-day events laid out in {@code zone}. */
    BusyTimeline busy(String userId, Instant from, Instant to, ZoneId zone) {
        return busy(userId, stamps.current(userId), from, to, zone);
    }

    /** Each user's busy time, in the order given; their stamps are read in one query. */
    List<BusyTimeline> busy(List<String> userIds, Instant from, Instant to, ZoneId zone) {
        if (userIds.size() == 1) {
            return List.of(busy(userIds.get(0), from, to, zone));
        }
        Map<String, Long> current = stamps.current(userIds);
        List<BusyTimeline> timelines = new ArrayList<>(userIds.size());
        for (String userId : userIds) {
            timelines.add(busy(userId, current.getOrDefault(userId, 0L), from, to, zone));
        }
        return timelines;
    }

    /**
     * {@code stamp} is only compared: an entry under it is as current as the stamp. Anything read from the store is
     * read under one snapshot together with its own stamp ({@link #refresh}), so a write committing meanwhile shows as
     * a newer stamp at the next request and is applied then.
     */
    private BusyTimeline busy(String userId, long stamp, Instant from, Instant to, ZoneId zone) {
        long needFrom = from.getEpochSecond() - FLOATING_MARGIN;
        long needTo = to.getEpochSecond() + FLOATING_MARGIN;
        UserBusyTime cached = cache.get(userId);
        if (cached != null && cached.stamp() == stamp && cached.covers(needFrom, needTo)) {
            hits.increment();
            return cached.in(zone);
        }
        misses.increment();
        long today = clock.instant().truncatedTo(ChronoUnit.DAYS).getEpochSecond();
        long windowStart = today - CACHED_DAYS_BEHIND * DAY;
        long windowEnd = today + CACHED_DAYS_AHEAD * DAY;
        if (needFrom < windowStart || needTo > windowEnd) {
            return snapshot(() -> load(userId, changes.stamped(userId), needFrom, needTo)).in(zone);
        }
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            // a caller's transaction decides what is visible (a re-check under its lock, say), and its statements may
            // each see a newer snapshot: what it reads is right for it, but not an entry for everyone, so not cached
            return load(userId, changes.stamped(userId), windowStart, windowEnd).in(zone);
        }
        // one refresh per user at a time: a burst of requests after a change waits for one instead of making many
        synchronized (buildLocks[Math.floorMod(userId.hashCode(), LOCK_STRIPES)]) {
            UserBusyTime current = cache.get(userId);
            if (current != null && current.stamp() >= stamp && current.covers(needFrom, needTo)) {
                // refreshed by the request we waited for, after our stamp was read: as current as we asked for
                return current.in(zone);
            }
            // an entry that no longer holds the window (a new day began) is not worth updating
            UserBusyTime base = current != null && current.covers(needFrom, needTo) ? current : null;
            UserBusyTime refreshed = snapshot(() -> refresh(userId, base, windowStart, windowEnd));
            cache.put(userId, refreshed);
            return refreshed.in(zone);
        }
    }

    /**
     * The user's busy time as of now: {@code base} with the changes since its snapshot applied, or read whole. Runs in
     * a REPEATABLE READ transaction, so the stamp, the change rows and the store are all of one snapshot; the change
     * rows that the base's snapshot could not see are then exactly the writes committed in between, however they
     * interleaved with this instance's reads, on whichever instance they were made. The base is rebuilt instead when
     * any change could not be bounded, when it is too old for the change rows still kept, when the rows do not account
     * for every bump of the stamp (a writer that bumps without recording, like the connection-delete trigger of
     * earlier releases or a test's raw SQL), or when the change is large.
     */
    private UserBusyTime refresh(String userId, UserBusyTime base, long windowStart, long windowEnd) {
        Stamped now = changes.stamped(userId);
        if (base == null || !BusyChangeLog.usableFor(Duration.between(base.builtAt(), clock.instant()))) {
            return load(userId, now, windowStart, windowEnd);
        }
        if (base.stamp() == now.stamp()) {
            return base;
        }
        Since since = changes.since(userId, base.snapshot());
        if (since.everything() || since.rows() != now.stamp() - base.stamp()) {
            return load(userId, now, windowStart, windowEnd);
        }
        long[][] dirty = clip(since.starts(), since.ends(), base.windowStart(), base.windowEnd());
        long dirtySeconds = 0;
        for (int i = 0; i < dirty[0].length; i++) {
            dirtySeconds += dirty[1][i] - dirty[0][i];
        }
        if (dirty[0].length > MAX_DIRTY_RANGES || dirtySeconds > MAX_DIRTY_SECONDS) {
            return load(userId, now, windowStart, windowEnd);
        }
        updates.increment();
        Items fresh = new Items();
        addEvents(fresh, events.overlapping(userId, dirty[0], dirty[1]));
        Set<String> changedAppointments = since.appointmentIds();
        if (!changedAppointments.isEmpty()) {
            addAppointments(fresh, appointments.among(userId, changedAppointments, Instant.ofEpochSecond(base.windowStart()),
                    Instant.ofEpochSecond(base.windowEnd())));
        }
        return base.updated(now.stamp(), now.snapshot(), clock.instant(), dirty[0], dirty[1], changedAppointments, fresh);
    }

    /** Runs {@code read} in a read-only REPEATABLE READ transaction of its own: all its statements see one snapshot. */
    private UserBusyTime snapshot(java.util.function.Supplier<UserBusyTime> read) {
        return snapshotReads.execute(tx -> {
            changes.repeatableRead();
            return read.get();
        });
    }

    /** The sorted, disjoint ranges cut to [from, to); those left empty are dropped. */
    private static long[][] clip(long[] starts, long[] ends, long from, long to) {
        long[] clippedStarts = new long[starts.length];
        long[] clippedEnds = new long[starts.length];
        int n = 0;
        for (int i = 0; i < starts.length; i++) {
            long start = Math.max(starts[i], from);
            long end = Math.min(ends[i], to);
            if (start < end) {
                clippedStarts[n] = start;
                clippedEnds[n++] = end;
            }
        }
        return new long[][] {Arrays.copyOf(clippedStarts, n), Arrays.copyOf(clippedEnds, n)};
    }

    /**
     * Busy time read from the store: events that take the user's time (not cancelled, not transparent, not declined),
     * occurrences of series included, and confirmed appointments. An event calbridge pushed for an appointment is
     * left out: its appointment counts, once, at the appointment's own (current) time.
     */
    private UserBusyTime load(String userId, Stamped now, long from, long to) {
        rebuilds.increment();
        Instant start = Instant.ofEpochSecond(from);
        Instant end = Instant.ofEpochSecond(to);
        Items items = new Items();
        addEvents(items, events.between(userId, start, end, null));
        addAppointments(items, appointments.between(userId, start, end));
        return new UserBusyTime(now.stamp(), now.snapshot(), clock.instant(), from, to, items);
    }

    private static void addEvents(Items items, List<StoredEvent> stored) {
        for (StoredEvent event : stored) {
            if (!event.busy() || event.appointmentId() != null) {
                continue;
            }
            if (event.allDay() && event.startDate() != null && event.endDate() != null) {
                items.allDay(event.start().getEpochSecond(), ceilSeconds(event.end()), event.startDate(), event.endDate());
            } else {
                items.event(event.start().getEpochSecond(), ceilSeconds(event.end()));
            }
        }
    }

    private static void addAppointments(Items items, List<Booked> booked) {
        for (Booked appointment : booked) {
            items.appointment(appointment.appointmentId(), appointment.start().getEpochSecond(), ceilSeconds(appointment.end()));
        }
    }

    /**
     * The user's busy time over at least [from, to), read from the store now, past the cache: for a short range checked
     * inside a caller's transaction (never cached, so it needs no stamp or snapshot).
     */
    BusyTimeline fromStore(String userId, Instant from, Instant to, ZoneId zone) {
        return load(userId, new Stamped(0, null), from.getEpochSecond() - FLOATING_MARGIN, to.getEpochSecond() + FLOATING_MARGIN)
                .in(zone);
    }

    private static long ceilSeconds(Instant instant) {
        return instant.getNano() == 0 ? instant.getEpochSecond() : instant.getEpochSecond() + 1;
    }

    int cachedUsers() {
        return cache.size();
    }
}
