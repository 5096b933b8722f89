package io.calbridge.appointment;

import io.calbridge.connection.Connection;
import io.calbridge.connection.ConnectionService;
import io.calbridge.connection.TokenService;
import io.calbridge.provider.CalendarInfo;
import io.calbridge.provider.CalendarProvider;
import io.calbridge.provider.Capability;
import io.calbridge.provider.ProviderException;
import io.calbridge.provider.ProviderRegistry;
import io.calbridge.provider.WrittenEvent;
import io.calbridge.sync.JobHandler;
import io.calbridge.sync.SyncJob;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Brings one appointment to one connection's calendar at its latest version: create, update or delete. The external
 * event's id derives from appointment and connection, so a retry after a lost reply finds the event instead of
 * making a second one. Recorded only after the provider confirmed, so a crash in between repeats the (idempotent)
 * call.
 */
@Component
class AppointmentPusher implements JobHandler {

    private final AppointmentRepository appointments;
    private final ConnectionService connections;
    private final TokenService tokens;
    private final ProviderRegistry providers;
    private final ApplicationEventPublisher publisher;
    private final TransactionTemplate transactions;
    private final Clock clock;

    AppointmentPusher(AppointmentRepository appointments, ConnectionService connections, TokenService tokens, ProviderRegistry providers,
            ApplicationEventPublisher publisher, TransactionTemplate transactions, Clock clock) {
        this.appointments = appointments;
        this.connections = connections;
        this.tokens = tokens;
        this.providers = providers;
        this.publisher = publisher;
        this.transactions = transactions;
        this.clock = clock;
    }

    @Override
    public String kind() {
        return SyncJob.PUSH;
    }

    /** The same key for the same appointment and connection, always. */
    static String idempotencyKey(String userId, String appointmentId, Connection connection) {
        return "calbridge/" + connection.id() + "/" + userId + "/" + appointmentId;
    }

    @Override
    public Result run(SyncJob job) {
        Appointment appointment = appointments.find(job.userId(), job.appointmentId()).orElse(null);
        Connection connection = connections.find(job.connectionId()).orElse(null);
        CalendarProvider provider = connection == null ? null : providers.find(connection.provider()).orElse(null);
        if (appointment == null || provider == null) {
            return Result.done(job.wanted(), 0, 0, 0, 0);
        }
        AppointmentEvent target = appointments.target(new AppointmentEvent.Key(job.userId(), job.appointmentId(), connection.id()))
                .orElse(null);
        String calendarId = target != null && target.calendarId() != null ? target.calendarId() : writeCalendar(connection);
        // counted inside each call, so that one repeated after a token refresh counts too
        AtomicInteger calls = new AtomicInteger();
        try {
            UUID connectionId = connection.id();
            String externalId = target == null ? null : target.externalId();
            if (appointment.cancelled()) {
                if (externalId == null && (target == null || target.calendarId() == null)) {
                    return synced(appointment, connection, calendarId, null, null, null, 0, 0, 0, 0); // never reached the provider
                }
                if (externalId == null) {
                    // an earlier attempt may have created it with its reply lost: find it through its key, then delete
                    externalId = tokens.call(connectionId, token -> {
                        calls.incrementAndGet();
                        return provider.createEvent(token, calendarId, draft(appointment, connection, provider));
                    }).externalId();
                }
                String toDelete = externalId;
                tokens.run(connectionId, token -> {
                    calls.incrementAndGet();
                    provider.deleteEvent(token, calendarId, toDelete);
                });
                return synced(appointment, connection, calendarId, externalId, null, null, 0, 0, 1, calls.get());
            }
            if (externalId == null) {
                appointments.attempting(job.userId(), job.appointmentId(), connection.id(), calendarId);
                WrittenEvent written = tokens.call(connectionId, token -> {
                    calls.incrementAndGet();
                    return provider.createEvent(token, calendarId, draft(appointment, connection, provider));
                });
                return synced(appointment, connection, calendarId, written.externalId(), written.meetingUrl(),
                        written.meetingLinkUnavailable(), 1, 0, 0, calls.get());
            }
            String existing = externalId;
            WrittenEvent written;
            try {
                written = tokens.call(connectionId, token -> {
                    calls.incrementAndGet();
                    return provider.updateEvent(token, calendarId, existing, draft(appointment, connection, provider));
                });
            } catch (ProviderException.NotFound deletedOutsideCalbridge) {
                // the app's change wins: the event comes back (under the same id where the provider allows)
                written = tokens.call(connectionId, token -> {
                    calls.incrementAndGet();
                    return provider.createEvent(token, calendarId, draft(appointment, connection, provider));
                });
            }
            String meetingUrl = written.meetingUrl() != null ? written.meetingUrl() : target.meetingUrl();
            return synced(appointment, connection, calendarId, written.externalId(), meetingUrl, written.meetingLinkUnavailable(),
                    0, 1, 0, calls.get());
        } catch (ProviderException e) {
            appointments.failed(job.userId(), job.appointmentId(), connection.id(), AppointmentEvent.PENDING, describe(e), clock.instant());
            return Result.failed(e, calls.get());
        }
    }

    /** Failed for good: recorded, and told (in the same transaction) to whoever follows appointments. */
    @Override
    public void onDead(SyncJob job, String reason, String error) {
        String provider = connections.find(job.connectionId()).map(Connection::provider).orElse(null); // a rare path: one read
        transactions.executeWithoutResult(tx -> appointments.failed(job.userId(), job.appointmentId(), job.connectionId(),
                AppointmentEvent.FAILED, error, clock.instant()).ifPresent(target -> publisher.publishEvent(new AppointmentSyncRecorded(
                        job.userId(), job.appointmentId(), job.connectionId(), provider, target.calendarId(), AppointmentEvent.FAILED,
                        job.wanted(), null, target.externalId(), target.meetingUrl(), target.meetingLinkUnavailable(), false, error,
                        reason))));
    }

    /** {@code meetingLinkUnavailable}: the provider's reason for no link; not kept beside a link (one from before, say). */
    private Result synced(Appointment appointment, Connection connection, String calendarId, String externalId, String meetingUrl,
            String meetingLinkUnavailable, int created, int updated, int deleted, int calls) {
        String linkUnavailable = meetingUrl == null ? meetingLinkUnavailable : null;
        transactions.executeWithoutResult(tx -> {
            appointments.synced(appointment.userId(), appointment.appointmentId(), connection.id(), calendarId, externalId,
                    appointment.version(), meetingUrl, linkUnavailable, clock.instant());
            publisher.publishEvent(new AppointmentSyncRecorded(appointment.userId(), appointment.appointmentId(), connection.id(),
                    connection.provider(), calendarId, AppointmentEvent.SYNCED, appointment.version(), appointment.status(), externalId,
                    meetingUrl, linkUnavailable, appointment.cancelled(), null, null));
        });
        return Result.done(appointment.version(), created, updated, deleted, calls);
    }

    private static io.calbridge.provider.EventDraft draft(Appointment appointment, Connection connection, CalendarProvider provider) {
        return EventContent.draft(appointment, connection.settings(),
                idempotencyKey(appointment.userId(), appointment.appointmentId(), connection),
                provider.descriptor().can(Capability.MEETING_LINKS));
    }

    /** The calendar the user chose for appointments, else the account's primary one. */
    private static String writeCalendar(Connection connection) {
        if (connection.settings().writeCalendarId() != null) {
            return connection.settings().writeCalendarId();
        }
        return connection.calendars().stream().filter(CalendarInfo::primary).map(CalendarInfo::id).findFirst().orElse("primary");
    }

    private static String describe(ProviderException e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
