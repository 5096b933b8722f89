package io.calbridge.sync;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Per synced calendar: the provider's cursor and the generation of the last full sync. */
@Repository
class CalendarSyncStates {

    record State(String cursor, long generation) {
    }

    private final JdbcClient jdbc;

    CalendarSyncStates(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<State> find(UUID connectionId, String calendarId) {
        return jdbc.sql("SELECT sync_cursor, generation FROM calendar_sync_state WHERE connection_id = ? AND calendar_id = ?")
                .params(connectionId, calendarId)
                .query((rs, row) -> new State(rs.getString(1), rs.getLong(2))).optional();
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

    /** Forgets calendars no longer synced. */
    void retainOnly(UUID connectionId, String[] calendarIds) {
        jdbc.sql("DELETE FROM calendar_sync_state WHERE connection_id = ? AND NOT (calendar_id = ANY (?))")
                .params(connectionId, calendarIds).update();
    }
}
