package io.calbridge.availability;

import io.calbridge.appointment.BookedAppointments;
import io.calbridge.appointment.BookedAppointments.Booked;
import io.calbridge.availability.AvailabilityRequests.ConflictsRequest;
import io.calbridge.availability.AvailabilityResponses.AppointmentConflict;
import io.calbridge.availability.AvailabilityResponses.Conflict;
import io.calbridge.availability.AvailabilityResponses.Conflicts;
import io.calbridge.availability.AvailabilityResponses.Slot;
import io.calbridge.availability.AvailabilityResponses.Source;
import io.calbridge.connection.Connection;
import io.calbridge.connection.ConnectionService;
import io.calbridge.event.EventQuery;
import io.calbridge.event.StoredEvent;
import io.calbridge.platform.web.ApiProblem;
import io.calbridge.provider.TimeZones;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * "Does this time clash?": the busy items within the buffer of a proposed time, from the store and the app's
 * appointments, and the nearest free times of the same length before and after it, inside working hours.
 */
@Service
public class ConflictService {

    /** How far before and after the proposed time alternatives are looked for. */
    static final Duration ALTERNATIVE_SEARCH = Duration.ofDays(14);
    private static final int DEFAULT_ALTERNATIVES = 1;
    private static final int MAX_ALTERNATIVES = 5;
    private static final long DAY = Duration.ofDays(1).toSeconds();

    private final EventQuery events;
    private final BookedAppointments appointments;
    private final ConnectionService connections;
    private final BusyIndex busy;
    private final FreshSync freshSync;
    private final Clock clock;

    ConflictService(EventQuery events, BookedAppointments appointments, ConnectionService connections, BusyIndex busy,
            FreshSync freshSync, Clock clock) {
        this.events = events;
        this.appointments = appointments;
        this.connections = connections;
        this.busy = busy;
        this.freshSync = freshSync;
        this.clock = clock;
    }

    /**
     * The conflicts of {@code userIds} (already authorized); titles only on the items of {@code owner}, the user the
     * caller is (empty for a service that names nobody).
     */
    public Conflicts check(List<String> userIds, Optional<String> owner, ConflictsRequest request) {
        Instant now = clock.instant();
        Instant start = RequestRules.withinReach(RequestRules.required(request.start(), "start").toInstant(), "start", now);
        Instant end = RequestRules.withinReach(RequestRules.required(request.end(), "end").toInstant(), "end", now);
        if (!end.isAfter(start)) {
            throw ApiProblem.badRequest("invalid_range", "'end' must be after 'start'");
        }
        long length = Duration.between(start, end).toSeconds();
        if (length < RequestRules.MIN_DURATION * 60L || length > RequestRules.MAX_DURATION * 60L) {
            throw ApiProblem.badRequest("invalid_duration", "the proposed time must last between 5 and 1440 minutes");
        }
        ZoneId zone = request.timeZone() == null ? request.start().getOffset() : RequestRules.zone(request.timeZone());
        long buffer = RequestRules.buffer(request.bufferMinutes(), "bufferMinutes") * 60L;
        long notice = RequestRules.notice(request.minimumNoticeMinutes()) * 60L;
        int step = RequestRules.step(request.slotStepMinutes(), (int) Math.max(RequestRules.MIN_DURATION, length / 60));
        int perSide = alternativesPerSide(request.alternativesPerSide());
        WorkingHours hours = RequestRules.workingHours(request.workingHours(), request.dateOverrides());

        boolean fresh = Boolean.TRUE.equals(request.fresh()) && freshSync.syncNow(userIds);
        List<Found> found = new ArrayList<>();
        for (String userId : userIds) {
            found.addAll(conflictsOf(userId, owner.map(userId::equals).orElse(false), start.getEpochSecond() - buffer,
                    end.getEpochSecond() + buffer, start, end, zone));
        }
        List<Conflict> conflicts = inOrder(found);
        List<Slot> alternatives = alternatives(userIds, start.getEpochSecond(), length, now.getEpochSecond() + notice, step * 60L, perSide,
                hours, zone, buffer);
        boolean outside = !hours.contains(zone, start.getEpochSecond(), end.getEpochSecond());
        return new Conflicts(TimeZones.name(zone), conflicts.isEmpty(), outside, fresh, conflicts, alternatives);
    }

    /**
     * The user's confirmed appointments from {@code from} to {@code to} that overlap a busy calendar event or another
     * appointment, each with what it overlaps (titles only for the {@code owner}) and the nearest free time of its
     * length before and after it inside default working hours (for appointments of at most a day).
     */
    public List<AppointmentConflict> ofAppointments(String userId, boolean owner, Instant from, Instant to, ZoneId zone) {
        WorkingHours hours = RequestRules.workingHours(null, null);
        long earliest = clock.instant().getEpochSecond();
        List<AppointmentConflict> result = new ArrayList<>();
        for (Booked booked : appointments.between(userId, from, to)) {
            List<Found> clashes = conflictsOf(userId, owner, booked.start().getEpochSecond(), booked.end().getEpochSecond(), booked.start(),
                    booked.end(), zone);
            // the appointment itself is no clash of its own
            clashes.removeIf(f -> booked.appointmentId().equals(f.conflict().source().appointmentId()));
            if (clashes.isEmpty()) {
                continue;
            }
            long length = Duration.between(booked.start(), booked.end()).toSeconds();
            List<Slot> alternatives = length > RequestRules.MAX_DURATION * 60L ? List.of()
                    : alternatives(List.of(userId), booked.start().getEpochSecond(), length, earliest,
                            Math.min(length, 30 * 60L), DEFAULT_ALTERNATIVES, hours, zone, 0);
            result.add(new AppointmentConflict(booked.appointmentId(), owner ? booked.title() : null,
                    AvailabilityService.format(booked.start().getEpochSecond(), zone), AvailabilityService.format(booked.end().getEpochSecond(), zone),
                    inOrder(clashes), alternatives));
        }
        return result;
    }

