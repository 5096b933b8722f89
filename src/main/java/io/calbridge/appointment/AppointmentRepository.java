package io.calbridge.appointment;

import io.calbridge.provider.Attendee;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The hot paths over {@code appointments} and {@code appointment_events}, in SQL: the one-statement upsert of a PUT,
 * the destination marks of a PUT and the outcomes of a push (one statement each), and the set-wise reads and writes of
 * an inbound sync. The mapping rows are read as {@link AppointmentEvent}s.
 */
@Repository
class AppointmentRepository {

    private static final TypeReference<List<Attendee>> ATTENDEES = new TypeReference<>() {
    };

    private static final TypeReference<List<Reminder>> REMINDERS = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final JsonMapper json;

    AppointmentRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * Stores the appointment as new or changed content (version 1, or one more than before) and returns it; empty when
     * it already holds this content (same hash). Either way the row stays locked for the rest of the transaction.
     */
    Optional<Appointment> upsert(Appointment content, String hash, Instant now) {
        return jdbc.sql("""
                INSERT INTO appointments AS a (user_id, appointment_id, version, content_hash, title, description, location,
                    start_at, end_at, time_zone, attendees, conference, status, created_at, updated_at, reminders)
                VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?::jsonb)
                ON CONFLICT (user_id, appointment_id) DO UPDATE SET version = a.version + 1, content_hash = excluded.content_hash,
                    title = excluded.title, description = excluded.description, location = excluded.location,
                    start_at = excluded.start_at, end_at = excluded.end_at, time_zone = excluded.time_zone,
                    attendees = excluded.attendees, conference = excluded.conference, status = excluded.status,
                    updated_at = excluded.updated_at, reminders = excluded.reminders
                WHERE a.content_hash <> excluded.content_hash
                RETURNING *""")
                .params(content.userId(), content.appointmentId(), hash, content.title(), content.description(), content.location(),
                        ts(content.start()), ts(content.end()), content.timeZone(), json.writeValueAsString(content.attendees()),
                        content.conference(), content.status(), ts(now), ts(now), json.writeValueAsString(content.reminders()))
                .query(this::map).optional();
    }

    /** The appointment, unless it does not exist (version 0: a placeholder row an earlier release wrote). */
    Optional<Appointment> find(String userId, String appointmentId) {
        return jdbc.sql("SELECT * FROM appointments WHERE user_id = ? AND appointment_id = ? AND version > 0")
                .params(userId, appointmentId).query(this::map).optional();
    }

    /** Where the appointment stands in each connection's calendar, by connection id. */
    List<AppointmentEvent> targets(String userId, String appointmentId) {
        return jdbc.sql("SELECT * FROM appointment_events WHERE user_id = ? AND appointment_id = ? ORDER BY connection_id")
                .params(userId, appointmentId).query(AppointmentRepository::target).list();
    }

    /** The user's confirmed appointments that end after {@code from}, oldest start first. */
    List<Appointment> confirmedEndingAfter(String userId, Instant from) {
        return jdbc.sql("SELECT * FROM appointments WHERE user_id = ? AND version > 0 AND status = 'CONFIRMED' AND end_at > ? "
                        + "ORDER BY start_at, appointment_id")
                .params(userId, ts(from)).query(this::map).list();
    }

    /** Where the given appointments stand in one connection's calendar. */
    List<AppointmentEvent> targetsIn(String userId, UUID connectionId, String[] appointmentIds) {
        return jdbc.sql("SELECT * FROM appointment_events WHERE user_id = ? AND connection_id = ? AND appointment_id = ANY (?)")
                .params(userId, connectionId, appointmentIds).query(AppointmentRepository::target).list();
    }

    Optional<AppointmentEvent> target(AppointmentEvent.Key key) {
        return jdbc.sql("SELECT * FROM appointment_events WHERE user_id = ? AND appointment_id = ? AND connection_id = ?")
                .params(key.userId(), key.appointmentId(), key.connectionId()).query(AppointmentRepository::target).optional();
    }

    /** A destination that is waiting (PENDING) or left out (SKIPPED, with why). */
    void markTarget(String userId, String appointmentId, UUID connectionId, String state, String why, Instant now) {
        jdbc.sql("""
                INSERT INTO appointment_events (user_id, appointment_id, connection_id, state, last_error, updated_at)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (user_id, appointment_id, connection_id) DO UPDATE SET state = excluded.state,
                    last_error = excluded.last_error, updated_at = excluded.updated_at""")
                .params(userId, appointmentId, connectionId, state, why, ts(now)).update();
    }

    /**
     * The provider now holds {@code version} (or, for a cancelled appointment, no longer holds the event), with its
     * meeting link or why it has none ({@code meetingLinkUnavailable}; null clears an earlier reason).
     */
    void synced(String userId, String appointmentId, UUID connectionId, String calendarId, String externalId, long version,
            String meetingUrl, String meetingLinkUnavailable, Instant now) {
        jdbc.sql("""
                UPDATE appointment_events SET calendar_id = ?, external_id = ?, synced_version = ?, meeting_url = ?,
                    meeting_link_unavailable = ?, state = 'SYNCED', last_error = NULL, remote_change = NULL, updated_at = ?
                WHERE user_id = ? AND appointment_id = ? AND connection_id = ?""")
                .params(calendarId, externalId, version, meetingUrl, meetingLinkUnavailable, ts(now), userId, appointmentId,
                        connectionId).update();
    }

    /** Before the first create: remembers that the provider may hold the event from now on. */
    void attempting(String userId, String appointmentId, UUID connectionId, String calendarId) {
        jdbc.sql("UPDATE appointment_events SET calendar_id = ? WHERE user_id = ? AND appointment_id = ? AND connection_id = ?")
                .params(calendarId, userId, appointmentId, connectionId).update();
    }

