package io.calbridge.availability;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * A user's busy time over a window of the store, as of one change stamp and the PostgreSQL snapshot it was read in:
 * timed busy time as instants, and all-day busy days as dates. All-day events are floating: a day off is the whole day
 * wherever the asker is, so the days become instants only in the time zone of the query (and the last zone's result
 * is kept, as a user's queries rarely change zone).
 *
 * Besides the merged timeline that queries scan, it keeps the items it was made of, unmerged: the events' intervals
 * sorted by start, the all-day events with their stored instants, the appointments by id. That is what lets a change
 * be applied by {@link #updated}: the items a change may have touched are dropped and replaced by freshly read ones.
 *
 * Immutable apart from the zone memo, which is replaced as a whole.
 */
final class UserBusyTime {

    /** Busy whole days [first, end), {@code end} exclusive, of an event stored at [startAt, endAt) (epoch seconds). */
    record DaySpan(long startAt, long endAt, LocalDate first, LocalDate end) {
    }

    /** Busy time read from the store, in any order: the raw material of an entry. */
    static final class Items {
        private long[] starts = new long[64];
        private long[] ends = new long[64];
        private int count;
        private final List<DaySpan> days = new ArrayList<>();
        private final List<String> appointmentIds = new ArrayList<>();
        private final List<long[]> appointmentTimes = new ArrayList<>();

        /** A timed event over [start, end) (epoch seconds); empty ones are busy nowhere and not kept. */
        void event(long start, long end) {
            if (end <= start) {
                return;
            }
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, count * 2);
                ends = Arrays.copyOf(ends, count * 2);
            }
            starts[count] = start;
            ends[count] = end;
            count++;
        }

        void allDay(long startAt, long endAt, LocalDate first, LocalDate end) {
            if (endAt > startAt && first.isBefore(end)) {
                days.add(new DaySpan(startAt, endAt, first, end));
            }
        }

        void appointment(String id, long start, long end) {
            if (end > start) {
                appointmentIds.add(id);
                appointmentTimes.add(new long[] {start, end});
            }
        }
    }

    private final long stamp;
    private final String snapshot;
    private final Instant builtAt;
    private final long windowStart;
    private final long windowEnd;
    /** Events' intervals, sorted by start. */
    private final long[] eventStarts;
    private final long[] eventEnds;
    private final List<DaySpan> allDay;
    /** Appointments' ids and intervals, sorted by start. */
    private final String[] appointmentIds;
    private final long[] appointmentStarts;
    private final long[] appointmentEnds;
    /** Events and appointments merged: what queries scan. */
    private final BusyTimeline timed;
    /** A one-entry memo; a lost race only computes the same value twice. */
    private volatile ZonedTimeline lastZone;

    private record ZonedTimeline(ZoneId zone, BusyTimeline timeline) {
    }

    /** Everything busy in [windowStart, windowEnd) (epoch seconds) as of {@code stamp}, read in {@code snapshot}. */
    UserBusyTime(long stamp, String snapshot, Instant builtAt, long windowStart, long windowEnd, Items items) {
        this(stamp, snapshot, builtAt, windowStart, windowEnd, sortedEvents(items), items.days, items.appointmentIds,
                items.appointmentTimes);
    }

    private UserBusyTime(long stamp, String snapshot, Instant builtAt, long windowStart, long windowEnd, long[][] events,
            List<DaySpan> days, List<String> appointmentIds, List<long[]> appointmentTimes) {
        this.stamp = stamp;
        this.snapshot = snapshot;
        this.builtAt = builtAt;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.eventStarts = events[0];
        this.eventEnds = events[1];
        // by first day: laid out in any zone, their instants are then sorted too (see in(zone))
        List<DaySpan> byDay = new ArrayList<>(days);
        byDay.sort(Comparator.comparing(DaySpan::first));
        this.allDay = List.copyOf(byDay);
        Integer[] order = new Integer[appointmentIds.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingLong(i -> appointmentTimes.get(i)[0]));
        this.appointmentIds = new String[order.length];
        this.appointmentStarts = new long[order.length];
        this.appointmentEnds = new long[order.length];
        for (int k = 0; k < order.length; k++) {
            this.appointmentIds[k] = appointmentIds.get(order[k]);
            this.appointmentStarts[k] = appointmentTimes.get(order[k])[0];
            this.appointmentEnds[k] = appointmentTimes.get(order[k])[1];
        }
        this.timed = BusyTimeline.mergeSorted(eventStarts, eventEnds, appointmentStarts, appointmentEnds);
    }

    long stamp() {
        return stamp;
    }

    String snapshot() {
        return snapshot;
    }

    Instant builtAt() {
        return builtAt;
    }

    long windowStart() {
        return windowStart;
    }

    long windowEnd() {
        return windowEnd;
    }

    boolean covers(long from, long to) {
        return windowStart <= from && to <= windowEnd;
    }

    /**
     * This busy time with a change applied: the events overlapping any of the dirty ranges (sorted, disjoint, inside
     * the window) and the appointments {@code changedAppointments} are replaced by {@code fresh}, read from the store
     * for just those ranges and ids. Of {@code fresh}, events count only where they overlap a dirty range, by the same
     * test that drops the old ones, so an item is never dropped without being read again or kept twice.
     */
    UserBusyTime updated(long newStamp, String newSnapshot, Instant now, long[] dirtyStarts, long[] dirtyEnds,
            Collection<String> changedAppointments, Items fresh) {
        long[][] freshEvents = sortedEvents(fresh);
        int kept = 0;
        for (int i = 0; i < eventStarts.length; i++) {
            if (!overlaps(dirtyStarts, dirtyEnds, eventStarts[i], eventEnds[i])) {
                kept++;
            }
        }
        int added = 0;
        for (int i = 0; i < freshEvents[0].length; i++) {
            if (overlaps(dirtyStarts, dirtyEnds, freshEvents[0][i], freshEvents[1][i])) {
                added++;
            }
        }
        // both lists are sorted by start: one merge keeps the result sorted
        long[] starts = new long[kept + added];
        long[] ends = new long[kept + added];
        int o = 0;
        int f = 0;
        int n = 0;
        while (true) {
            while (o < eventStarts.length && overlaps(dirtyStarts, dirtyEnds, eventStarts[o], eventEnds[o])) {
                o++;
            }
            while (f < freshEvents[0].length && !overlaps(dirtyStarts, dirtyEnds, freshEvents[0][f], freshEvents[1][f])) {
                f++;
            }
            boolean old = o < eventStarts.length;
            boolean neu = f < freshEvents[0].length;
            if (!old && !neu) {
                break;
            }
            if (old && (!neu || eventStarts[o] <= freshEvents[0][f])) {
                starts[n] = eventStarts[o];
                ends[n++] = eventEnds[o++];
            } else {
                starts[n] = freshEvents[0][f];
                ends[n++] = freshEvents[1][f++];
            }
        }
        List<DaySpan> days = new ArrayList<>();
        for (DaySpan day : allDay) {
            if (!overlaps(dirtyStarts, dirtyEnds, day.startAt(), day.endAt())) {
                days.add(day);
            }
        }
        for (DaySpan day : fresh.days) {
            if (overlaps(dirtyStarts, dirtyEnds, day.startAt(), day.endAt())) {
                days.add(day);
            }
        }
        Set<String> changed = Set.copyOf(changedAppointments);
        List<String> ids = new ArrayList<>();
        List<long[]> times = new ArrayList<>();
        for (int i = 0; i < appointmentIds.length; i++) {
            if (!changed.contains(appointmentIds[i])) {
                ids.add(appointmentIds[i]);
                times.add(new long[] {appointmentStarts[i], appointmentEnds[i]});
            }
        }
        for (int i = 0; i < fresh.appointmentIds.size(); i++) {
            if (changed.contains(fresh.appointmentIds.get(i))) {
                ids.add(fresh.appointmentIds.get(i));
                times.add(fresh.appointmentTimes.get(i));
            }
        }
        return new UserBusyTime(newStamp, newSnapshot, now, windowStart, windowEnd, new long[][] {starts, ends}, days, ids, times);
    }

    /** Whether [start, end) meets the inside of one of the sorted, disjoint ranges. */
    private static boolean overlaps(long[] rangeStarts, long[] rangeEnds, long start, long end) {
        // the first range that ends after start is the only candidate: every later one starts later still
        int index = Arrays.binarySearch(rangeEnds, start);
        index = index >= 0 ? index + 1 : -index - 1;
        return index < rangeStarts.length && rangeStarts[index] < end;
    }

    private static long[][] sortedEvents(Items items) {
        int n = items.count;
        long[] starts = Arrays.copyOf(items.starts, n);
        long[] ends = Arrays.copyOf(items.ends, n);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingLong(i -> starts[i]));
        long[] sortedStarts = new long[n];
        long[] sortedEnds = new long[n];
        for (int k = 0; k < n; k++) {
            sortedStarts[k] = starts[order[k]];
            sortedEnds[k] = ends[order[k]];
        }
        return new long[][] {sortedStarts, sortedEnds};
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
        long[] dayStarts = new long[allDay.size()];
        long[] dayEnds = new long[allDay.size()];
        for (int i = 0; i < dayStarts.length; i++) {
            dayStarts[i] = allDay.get(i).first().atStartOfDay(zone).toEpochSecond();
            dayEnds[i] = allDay.get(i).end().atStartOfDay(zone).toEpochSecond();
        }
        // both sorted by start: one linear merge, no sort of the whole timeline (this runs after every change)
        BusyTimeline timeline = timed.withSorted(dayStarts, dayEnds);
        lastZone = new ZonedTimeline(zone, timeline);
        return timeline;
    }

    /**
     * What the entry costs a cache, in units of one interval (16 bytes): the merged timeline, the events' intervals
     * kept beside it, an all-day event (a record with two dates, ~80 bytes), an appointment (its interval, the id
     * string and reference, ~80 bytes), and a fixed part.
     */
    int weight() {
        return timed.size() + eventStarts.length + 5 * allDay.size() + 5 * appointmentIds.length + 16;
    }
}
