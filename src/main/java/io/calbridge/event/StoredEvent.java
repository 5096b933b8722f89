package io.calbridge.event;

import io.calbridge.provider.Booking;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/**
 * An event of the local store, or one occurrence of a stored series.
 *
 * @param startDate for all-day events, the first day; {@code endDate} is exclusive
 * @param recurrence RRULE/EXDATE lines of a series master, else {@code null}
 * @param appointmentId set when calbridge pushed this event for one of the app's appointments (count it once)
 * @param booking a scheduling tool's details of a booked event, else {@code null}
 */
public record StoredEvent(
        UUID connectionId,
        String calendarId,
        String externalId,
        String status,
        String title,
        String description,
        String location,
        Instant start,
        Instant end,
        boolean allDay,
        LocalDate startDate,
        LocalDate endDate,
        String timeZone,
        boolean transparent,
        String selfResponse,
        String recurrence,
        String recurringEventId,
        Instant originalStart,
        String meetingUrl,
        String htmlLink,
        String appointmentId,
        Booking booking) {

    /** Whether it takes the owner's time: not cancelled, not transparent, not declined. */
    public boolean busy() {
        return !"cancelled".equals(status) && !transparent && !"declined".equals(selfResponse);
    }

    StoredEvent occurrence(Instant occurrenceStart, Instant occurrenceEnd, LocalDate date, LocalDate dateEnd, String occurrenceId) {
        return new StoredEvent(connectionId, calendarId, occurrenceId, status, title, description, location, occurrenceStart,
                occurrenceEnd, allDay, date, dateEnd, timeZone, transparent, selfResponse, null, externalId, occurrenceStart,
                meetingUrl, htmlLink, appointmentId, booking);
    }
}
