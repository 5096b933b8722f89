package io.calbridge.availability;

import io.calbridge.appointment.BookedAppointments;
import io.calbridge.appointment.BookedAppointments.Booked;
import io.calbridge.availability.UserBusyTime.DaySpan;
import io.calbridge.event.ChangeStamps;
import io.calbridge.event.EventQuery;
import io.calbridge.event.StoredEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Users' busy time, kept in memory and checked against the user's change stamp on every request: one primary-key
 * lookup instead of reading (and expanding) thousands of events. A cached entry spans the days from a few days ago to
 * 95 days ahead, which holds every query of the 90-day horizon that starts now; a query beyond it reads the store
 * for just its own range, uncached.
 */
@Component
class BusyIndex {

    private static final long DAY = Duration.ofDays(1).toSeconds();
    private static final long CACHED_DAYS_BEHIND = 3;
    private static final long CACHED_DAYS_AHEAD = 95;
    /** All-day events are laid out in the asker's zone, up to 14 hours away from UTC midnight: read a day more. */
    private static final long FLOATING_MARGIN = DAY;
    private static final int LOCK_STRIPES = 64;

    private final EventQuery events;
    private final BookedAppointments appointments;
    private final ChangeStamps stamps;
    private final Clock clock;
    private final BusyCache cache;
    private final Object[] buildLocks = new Object[LOCK_STRIPES];
    private final Counter hits;
    private final Counter misses;

    BusyIndex(EventQuery events, BookedAppointments appointments, ChangeStamps stamps, AvailabilityProperties properties,
            MeterRegistry meters, Clock clock) {
        this.events = events;
        this.appointments = appointments;
        this.stamps = stamps;
        this.clock = clock;
        this.cache = new BusyCache(properties.cacheMaxIntervals());
        for (int i = 0; i < LOCK_STRIPES; i++) {
            buildLocks[i] = new Object();
        }
        this.hits = Counter.builder("calbridge.availability.busy.cache").tag("result", "hit").register(meters);
        this.misses = Counter.builder("calbridge.availability.busy.cache").tag("result", "miss").register(meters);
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
     * {@code stamp} must be read before anything of the store: a write committing in between then leaves a newer
     * store under an older stamp, which the next request rebuilds; the other order could keep stale busy time under
     * a current stamp.
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
            return load(userId, stamp, needFrom, needTo).in(zone);
        }
        // one build per user at a time: a burst of requests after a change waits for one build instead of making many
        synchronized (buildLocks[Math.floorMod(userId.hashCode(), LOCK_STRIPES)]) {
            long current = stamps.current(userId);
            cached = cache.get(userId);
            if (cached != null && cached.stamp() == current && cached.covers(needFrom, needTo)) {
                return cached.in(zone);
            }
            UserBusyTime built = load(userId, current, windowStart, windowEnd);
            cache.put(userId, built);
            return built.in(zone);
        }
    }

    /**
     * Busy time read from the store: events that take the user's time (not cancelled, not transparent, not declined),
     * occurrences of series included, and confirmed appointments. An event calbridge pushed for an appointment is
     * left out: its appointment counts, once, at the appointment's own (current) time.
     */
    private UserBusyTime load(String userId, long stamp, long from, long to) {
        Instant start = Instant.ofEpochSecond(from);
        Instant end = Instant.ofEpochSecond(to);
        BusyTimeline.Builder timed = new BusyTimeline.Builder();
        List<DaySpan> days = new ArrayList<>();
        for (StoredEvent event : events.between(userId, start, end, null)) {
            if (!event.busy() || event.appointmentId() != null) {
                continue;
            }
            if (event.allDay() && event.startDate() != null && event.endDate() != null) {
                days.add(new DaySpan(event.startDate(), event.endDate()));
            } else {
                timed.add(event.start().getEpochSecond(), ceilSeconds(event.end()));
            }
        }
        for (Booked booked : appointments.between(userId, start, end)) {
            timed.add(booked.start().getEpochSecond(), ceilSeconds(booked.end()));
        }
        return new UserBusyTime(stamp, from, to, timed.build(), days);
    }

    /** The user's busy time over at least [from, to), read from the store now, past the cache. */
    BusyTimeline fromStore(String userId, Instant from, Instant to, ZoneId zone) {
        return load(userId, 0, from.getEpochSecond() - FLOATING_MARGIN, to.getEpochSecond() + FLOATING_MARGIN).in(zone);
    }

    private static long ceilSeconds(Instant instant) {
        return instant.getNano() == 0 ? instant.getEpochSecond() : instant.getEpochSecond() + 1;
    }

    int cachedUsers() {
        return cache.size();
    }
}