    /** The push failed ({@code state} PENDING: a retry will follow; FAILED: for good); returns the destination as it now is. */
    Optional<AppointmentEvent> failed(String userId, String appointmentId, UUID connectionId, String state, String error, Instant now) {
        return jdbc.sql("UPDATE appointment_events SET state = ?, last_error = ?, updated_at = ? "
                + "WHERE user_id = ? AND appointment_id = ? AND connection_id = ? RETURNING *")
                .params(state, error, ts(now), userId, appointmentId, connectionId).query(AppointmentRepository::target).optional();
    }

    /** Pushed events among {@code externalIds} of a calendar, with their appointment's time and status and their remote change. */
    List<Pushed> pushedAmong(UUID connectionId, String calendarId, String[] externalIds) {
        return jdbc.sql("""
                SELECT t.user_id, t.appointment_id, t.external_id, a.start_at, a.end_at, a.status, t.remote_change
                FROM appointment_events t JOIN appointments a ON a.user_id = t.user_id AND a.appointment_id = t.appointment_id
                WHERE t.connection_id = ? AND t.calendar_id = ? AND t.external_id = ANY (?)""")
                .params(connectionId, calendarId, externalIds)
                .query((rs, row) -> new Pushed(rs.getString(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant(),
                        rs.getTimestamp(5).toInstant(), rs.getString(6), rs.getString(7)))
                .list();
    }

    /**
     * Events calbridge pushed into the calendar before {@code pushedBefore}, for live appointments overlapping
     * [{@code from}, {@code to}), that the store does not hold after a full sync: the user deleted them. Those already
     * shown as deleted are left out.
     */
    List<RemoteChange> missingAfterFullSync(UUID connectionId, String calendarId, Instant pushedBefore, Instant from, Instant to) {
        return jdbc.sql("""
                SELECT t.user_id, t.appointment_id
                FROM appointment_events t JOIN appointments a ON a.user_id = t.user_id AND a.appointment_id = t.appointment_id
                WHERE t.connection_id = ? AND t.calendar_id = ? AND t.external_id IS NOT NULL AND t.updated_at < ?
                    AND t.remote_change IS DISTINCT FROM 'DELETED' AND a.status <> 'CANCELLED' AND a.start_at < ? AND a.end_at > ?
                    AND NOT EXISTS (SELECT 1 FROM events e WHERE e.connection_id = t.connection_id AND e.calendar_id = t.calendar_id
                                    AND e.external_id = t.external_id)""")
                .params(connectionId, calendarId, ts(pushedBefore), ts(to), ts(from))
                .query((rs, row) -> new RemoteChange(rs.getString(1), rs.getString(2), "DELETED"))
                .list();
    }

    /**
     * Sets the remote change of the given appointments' events in the connection, in one statement; rows already so stay
     * untouched. Returns the rows it changed, with their external event ids.
     */
    List<Changed> remoteChange(UUID connectionId, List<RemoteChange> changes) {
        if (changes.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                UPDATE appointment_events t SET remote_change = c.change
                FROM unnest(?::text[], ?::text[], ?::text[]) AS c (user_id, appointment_id, change)
                WHERE t.user_id = c.user_id AND t.appointment_id = c.appointment_id AND t.connection_id = ?
                    AND t.remote_change IS DISTINCT FROM c.change
                RETURNING t.user_id, t.appointment_id, t.remote_change, t.external_id""")
                .params(changes.stream().map(RemoteChange::userId).toArray(String[]::new),
                        changes.stream().map(RemoteChange::appointmentId).toArray(String[]::new),
                        changes.stream().map(RemoteChange::change).toArray(String[]::new), connectionId)
                .query((rs, row) -> new Changed(new RemoteChange(rs.getString(1), rs.getString(2), rs.getString(3)), rs.getString(4)))
                .list();
    }

    private static AppointmentEvent target(ResultSet rs, int row) throws SQLException {
        return new AppointmentEvent(new AppointmentEvent.Key(rs.getString("user_id"), rs.getString("appointment_id"),
                rs.getObject("connection_id", UUID.class)), rs.getString("calendar_id"), rs.getString("external_id"),
                rs.getString("state"), rs.getObject("synced_version", Long.class), rs.getString("meeting_url"),
                rs.getString("meeting_link_unavailable"), rs.getString("last_error"),
                rs.getString("remote_change"), rs.getTimestamp("updated_at").toInstant());
    }

    private Appointment map(ResultSet rs, int row) throws SQLException {
        return new Appointment(rs.getString("user_id"), rs.getString("appointment_id"), rs.getLong("version"), rs.getString("title"),
                rs.getString("description"), rs.getString("location"), rs.getTimestamp("start_at").toInstant(),
                rs.getTimestamp("end_at").toInstant(), rs.getString("time_zone"), json.readValue(rs.getString("attendees"), ATTENDEES),
                rs.getString("conference"), rs.getString("status"), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(), json.readValue(rs.getString("reminders"), REMINDERS));
    }

    private static Timestamp ts(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    /** An event calbridge pushed for an appointment, as a pull saw it: the appointment's time and status, its remote change. */
    record Pushed(String userId, String appointmentId, String externalId, Instant start, Instant end, String status,
            String remoteChange) {
    }

    /** The remote change (MOVED, DELETED, or null: none) an appointment's event should show. */
    record RemoteChange(String userId, String appointmentId, String change) {
    }

    /** A remote change as written, with the external id of the event it is about. */
    record Changed(RemoteChange change, String externalId) {
    }
}
