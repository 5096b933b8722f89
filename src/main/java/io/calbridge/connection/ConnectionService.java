package io.calbridge.connection;

import io.calbridge.platform.web.ApiProblem;
import io.calbridge.provider.CalendarInfo;
import io.calbridge.provider.CalendarProvider;
import io.calbridge.provider.ProviderException;
import io.calbridge.provider.ProviderRegistry;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** The user's view of their connections: read, tune, probe, disconnect. Every method is scoped to one user. */
@Service
public class ConnectionService {

    private static final Logger log = LoggerFactory.getLogger(ConnectionService.class);

    private final ConnectionRepository connections;
    private final ConnectionRows rows;
    private final TokenService tokens;
    private final ProviderRegistry providers;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;
    private final Clock clock;

    ConnectionService(ConnectionRepository connections, ConnectionRows rows, TokenService tokens, ProviderRegistry providers,
            ApplicationEventPublisher events, TransactionTemplate transactions, Clock clock) {
        this.connections = connections;
        this.rows = rows;
        this.transactions = transactions;
        this.tokens = tokens;
        this.providers = providers;
        this.events = events;
        this.clock = clock;
    }

    /** The user's connections in the order they were made (a copy to read: changes go through this service). */
    public List<Connection> list(String userId) {
        return rows.byUser(userId);
    }

    /** The user's connection; another user's or an unknown id is "not found" alike. */
    public Connection get(String userId, UUID id) {
        return connections.findByIdAndUserId(id, userId).orElseThrow(() -> ApiProblem.notFound("connection"));
    }

    /** Any connection by id, for background work that already knows whose it is. */
    public Optional<Connection> find(UUID id) {
        return rows.find(id);
    }

    /** Connections that may sync now, least recently synced first. */
    public List<Connection> activeConnections() {
        return connections.findActive();
    }

    /** The outcome of a sync run, shown on the connection. */
    public void recordSync(UUID id, String outcome, String error) {
        connections.recordSync(id, outcome, error, clock.instant());
    }

    /** Remembers the account's calendars as the provider listed them. */
    public void rememberCalendars(UUID id, List<CalendarInfo> calendars) {
        connections.updateCalendars(id, calendars, clock.instant());
    }

    /** The provider refused the connection's authorization for good ({@code AuthRevoked}): only a reconnect helps. */
    public void markNeedsReauth(UUID id, String reason) {
        transactions.executeWithoutResult(tx -> {
            // only the transition is written and told: a connection that already needs it stays as it is
            if (connections.markNeedsReauth(id, reason, clock.instant()) > 0) {
                rows.find(id).ifPresent(c -> events.publishEvent(new ConnectionStatusChanged(id, c.userId(), c.provider(),
                        c.accountEmail(), ConnectionStatusChanged.Change.NEEDS_REAUTH, ConnectionStatus.NEEDS_REAUTH.name(), reason)));
            }
        });
    }

    /** Applies the patch to the settings as read; a change of the connection meanwhile fails the write (its version rose). */
    Connection updateSettings(String userId, UUID id, SettingsPatch patch) {
        try {
            return transactions.execute(tx -> {
                Connection connection = connections.findById(id).filter(c -> c.userId().equals(userId))
                        .orElseThrow(() -> ApiProblem.notFound("connection"));
                boolean backfillWasOn = connection.settings().syncExistingAppointments();
                connection.changeSettings(patch.applyTo(connection.settings(), connection.calendars()), clock.instant());
                Connection saved = connections.saveAndFlush(connection);
                if (!backfillWasOn && saved.settings().syncExistingAppointments()) {
                    // turned on: the backlog is queued in this transaction, so the change and its pushes commit together
                    events.publishEvent(new BackfillWanted(saved.id(), userId));
                }
                return saved;
            });
        } catch (OptimisticLockingFailureException changed) {
            throw ApiProblem.conflict("concurrent_update", "the connection changed meanwhile; read it again and retry");
        }
    }

    /** Lists the account's calendars at the provider and remembers them on the connection. */
    List<CalendarInfo> refreshCalendars(String userId, UUID id) {
        Connection connection = get(userId, id);
        CalendarProvider provider = adapter(connection);
        List<CalendarInfo> calendars = tokens.call(id, provider::calendars);
        connections.updateCalendars(id, calendars, clock.instant());
        return calendars;
    }

    /** One cheap provider call (token refresh included); failures are reported, not thrown. */
    TestResult test(String userId, UUID id) {
        Connection connection = get(userId, id);
        long started = System.nanoTime();
        try {
            CalendarProvider provider = adapter(connection);
            tokens.call(id, provider::calendars);
            return new TestResult(true, elapsedMillis(started), null);
        } catch (ProviderException e) {
            String error = e instanceof ProviderException.AuthRevoked ? "needs_reauth"
                    : e instanceof ProviderException.RateLimited ? "rate_limited"
                    : e instanceof ProviderException.Unauthorized ? "auth_failed: " + e.getMessage() : "provider_error: " + e.getMessage();
            return new TestResult(false, elapsedMillis(started), error);
        }
    }

