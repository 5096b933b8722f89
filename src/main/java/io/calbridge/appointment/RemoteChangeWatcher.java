package io.calbridge.appointment;

import io.calbridge.appointment.AppointmentRepository.Changed;
import io.calbridge.appointment.AppointmentRepository.Pushed;
import io.calbridge.appointment.AppointmentRepository.RemoteChange;
import io.calbridge.provider.RemoteEvent;
import io.calbridge.sync.CalendarFullySynced;
import io.calbridge.sync.RemoteEventsChanged;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Notices when someone moves or deletes, in their calendar, an event calbridge pushed for an appointment, and shows
 * it on the appointment ({@code remoteChange}: MOVED or DELETED), from incremental pages and after full syncs alike.
 * The appointment itself stays the app's to change.
 * Only what changes is written (one statement per page): most pulled pushed events are calbridge's own writes
 * coming back, and show nothing new.
 */
@Component
class RemoteChangeWatcher {

    private final AppointmentRepository appointments;
    private final ApplicationEventPublisher publisher;

    RemoteChangeWatcher(AppointmentRepository appointments, ApplicationEventPublisher publisher) {
        this.appointments = appointments;
        this.publisher = publisher;
    }

    @EventListener
    void inspect(RemoteEventsChanged changed) {
        Map<String, RemoteEvent> byId = changed.events().stream()
                .collect(Collectors.toMap(RemoteEvent::externalId, Function.identity(), (a, b) -> b));
        List<RemoteChange> changes = new ArrayList<>();
        for (Pushed pushed : appointments.pushedAmong(changed.connectionId(), changed.calendarId(), byId.keySet().toArray(String[]::new))) {
            String change = change(pushed, byId.get(pushed.externalId()));
            if (!Objects.equals(change, pushed.remoteChange())) {
                changes.add(new RemoteChange(pushed.userId(), pushed.appointmentId(), change));
            }
        }
        published(changed.connectionId(), changed.provider(), appointments.remoteChange(changed.connectionId(), changes));
    }

    /**
     * A full listing leaves deleted events out instead of reporting them: after it, an event calbridge pushed that the
     * store no longer holds was deleted in the calendar.
     */
    @EventListener
    void inspect(CalendarFullySynced synced) {
        published(synced.connectionId(), synced.provider(), appointments.remoteChange(synced.connectionId(),
                appointments.missingAfterFullSync(synced.connectionId(), synced.calendarId(), synced.started(), synced.windowStart(),
                        synced.windowEnd())));
    }

    /** Marks set (not cleared) are news for the app; they are published in the sync's transaction, which these run in. */
    private void published(UUID connectionId, String provider, List<Changed> written) {
        for (Changed changed : written) {
            if (changed.change().change() != null) {
                publisher.publishEvent(new AppointmentRemoteChanged(changed.change().userId(), changed.change().appointmentId(),
                        connectionId, provider, changed.change().change(), changed.externalId()));
            }
        }
    }

    /** What the event in the calendar shows against its appointment: DELETED, MOVED, or null (as pushed). */
    private static String change(Pushed pushed, RemoteEvent event) {
        if (event.cancelled()) {
            return "CANCELLED".equals(pushed.status()) ? null : "DELETED";
        }
        if (event.start() != null && event.end() != null && !event.start().isAllDay()
                && (!event.start().instant().equals(pushed.start()) || !event.end().instant().equals(pushed.end()))) {
            return "MOVED";
        }
        return null;
    }
}
