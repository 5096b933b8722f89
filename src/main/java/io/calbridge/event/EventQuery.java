package io.calbridge.event;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Service;

/** A user's events in a window, with recurring series expanded into occurrences and their exceptions applied. */
@Service
public class EventQuery {

    private final EventStore store;

    EventQuery(EventStore store) {
        this.store = store;
    }

    /**
     * Every event overlapping [from, to), ordered by start; {@code connectionId} narrows to one connection. Across all
     * connections, a booking's copy in the host's own calendar is left out: the booking stands for both, so it is listed
     * and counted as busy once.
     */
    public List<StoredEvent> between(String userId, Instant from, Instant to, UUID connectionId) {
        List<StoredEvent> events = new ArrayList<>(store.singlesBetween(userId, from, to, connectionId));
        List<StoredEvent> series = store.seriesStartingBefore(userId, to, connectionId);
        if (!series.isEmpty()) {
            Set<String> replaced = replacedOccurrences(userId, connectionId);
            for (StoredEvent master : series) {
                events.addAll(occurrences(master, from, to, replaced));
            }
        }
        if (connectionId == null) {
            dropBookingCopies(userId, events);
        }
        events.sort(Comparator.comparing(StoredEvent::start).thenComparing(StoredEvent::externalId));
        return events;
    }

    /**
     * Every event overlapping any of the ranges [starts[i], ends[i]) (epoch seconds; sorted and disjoint), each once, in
     * no particular order; across all connections, booking copies left out as in {@link #between}. One query for the
     * single events of all ranges, the series read once and expanded per range: what brings a cached busy time up to
     * date after a change of a few events.
     */
    public List<StoredEvent> overlapping(String userId, long[] starts, long[] ends) {
        if (starts.length == 0) {
            return List.of();
        }
        Instant last = Instant.ofEpochSecond(ends[ends.length - 1]);
        Map<String, StoredEvent> events = new HashMap<>();
        for (StoredEvent single : store.singlesOverlapping(userId, starts, ends)) {
            events.put(single.connectionId() + "\n" + single.calendarId() + "\n" + single.externalId(), single);
        }
        List<StoredEvent> series = store.seriesStartingBefore(userId, last, null);
        if (!series.isEmpty()) {
            Set<String> replaced = replacedOccurrences(userId, null);
            for (int i = 0; i < starts.length; i++) {
                for (StoredEvent master : series) {
                    // per range, not over their span: the ranges of a moved event can lie weeks apart, and expansion
                    // starts near the range (Recurrence skips the periods that cannot reach it)
                    for (StoredEvent occurrence : occurrences(master, Instant.ofEpochSecond(starts[i]), Instant.ofEpochSecond(ends[i]), replaced)) {
                        // an occurrence over two ranges comes twice: its id names it (the series' id and its start)
                        events.put(occurrence.connectionId() + "\n" + occurrence.calendarId() + "\n" + occurrence.externalId(), occurrence);
                    }
                }
            }
        }
        List<StoredEvent> list = new ArrayList<>(events.values());
        dropBookingCopies(userId, list);
        return list;
    }

    private Set<String> replacedOccurrences(String userId, UUID connectionId) {
        Set<String> replaced = new HashSet<>();
        for (StoredEvent exception : store.seriesExceptions(userId, connectionId)) {
            if (exception.originalStart() != null) {
                replaced.add(key(exception.connectionId(), exception.calendarId(), exception.recurringEventId(), exception.originalStart()));
            }
        }
        return replaced;
    }

    /**
     * {@code events} as they fall in [from, to): singles that overlap it, and each series master's occurrences there
     * (its moved or cancelled occurrences, stored apart, are not consulted).
     */
    public List<StoredEvent> within(List<StoredEvent> events, Instant from, Instant to) {
        List<StoredEvent> within = new ArrayList<>();
        for (StoredEvent event : events) {
            if (event.recurrence() != null) {
                within.addAll(occurrences(event, from, to, Set.of()));
            } else if (event.start().isBefore(to) && event.end().isAfter(from)) {
                within.add(event);
            }
        }
        return within;
    }

    private void dropBookingCopies(String userId, List<StoredEvent> events) {
        List<Map.Entry<String, UUID>> copies = store.bookingCopies(userId);
        if (copies.isEmpty()) {
            return;
        }
        Map<String, UUID> bookingConnectionByCopy = new HashMap<>();
        copies.forEach(copy -> bookingConnectionByCopy.put(copy.getKey(), copy.getValue()));
        events.removeIf(event -> {
            UUID booking = bookingConnectionByCopy.get(event.externalId());
            return booking != null && !booking.equals(event.connectionId());
        });
    }

    private static List<StoredEvent> occurrences(StoredEvent master, Instant from, Instant to, Set<String> replaced) {
        ZoneId zone = master.timeZone() == null ? ZoneOffset.UTC : ZoneId.of(master.timeZone());
        Duration length = Duration.between(master.start(), master.end());
        List<StoredEvent> result = new ArrayList<>();
        // an all-day occurrence ends at midnight of its last day, which DST can put an hour past start + length: expand
        // from a day earlier and keep what overlaps by its own end, so an occurrence is in [from, to) exactly when its
        // times overlap it, as for single events (a cached busy time relies on it when it re-reads a part)
        Instant expandFrom = master.allDay() ? from.minus(Duration.ofDays(1)) : from;
        for (Instant start : Recurrence.occurrences(master.recurrence(), master.start(), zone, master.allDay(), length, expandFrom, to)) {
            if (replaced.contains(key(master.connectionId(), master.calendarId(), master.externalId(), start))) {
                continue;
            }
            String id = Recurrence.occurrenceId(master.externalId(), start, zone, master.allDay());
            if (master.allDay()) {
                // whole days, whatever DST does to the hours in between
                LocalDate date = start.atZone(zone).toLocalDate();
                LocalDate endDate = date.plusDays(ChronoUnit.DAYS.between(master.startDate(), master.endDate()));
                Instant end = endDate.atStartOfDay(zone).toInstant();
                if (end.isAfter(from)) {
                    result.add(master.occurrence(start, end, date, endDate, id));
                }
            } else {
                result.add(master.occurrence(start, start.plus(length), null, null, id));
            }
        }
        return result;
    }

    private static String key(UUID connectionId, String calendarId, String seriesId, Instant originalStart) {
        return connectionId + "\n" + calendarId + "\n" + seriesId + "\n" + originalStart.getEpochSecond();
    }
}
