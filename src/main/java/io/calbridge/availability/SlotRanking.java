package io.calbridge.availability;

import io.calbridge.availability.AvailabilityResponses.Reason;
import io.calbridge.availability.WorkingHours.Window;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * How good a free slot is, as one deterministic formula: score = the sum of weight * value over six parts, each value
 * in [0, 1] and the weights summing to 1 (README, "Ranked slots", explains it with a worked example). Every part is a
 * pure function of epoch seconds and plain inputs; nothing here reads a clock or a database.
 */
final class SlotRanking {

    static final String PREFERRED_HOURS = "preferred_hours";
    static final String HABITUAL_TIME = "habitual_time";
    static final String KEEPS_FREE_BLOCKS = "keeps_free_blocks";
    static final String BUFFER_ROOM = "buffer_room";
    static final String SOON = "soon";
    static final String ZONE_COMFORT = "zone_comfort";

    /** The parts in the order reasons list them, with their weights (sum 1). */
    static final List<String> CODES = List.of(PREFERRED_HOURS, HABITUAL_TIME, KEEPS_FREE_BLOCKS, BUFFER_ROOM, SOON, ZONE_COMFORT);
    static final double[] WEIGHTS = {0.20, 0.20, 0.15, 0.10, 0.10, 0.25};

    /** Free time next to a slot counts as buffer room up to this much on each side. */
    static final long BUFFER_ROOM_CAP = 30 * 60;
    /** Comfortable local hours of every participant, in minutes of the day. */
    static final int COMFORT_START = 9 * 60;
    static final int COMFORT_END = 17 * 60;
    /** This many minutes before COMFORT_START plus after COMFORT_END is the most pain (comfort 0). */
    static final int PAIN_CAP = 240;
    static final int HOURS_PER_WEEK = 7 * 24;

    private SlotRanking() {
    }

    /**
     * Where a slot lies: the free block around it ({@code blockStart}, {@code blockEnd}: the nearest busy edges, clipped
     * to its working window) and how far the nearest busy time is ({@code freeBefore}, {@code freeAfter}, seconds;
     * {@link Long#MAX_VALUE} when there is none).
     */
    record Surroundings(long blockStart, long blockEnd, long freeBefore, long freeAfter) {
    }

    /** What the parts need beyond the slot itself. */
    record Context(long from, long to, List<Window> preferred, List<Window> working, List<ZoneId> participantZones, ZoneId zone) {
    }

    /** A slot's six values in the order of {@link #CODES}. */
    static double[] values(Context context, long start, long duration, List<BusyTimeline> busy, List<int[]> habits) {
        long end = start + duration;
        Surroundings around = surroundings(start, end, window(context.working(), start, end), busy);
        return new double[] {
                preferredHours(context.preferred(), start, end),
                habit(habits, Instant.ofEpochSecond(start).atZone(context.zone())),
                keepsFreeBlocks(around.blockStart(), start, end, around.blockEnd()),
                bufferRoom(around.freeBefore(), around.freeAfter()),
                soon(start, context.from(), context.to()),
                zoneComfort(start, duration, context.participantZones())};
    }

    /** The weighted sum, 3 decimals. */
    static double score(double[] values) {
        double sum = 0;
        for (int i = 0; i < values.length; i++) {
            sum += WEIGHTS[i] * values[i];
        }
        return round(sum);
    }

    static List<Reason> reasons(double[] values) {
        List<Reason> reasons = new ArrayList<>(values.length);
        for (int i = 0; i < values.length; i++) {
            reasons.add(new Reason(CODES.get(i), WEIGHTS[i], round(values[i])));
        }
        return reasons;
    }

    /** The share of [start, end) inside the preferred windows; 1 when no preferred hours were given ({@code null}). */
    static double preferredHours(List<Window> preferred, long start, long end) {
        if (preferred == null) {
            return 1;
        }
        long inside = 0;
        for (Window window : preferred) {
            inside += Math.max(0, Math.min(end, window.end()) - Math.max(start, window.start()));
        }
        return Math.min(1, (double) inside / (end - start));
    }

    /**
     * How many meetings started at each weekday × hour (index {@code (weekday - 1) * 24 + hour}) of {@code zone}.
     */
    static int[] histogram(List<Instant> meetingStarts, ZoneId zone) {
        int[] counts = new int[HOURS_PER_WEEK];
        for (Instant start : meetingStarts) {
            counts[index(start.atZone(zone))]++;
        }
        return counts;
    }

