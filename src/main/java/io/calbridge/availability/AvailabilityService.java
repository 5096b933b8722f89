package io.calbridge.availability;

import io.calbridge.availability.AvailabilityRequests.Mode;
import io.calbridge.availability.AvailabilityRequests.SlotsRequest;
import io.calbridge.availability.AvailabilityResponses.Slot;
import io.calbridge.availability.AvailabilityResponses.Slots;
import io.calbridge.availability.WorkingHours.Window;
import io.calbridge.platform.web.ApiProblem;
import io.calbridge.provider.TimeZones;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;

/**
 * Free slots from the local store and the app's appointments, never from a provider on the request path: working
 * hours become open windows, windows a grid of candidate starts, and one linear sweep over each user's cached busy
 * time keeps the free ones. With rank, {@link SlotRanking} scores each free slot and the answer comes best first.
 */
@Service
public class AvailabilityService {

    /** RFC 3339 with the zone's offset, always with seconds (OffsetDateTime#toString drops ":00"). */
    static final DateTimeFormatter RFC_3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    private final BusyIndex busy;
    private final FreshSync freshSync;
    private final MeetingHabits meetingHabits;
    private final Clock clock;

    AvailabilityService(BusyIndex busy, FreshSync freshSync, MeetingHabits meetingHabits, Clock clock) {
        this.busy = busy;
        this.freshSync = freshSync;
        this.meetingHabits = meetingHabits;
        this.clock = clock;
    }

    /** The slots of {@code userIds} (already authorized: the caller may ask about each of them). */
    public Slots slots(List<String> userIds, SlotsRequest request) {
        Instant now = clock.instant();
        Instant from = RequestRules.withinReach(RequestRules.required(request.from(), "from").toInstant(), "from", now);
        Instant to = RequestRules.withinReach(RequestRules.required(request.to(), "to").toInstant(), "to", now);
        int durationMinutes = RequestRules.duration(request.durationMinutes(), "durationMinutes");
        ZoneId zone = RequestRules.zone(request.timeZone());
        if (!to.isAfter(from)) {
            throw ApiProblem.badRequest("invalid_range", "'to' must be after 'from'");
        }
        if (Duration.between(from, to).compareTo(RequestRules.MAX_RANGE) > 0) {
            throw ApiProblem.badRequest("range_too_long", "'to' may be at most 90 days after 'from'");
        }
        int step = RequestRules.step(request.slotStepMinutes(), durationMinutes);
        long before = RequestRules.buffer(request.bufferBeforeMinutes(), "bufferBeforeMinutes") * 60L;
        long after = RequestRules.buffer(request.bufferAfterMinutes(), "bufferAfterMinutes") * 60L;
        long notice = RequestRules.notice(request.minimumNoticeMinutes()) * 60L;
        WorkingHours hours = RequestRules.workingHours(request.workingHours(), request.dateOverrides());
        Mode mode = request.mode() == null ? Mode.ALL : request.mode();

        RequestRules.Ranking ranking = RequestRules.preferences(request.preferences(), zone);
        boolean rank = Boolean.TRUE.equals(request.rank());

        boolean fresh = Boolean.TRUE.equals(request.fresh()) && freshSync.syncNow(userIds);
        long duration = durationMinutes * 60L;
        long earliest = now.getEpochSecond() + notice;
        List<Window> windows = hours.windows(zone, from, to);
        long[] candidates = SlotFinder.candidates(windows, from.getEpochSecond(), to.getEpochSecond(), earliest, duration, step * 60L);
        if (candidates.length == 0) {
            return new Slots(TimeZones.name(zone), durationMinutes, step, fresh, List.of());
        }
        // just what can touch a candidate: from the first start to the last end, plus buffers; ranking also looks at
        // the whole working windows around them and at the buffer room beyond
        long loadFrom = candidates[0] - after;
        long loadTo = candidates[candidates.length - 1] + duration + before;
        if (rank) {
            loadFrom = Math.min(loadFrom, windows.get(0).start()) - SlotRanking.BUFFER_ROOM_CAP;
            loadTo = Math.max(loadTo, windows.get(windows.size() - 1).end()) + SlotRanking.BUFFER_ROOM_CAP;
        }
        List<BusyTimeline> timelines = busy.busy(userIds, Instant.ofEpochSecond(loadFrom), Instant.ofEpochSecond(loadTo), zone);
        List<Found> found = mode == Mode.ANY ? anyFree(userIds, candidates, duration, before, after, timelines)
                : allFree(candidates, duration, before, after, timelines);
        List<Slot> slots = rank ? ranked(found, userIds, timelines, duration, zone,
                new SlotRanking.Context(from.getEpochSecond(), to.getEpochSecond(),
                        ranking.preferredHours() == null ? null : ranking.preferredHours().windows(zone, from, to), windows,
                        ranking.participantZones(), zone))
                : found.stream().map(f -> slot(f.start(), duration, zone, f.who())).toList();
        return new Slots(TimeZones.name(zone), durationMinutes, step, fresh, slots);
    }

