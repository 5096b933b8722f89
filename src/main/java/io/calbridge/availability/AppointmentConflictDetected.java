package io.calbridge.availability;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Published, inside the transaction that stored a page of a calendar, for each appointment of the user that the page
 * made clash with calendar events it had not clashed with before: once per new clash, not on every sync.
 */
public record AppointmentConflictDetected(String userId, String appointmentId, Instant start, Instant end, UUID connectionId,
        String provider, String calendarId, List<Clash> clashes) {

    /** A calendar event (an occurrence, for a series) the appointment overlaps. */
    public record Clash(String eventId, Instant start, Instant end) {
    }
}
