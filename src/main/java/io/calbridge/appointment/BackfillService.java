package io.calbridge.appointment;

import io.calbridge.connection.BackfillWanted;
import io.calbridge.connection.Connection;
import io.calbridge.connection.ConnectionService;
import io.calbridge.connection.ConnectionStatus;
import io.calbridge.platform.web.ApiProblem;
import io.calbridge.platform.web.InstantBounds;
import io.calbridge.provider.Capability;
import io.calbridge.provider.ProviderRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The user's existing appointments into one connection's calendar: each confirmed appointment ending after
 * {@code from} that the calendar does not hold at its current version is decided as a PUT decides it
 * ({@link AppointmentService#decideDestination}) and so queued; those it holds are left alone, so asking twice queues
 * nothing new. Appointments and their pushes commit in one transaction with the record of the backfill.
 */
@Service
class BackfillService {

    private static final Logger log = LoggerFactory.getLogger(BackfillService.class);

    private final AppointmentRepository appointments;
    private final AppointmentService destinations;
    private final Backfills backfills;
    private final ConnectionService connections;
    private final ProviderRegistry providers;
    private final Clock clock;

    BackfillService(AppointmentRepository appointments, AppointmentService destinations, Backfills backfills,
            ConnectionService connections, ProviderRegistry providers, Clock clock) {
        this.appointments = appointments;
        this.destinations = destinations;
        this.backfills = backfills;
        this.connections = connections;
        this.providers = providers;
        this.clock = clock;
    }

    /** What a backfill did: queued pushes, appointments already in the calendar, and those its settings left out. */
    record Backfilled(Instant from, int queued, int alreadySynced, int skipped) {
    }

    /** The caller's backfill; {@code from} null means now. */
    @Transactional
    public Backfilled backfill(String userId, UUID connectionId, Instant from) {
        Instant now = clock.instant();
        Instant start = from == null ? now : InstantBounds.withinReach(from, "from", now);
        Connection connection = connections.get(userId, connectionId);
        refusal(connection).ifPresent(problem -> {
            throw problem;
        });
        return run(connection, start, now);
    }

    /**
     * The setting asks for it (turned on, or connected with it on): a backfill from now where the connection can take
     * one; otherwise nothing, as a PUT would push nothing there either.
     */
    @EventListener
    @Transactional
    public void wanted(BackfillWanted wanted) {
        Optional<Connection> connection = connections.find(wanted.connectionId()).filter(c -> c.userId().equals(wanted.userId()));
        if (connection.isEmpty()) {
            return;
        }
        Optional<ApiProblem> refused = refusal(connection.get());
        if (refused.isPresent()) {
            log.info("no backfill for connection {}: {}", wanted.connectionId(), refused.get().getMessage());
            return;
        }
        Instant now = clock.instant();
        Backfilled done = run(connection.get(), now, now);
        log.info("backfill of connection {}: {} queued, {} already there", wanted.connectionId(), done.queued(), done.alreadySynced());
    }

    /** The last backfill's progress: 404 {@code no_backfill} when none was asked. */
    @Transactional(readOnly = true)
    public Backfills.Progress progress(String userId, UUID connectionId) {
        connections.get(userId, connectionId);
        return backfills.progress(userId, connectionId).orElseThrow(() -> new ApiProblem(HttpStatus.NOT_FOUND, "no_backfill",
                "no backfill was asked for this connection"));
    }

    private Optional<ApiProblem> refusal(Connection connection) {
        boolean writable = providers.find(connection.provider()).map(p -> p.descriptor().can(Capability.WRITE_EVENTS)).orElse(false);
        if (!writable) {
            return Optional.of(ApiProblem.conflict("read_only_provider",
                    "provider '" + connection.provider() + "' does not take events: there is nothing to backfill"));
        }
        if (connection.status() == ConnectionStatus.DISABLED || !connection.settings().syncEnabled()) {
            return Optional.of(ApiProblem.conflict("sync_off", "sync is off for this connection (syncEnabled false, or it is disabled)"));
        }
        return Optional.empty();
    }

    private Backfilled run(Connection connection, Instant from, Instant now) {
        String userId = connection.userId();
        List<Appointment> covered = appointments.confirmedEndingAfter(userId, from);
        Map<String, AppointmentEvent> byAppointment = new HashMap<>();
        if (!covered.isEmpty()) {
            appointments.targetsIn(userId, connection.id(), covered.stream().map(Appointment::appointmentId).toArray(String[]::new))
                    .forEach(t -> byAppointment.put(t.appointmentId(), t));
        }
        int queued = 0;
        int alreadySynced = 0;
        int skipped = 0;
        for (Appointment appointment : covered) {
            AppointmentEvent target = byAppointment.get(appointment.appointmentId());
            if (target != null && AppointmentEvent.SYNCED.equals(target.state()) && target.syncedVersion() != null
                    && target.syncedVersion() == appointment.version()) {
                alreadySynced++;
                continue;
            }
            Map<UUID, AppointmentEvent> targets = new HashMap<>();
            if (target != null) {
                targets.put(connection.id(), target);
            }
            if (destinations.decideDestination(appointment, connection, targets, now) != null) {
                queued++;
            } else {
                skipped++;
            }
        }
        backfills.record(connection.id(), userId, from, now);
        if (queued > 0) {
            destinations.drainAfterCommit();
        }
        return new Backfilled(from, queued, alreadySynced, skipped);
    }
}
