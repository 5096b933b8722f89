package io.calbridge.sync;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The durable sync queue in PostgreSQL. Requests join the caller's transaction, so an accepted change and its job
 * commit together. Workers claim due jobs with {@code FOR UPDATE SKIP LOCKED} under a lease; a claim whose lease ran
 * out (its instance died) is claimed again. Finishing a job checks the claim, so a worker that lost its lease
 * changes nothing.
 */
@Repository
public class SyncQueue {

    private static final String COLUMNS = "id, kind, user_id, connection_id, appointment_id, status, wanted, done, full_sync, "
            + "priority, attempts, next_run_at, last_error, error_reason, created_at, updated_at";

    /** A running or retrying job keeps its attempts; a new request gives any other job a fresh start. */
    private static final String KEEP_ATTEMPTS = "CASE WHEN sync_jobs.status IN ('RUNNING', 'FAILED') THEN sync_jobs.attempts ELSE 0 END";
    /**
     * A waiting job keeps its place (so a stream of requests cannot push it behind others), a retrying one its
     * provider-given retry time; any other becomes due now.
     */
    private static final String KEEP_DUE_TIME = "CASE WHEN sync_jobs.status IN ('RUNNING', 'FAILED') THEN sync_jobs.next_run_at "
            + "WHEN sync_jobs.status = 'PENDING' THEN LEAST(sync_jobs.next_run_at, excluded.next_run_at) ELSE excluded.next_run_at END";

    private final JdbcClient jdbc;
    private final Clock clock;

