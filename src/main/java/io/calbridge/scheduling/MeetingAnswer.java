package io.calbridge.scheduling;

import io.calbridge.appointment.Destination;
import io.calbridge.availability.AvailabilityResponses.Reason;
import io.calbridge.availability.AvailabilityResponses.Slot;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.UUID;

/** What a booking answers, and what a retry with the same Idempotency-Key answers again. */
@Schema(description = "The booked time, the appointment made for each user, and the next best times")
public record MeetingAnswer(
        UUID meetingId,
        List<String> userIds,
        @Schema(example = "2027-03-02T10:00:00+01:00") String start,
        @Schema(example = "2027-03-02T10:45:00+01:00") String end,
        @Schema(example = "Europe/Berlin") String timeZone,
        @Schema(description = "The booked time's ranking score, 0-1 (as in ranked availability)", example = "0.874") double score,
        List<Reason> reasons,
        @Schema(description = "One per user, id \"meeting-\" + meetingId; their calendars receive it through the queue "
                + "(destinations as at booking; GET /api/v1/appointments/{id} shows them later)")
        List<BookedAppointment> appointments,
        @Schema(description = "The next best free times, best first, none overlapping the booked one") List<Slot> alternatives) {

    @Schema(description = "The appointment booked for one participant")
    public record BookedAppointment(String userId, String appointmentId, long version, List<Destination> destinations) {
    }
}
