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
 * Per synced calendar: the provider's cursor, the window of the full sync that started it, and the generation of the
 * last full sync. Every calendar that has stored
 * events has a row here (a first full sync writes it before its first page), so forgetting a calendar's row is what
 * tells which calendar's events to remove.
 */
@Repository
class CalendarSyncStates {

    /**
     * {@code windowStart}/{@code windowEnd}: the window of the last full sync (null: not known, as for a cursor from
     * before it was stored); {@code channelExpiresAt}: when the calendar's latest push channel expires (null: none),
     * read along for free.
     */
    record State(String cursor, long generation, Instant windowStart, Instant windowEnd, Instant channelExpiresAt) {
    }

    private final JdbcClient jdbc;

    CalendarSyncStates(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The states of all of the connection's calendars, by calendar id, in one query. */
    Map<String, State> all(UUID connectionId) {
        Map<String, State> states = new HashMap<>();
        jdbc.sql("""
                SELECT s.calendar_id, s.sync_cursor, s.generation, s.window_start, s.window_end,
                    (SELECT max(p.expires_at) FROM push_channels p WHERE p.connection_id = s.connection_id AND p.calendar_id = s.calendar_id)
                FROM calendar_sync_state s WHERE s.connection_id = ?""")
                .param(connectionId)
                .query(rs -> {
                    states.put(rs.getString(1), new State(rs.getString(2), rs.getLong(3), instant(rs.getTimestamp(4)),
                            instant(rs.getTimestamp(5)), instant(rs.getTimestamp(6))));
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

    /**
     * After a run: the cursor for the next one. {@code fullWindow}: the window a full sync covered (the new cursor's
     * window); null after an incremental run, which keeps the stored one.
     */
    void save(UUID connectionId, String calendarId, String cursor, long generation, Window fullWindow, Instant now) {
        boolean full = fullWindow != null;
        jdbc.sql("""
                INSERT INTO calendar_sync_state (connection_id, calendar_id, sync_cursor, generation, last_full_sync_at, last_sync_at,
                    window_start, window_end)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (connection_id, calendar_id) DO UPDATE SET sync_cursor = excluded.sync_cursor,
                    generation = excluded.generation, last_sync_at = excluded.last_sync_at,
                    last_full_sync_at = COALESCE(excluded.last_full_sync_at, calendar_sync_state.last_full_sync_at),
                    window_start = COALESCE(excluded.window_start, calendar_sync_state.window_start),
                    window_end = COALESCE(excluded.window_end, calendar_sync_state.window_end)""")
                .params(connectionId, calendarId, cursor, generation, full ? Timestamp.from(now) : null, Timestamp.from(now),
                        full ? Timestamp.from(fullWindow.start()) : null, full ? Timestamp.from(fullWindow.end()) : null)
                .update();
    }

    /** A sync window: [{@code start}, {@code end}). */
    record Window(Instant start, Instant end) {
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    /** Forgets calendars no longer synced; returns the ids of the calendars it forgot. */
    List<String> retainOnly(UUID connectionId, String[] calendarIds) {
        return jdbc.sql("DELETE FROM calendar_sync_state WHERE connection_id = ? AND NOT (calendar_id = ANY (?)) RETURNING calendar_id")
                .params(connectionId, calendarIds).query(String.class).list();
    }
}
