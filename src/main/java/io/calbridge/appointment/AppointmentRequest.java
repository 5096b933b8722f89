package io.calbridge.appointment;

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
        Status status) {

    public AppointmentRequest withStatus(Status newStatus) {
        return new AppointmentRequest(title, description, location, start, end, timeZone, attendees, conference, newStatus);
    }

    public AppointmentRequest withDescription(String newDescription) {
        return new AppointmentRequest(title, newDescription, location, start, end, timeZone, attendees, conference, status);
    }

    public enum Conference { NONE, AUTO }

    public enum Status { CONFIRMED, CANCELLED }

    public record Attendee(@Size(max = 200) String name, @NotBlank @Email @Size(max = 320) String email) {
    }
}
