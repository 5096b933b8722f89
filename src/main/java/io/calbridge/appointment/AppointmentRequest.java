package io.calbridge.appointment;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;
import java.util.List;

/** The body of {@code PUT /api/v1/appointments/{id}}: the appointment as the app has it now. */
public record AppointmentRequest(
        @NotBlank @Size(max = 500) String title,
        @Size(max = 8000) String description,
        @Size(max = 1000) String location,
        @NotNull OffsetDateTime start,
        @NotNull OffsetDateTime end,
        @Size(max = 64) String timeZone,
        @Size(max = 100) List<@Valid Attendee> attendees,
        Conference conference,
        Status status,
        @Schema(description = "At most 10, each at most once: EMAIL sends mail (to the OWNER, the default, or the ATTENDEES) "
                + "`minutesBefore` the start; CALENDAR sets the calendar's own reminder on pushed events (at most 5)")
        List<Reminder> reminders) {

    /** Without reminders: the form callers had before reminders existed. */
    public AppointmentRequest(String title, String description, String location, OffsetDateTime start, OffsetDateTime end, String timeZone,
            List<Attendee> attendees, Conference conference, Status status) {
        this(title, description, location, start, end, timeZone, attendees, conference, status, null);
    }

    public AppointmentRequest withStatus(Status newStatus) {
        return new AppointmentRequest(title, description, location, start, end, timeZone, attendees, conference, newStatus, reminders);
    }

    public AppointmentRequest withDescription(String newDescription) {
        return new AppointmentRequest(title, newDescription, location, start, end, timeZone, attendees, conference, status, reminders);
    }

    public enum Conference { NONE, AUTO }

    public enum Status { CONFIRMED, CANCELLED }

    /** Checked by the service (400 {@code invalid_reminders}), so that every mistake in one carries that code. */
    public record Reminder(
            @Schema(description = "0-40320 (four weeks)", example = "30") Integer minutesBefore,
            @Schema(allowableValues = {"EMAIL", "CALENDAR"}) String channel,
            @Schema(allowableValues = {"OWNER", "ATTENDEES"}, description = "EMAIL only; default OWNER") String to) {
    }

    public record Attendee(@Size(max = 200) String name, @NotBlank @Email @Size(max = 320) String email) {
    }
}
