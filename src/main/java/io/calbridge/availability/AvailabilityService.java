package io.calbridge.availability;

import io.calbridge.availability.AvailabilityRequests.Mode;
import io.calbridge.availability.AvailabilityRequests.SlotsRequest;
import io.calbridge.availability.AvailabilityResponses.Slot;
import io.calbridge.availability.AvailabilityResponses.Slots;
import io.calbridge.platform.web.ApiProblem;
import io.calbridge.provider.TimeZones;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Service;

/**
 * Free slots from the local store and the app's appointments, never from a provider on the request path: working
 * hours become open windows, windows a grid of candidate starts, and one linear sweep over each user's cached busy
 * time keeps the free ones.
 */
@Service
public class AvailabilityService {

    /** RFC 3339 with the zone's offset, always with seconds (OffsetDateTime#toString drops ":00"). */
    static final DateTimeFormatter RFC_3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    private final BusyIndex busy;
    private final FreshSync freshSync;
    private final Clock clock;

    AvailabilityService(BusyIndex busy, FreshSync freshSync, Clock clock) {
        this.busy = busy;
        this.freshSync = freshSync;
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

        boolean fresh = Boolean.TRUE.equals(request.fresh()) && freshSync.syncNow(userIds);
        long duration = durationMinutes * 60L;
        long earliest = now.getEpochSecond() + notice;
        long[] candidates = SlotFinder.candidates(hours.windows(zone, from, to), from.getEpochSecond(), to.getEpochSecond(),
                earliest, duration, step * 60L);
        List<Slot> slots = candidates.length == 0 ? List.of()
                : mode == Mode.ANY ? anyFree(userIds, candidates, duration, before, after, zone)
                : allFree(userIds, candidates, duration, before, after, zone);
        return new Slots(TimeZones.name(zone), durationMinutes, step, fresh, slots);
    }

    private List<Slot> allFree(List<String> userIds, long[] candidates, long duration, long before, long after, ZoneId zone) {
        BusyTimeline everyone = BusyTimeline.union(timelines(userIds, candidates, duration, before, after, zone));
        boolean[] free = SlotFinder.free(candidates, duration, everyone, before, after);
        List<Slot> slots = new ArrayList<>();
        for (int i = 0; i < candidates.length; i++) {
            if (free[i]) {
                slots.add(slot(candidates[i], duration, zone, null));
            }
        }
        return slots;
    }

    private List<Slot> anyFree(List<String> userIds, long[] candidates, long duration, long before, long after, ZoneId zone) {
        List<BusyTimeline> timelines = timelines(userIds, candidates, duration, before, after, zone);
        boolean[][] free = new boolean[userIds.size()][];
        for (int u = 0; u < userIds.size(); u++) {
            free[u] = SlotFinder.free(candidates, duration, timelines.get(u), before, after);
        }
        List<Slot> slots = new ArrayList<>();
        for (int i = 0; i < candidates.length; i++) {
            List<String> who = new ArrayList<>();
            for (int u = 0; u < userIds.size(); u++) {
                if (free[u][i]) {
                    who.add(userIds.get(u));
                }
            }
            if (!who.isEmpty()) {
                slots.add(slot(candidates[i], duration, zone, who));
            }
        }
        return slots;
    }

    /** The users' busy time over just what can touch a candidate: from the first start to the last end, plus buffers. */
    private List<BusyTimeline> timelines(List<String> userIds, long[] candidates, long duration, long before, long after, ZoneId zone) {
        return busy.busy(userIds, Instant.ofEpochSecond(candidates[0] - after),
                Instant.ofEpochSecond(candidates[candidates.length - 1] + duration + before), zone);
    }

    static Slot slot(long start, long duration, ZoneId zone, List<String> userIds) {
        return new Slot(format(start, zone), format(start + duration, zone), userIds);
    }

    static String format(long epochSecond, ZoneId zone) {
        return RFC_3339.format(Instant.ofEpochSecond(epochSecond).atZone(zone));
    }
}
