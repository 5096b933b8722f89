package io.calbridge.appointment;

import io.calbridge.provider.Attendee;
import java.time.Instant;
import java.util.List;

/** An appointment as stored: {@code version} rises with every real change. */
public record Appointment(String userId, String appointmentId, long version, String title, String description, String location,
        Instant start, Instant end, String timeZone, List<Attendee> attendees, String conference, String status,
        Instant createdAt, Instant updatedAt, List<Reminder> reminders) {

    public Appointment {
        reminders = reminders == null ? List.of() : List.copyOf(reminders);
    }

    boolean cancelled() {
        return "CANCELLED".equals(status);
    }
}
