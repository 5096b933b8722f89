package io.calbridge.scheduling;

import io.calbridge.appointment.AppointmentRequest;
import io.calbridge.availability.AvailabilityRequests.HoursRange;
import io.calbridge.availability.AvailabilityRequests.Preferences;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /api/v1/meetings}: where to look for a time (as for ranked availability, mode ALL) and what
 * to book there (as for an appointment).
 */
@Schema(description = "Find the best time for all userIds in [from, to) and book it: an appointment for each of them")
public record MeetingRequest(
        @Schema(description = "Who meets (1-20 user ids); each gets the appointment in their calendars. Default: the caller. "
                + "Services and admins may name anyone, an end user only themselves", example = "[\"coach-17\", \"client-9\"]")
        List<String> userIds,
        @Schema(description = "Guests outside calbridge, on every participant's event") @Size(max = 100)
        List<AppointmentRequest.@Valid Attendee> attendees,
        @Schema(description = "Length, 5-1440", example = "45", requiredMode = RequiredMode.REQUIRED) Integer durationMinutes,
        @Schema(description = "Earliest start, RFC 3339 with offset", example = "2027-03-01T00:00:00+01:00",
                requiredMode = RequiredMode.REQUIRED) OffsetDateTime from,
        @Schema(description = "Latest end (exclusive), at most 90 days after from", example = "2027-03-05T00:00:00+01:00",
                requiredMode = RequiredMode.REQUIRED) OffsetDateTime to,
        @Schema(description = "IANA zone of working hours, of the appointment and of the answer", example = "Europe/Berlin",
                requiredMode = RequiredMode.REQUIRED) String timeZone,
        @Schema(description = "As for availability (default Monday-Friday 09:00-17:00)") Map<String, List<HoursRange>> workingHours,
        @Schema(description = "As for availability") Map<String, List<HoursRange>> dateOverrides,
        @Schema(description = "Minutes kept free before every busy item, 0-1440 (default 0)") Integer bufferBeforeMinutes,
        @Schema(description = "Minutes kept free after every busy item, 0-1440 (default 0)") Integer bufferAfterMinutes,
        @Schema(description = "No start sooner than this after now (default 0)") Integer minimumNoticeMinutes,
        @Schema(description = "Grid of starts, as for availability") Integer slotStepMinutes,
        @Schema(description = "What ranking weighs: preferred hours, participants' zones (as for availability)") Preferences preferences,
        @Schema(example = "Quarterly review", requiredMode = RequiredMode.REQUIRED) @NotBlank @Size(max = 500) String title,
        @Size(max = 8000) String description,
        @Size(max = 1000) String location,
        @Schema(description = "AUTO: a Meet or Teams link where the calendar can make one; default NONE")
        AppointmentRequest.Conference conference,
        @Schema(description = "As for an appointment, on every user's appointment: EMAIL reminders to each user (OWNER) or "
                + "the attendees, CALENDAR reminders in their calendars") List<AppointmentRequest.Reminder> reminders,
        @Schema(description = "How many next-best times to answer besides the booked one, 0-10 (default 3)", example = "3")
        Integer alternatives) {
}