    /**
     * The users' habit at the slot's weekday and hour: each user's histogram there over its own maximum (0 without
     * history), averaged over the users.
     */
    static double habit(List<int[]> histograms, ZonedDateTime localStart) {
        if (histograms.isEmpty()) {
            return 0;
        }
        int index = index(localStart);
        double sum = 0;
        for (int[] counts : histograms) {
            int max = 0;
            for (int count : counts) {
                max = Math.max(max, count);
            }
            sum += max == 0 ? 0 : (double) counts[index] / max;
        }
        return sum / histograms.size();
    }

    /**
     * How much of the free block [blockStart, blockEnd) the slot leaves in one piece: with a free before and b free
     * after it, |a - b| / (a + b). 1 when it touches an edge (nothing split), 0 when it cuts the block in two halves;
     * 1 when it fills the block.
     */
    static double keepsFreeBlocks(long blockStart, long start, long end, long blockEnd) {
        long before = Math.max(0, start - blockStart);
        long after = Math.max(0, blockEnd - end);
        return before + after == 0 ? 1 : (double) Math.abs(before - after) / (before + after);
    }

    /** Free time before and after the slot up to {@link #BUFFER_ROOM_CAP} each, over twice the cap. */
    static double bufferRoom(long freeBefore, long freeAfter) {
        return (double) (Math.min(BUFFER_ROOM_CAP, Math.max(0, freeBefore)) + Math.min(BUFFER_ROOM_CAP, Math.max(0, freeAfter)))
                / (2 * BUFFER_ROOM_CAP);
    }

    /** 1 at the start of the range [from, to), falling linearly to 0 at its end. */
    static double soon(long start, long from, long to) {
        if (to <= from) {
            return 1;
        }
        return Math.max(0, Math.min(1, 1 - (double) (start - from) / (to - from)));
    }

    /** 1 minus the pain of each zone, averaged; no zones: 1. */
    static double zoneComfort(long start, long duration, List<ZoneId> zones) {
        if (zones.isEmpty()) {
            return 1;
        }
        int minutes = (int) (duration / 60);
        double sum = 0;
        for (ZoneId zone : zones) {
            ZonedDateTime local = Instant.ofEpochSecond(start).atZone(zone);
            sum += 1 - pain(local.getHour() * 60 + local.getMinute(), minutes);
        }
        return sum / zones.size();
    }

    /**
     * Early/late pain of a slot starting at {@code localStartMinute} of a participant's day: the minutes it starts
     * before 09:00 plus the minutes it ends after 17:00, over {@link #PAIN_CAP}, at most 1. Inside 09:00-17:00: 0.
     */
    static double pain(int localStartMinute, int durationMinutes) {
        int early = Math.max(0, COMFORT_START - localStartMinute);
        int late = Math.max(0, localStartMinute + durationMinutes - COMFORT_END);
        return Math.min(1, (double) (early + late) / PAIN_CAP);
    }

    /**
     * The free block around a free slot and its distance to busy time, from the timelines of the users it suits (each
     * slot is free in every one of them) and the working window it lies in.
     */
    static Surroundings surroundings(long start, long end, Window window, List<BusyTimeline> busy) {
        long busyBefore = Long.MIN_VALUE;
        long busyAfter = Long.MAX_VALUE;
        for (BusyTimeline timeline : busy) {
            int next = timeline.firstEndingAfter(start);
            if (next > 0) {
                busyBefore = Math.max(busyBefore, timeline.end(next - 1));
            }
            if (next < timeline.size()) {
                busyAfter = Math.min(busyAfter, timeline.start(next));
            }
        }
        long blockStart = window == null ? Math.max(busyBefore, start) : Math.max(busyBefore, window.start());
        long blockEnd = window == null ? Math.min(busyAfter, end) : Math.min(busyAfter, window.end());
        long freeBefore = busyBefore == Long.MIN_VALUE ? Long.MAX_VALUE : start - busyBefore;
        long freeAfter = busyAfter == Long.MAX_VALUE ? Long.MAX_VALUE : busyAfter - end;
        return new Surroundings(blockStart, blockEnd, freeBefore, freeAfter);
    }

    /** The working window holding [start, end), or {@code null}. */
    static Window window(List<Window> windows, long start, long end) {
        for (Window window : windows) {
            if (window.start() <= start && end <= window.end()) {
                return window;
            }
        }
        return null;
    }

    static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    private static int index(ZonedDateTime local) {
        DayOfWeek day = local.getDayOfWeek();
        return (day.getValue() - 1) * 24 + local.getHour();
    }
}
