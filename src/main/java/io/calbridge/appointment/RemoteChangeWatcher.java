package io.calbridge.appointment;

import io.calbridge.provider.RemoteEvent;
import io.calbridge.sync.RemoteEventsChanged;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Notices when someone moves or deletes, in their calendar, an event calbridge pushed for an appointment, and shows
 * it on the appointment ({@code remoteChange}: MOVED or DELETED). The appointment itself stays the app's to change.
 */
@Component
class RemoteChangeWatcher {

    private final AppointmentRepository appointments;

    RemoteChangeWatcher(AppointmentRepository appointments) {
        this.appointments = appointments;
    }

    @EventListener
    void inspect(RemoteEventsChanged changed) {
        Map<String, RemoteEvent> byId = changed.events().stream()
                .collect(Collectors.toMap(RemoteEvent::externalId, Function.identity(), (a, b) -> b));
        for (Object[] pushed : appointments.pushedAmong(changed.connectionId(), changed.calendarId(), byId.keySet().toArray(String[]::new))) {
            String userId = (String) pushed[0];
            String appointmentId = (String) pushed[1];
            RemoteEvent event = byId.get((String) pushed[2]);
            boolean appointmentCancelled = "CANCELLED".equals(pushed[5]);
            String change = null;
            if (event.cancelled()) {
                change = appointmentCancelled ? null : "DELETED";
            } else if (event.start() != null && event.end() != null && !event.start().isAllDay()
                    && (!event.start().instant().equals((Instant) pushed[3]) || !event.end().instant().equals((Instant) pushed[4]))) {
                change = "MOVED";
            }
            appointments.remoteChange(userId, appointmentId, changed.connectionId(), change);
        }
    }
}
