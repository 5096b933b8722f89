package io.calbridge.sync;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Repository;

/** One line per job run (GET /api/v1/sync-logs); kept 30 days. */
@Repository
class SyncLogs {

    private static final Duration RETENTION = Duration.ofDays(30);

    record Entry(UUID id, UUID connectionId, UUID jobId, String direction, String appointmentId, Instant startedAt, Instant endedAt,
            String outcome, int created, int updated, int deleted, int providerCalls, String error) {
    }

    private final JdbcClient jdbc;
    private final Clock clock;

    SyncLogs(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    void write(SyncJob job, Instant started, String outcome, JobHandler.Result result, String error) {
        jdbc.sql("""
                INSERT INTO sync_logs (id, user_id, connection_id, job_id, direction, appointment_id, started_at, ended_at, outcome,
                    created, updated, deleted, provider_calls, error)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(UUID.randomUUID(), job.userId(), job.connectionId(), job.id(), job.kind(), job.appointmentId(),
                        Timestamp.from(started), Timestamp.from(clock.instant()), outcome, result.created(), result.updated(),
                        result.deleted(), result.providerCalls(), error)
                .update();
    }

    /** A finished job as its runs logged it: the user's, its runs (parked ones aside), its last outcome and error. */
    record FinishedJob(String userId, String kind, UUID connectionId, String appointmentId, int runs, String lastOutcome,
            String lastError, Instant firstStarted, Instant lastEnded) {
    }

    /** The job's logged runs, for a job whose queue row went on to a new job (a pull asked for again after it finished). */
    Optional<FinishedJob> finished(UUID jobId) {
        return jdbc.sql("""
                SELECT user_id, direction, connection_id, appointment_id,
                    count(*) FILTER (WHERE outcome <> 'PARKED') AS runs,
                    (array_agg(outcome ORDER BY ended_at DESC))[1] AS last_outcome,
                    (array_agg(error ORDER BY ended_at DESC))[1] AS last_error,
                    min(started_at) AS first_started, max(ended_at) AS last_ended
                FROM sync_logs WHERE job_id = ? GROUP BY user_id, direction, connection_id, appointment_id""")
                .param(jobId)
                .query((rs, row) -> new FinishedJob(rs.getString("user_id"), rs.getString("direction"),
                        rs.getObject("connection_id", UUID.class), rs.getString("appointment_id"), rs.getInt("runs"),
                        rs.getString("last_outcome"), rs.getString("last_error"), rs.getTimestamp("first_started").toInstant(),
                        rs.getTimestamp("last_ended").toInstant()))
                .optional();
    }

    List<Entry> recent(String userId, UUID connectionId, int limit) {
        return jdbc.sql("""
                SELECT id, connection_id, job_id, direction, appointment_id, started_at, ended_at, outcome, created, updated, deleted,
                    provider_calls, error
                FROM sync_logs WHERE user_id = ? AND (?::uuid IS NULL OR connection_id = ?::uuid)
                ORDER BY started_at DESC LIMIT ?""")
                .params(userId, connectionId, connectionId, limit)
                .query((rs, row) -> new Entry(rs.getObject("id", UUID.class), rs.getObject("connection_id", UUID.class),
                        rs.getObject("job_id", UUID.class), rs.getString("direction"), rs.getString("appointment_id"),
                        rs.getTimestamp("started_at").toInstant(), rs.getTimestamp("ended_at").toInstant(), rs.getString("outcome"),
                        rs.getInt("created"), rs.getInt("updated"), rs.getInt("deleted"), rs.getInt("provider_calls"),
                        rs.getString("error")))
                .list();
    }

    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT5M")
    void purgeOld() {
        jdbc.sql("DELETE FROM sync_logs WHERE started_at < ?").param(Timestamp.from(clock.instant().minus(RETENTION))).update();
    }
}