    /** A free slot's start and, with mode ANY, who is free then ({@code null}: everyone). */
    private record Found(long start, List<String> who) {
    }

    private static List<Found> allFree(long[] candidates, long duration, long before, long after, List<BusyTimeline> timelines) {
        boolean[] free = SlotFinder.free(candidates, duration, BusyTimeline.union(timelines), before, after);
        List<Found> found = new ArrayList<>();
        for (int i = 0; i < candidates.length; i++) {
            if (free[i]) {
                found.add(new Found(candidates[i], null));
            }
        }
        return found;
    }

    private static List<Found> anyFree(List<String> userIds, long[] candidates, long duration, long before, long after,
            List<BusyTimeline> timelines) {
        boolean[][] free = new boolean[userIds.size()][];
        for (int u = 0; u < userIds.size(); u++) {
            free[u] = SlotFinder.free(candidates, duration, timelines.get(u), before, after);
        }
        List<Found> found = new ArrayList<>();
        for (int i = 0; i < candidates.length; i++) {
            List<String> who = new ArrayList<>();
            for (int u = 0; u < userIds.size(); u++) {
                if (free[u][i]) {
                    who.add(userIds.get(u));
                }
            }
            if (!who.isEmpty()) {
                found.add(new Found(candidates[i], who));
            }
        }
        return found;
    }

    /**
     * The slots with their scores, best first, ties by start. A slot is judged by the users it suits: everyone in mode
     * ALL, who is free in mode ANY (their busy time bounds its free block, their habits count).
     */
    private List<Slot> ranked(List<Found> found, List<String> userIds, List<BusyTimeline> timelines, long duration, ZoneId zone,
            SlotRanking.Context context) {
        List<int[]> habits = meetingHabits.of(userIds, zone);
        Map<String, Integer> index = new HashMap<>();
        for (int u = 0; u < userIds.size(); u++) {
            index.put(userIds.get(u), u);
        }
        record Scored(long start, double score, Slot slot) {
        }
        List<Scored> scored = new ArrayList<>(found.size());
        for (Found slot : found) {
            List<BusyTimeline> theirBusy = timelines;
            List<int[]> theirHabits = habits;
            if (slot.who() != null) {
                theirBusy = slot.who().stream().map(id -> timelines.get(index.get(id))).toList();
                theirHabits = slot.who().stream().map(id -> habits.get(index.get(id))).toList();
            }
            double[] values = SlotRanking.values(context, slot.start(), duration, theirBusy, theirHabits);
            double score = SlotRanking.score(values);
            scored.add(new Scored(slot.start(), score,
                    slot(slot.start(), duration, zone, slot.who()).ranked(score, SlotRanking.reasons(values))));
        }
        scored.sort(Comparator.comparingDouble(Scored::score).reversed().thenComparingLong(Scored::start));
        return scored.stream().map(Scored::slot).toList();
    }

    /**
     * Whether [start, end) leaves every user free, with the buffers kept around their busy items, as the store has it
     * now rather than the cache: a booking asks this under its users' locks, so it sees every booking committed before.
     */
    public boolean freeInStore(List<String> userIds, Instant start, Instant end, Duration bufferBefore, Duration bufferAfter,
            ZoneId zone) {
        long[] slot = {start.getEpochSecond()};
        long duration = end.getEpochSecond() - start.getEpochSecond();
        for (String userId : userIds) {
            BusyTimeline timeline = busy.fromStore(userId, start.minus(bufferAfter), end.plus(bufferBefore), zone);
            if (!SlotFinder.free(slot, duration, timeline, bufferBefore.toSeconds(), bufferAfter.toSeconds())[0]) {
                return false;
            }
        }
        return true;
    }

    static Slot slot(long start, long duration, ZoneId zone, List<String> userIds) {
        return new Slot(format(start, zone), format(start + duration, zone), userIds);
    }

    static String format(long epochSecond, ZoneId zone) {
        return RFC_3339.format(Instant.ofEpochSecond(epochSecond).atZone(zone));
    }
}
