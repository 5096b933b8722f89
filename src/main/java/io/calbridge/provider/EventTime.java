package io.calbridge.provider;

import java.time.Instant;
import java.time.LocalDate;

/**
 * When an event starts or ends: an instant with the event's own time zone, or a date for all-day events.
 * Exactly one of {@code instant} and {@code date} is set.
 */
public record EventTime(Instant instant, String timeZone, LocalDate date) {

    public EventTime {
        if ((instant == null) == (date == null)) {
            throw new IllegalArgumentException("exactly one of instant and date must be set");
        }
    }

    public static EventTime at(Instant instant, String timeZone) {
        return new EventTime(instant, timeZone, null);
    }

    public static EventTime allDay(LocalDate date) {
        return new EventTime(null, null, date);
    }

    public boolean isAllDay() {
        return date != null;
    }
}
