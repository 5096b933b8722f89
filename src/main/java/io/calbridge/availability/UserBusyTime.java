package io.calbridge.availability;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

/**
 * A user's busy time over a window of the store, as of one change stamp: timed busy time as instants, and all-day
 * busy days as dates. All-day events are floating: a day off is the whole day wherever the asker is, so the days
 * become instants only in the time zone of the query (and the last zone's result is kept, as a user's queries
 * rarely change zone).
 *
 * Immutable apart from that memo, which is replaced as a whole.
 */
final class UserBusyTime {

    /** Busy whole days [first, end), {@code end} exclusive. */
    record DaySpan(LocalDate first, LocalDate end) {
    }

    private record ZonedTimeline(ZoneId zone, BusyTimeline timeline) {
    }

    private final long stamp;
    private final long windowStart;
    private final long windowEnd;
    private final BusyTimeline timed;
    private final List<DaySpan> allDay;
    /** A one-entry memo; a lost race only computes the same value twice. */
    private volatile ZonedTimeline lastZone;

    /** Everything busy in [windowStart, windowEnd) (epoch seconds) as of {@code stamp}. */
    UserBusyTime(long stamp, long windowStart, long windowEnd, BusyTimeline timed, List<DaySpan> allDay) {
        this.stamp = stamp;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.timed = timed;
        this.allDay = List.copyOf(allDay);
    }

    long stamp() {
        return stamp;
    }

    boolean covers(long from, long to) {
        return windowStart <= from && to <= windowEnd;
    }

    /** Everything busy, all-day days laid out in {@code zone}. */
    BusyTimeline in(ZoneId zone) {
        if (allDay.isEmpty()) {
            return timed;
        }
        ZonedTimeline known = lastZone;
        if (known != null && known.zone().equals(zone)) {
            return known.timeline();
        }
        BusyTimeline.Builder builder = new BusyTimeline.Builder();
        for (int i = 0; i < timed.size(); i++) {
            builder.add(timed.start(i), timed.end(i));
        }
        for (DaySpan days : allDay) {
            builder.add(days.first().atStartOfDay(zone).toEpochSecond(), days.end().atStartOfDay(zone).toEpochSecond());
        }
        BusyTimeline timeline = builder.build();
        lastZone = new ZonedTimeline(zone, timeline);
        return timeline;
    }

    /** What the entry costs a cache, roughly in intervals. */
    int weight() {
        return timed.size() + 3 * allDay.size() + 16;
    }
}
