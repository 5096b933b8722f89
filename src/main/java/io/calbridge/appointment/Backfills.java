package io.calbridge.appointment;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The backfills of connections ({@code connection_backfills}: the last one asked, per connection) and their progress,
 * counted from {@code appointment_events}.
 */
@Repository
class Backfills {

    private final JdbcClient jdbc;

    Backfills(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Remembers the connection's last backfill. */
    void record(UUID connectionId, String userId, Instant from, Instant now) {
        jdbc.sql("""
                INSERT INTO connection_backfills (connection_id, user_id, from_at, requested_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (connection_id) DO UPDATE SET from_at = excluded.from_at, requested_at = excluded.requested_at""")
                .params(connectionId, userId, Timestamp.from(from), Timestamp.from(now)).update();
    }

    /**
     * The last backfill's progress, in one statement: the user's confirmed appointments ending after its {@code from}
     * that existed when it was asked, by where each stands in the connection's calendar.
     */
    Optional<Progress> progress(String userId, UUID connectionId) {
        return jdbc.sql("""
                SELECT b.from_at, b.requested_at, count(a.appointment_id) AS total,
                    count(*) FILTER (WHERE t.state = 'SYNCED' AND t.synced_version = a.version) AS synced,
                    count(*) FILTER (WHERE t.state = 'PENDING' OR (t.state = 'SYNCED' AND t.synced_version IS DISTINCT FROM a.version))
                        AS pending,
                    count(*) FILTER (WHERE t.state = 'FAILED') AS failed,
                    count(*) FILTER (WHERE a.appointment_id IS NOT NULL AND (t.state IS NULL OR t.state = 'SKIPPED')) AS skipped
                FROM connection_backfills b
                LEFT JOIN appointments a ON a.user_id = b.user_id AND a.version > 0 AND a.status = 'CONFIRMED'
                    AND a.end_at > b.from_at AND a.created_at <= b.requested_at
                LEFT JOIN appointment_events t ON t.user_id = a.user_id AND t.appointment_id = a.appointment_id
                    AND t.connection_id = b.connection_id
                WHERE b.connection_id = ? AND b.user_id = ?
                GROUP BY b.from_at, b.requested_at""")
                .params(connectionId, userId)
                .query((rs, row) -> new Progress(rs.getTimestamp("from_at").toInstant(), rs.getTimestamp("requested_at").toInstant(),
                        rs.getLong("total"), rs.getLong("synced"), rs.getLong("pending"), rs.getLong("failed"), rs.getLong("skipped")))
                .optional();
    }

    /** A backfill's progress: of {@code total} appointments, how many are in the calendar, waiting, failed, left out. */
    record Progress(Instant from, Instant requestedAt, long total, long synced, long pending, long failed, long skipped) {
    }
}
