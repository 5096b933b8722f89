package io.calbridge.appointment;

import io.calbridge.connection.Connection;
import io.calbridge.connection.ConnectionService;
import io.calbridge.connection.ConnectionStatus;
import io.calbridge.event.BusyChange;
import io.calbridge.event.ChangeStamps;
import io.calbridge.platform.web.ApiProblem;
import io.calbridge.platform.web.InstantBounds;
import io.calbridge.provider.Attendee;
import io.calbridge.provider.Capability;
import io.calbridge.provider.ProviderRegistry;
import io.calbridge.provider.TimeZones;
import io.calbridge.reminder.EmailReminder;
import io.calbridge.reminder.ReminderSchedule;
import io.calbridge.sync.SyncDrainer;
import io.calbridge.sync.SyncQueue;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * Accepting the app's appointment changes: the change and the jobs that carry it to every destination calendar
 * commit in one transaction, so an accepted change is never lost; the drain starts right after the commit.
 */
@Service
public class AppointmentService {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._~:@-]{1,255}");
    private static final Duration LONGEST = Duration.ofDays(31);
    private static final int MAX_REMINDERS = 10;
    private static final int MAX_CALENDAR_REMINDERS = 5;
    private static final int MAX_MINUTES_BEFORE = 40_320;

    private final AppointmentRepository appointments;
    private final AppointmentEvents mappings;
    private final ConnectionService connections;
    private final ProviderRegistry providers;
    private final SyncQueue queue;
    private final SyncDrainer drainer;
    private final ChangeStamps stamps;
    private final ReminderSchedule reminders;
    private final JsonMapper json;
    private final Clock clock;

    AppointmentService(AppointmentRepository appointments, AppointmentEvents mappings, ConnectionService connections,
            ProviderRegistry providers, SyncQueue queue, SyncDrainer drainer, ChangeStamps stamps, ReminderSchedule reminders,
            JsonMapper json, Clock clock) {
        this.appointments = appointments;
        this.mappings = mappings;
        this.connections = connections;
        this.providers = providers;
        this.queue = queue;
        this.drainer = drainer;
        this.stamps = stamps;
        this.reminders = reminders;
        this.json = json;
        this.clock = clock;
    }

    /** An appointment, where it stands in each destination calendar, and its EMAIL reminders' rows. */
    public record Tracked(Appointment appointment, List<Destination> destinations, List<ReminderSchedule.State> reminderStates) {
    }

    /** Creates or updates; the same content again changes nothing and queues nothing. */
    @Transactional
    public Tracked upsert(String userId, String appointmentId, AppointmentRequest request) {
        checkId(appointmentId);
        Instant now = clock.instant();
        Appointment content = normalize(userId, appointmentId, request, now);
        Optional<Appointment> changed = appointments.upsert(content, hash(content), now);
        if (changed.isEmpty()) {
            return track(appointments.find(userId, appointmentId).orElseThrow());
        }
        Appointment stored = changed.get();
        // the reminder rows follow the change in its transaction: moved, armed again or cancelled with it
        reminders.set(userId, appointmentId, stored.start(), stored.cancelled(), stored.reminders().stream().filter(Reminder::email)
                .map(r -> new EmailReminder(r.minutesBefore(), r.to())).toList());
        Tracked tracked = queueDestinations(stored, now);
        // the user's busy time changed: cached availability must see it (recorded as the transaction commits); by id, as
        // readers read the appointment's new state by id and need not know where it was before
        stamps.changed(userId, BusyChange.appointment(appointmentId));
        return tracked;
    }

    /** Cancels: its events are removed from the calendars they reached. */
    @Transactional
    public Tracked cancel(String userId, String appointmentId) {
        return amend(userId, appointmentId, request -> request.withStatus(AppointmentRequest.Status.CANCELLED));
    }

    /** Changes a stored appointment as {@code change} says, like a PUT of the changed body. */
    @Transactional
    public Tracked amend(String userId, String appointmentId, UnaryOperator<AppointmentRequest> change) {
        Appointment existing = get(userId, appointmentId).appointment();
        ZoneId zone = ZoneId.of(existing.timeZone());
        AppointmentRequest current = new AppointmentRequest(existing.title(), existing.description(), existing.location(),
                existing.start().atZone(zone).toOffsetDateTime(), existing.end().atZone(zone).toOffsetDateTime(), existing.timeZone(),
                existing.attendees().stream().map(a -> new AppointmentRequest.Attendee(a.name(), a.email())).toList(),
                AppointmentRequest.Conference.valueOf(existing.conference()), AppointmentRequest.Status.valueOf(existing.status()),
                existing.reminders().stream().map(r -> new AppointmentRequest.Reminder(r.minutesBefore(), r.channel(), r.to())).toList());
        return upsert(userId, appointmentId, change.apply(current));
    }

    Tracked get(String userId, String appointmentId) {
        checkId(appointmentId);
        return track(appointments.find(userId, appointmentId).orElseThrow(() -> ApiProblem.notFound("appointment")));
    }

    private Tracked track(Appointment appointment) {
        List<Connection> owned = connections.list(appointment.userId());
        Map<UUID, AppointmentEvent> targets = byConnection(
                mappings.findByUserIdAndAppointmentIdOrderByConnectionId(appointment.userId(), appointment.appointmentId()));
        Map<UUID, UUID> jobs = targets.isEmpty() ? Map.of() : queue.pushJobIds(targets.keySet(), appointment.appointmentId());
        return new Tracked(appointment, destinations(owned, targets, jobs), reminderStates(appointment));
    }

    private List<ReminderSchedule.State> reminderStates(Appointment appointment) {
        return appointment.reminders().stream().anyMatch(Reminder::email)
                ? reminders.states(appointment.userId(), appointment.appointmentId()) : List.of();
    }

    /** Every connection of the user's is considered as a destination ({@link #decideDestination}). */
    private Tracked queueDestinations(Appointment appointment, Instant now) {
        String userId = appointment.userId();
        String appointmentId = appointment.appointmentId();
        List<Connection> owned = connections.list(userId);
        Map<UUID, AppointmentEvent> targets = byConnection(appointments.targets(userId, appointmentId));
        Map<UUID, UUID> jobs = new HashMap<>();
        for (Connection connection : owned) {
            UUID job = decideDestination(appointment, connection, targets, now);
            if (job != null) {
                jobs.put(connection.id(), job);
            }
        }
        if (!jobs.keySet().containsAll(targets.keySet())) {
            // destinations left out this time may still have a job from an earlier change
            queue.pushJobIds(targets.keySet(), appointmentId).forEach(jobs::putIfAbsent);
        }
        drainAfterCommit();
        return new Tracked(appointment, destinations(owned, targets, jobs), reminderStates(appointment));
    }

    /**
     * Decides whether the connection's calendar is a destination of the appointment at its current version, marks it
     * so (PENDING or SKIPPED, with why, in {@code targets} too) and queues its push; returns the push job, or null when
     * it is left out. Every connection that can take events is a destination, as its settings allow: syncEnabled,
     * autoCreateEvents for a first write, autoUpdateEvents for later ones. A cancellation always reaches the calendars
     * the event reached. A PUT asks this for each of the user's connections, a backfill for one connection and each
     * appointment it covers. The caller arranges the drain after commit ({@link #drainAfterCommit}).
     */
    public UUID decideDestination(Appointment appointment, Connection connection, Map<UUID, AppointmentEvent> targets, Instant now) {
        boolean writable = providers.find(connection.provider()).map(p -> p.descriptor().can(Capability.WRITE_EVENTS)).orElse(false);
        if (!writable) {
            return null;
        }
        boolean cancelled = appointment.cancelled();
        AppointmentEvent target = targets.get(connection.id());
        boolean reached = target != null && target.calendarId() != null;
        String skip = null;
        if (connection.status() == ConnectionStatus.DISABLED || !connection.settings().syncEnabled()) {
            skip = "sync is off for this connection";
        } else if (cancelled && target == null) {
            skip = "cancelled before it reached this calendar";
        } else if (!cancelled && !reached && !connection.settings().autoCreateEvents()) {
            skip = "autoCreateEvents is off for this connection";
        } else if (!cancelled && reached && !connection.settings().autoUpdateEvents()) {
            skip = "autoUpdateEvents is off for this connection";
        }
        if (skip != null) {
            if (target != null || !cancelled) {
                mark(targets, appointment, connection.id(), AppointmentEvent.SKIPPED, skip, now);
            }
            return null;
        }
        mark(targets, appointment, connection.id(), AppointmentEvent.PENDING, null, now);
        return queue.requestPush(appointment.userId(), connection.id(), appointment.appointmentId(), appointment.version(),
                connection.status() == ConnectionStatus.NEEDS_REAUTH);
    }

    /** The drain starts once the transaction that queued pushes commits. */
    public void drainAfterCommit() {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                drainer.nudge();
            }
        });
    }

    private static Map<UUID, AppointmentEvent> byConnection(List<AppointmentEvent> targets) {
        Map<UUID, AppointmentEvent> byConnection = new LinkedHashMap<>();
        targets.forEach(t -> byConnection.put(t.connectionId(), t));
        return byConnection;
    }

    /** A destination waits (PENDING) or is left out (SKIPPED, with why): written, and shown so in the answer. */
    private void mark(Map<UUID, AppointmentEvent> targets, Appointment appointment, UUID connectionId, String state, String why,
            Instant now) {
        appointments.markTarget(appointment.userId(), appointment.appointmentId(), connectionId, state, why, now);
        targets.computeIfAbsent(connectionId, id -> new AppointmentEvent(appointment.userId(), appointment.appointmentId(), id))
                .mark(state, why, now);
    }

    /** The destinations of connections that still exist, in the order the user's connections are listed. */
    private static List<Destination> destinations(List<Connection> owned, Map<UUID, AppointmentEvent> targets, Map<UUID, UUID> jobs) {
        List<Destination> destinations = new ArrayList<>();
        for (Connection connection : owned) {
            AppointmentEvent t = targets.get(connection.id());
            if (t != null) {
                destinations.add(new Destination(t.connectionId(), connection.provider(), t.calendarId(), t.state(), t.externalId(),
                        t.meetingUrl(), t.meetingLinkUnavailable(), t.lastError(), t.remoteChange(), jobs.get(t.connectionId())));
            }
        }
        return destinations;
    }

    private static void checkId(String appointmentId) {
        if (!ID.matcher(appointmentId).matches()) {
            throw ApiProblem.badRequest("invalid_appointment_id",
                    "appointment ids are 1-255 characters of letters, digits and . _ ~ : @ -");
        }
    }

    private static Appointment normalize(String userId, String appointmentId, AppointmentRequest request, Instant now) {
        ZoneId zone;
        try {
            zone = request.timeZone() == null ? request.start().getOffset() : ZoneId.of(request.timeZone());
        } catch (DateTimeException e) {
            throw ApiProblem.badRequest("invalid_time_zone", "timeZone must be an IANA zone like Europe/Berlin");
        }
        // bounded as availability is: year 0001 or 9999 is a caller's bug, and no calendar takes it
        Instant start = InstantBounds.withinReach(request.start().toInstant(), "start", now);
        Instant end = InstantBounds.withinReach(request.end().toInstant(), "end", now);
        if (!end.isAfter(start) || Duration.between(start, end).compareTo(LONGEST) > 0) {
            throw ApiProblem.badRequest("invalid_range", "end must be after start, at most 31 days later");
        }
        List<Attendee> attendees = request.attendees() == null ? List.of()
                : request.attendees().stream().map(a -> new Attendee(a.name(), a.email().trim(), null, false)).toList();
        return new Appointment(userId, appointmentId, 0, request.title().strip(), request.description(), request.location(), start, end,
                TimeZones.name(zone), attendees, request.conference() == null ? "NONE" : request.conference().name(),
                request.status() == null ? "CONFIRMED" : request.status().name(), null, null, reminders(request.reminders()));
    }

    /**
     * At most 10 reminders, each at most once, minutes 0-40320 (Google's range, four weeks), at most 5 CALENDAR ones
     * (Google's most overrides); {@code to} is for EMAIL only (default OWNER). Kept in the order given.
     */
    private static List<Reminder> reminders(List<AppointmentRequest.Reminder> requested) {
        if (requested == null || requested.isEmpty()) {
            return List.of();
        }
        if (requested.size() > MAX_REMINDERS) {
            throw invalidReminders("at most " + MAX_REMINDERS + " reminders");
        }
        List<Reminder> reminders = new ArrayList<>();
        for (AppointmentRequest.Reminder r : requested) {
            if (r == null) {
                throw invalidReminders("a reminder is null");
            }
            if (r.minutesBefore() == null || r.minutesBefore() < 0 || r.minutesBefore() > MAX_MINUTES_BEFORE) {
                throw invalidReminders("minutesBefore must be 0-" + MAX_MINUTES_BEFORE);
            }
            if (!Reminder.EMAIL.equals(r.channel()) && !Reminder.CALENDAR.equals(r.channel())) {
                throw invalidReminders("channel must be EMAIL or CALENDAR");
            }
            String to = r.to();
            if (Reminder.CALENDAR.equals(r.channel()) && to != null) {
                throw invalidReminders("to is for EMAIL reminders only");
            }
            if (Reminder.EMAIL.equals(r.channel())) {
                to = to == null ? "OWNER" : to;
                if (!to.equals("OWNER") && !to.equals("ATTENDEES")) {
                    throw invalidReminders("to must be OWNER or ATTENDEES");
                }
            }
            Reminder reminder = new Reminder(r.minutesBefore(), r.channel(), to);
            if (reminders.contains(reminder)) {
                throw invalidReminders("the same reminder twice: " + r.minutesBefore() + " minutes, " + r.channel()
                        + (to == null ? "" : " to " + to));
            }
            reminders.add(reminder);
        }
        if (reminders.stream().filter(r -> !r.email()).count() > MAX_CALENDAR_REMINDERS) {
            throw invalidReminders("at most " + MAX_CALENDAR_REMINDERS + " CALENDAR reminders (a Google event holds at most 5)");
        }
        return List.copyOf(reminders);
    }

    private static RuntimeException invalidReminders(String detail) {
        return ApiProblem.badRequest("invalid_reminders", "reminders: " + detail);
    }

    private String hash(Appointment content) {
        try {
            List<Object> fields = new ArrayList<>(List.of(content.title(), String.valueOf(content.description()),
                    String.valueOf(content.location()), content.start().toString(), content.end().toString(), content.timeZone(),
                    content.attendees(), content.conference(), content.status()));
            if (!content.reminders().isEmpty()) {
                fields.add(content.reminders()); // only then: appointments stored before reminders keep their hash
            }
            byte[] canonical = json.writeValueAsBytes(fields);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
