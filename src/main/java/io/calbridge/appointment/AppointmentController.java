package io.calbridge.appointment;

import io.calbridge.appointment.AppointmentRepository.Target;
import io.calbridge.connection.Connection;
import io.calbridge.connection.ConnectionService;
import io.calbridge.platform.security.CurrentUser;
import io.calbridge.provider.Attendee;
import io.calbridge.sync.SyncJob;
import io.calbridge.sync.SyncQueue;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
    private final ConnectionService connections;
    private final SyncQueue queue;
    private final CurrentUser currentUser;

    AppointmentController(AppointmentService appointments, ConnectionService connections, SyncQueue queue, CurrentUser currentUser) {
        this.appointments = appointments;
        this.connections = connections;
        this.queue = queue;
        this.currentUser = currentUser;
    }

    @PutMapping("/{appointmentId}")
    @Operation(summary = "Create or update (idempotent: the same body twice is one change); answers with the sync state")
    AppointmentView put(@PathVariable String appointmentId, @Valid @RequestBody AppointmentRequest request) {
        String userId = currentUser.id();
        return view(appointments.upsert(userId, appointmentId, request));
    }

    @GetMapping("/{appointmentId}")
    @Operation(summary = "The appointment and, per destination calendar, PENDING|SYNCED|FAILED|SKIPPED")
    AppointmentView get(@PathVariable String appointmentId) {
        return view(appointments.get(currentUser.id(), appointmentId));
    }

    @DeleteMapping("/{appointmentId}")
    @Operation(summary = "Cancel: its events are removed from the calendars")
    AppointmentView cancel(@PathVariable String appointmentId) {
        return view(appointments.cancel(currentUser.id(), appointmentId));
    }

    record Destination(UUID connectionId, String provider, String calendarId, String state, String externalId, String meetingUrl,
            String lastError, String remoteChange, UUID jobId) {
    }

    record AppointmentView(String appointmentId, long version, String title, String description, String location, String start,
            String end, String timeZone, List<Attendee> attendees, String conference, String status, Instant createdAt,
            Instant updatedAt, List<Destination> destinations) {
    }

    private AppointmentView view(Appointment a) {
        Map<UUID, String> providerOf = new HashMap<>();
        for (Connection connection : connections.list(a.userId())) {
            providerOf.put(connection.id(), connection.provider());
        }
        List<Destination> destinations = appointments.destinations(a.userId(), a.appointmentId()).stream()
                .filter(t -> providerOf.containsKey(t.connectionId()))
                .map(t -> destination(a, t, providerOf.get(t.connectionId()))).toList();
        ZoneId zone = ZoneId.of(a.timeZone());
        return new AppointmentView(a.appointmentId(), a.version(), a.title(), a.description(), a.location(),
                DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(a.start().atZone(zone)),
                DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(a.end().atZone(zone)), a.timeZone(), a.attendees(), a.conference(),
                a.status(), a.createdAt(), a.updatedAt(), destinations);
    }

    private Destination destination(Appointment a, Target t, String provider) {
        UUID jobId = queue.pushJob(t.connectionId(), a.appointmentId()).map(SyncJob::id).orElse(null);
        return new Destination(t.connectionId(), provider, t.calendarId(), t.state(), t.externalId(), t.meetingUrl(), t.lastError(),
                t.remoteChange(), jobId);
    }
}
