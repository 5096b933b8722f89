package io.calbridge.webhook;

import java.util.List;

/** The notification types an endpoint can subscribe to; each payload is described in README and OpenAPI. */
public final class EventTypes {

    public static final String CALENDAR_EVENTS_CHANGED = "calendar.events.changed";
    public static final String APPOINTMENT_SYNC_SUCCEEDED = "appointment.sync.succeeded";
    public static final String APPOINTMENT_SYNC_FAILED = "appointment.sync.failed";
    public static final String APPOINTMENT_REMOTE_CHANGE = "appointment.remote_change";
    public static final String CONNECTION_CONNECTED = "connection.connected";
    public static final String CONNECTION_NEEDS_REAUTH = "connection.needs_reauth";
    public static final String CONNECTION_RESTORED = "connection.restored";
    public static final String CONNECTION_DISCONNECTED = "connection.disconnected";
    public static final String APPOINTMENT_CONFLICT_DETECTED = "appointment.conflict_detected";
    public static final String BOOKING_CREATED = "booking.created";
    public static final String BOOKING_CANCELED = "booking.canceled";
    public static final String BOOKING_RESCHEDULED = "booking.rescheduled";
    /** Sent only by {@code POST /api/v1/webhook-endpoints/{id}/test}, whatever the endpoint subscribed to. */
    public static final String WEBHOOK_TEST = "webhook.test";

    /** What an endpoint may list in its eventTypes. */
    public static final List<String> SUBSCRIBABLE = List.of(CALENDAR_EVENTS_CHANGED, APPOINTMENT_SYNC_SUCCEEDED, APPOINTMENT_SYNC_FAILED,
            APPOINTMENT_REMOTE_CHANGE, APPOINTMENT_CONFLICT_DETECTED, CONNECTION_CONNECTED, CONNECTION_NEEDS_REAUTH, CONNECTION_RESTORED, CONNECTION_DISCONNECTED,
            BOOKING_CREATED, BOOKING_CANCELED, BOOKING_RESCHEDULED);

    private EventTypes() {
    }
}