    /**
     * Revokes the grant at the provider where it can (best effort: the user's wish to disconnect wins over a
     * provider fault), lets other features clean up, then deletes the connection and its tokens.
     */
    void disconnect(String userId, UUID id) {
        Connection connection = get(userId, id);
        events.publishEvent(new ConnectionRemoving(id, userId, connection.provider()));
        String token = tokens.revocableToken(id);
        if (token != null) {
            try {
                adapter(connection).revoke(token);
            } catch (RuntimeException e) {
                log.warn("revoking connection {} at {} failed; deleting its tokens anyway: {}", id, connection.provider(), e.toString());
            }
        }
        transactions.executeWithoutResult(tx -> {
            if (connections.deleteConnection(id) > 0) {
                events.publishEvent(new ConnectionStatusChanged(id, userId, connection.provider(), connection.accountEmail(),
                        ConnectionStatusChanged.Change.DISCONNECTED, "DISCONNECTED", null));
            }
        });
    }

    private CalendarProvider adapter(Connection connection) {
        return providers.find(connection.provider()).orElseThrow(() -> new ApiProblem(HttpStatus.CONFLICT, "provider_unavailable",
                "provider '" + connection.provider() + "' is not available on this calbridge"));
    }

    private static long elapsedMillis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    record TestResult(boolean ok, long latencyMs, String error) {
    }

    /** A partial settings update: absent (or null) fields stay as they are. */
    record SettingsPatch(
            Boolean syncEnabled,
            Boolean autoCreateEvents,
            Boolean autoUpdateEvents,
            Boolean includeClientDetails,
            @Size(max = 1000) String eventTitleTemplate,
            @Size(max = 4000) String eventDescriptionTemplate,
            @Size(max = 1024) String writeCalendarId,
            @Size(max = 200) List<@NotBlank String> readCalendarIds,
            Boolean syncExistingAppointments) {

        ConnectionSettings applyTo(ConnectionSettings current, List<CalendarInfo> calendars) {
            List<String> problems = new ArrayList<>();
            checkTemplate("eventTitleTemplate", eventTitleTemplate, problems);
            checkTemplate("eventDescriptionTemplate", eventDescriptionTemplate, problems);
            if (eventTitleTemplate != null && eventTitleTemplate.isBlank()) {
                problems.add("eventTitleTemplate must not be blank");
            }
            // "" resets the write calendar to the primary one
            String write = writeCalendarId == null ? current.writeCalendarId() : writeCalendarId.isEmpty() ? null : writeCalendarId;
            if (writeCalendarId != null && !writeCalendarId.isEmpty() && !calendars.isEmpty()) {
                Optional<CalendarInfo> target = calendars.stream().filter(c -> c.id().equals(writeCalendarId)).findFirst();
                if (target.isEmpty()) {
                    problems.add("writeCalendarId is not one of this account's calendars");
                } else if (!target.get().writable()) {
                    problems.add("writeCalendarId names a calendar this account cannot write to");
                }
            }
            if (readCalendarIds != null && !calendars.isEmpty()) {
                List<String> unknown = readCalendarIds.stream()
                        .filter(idToRead -> calendars.stream().noneMatch(c -> c.id().equals(idToRead))).toList();
                if (!unknown.isEmpty()) {
                    problems.add("readCalendarIds holds calendars this account does not have: " + unknown);
                }
            }
            if (!problems.isEmpty()) {
                throw ApiProblem.badRequest("invalid_settings", String.join("; ", problems));
            }
            return new ConnectionSettings(
                    syncEnabled != null ? syncEnabled : current.syncEnabled(),
                    autoCreateEvents != null ? autoCreateEvents : current.autoCreateEvents(),
                    autoUpdateEvents != null ? autoUpdateEvents : current.autoUpdateEvents(),
                    includeClientDetails != null ? includeClientDetails : current.includeClientDetails(),
                    eventTitleTemplate != null ? eventTitleTemplate : current.eventTitleTemplate(),
                    eventDescriptionTemplate != null ? eventDescriptionTemplate : current.eventDescriptionTemplate(),
                    write,
                    readCalendarIds != null ? readCalendarIds : current.readCalendarIds(),
                    syncExistingAppointments != null ? syncExistingAppointments : current.syncExistingAppointments());
        }

        private static void checkTemplate(String field, String template, List<String> problems) {
            if (template != null) {
                List<String> unknown = TemplatePlaceholders.unknownIn(template);
                if (!unknown.isEmpty()) {
                    problems.add(field + " uses unknown placeholders " + unknown + "; known are " + TemplatePlaceholders.KNOWN);
                }
            }
        }
    }
}
