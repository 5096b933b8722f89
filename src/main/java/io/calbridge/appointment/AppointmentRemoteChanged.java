package io.calbridge.appointment;

import java.util.UUID;

/**
 * Published, inside the transaction that records it, when an appointment's event was moved ({@code MOVED}) or deleted
 * ({@code DELETED}) in the calendar outside calbridge; not when such a mark clears.
 */
public record AppointmentRemoteChanged(String userId, String appointmentId, UUID connectionId, String provider, String change,
        String externalId) {
}