    SyncQueue(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Asks for the appointment at {@code version} in the connection's calendar. A job already waiting just raises its
     * target; a running one runs again afterwards. {@code parked}: the connection needs reauthorization.
     */
    public UUID requestPush(String userId, UUID connectionId, String appointmentId, long version, boolean parked) {
        Timestamp now = now();
        return jdbc.sql("""
                INSERT INTO sync_jobs (id, kind, user_id, connection_id, appointment_id, status, wanted, next_run_at, created_at, updated_at)
                VALUES (?, 'PUSH', ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT ON CONSTRAINT sync_jobs_one_per_target DO UPDATE SET
                    wanted = GREATEST(sync_jobs.wanted, excluded.wanted),
                    status = CASE WHEN sync_jobs.status = 'RUNNING' THEN 'RUNNING' ELSE excluded.status END,
                    attempts = %s,
                    next_run_at = %s,
                    updated_at = excluded.updated_at
                RETURNING id""".formatted(KEEP_ATTEMPTS, KEEP_DUE_TIME))
                .params(UUID.randomUUID(), userId, connectionId, appointmentId, parked ? "PARKED" : "PENDING", version, now, now, now)
                .query(UUID.class).single();
    }

    /**
     * The job that answers a request: {@code coalesced} when the request joined a job that had not finished yet
     * (waiting, retrying, running or parked), which then covers it; otherwise it is a new job.
     */
    public record Requested(UUID jobId, boolean coalesced) {
    }

    /** Asks for an inbound sync of the connection; {@code priority} above 0 jumps the queue (a user asked). */
    public Requested requestPull(String userId, UUID connectionId, boolean full, int priority) {
        return requestPull(userId, connectionId, full, priority, Duration.ZERO);
    }

    /**
     * As {@link #requestPull(String, UUID, boolean, int)}, due only after {@code delay} (unless it already is). The
     * connection's one pull row takes a new id when its last job had finished (DONE or DEAD): a finished job is
     * never the answer to a new request.
     */
    Requested requestPull(String userId, UUID connectionId, boolean full, int priority, Duration delay) {
        Timestamp now = now();
        Timestamp due = Timestamp.from(clock.instant().plus(delay));
        UUID proposed = UUID.randomUUID();
        // a pull that is waiting, due and at least as wanted covers this request: no new row version (a burst of push
        // notifications costs a lock each, not a write)
        UUID id = jdbc.sql("""
                INSERT INTO sync_jobs (id, kind, user_id, connection_id, status, wanted, full_sync, priority, next_run_at, created_at, updated_at)
                VALUES (?, 'PULL', ?, ?, 'PENDING', 1, ?, ?, ?, ?, ?)
                ON CONFLICT ON CONSTRAINT sync_jobs_one_per_target DO UPDATE SET
                    id = CASE WHEN sync_jobs.status IN ('DONE', 'DEAD') THEN excluded.id ELSE sync_jobs.id END,
                    created_at = CASE WHEN sync_jobs.status IN ('DONE', 'DEAD') THEN excluded.created_at ELSE sync_jobs.created_at END,
                    last_error = CASE WHEN sync_jobs.status IN ('DONE', 'DEAD') THEN NULL ELSE sync_jobs.last_error END,
                    error_reason = CASE WHEN sync_jobs.status IN ('DONE', 'DEAD') THEN NULL ELSE sync_jobs.error_reason END,
                    wanted = sync_jobs.wanted + 1,
                    full_sync = sync_jobs.full_sync OR excluded.full_sync,
                    priority = GREATEST(sync_jobs.priority, excluded.priority),
                    status = CASE WHEN sync_jobs.status IN ('RUNNING', 'PARKED') THEN sync_jobs.status ELSE 'PENDING' END,
                    attempts = %s,
                    next_run_at = %s,
                    updated_at = excluded.updated_at
                WHERE NOT (sync_jobs.status = 'PENDING' AND sync_jobs.next_run_at <= excluded.next_run_at
                           AND sync_jobs.priority >= excluded.priority AND (sync_jobs.full_sync OR NOT excluded.full_sync))
                RETURNING id""".formatted(KEEP_ATTEMPTS, KEEP_DUE_TIME))
                .params(proposed, userId, connectionId, full, priority, due, now, now)
                .query(UUID.class).optional()
                .orElseGet(() -> jdbc.sql("SELECT id FROM sync_jobs WHERE connection_id = ? AND kind = 'PULL'").param(connectionId)
                        .query(UUID.class).single());
        return new Requested(id, !id.equals(proposed));
    }

    /**
     * Claims up to {@code max} jobs for {@code worker}, the lease starting now: due ones, most urgent first, then
     * ones whose lease ran out (their instance died).
     */
    List<SyncJob> claim(int max, String worker, Duration lease) {
        Instant now = clock.instant();
        return jdbc.sql("""
                WITH due AS (SELECT id FROM sync_jobs WHERE status IN ('PENDING', 'FAILED') AND next_run_at <= ?
                             ORDER BY priority DESC, next_run_at LIMIT ? FOR UPDATE SKIP LOCKED),
                     lapsed AS (SELECT id FROM sync_jobs WHERE status = 'RUNNING' AND lease_until < ? LIMIT ? FOR UPDATE SKIP LOCKED)
                UPDATE sync_jobs SET status = 'RUNNING', claimed_by = ?, lease_until = ?, updated_at = ?
                WHERE id IN (SELECT id FROM due UNION ALL SELECT id FROM lapsed LIMIT ?)
                """ + "RETURNING " + COLUMNS)
                .params(Timestamp.from(now), max, Timestamp.from(now), max, worker, Timestamp.from(now.plus(lease)), Timestamp.from(now),
                        max)
                .query(SyncQueue::map).list();
    }

    /**
     * Success: done up to {@code reached}, with the attempts it took (this run included); if more was asked meanwhile,
     * pending again with a fresh count, due after {@code rerunDelay} (then answers true).
     */
    boolean complete(SyncJob job, String worker, long reached, Duration rerunDelay) {
        return jdbc.sql("""
                UPDATE sync_jobs SET done = GREATEST(done, ?), status = CASE WHEN wanted > ? THEN 'PENDING' ELSE 'DONE' END,
                    full_sync = CASE WHEN wanted > ? THEN full_sync ELSE false END, priority = 0,
                    attempts = CASE WHEN wanted > ? THEN 0 ELSE attempts + 1 END,
                    lease_until = NULL, claimed_by = NULL, last_error = NULL, error_reason = NULL, next_run_at = ?, updated_at = ?
                WHERE id = ? AND claimed_by = ? AND status = 'RUNNING'
                RETURNING status = 'PENDING'""")
                .params(reached, reached, reached, reached, Timestamp.from(clock.instant().plus(rerunDelay)), now(), job.id(), worker)
                .query(Boolean.class).optional().orElse(false);
    }

    boolean retryLater(SyncJob job, String worker, Instant at, String reason, String error) {
        return finish(job, worker, "FAILED", job.attempts() + 1, at, reason, error);
    }

    boolean dead(SyncJob job, String worker, String reason, String error) {
        return finish(job, worker, "DEAD", job.attempts() + 1, clock.instant(), reason, error);
    }

    /** Parked without burning an attempt: waits for the user to reconnect. */
    boolean park(SyncJob job, String worker, String error) {
        return finish(job, worker, "PARKED", job.attempts(), clock.instant(), "needs_reauth", error);
    }

    private boolean finish(SyncJob job, String worker, String status, int attempts, Instant nextRun, String reason, String error) {
        return jdbc.sql("""
                UPDATE sync_jobs SET status = ?, attempts = ?, next_run_at = ?, error_reason = ?, last_error = ?,
                    lease_until = NULL, claimed_by = NULL, updated_at = ?
                WHERE id = ? AND claimed_by = ? AND status = 'RUNNING'""")
                .params(status, attempts, Timestamp.from(nextRun), reason, error, now(), job.id(), worker).update() == 1;
    }

    /** Every waiting job of the connection waits for a reconnect. */
    int parkConnection(UUID connectionId) {
        return jdbc.sql("UPDATE sync_jobs SET status = 'PARKED', error_reason = 'needs_reauth', updated_at = ? "
                + "WHERE connection_id = ? AND status IN ('PENDING', 'FAILED')").params(now(), connectionId).update();
    }

    /** After a reconnect: parked jobs run again, their attempts untouched. */
    int unpark(UUID connectionId) {
        return jdbc.sql("UPDATE sync_jobs SET status = 'PENDING', next_run_at = ?, error_reason = NULL, updated_at = ? "
                + "WHERE connection_id = ? AND status = 'PARKED'").params(now(), now(), connectionId).update();
    }

    /** An admin's retry of a failed or dead job: a fresh start. */
    boolean retryNow(UUID id) {
        return jdbc.sql("UPDATE sync_jobs SET status = 'PENDING', attempts = 0, next_run_at = ?, updated_at = ? "
                + "WHERE id = ? AND status IN ('FAILED', 'DEAD', 'PARKED')").params(now(), now(), id).update() == 1;
    }

    public Optional<SyncJob> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM sync_jobs WHERE id = ?").param(id).query(SyncQueue::map).optional();
    }

