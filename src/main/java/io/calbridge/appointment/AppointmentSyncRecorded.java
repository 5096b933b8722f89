package io.calbridge.appointment;

import java.util.UUID;

/**
 * Published, inside the transaction that records it, when a push of an appointment to one destination reached an
 * outcome the app may act on: {@code SYNCED} (the calendar holds {@code version}, or, with {@code removed}, no
 * longer holds the cancelled appointment's event) or {@code FAILED} (the push gave up for good). A failed attempt
 * whose retry is still pending publishes nothing. {@code errorReason}: {@code permanent} or {@code transient} (attempts
 * used up).
 */
public record AppointmentSyncRecorded(String userId, String appointmentId, UUID connectionId, String provider, String calendarId,
        String state, long version, String status, String externalId, String meetingUrl, String meetingLinkUnavailable,
        boolean removed, String error, String errorReason) {

    public boolean failed() {
        return AppointmentEvent.FAILED.equals(state);
    }
}
