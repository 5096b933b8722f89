package io.calbridge.scheduling;

import io.calbridge.appointment.AppointmentService;
import io.calbridge.appointment.AppointmentSyncRecorded;
import java.util.UUID;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * One video link per meeting: only the organizer's (the first user's) appointment asks its calendar for a Meet or
 * Teams link; when that push records one, the link is added to the other users' appointments, in the same
 * transaction, so their calendars show the same link and a crash cannot leave them without it.
 */
@Component
class MeetingLinks {

    static final String APPOINTMENT_PREFIX = "meeting-";

    private final Meetings meetings;
    private final AppointmentService appointments;

    MeetingLinks(Meetings meetings, AppointmentService appointments) {
        this.meetings = meetings;
        this.appointments = appointments;
    }

    @EventListener
    void pushed(AppointmentSyncRecorded recorded) {
        if (recorded.meetingUrl() == null || recorded.failed() || !recorded.appointmentId().startsWith(APPOINTMENT_PREFIX)) {
            return;
        }
        UUID meetingId;
        try {
            meetingId = UUID.fromString(recorded.appointmentId().substring(APPOINTMENT_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return; // the app's own appointment that happens to start with "meeting-"
        }
        String line = "Join: " + recorded.meetingUrl();
        for (String other : meetings.firstLinkOfOrganizer(meetingId, recorded.userId(), recorded.meetingUrl())) {
            appointments.amend(other, recorded.appointmentId(), request -> request.withDescription(
                    request.description() == null || request.description().isBlank() ? line : request.description() + "\n\n" + line));
        }
    }
}