    private static List<Conflict> inOrder(List<Found> found) {
        found.sort(Comparator.comparingLong(Found::start).thenComparing(f -> f.conflict().userId()));
        return found.stream().map(Found::conflict).toList();
    }

    /** A conflict and when it starts, to order them by time (their texts carry offsets that DST changes). */
    private record Found(long start, Conflict conflict) {
    }

    private List<Found> conflictsOf(String userId, boolean owner, long from, long to, Instant start, Instant end, ZoneId zone) {
        Map<UUID, String> providers = new HashMap<>();
        for (Connection connection : connections.list(userId)) {
            providers.put(connection.id(), connection.provider());
        }
        List<Found> found = new ArrayList<>();
        // all-day events are laid out in the asker's zone, so read a day more on each side and check afterwards
        for (StoredEvent event : events.between(userId, Instant.ofEpochSecond(from - DAY), Instant.ofEpochSecond(to + DAY), null)) {
            if (!event.busy() || event.appointmentId() != null) {
                continue; // not busy; or pushed for an appointment, which is listed as itself below
            }
            boolean allDay = event.allDay() && event.startDate() != null && event.endDate() != null;
            long itemStart = allDay ? event.startDate().atStartOfDay(zone).toEpochSecond() : event.start().getEpochSecond();
            long itemEnd = allDay ? event.endDate().atStartOfDay(zone).toEpochSecond() : event.end().getEpochSecond();
            if (itemStart < to && itemEnd > from) {
                Source source = Source.calendar(event.connectionId(), providers.get(event.connectionId()), event.calendarId(), event.externalId());
                String shownStart = allDay ? event.startDate().toString() : AvailabilityService.format(itemStart, zone);
                String shownEnd = allDay ? event.endDate().toString() : AvailabilityService.format(itemEnd, zone);
                found.add(new Found(itemStart, new Conflict(userId, shownStart, shownEnd, allDay, overlaps(itemStart, itemEnd, start, end),
                        source, owner ? event.title() : null)));
            }
        }
        for (Booked booked : appointments.between(userId, Instant.ofEpochSecond(from), Instant.ofEpochSecond(to))) {
            long itemStart = booked.start().getEpochSecond();
            long itemEnd = booked.end().getEpochSecond();
            found.add(new Found(itemStart, new Conflict(userId, AvailabilityService.format(itemStart, zone),
                    AvailabilityService.format(itemEnd, zone), false, overlaps(itemStart, itemEnd, start, end),
                    Source.appointment(booked.appointmentId()), owner ? booked.title() : null)));
        }
        return found;
    }

    /**
     * The nearest free times of the same length on the working-hours grid: up to {@code perSide} starting before the
     * proposed start (latest first) and as many after it, all free for every user with the buffer on both sides.
     */
    private List<Slot> alternatives(List<String> userIds, long proposedStart, long length, long earliest, long step, int perSide,
            WorkingHours hours, ZoneId zone, long buffer) {
        if (perSide == 0) {
            return List.of();
        }
        long searchFrom = proposedStart - ALTERNATIVE_SEARCH.toSeconds();
        long searchTo = proposedStart + length + ALTERNATIVE_SEARCH.toSeconds();
        long[] candidates = SlotFinder.candidates(hours.windows(zone, Instant.ofEpochSecond(searchFrom), Instant.ofEpochSecond(searchTo)),
                searchFrom, searchTo, earliest, length, step);
        if (candidates.length == 0) {
            return List.of();
        }
        List<BusyTimeline> timelines = busy.busy(userIds, Instant.ofEpochSecond(candidates[0] - buffer),
                Instant.ofEpochSecond(candidates[candidates.length - 1] + length + buffer), zone);
        boolean[] free = SlotFinder.free(candidates, length, BusyTimeline.union(timelines), buffer, buffer);
        List<Slot> chosen = new ArrayList<>();
        int before = 0;
        for (int i = candidates.length - 1; i >= 0 && before < perSide; i--) {
            if (free[i] && candidates[i] < proposedStart) {
                chosen.add(0, AvailabilityService.slot(candidates[i], length, zone, null));
                before++;
            }
        }
        int after = 0;
        for (int i = 0; i < candidates.length && after < perSide; i++) {
            if (free[i] && candidates[i] > proposedStart) {
                chosen.add(AvailabilityService.slot(candidates[i], length, zone, null));
                after++;
            }
        }
        return chosen;
    }

    private static boolean overlaps(long itemStart, long itemEnd, Instant start, Instant end) {
        return itemStart < end.getEpochSecond() && itemEnd > start.getEpochSecond();
    }

    private static int alternativesPerSide(Integer given) {
        if (given == null) {
            return DEFAULT_ALTERNATIVES;
        }
        if (given < 0 || given > MAX_ALTERNATIVES) {
            throw ApiProblem.badRequest("invalid_alternatives", "alternativesPerSide must be between 0 and 5");
        }
        return given;
    }
}
