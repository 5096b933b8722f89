package io.calbridge.sync;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Per synced calendar: the provider's cursor and the generation of the last full sync. Every calendar that has stored
 * events has a row here (a first full sync writes it before its first page), so forgetting a calendar's row is what
 * tells which calendar's events to remove.
 */
@Repository
class CalendarSyncStates {

    /** {@code channelExpiresAt}: when the calendar's latest push channel expires (null: none), read along for free. */
    record State(String cursor, long generation, Instant channelExpiresAt) {
    }

    private final JdbcClient jdbc;

    CalendarSyncStates(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The states of all of the connection's calendars, by calendar id, in one query. */
    Map<String, State> all(UUID connectionId) {
        Map<String, State> states = new HashMap<>();
        jdbc.sql("""
                SELECT s.calendar_id, s.sync_cursor, s.generation,
                    (SELECT max(p.expires_at) FROM push_channels p WHERE p.connection_id = s.connection_id AND p.calendar_id = s.calendar_id)
                FROM calendar_sync_state s WHERE s.connection_id = ?""")
                .param(connectionId)
                .query(rs -> {
                    Timestamp channelExpiresAt = rs.getTimestamp(4);
                    states.put(rs.getString(1), new State(rs.getString(2), rs.getLong(3),
                            channelExpiresAt == null ? null : channelExpiresAt.toInstant()));
                });
        return states;
    }

    /**
     * Before the first page of a calendar's first full sync: its row, with no cursor (so a run cut short is followed
     * by another full sync) and the generation the pages are stored with. Keeps a row that exists.
     */
    void begin(UUID connectionId, String calendarId, long generation) {
        jdbc.sql("""
                INSERT INTO calendar_sync_state (connection_id, calendar_id, sync_cursor, generation)
                VALUES (?, ?, NULL, ?)
                ON CONFLICT (connection_id, calendar_id) DO NOTHING""")
                .params(connectionId, calendarId, generation).update();
    }

    void save(UUID connectionId, String calendarId, String cursor, long generation, boolean full, Instant now) {
        jdbc.sql("""
                INSERT INTO calendar_sync_state (connection_id, calendar_id, sync_cursor, generation, last_full_sync_at, last_sync_at)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (connection_id, calendar_id) DO UPDATE SET sync_cursor = excluded.sync_cursor,
                    generation = excluded.generation, last_sync_at = excluded.last_sync_at,
                    last_full_sync_at = COALESCE(excluded.last_full_sync_at, calendar_sync_state.last_full_sync_at)""")
                .params(connectionId, calendarId, cursor, generation, full ? Timestamp.from(now) : null, Timestamp.from(now))
                .update();
    }

    /** Forgets calendars no longer synced; returns the ids of the calendars it forgot. */
    List<String> retainOnly(UUID connectionId, String[] calendarIds) {
        return jdbc.sql("DELETE FROM calendar_sync_state WHERE connection_id = ? AND NOT (calendar_id = ANY (?)) RETURNING calendar_id")
                .params(connectionId, calendarIds).query(String.class).list();
    }
}