    /** The ids of the appointment's push jobs, by connection. */
    public Map<UUID, UUID> pushJobIds(Collection<UUID> connectionIds, String appointmentId) {
        Map<UUID, UUID> ids = new HashMap<>();
        jdbc.sql("SELECT connection_id, id FROM sync_jobs WHERE connection_id = ANY (?) AND kind = 'PUSH' AND appointment_id = ?")
                .params(connectionIds.toArray(UUID[]::new), appointmentId)
                .query(rs -> {
                    ids.put(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class));
                });
        return ids;
    }

    List<SyncJob> byStatus(List<String> statuses, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM sync_jobs WHERE status = ANY (?) ORDER BY updated_at DESC LIMIT ?")
                .params(statuses.toArray(String[]::new), limit).query(SyncQueue::map).list();
    }

    /**
     * When the next job falls due that waits for its time (a retry, a delayed pull) or that runs under a claim (its
     * lease runs out if its instance died); null when there is none.
     */
    Instant nextDueAt() {
        Timestamp next = jdbc.sql("""
                SELECT LEAST((SELECT min(next_run_at) FROM sync_jobs WHERE status IN ('PENDING', 'FAILED')),
                             (SELECT min(lease_until) FROM sync_jobs WHERE status = 'RUNNING'))""")
                .query((rs, row) -> rs.getTimestamp(1)).list().get(0);
        return next == null ? null : next.toInstant();
    }

    long depth() {
        return jdbc.sql("SELECT count(*) FROM sync_jobs WHERE status IN ('PENDING', 'FAILED', 'RUNNING')").query(Long.class).single();
    }

    /** Age of the oldest job that is due and not yet running, in seconds (0 when none). */
    double oldestPendingSeconds() {
        Timestamp oldest = jdbc.sql("SELECT min(next_run_at) FROM sync_jobs WHERE status IN ('PENDING', 'FAILED') AND next_run_at <= ?")
                .param(now()).query((rs, row) -> rs.getTimestamp(1)).list().get(0);
        return oldest == null ? 0 : Duration.between(oldest.toInstant(), clock.instant()).toMillis() / 1000.0;
    }

    private Timestamp now() {
        return Timestamp.from(clock.instant());
    }

    private static SyncJob map(ResultSet rs, int row) throws SQLException {
        return new SyncJob(rs.getObject("id", UUID.class), rs.getString("kind"), rs.getString("user_id"),
                rs.getObject("connection_id", UUID.class), rs.getString("appointment_id"), rs.getString("status"),
                rs.getLong("wanted"), rs.getLong("done"), rs.getBoolean("full_sync"), rs.getInt("priority"), rs.getInt("attempts"),
                rs.getTimestamp("next_run_at").toInstant(), rs.getString("last_error"), rs.getString("error_reason"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
