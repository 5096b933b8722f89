package io.calbridge.availability;

import io.calbridge.appointment.BookedAppointments;
import io.calbridge.appointment.BookedAppointments.Booked;
import io.calbridge.availability.AppointmentConflictDetected.Clash;
import io.calbridge.event.EventQuery;
import io.calbridge.event.EventStore;
import io.calbridge.event.StoredEvent;
import io.calbridge.sync.CalendarEventsChanged;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Tells of the conflicts a sync creates: after each stored page, the busy events it created or changed (from now to
 * the end of the sync window) are checked against the user's confirmed appointments, and each appointment with a
 * clash not told before gets one {@link AppointmentConflictDetected}. Clashes already told are remembered
 * ({@code reported_conflicts}) until their event changes so that it no longer clashes. Events calbridge pushed for
 * appointments are no clash. Only the page's own events are read: a page of pushed copies costs one query.
 */
@Component
class ConflictWatch {

    private final EventStore store;
    private final EventQuery query;
    private final BookedAppointments appointments;
    private final JdbcClient jdbc;
    private final ApplicationEventPublisher publisher;
    private final Clock clock;

    ConflictWatch(EventStore store, EventQuery query, BookedAppointments appointments, JdbcClient jdbc, ApplicationEventPublisher publisher,
            Clock clock) {
        this.store = store;
        this.query = query;
        this.appointments = appointments;
        this.jdbc = jdbc;
        this.publisher = publisher;
        this.clock = clock;
    }

    private record Found(Booked appointment, String seriesId, Clash clash) {
    }

    @EventListener
    void calendarEventsChanged(CalendarEventsChanged changed) {
        Set<String> touched = new HashSet<>(changed.created());
        touched.addAll(changed.updated());
        // events calbridge pushed for appointments are never a clash, so never told: a page of them costs one query
        List<StoredEvent> stored = touched.isEmpty() ? List.of() : store.byIds(changed.connectionId(), changed.calendarId(), touched)
                .stream().filter(e -> e.appointmentId() == null).toList();
        Set<String> candidates = new HashSet<>(changed.deleted());
        stored.forEach(e -> candidates.add(e.externalId()));
        if (candidates.isEmpty()) {
            return;
        }
        List<Found> found = clashes(changed, stored, candidates);
        forgetResolved(changed, candidates, found);
        Map<String, List<Found>> fresh = new LinkedHashMap<>();
        for (Found clash : found) {
            if (remember(changed, clash)) {
                fresh.computeIfAbsent(clash.appointment().appointmentId(), id -> new ArrayList<>()).add(clash);
            }
        }
        fresh.values().forEach(clashes -> {
            Booked appointment = clashes.get(0).appointment();
            publisher.publishEvent(new AppointmentConflictDetected(changed.userId(), appointment.appointmentId(), appointment.start(),
                    appointment.end(), changed.connectionId(), changed.provider(), changed.calendarId(),
                    clashes.stream().map(Found::clash).toList()));
        });
    }

    /** The page's busy events from now on that overlap the user's confirmed appointments. */
    private List<Found> clashes(CalendarEventsChanged changed, List<StoredEvent> stored, Set<String> candidates) {
        Instant now = clock.instant();
        if (stored.isEmpty() || !changed.windowEnd().isAfter(now)) {
            return List.of();
        }
        List<StoredEvent> busy = query.within(stored, now, changed.windowEnd()).stream().filter(StoredEvent::busy).toList();
        if (busy.isEmpty()) {
            return List.of();
        }
        Instant from = busy.stream().map(StoredEvent::start).min(Comparator.naturalOrder()).orElseThrow();
        Instant to = busy.stream().map(StoredEvent::end).max(Comparator.naturalOrder()).orElseThrow();
        List<Found> found = new ArrayList<>();
        for (Booked appointment : appointments.between(changed.userId(), from, to)) {
            for (StoredEvent event : busy) {
                if (event.start().isBefore(appointment.end()) && event.end().isAfter(appointment.start())) {
                    // an occurrence of a series is remembered under its master, the row the page changes
                    String series = candidates.contains(event.externalId()) || event.recurringEventId() == null ? event.externalId()
                            : event.recurringEventId();
                    found.add(new Found(appointment, series, new Clash(event.externalId(), event.start(), event.end())));
                }
            }
        }
        return found;
    }

    /** Told clashes of the page's events that no longer hold are forgotten, so that they are told again if they return. */
    private void forgetResolved(CalendarEventsChanged changed, Set<String> touched, List<Found> holding) {
        String[] still = holding.stream().map(f -> f.appointment().appointmentId() + "\n" + f.clash().eventId()).toArray(String[]::new);
        jdbc.sql("""
                DELETE FROM reported_conflicts WHERE connection_id = ? AND series_id = ANY (?)
                AND NOT (appointment_id || chr(10) || event_id = ANY (?))""")
                .params(changed.connectionId(), touched.toArray(String[]::new), still).update();
    }

    /** Whether the clash is new (and now remembered). */
    private boolean remember(CalendarEventsChanged changed, Found clash) {
        return jdbc.sql("""
                INSERT INTO reported_conflicts (user_id, appointment_id, connection_id, series_id, event_id, reported_at)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                .params(changed.userId(), clash.appointment().appointmentId(), changed.connectionId(), clash.seriesId(),
                        clash.clash().eventId(), Timestamp.from(clock.instant()))
                .update() == 1;
    }
}
