package io.calbridge.webhook;

import io.calbridge.appointment.AppointmentRemoteChanged;
import io.calbridge.appointment.AppointmentSyncRecorded;
import io.calbridge.availability.AppointmentConflictDetected;
import io.calbridge.connection.ConnectionStatusChanged;
import io.calbridge.provider.Booking;
import io.calbridge.provider.RemoteEvent;
import io.calbridge.sync.BookingsChanged;
import io.calbridge.sync.CalendarEventsChanged;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Turns the features' domain events into notifications for the app. The listeners are synchronous, so each runs in
 * the transaction that records the change ({@link Outbox#add} insists on one): a committed change always has its
 * notification, a rolled-back one never. The features know nothing of webhooks; this class depends on them.
 * Payloads are thin: ids and what changed, never tokens or titles; about the user's clients (a booking's invitees) only
 * where the connection's {@code includeClientDetails} allows.
 */
@Component
class ChangeNotifications {

    /** More ids than this in one notification: counts and the time range instead of the lists. */
    static final int MAX_IDS = 100;

    private final Outbox outbox;

    ChangeNotifications(Outbox outbox) {
        this.outbox = outbox;
    }

    @EventListener
    void calendarEventsChanged(CalendarEventsChanged changed) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("connectionId", changed.connectionId().toString());
        data.put("provider", changed.provider());
        data.put("calendarId", changed.calendarId());
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("created", changed.created().size());
        counts.put("updated", changed.updated().size());
        counts.put("deleted", changed.deleted().size());
        if (changed.created().size() + changed.updated().size() + changed.deleted().size() <= MAX_IDS) {
            data.put("created", changed.created());
            data.put("updated", changed.updated());
            data.put("deleted", changed.deleted());
            data.put("counts", counts);
        } else {
            data.put("counts", counts);
            data.put("range", Map.of("from", String.valueOf(changed.windowStart()), "to", String.valueOf(changed.windowEnd())));
            data.put("idsOmitted", true);
        }
        outbox.add(changed.userId(), EventTypes.CALENDAR_EVENTS_CHANGED, data);
    }

    @EventListener
    void appointmentSync(AppointmentSyncRecorded recorded) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("appointmentId", recorded.appointmentId());
        data.put("connectionId", recorded.connectionId().toString());
        data.put("provider", recorded.provider());
        data.put("calendarId", recorded.calendarId());
        data.put("state", recorded.state());
        data.put("version", recorded.version());
        if (recorded.status() != null) {
            data.put("status", recorded.status());
        }
        if (!recorded.failed()) {
            data.put("removed", recorded.removed());
        }
        data.put("externalId", recorded.externalId());
        data.put("meetingLink", recorded.meetingUrl());
        putIfSet(data, "meetingLinkUnavailable", recorded.meetingLinkUnavailable());
        putIfSet(data, "error", recorded.error());
        putIfSet(data, "errorReason", recorded.errorReason());
        outbox.add(recorded.userId(), recorded.failed() ? EventTypes.APPOINTMENT_SYNC_FAILED : EventTypes.APPOINTMENT_SYNC_SUCCEEDED, data);
    }

    @EventListener
    void appointmentRemoteChange(AppointmentRemoteChanged changed) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("appointmentId", changed.appointmentId());
        data.put("connectionId", changed.connectionId().toString());
        data.put("provider", changed.provider());
        data.put("change", changed.change());
        data.put("externalId", changed.externalId());
        outbox.add(changed.userId(), EventTypes.APPOINTMENT_REMOTE_CHANGE, data);
    }

    /** Ids and times only: what the appointment clashes with is read through the API (titles are client details). */
    @EventListener
    void appointmentConflict(AppointmentConflictDetected detected) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("appointmentId", detected.appointmentId());
        data.put("start", detected.start().toString());
        data.put("end", detected.end().toString());
        data.put("connectionId", detected.connectionId().toString());
        data.put("provider", detected.provider());
        data.put("calendarId", detected.calendarId());
        data.put("clashes", detected.clashes().stream().map(clash -> Map.of("eventId", clash.eventId(), "start", clash.start().toString(),
                "end", clash.end().toString())).toList());
        outbox.add(detected.userId(), EventTypes.APPOINTMENT_CONFLICT_DETECTED, data);
    }

    @EventListener
    void connectionStatus(ConnectionStatusChanged changed) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("connectionId", changed.connectionId().toString());
        data.put("provider", changed.provider());
        putIfSet(data, "accountEmail", changed.accountEmail());
        data.put("status", changed.status());
        putIfSet(data, "reason", changed.reason());
        outbox.add(changed.userId(), type(changed.change()), data);
    }

    /**
     * One notification per booking change, with the booking's times, event type and links; the invitees' names,
     * emails and answers (and a cancellation's reason, the invitee's words) only where the connection lets client
     * details leave calbridge, else only how many invitees there are.
     */
    @EventListener
    void bookingsChanged(BookingsChanged changed) {
        for (BookingsChanged.Change change : changed.changes()) {
            RemoteEvent event = change.event();
            Booking booking = event.booking();
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("connectionId", changed.connectionId().toString());
            data.put("provider", changed.provider());
            data.put("calendarId", changed.calendarId());
            data.put("eventId", event.externalId());
            putIfSet(data, "rescheduledFrom", change.replaced());
            data.put("start", String.valueOf(event.start().instant()));
            data.put("end", String.valueOf(event.end().instant()));
            putIfSet(data, "eventType", booking.eventType());
            putIfSet(data, "eventTypeId", booking.eventTypeId());
            putIfSet(data, "meetingLink", event.meetingUrl());
            putIfSet(data, "calendarEventId", booking.calendarEventId());
            data.put("inviteeCount", booking.invitees().size());
            if (changed.includeClientDetails()) {
                putIfSet(data, "location", event.location());
                data.put("invitees", booking.invitees().stream().map(ChangeNotifications::invitee).toList());
                if (change.kind() == BookingsChanged.Kind.CANCELED) {
                    putIfSet(data, "cancellationReason", booking.cancellationReason());
                }
            }
            outbox.add(changed.userId(), switch (change.kind()) {
                case CREATED -> EventTypes.BOOKING_CREATED;
                case CANCELED -> EventTypes.BOOKING_CANCELED;
                case RESCHEDULED -> EventTypes.BOOKING_RESCHEDULED;
            }, data);
        }
    }

    private static Map<String, Object> invitee(Booking.Invitee invitee) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", invitee.id());
        putIfSet(data, "name", invitee.name());
        putIfSet(data, "email", invitee.email());
        data.put("status", invitee.status());
        putIfSet(data, "timeZone", invitee.timeZone());
        data.put("answers", invitee.answers().stream().map(a -> Map.of("question", String.valueOf(a.question()), "answer",
                String.valueOf(a.answer()))).toList());
        putIfSet(data, "cancelUrl", invitee.cancelUrl());
        putIfSet(data, "rescheduleUrl", invitee.rescheduleUrl());
        return data;
    }

    private static String type(ConnectionStatusChanged.Change change) {
        switch (change) {
            case CONNECTED:
                return EventTypes.CONNECTION_CONNECTED;
            case RESTORED:
                return EventTypes.CONNECTION_RESTORED;
            case NEEDS_REAUTH:
                return EventTypes.CONNECTION_NEEDS_REAUTH;
            default:
                return EventTypes.CONNECTION_DISCONNECTED;
        }
    }

    private static void putIfSet(Map<String, Object> data, String key, Object value) {
        if (value != null) {
            data.put(key, value);
        }
    }
}
