package io.calbridge.appointment;

import io.calbridge.platform.security.CurrentUser;
import io.calbridge.platform.web.ApiExamples;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.calbridge.provider.Attendee;
import io.calbridge.reminder.ReminderSchedule;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/appointments")
@Tag(name = "appointments", description = "The app's appointments, pushed into the users' calendars")
class AppointmentController {

    private final AppointmentService appointments;
    private final CurrentUser currentUser;

    AppointmentController(AppointmentService appointments, CurrentUser currentUser) {
        this.appointments = appointments;
        this.currentUser = currentUser;
    }

    @PutMapping("/{appointmentId}")
    @Operation(summary = "Create or update (idempotent: the same body twice is one change); answers with the sync state")
    @ApiExamples(request = "appointment-request", response = "appointment-response")
    @ApiResponse(responseCode = "200", description = "Stored (created, changed, or the same body again), with each destination's "
            + "sync state")
    @ApiResponse(responseCode = "400", description = "`invalid_appointment_id`, `invalid_time_zone`, `invalid_range` (end not "
            + "after start, or over 31 days), `invalid_reminders` (more than 10, minutes outside 0-40320, an unknown channel or "
            + "recipient, `to` on a CALENDAR reminder, the same reminder twice, more than 5 CALENDAR ones), `validation_failed`")
    AppointmentView put(@PathVariable String appointmentId, @Valid @RequestBody AppointmentRequest request) {
        return view(appointments.upsert(currentUser.id(), appointmentId, request));
    }

    @GetMapping("/{appointmentId}")
    @Operation(summary = "The appointment and, per destination calendar, PENDING|SYNCED|FAILED|SKIPPED")
    @ApiExamples(response = "appointment-response")
    @ApiResponse(responseCode = "200", description = "The appointment with each destination's sync state")
    @ApiResponse(responseCode = "400", description = "`invalid_appointment_id`: not 1-255 letters, digits or `. _ ~ : @ -`")
    @ApiResponse(responseCode = "404", description = "`not_found`: no such appointment of the user's")
    AppointmentView get(@PathVariable String appointmentId) {
        return view(appointments.get(currentUser.id(), appointmentId));
    }

    @DeleteMapping("/{appointmentId}")
    @Operation(summary = "Cancel: its events are removed from the calendars")
    @ApiResponse(responseCode = "200", description = "Cancelled (status CANCELLED); its events are being removed")
    @ApiResponse(responseCode = "400", description = "`invalid_appointment_id`: not 1-255 letters, digits or `. _ ~ : @ -`")
    @ApiResponse(responseCode = "404", description = "`not_found`: no such appointment of the user's")
    AppointmentView cancel(@PathVariable String appointmentId) {
        return view(appointments.cancel(currentUser.id(), appointmentId));
    }

    record AppointmentView(String appointmentId, long version, String title, String description, String location, String start,
            String end, String timeZone, List<Attendee> attendees, String conference, String status, List<ReminderView> reminders,
            Instant createdAt, Instant updatedAt, List<Destination> destinations) {
    }

    /**
     * A reminder as given and, for EMAIL ones, where it stands: when it is due, PENDING, SENT (with when), SKIPPED
     * (with why: too late, no address, mail not configured), CANCELLED or FAILED.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ReminderView(int minutesBefore, String channel, String to, Instant dueAt,
            @Schema(allowableValues = {"PENDING", "SENT", "SKIPPED", "CANCELLED", "FAILED"}) String state, Instant sentAt,
            String reason) {
    }

    private static AppointmentView view(AppointmentService.Tracked tracked) {
        Appointment a = tracked.appointment();
        ZoneId zone = ZoneId.of(a.timeZone());
        return new AppointmentView(a.appointmentId(), a.version(), a.title(), a.description(), a.location(),
                DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(a.start().atZone(zone)),
                DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(a.end().atZone(zone)), a.timeZone(), a.attendees(), a.conference(),
                a.status(), reminders(tracked), a.createdAt(), a.updatedAt(), tracked.destinations());
    }

    private static List<ReminderView> reminders(AppointmentService.Tracked tracked) {
        return tracked.appointment().reminders().stream().map(r -> {
            ReminderSchedule.State row = !r.email() ? null : tracked.reminderStates().stream()
                    .filter(s -> s.minutesBefore() == r.minutesBefore() && s.recipient().equals(r.to())).findFirst().orElse(null);
            return row == null ? new ReminderView(r.minutesBefore(), r.channel(), r.to(), null, null, null, null)
                    : new ReminderView(r.minutesBefore(), r.channel(), r.to(), row.dueAt(), row.state(), row.sentAt(), row.reason());
        }).toList();
    }
}
