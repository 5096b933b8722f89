package io.calbridge.webhook;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The deliveries of notifications to endpoints, claimed like sync jobs: {@code FOR UPDATE SKIP LOCKED} under a lease,
 * a RUNNING delivery whose lease ran out (its instance died) claimable again. Only the head of each stream (endpoint
 * and user) is claimable, so one stream is sent in order, one at a time, whichever instance sends. Every outcome is
 * written with a claim check: a sender that lost its claim changes nothing.
 */
@Repository
class WebhookDeliveries {

    private static final String VIEW_COLUMNS = "d.id, d.message_id, m.event_type, d.status, d.attempts, d.last_status, d.last_error, "
            + "d.last_latency_ms, d.next_attempt_at, d.delivered_at, d.created_at";

    private final JdbcClient jdbc;
    private final Clock clock;

    WebhookDeliveries(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** A claimed delivery with what sending it takes. */
    record Claimed(UUID id, String messageId, UUID endpointId, String userId, int attempts, String url, String body, String claim) {
    }

    /** One attempt's result; {@code status} null when no answer came. */
    record Attempt(Instant startedAt, Integer status, int latencyMs, String error) {
    }

    record AttemptView(int attempt, Instant startedAt, Integer statusCode, int latencyMs, String error) {
    }

    record DeliveryView(UUID id, String messageId, String eventType, String status, int attempts, Integer lastStatus, String lastError,
            Integer lastLatencyMs, Instant nextAttemptAt, Instant deliveredAt, Instant createdAt, List<AttemptView> attemptList) {
    }

    /**
     * Claims up to {@code max} due deliveries under the claim {@code claim}, the lease starting now: pending ones whose
     * time has come and running ones whose lease ran out, of enabled endpoints, each the earliest undelivered of its
     * endpoint and user.
     */
    List<Claimed> claim(int max, String claim, Duration lease) {
        Instant now = clock.instant();
        Timestamp at = Timestamp.from(now);
        return jdbc.sql("""
                WITH due AS (
                    SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
                    WHERE e.enabled
                      AND ((d.status = 'PENDING' AND d.next_attempt_at <= ?) OR (d.status = 'RUNNING' AND d.lease_until < ?))
                      AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p
                                      WHERE p.endpoint_id = d.endpoint_id AND p.status IN ('PENDING', 'RUNNING') AND p.seq < d.seq
                                        AND (p.user_id = d.user_id OR (p.user_id IS NULL AND d.user_id IS NULL)))
                    ORDER BY d.next_attempt_at LIMIT ? FOR UPDATE OF d SKIP LOCKED
                )
                UPDATE webhook_deliveries d SET status = 'RUNNING', claimed_by = ?, lease_until = ?, updated_at = ?
                FROM webhook_messages m, webhook_endpoints e
                WHERE d.id IN (SELECT id FROM due) AND m.id = d.message_id AND e.id = d.endpoint_id
                RETURNING d.id, d.message_id, d.endpoint_id, d.user_id, d.attempts, e.url, m.body::text AS body""")
                .params(at, at, max, claim, Timestamp.from(now.plus(lease)), at)
                .query(claimed(claim))
                .list();
    }

    /**
     * After {@code delivered} went out: claims the next delivery of its stream (endpoint and user) if it is due and
     * now the stream's head, under the same claim, so a busy stream flows at the pace of its round trips without a
     * search of all streams. Waits for a row lock rather than skipping it: a skipped head would let the one behind it
     * overtake. Empty when the head is someone else's, not due, or the stream is drained.
     */
    Optional<Claimed> claimNextOf(Claimed delivered, Duration lease) {
        Instant now = clock.instant();
        Timestamp at = Timestamp.from(now);
        String sameUser = delivered.userId() == null ? "n.user_id IS NULL" : "n.user_id = ?";
        List<Object> params = new ArrayList<>(List.of(delivered.claim(), Timestamp.from(now.plus(lease)), at, delivered.endpointId()));
        if (delivered.userId() != null) {
            params.add(delivered.userId());
        }
        params.add(at);
        return jdbc.sql("""
                UPDATE webhook_deliveries d SET status = 'RUNNING', claimed_by = ?, lease_until = ?, updated_at = ?
                FROM webhook_messages m, webhook_endpoints e
                WHERE d.id = (SELECT n.id FROM webhook_deliveries n
                              WHERE n.endpoint_id = ? AND %s AND n.status IN ('PENDING', 'RUNNING')
                              ORDER BY n.seq LIMIT 1 FOR UPDATE)
                  AND d.status = 'PENDING' AND d.next_attempt_at <= ? AND m.id = d.message_id AND e.id = d.endpoint_id AND e.enabled
                RETURNING d.id, d.message_id, d.endpoint_id, d.user_id, d.attempts, e.url, m.body::text AS body""".formatted(sameUser))
                .params(params)
                .query(claimed(delivered.claim()))
                .optional();
    }

    /** A claimed row, as both claims return it. */
    private static RowMapper<Claimed> claimed(String claim) {
        return (rs, row) -> new Claimed(rs.getObject("id", UUID.class), rs.getString("message_id"), rs.getObject("endpoint_id", UUID.class),
                rs.getString("user_id"), rs.getInt("attempts"), rs.getString("url"), rs.getString("body"), claim);
    }

    /**
     * Records the attempt and its outcome under the claim check: {@code status} DELIVERED, FAILED, or PENDING again
     * (due at {@code next}); false when the claim was lost (then nothing is written).
     */
    boolean settle(Claimed delivery, Attempt attempt, String status, Instant next) {
        Instant now = clock.instant();
        return jdbc.sql("""
                WITH settled AS (
                    UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, next_attempt_at = ?, last_status = ?,
                        last_error = ?, last_latency_ms = ?, delivered_at = CASE WHEN ? = 'DELIVERED' THEN ? ELSE delivered_at END,
                        lease_until = NULL, claimed_by = NULL, updated_at = ?
                    WHERE id = ? AND claimed_by = ? AND status = 'RUNNING'
                    RETURNING id
                )
                INSERT INTO webhook_attempts (delivery_id, attempt, started_at, status_code, latency_ms, error)
                SELECT settled.id, (SELECT coalesce(max(attempt), 0) + 1 FROM webhook_attempts WHERE delivery_id = settled.id), ?, ?, ?, ?
                FROM settled""")
                .params(status, Timestamp.from(next), attempt.status(), attempt.error(), attempt.latencyMs(), status, Timestamp.from(now),
                        Timestamp.from(now), delivery.id(), delivery.claim(), Timestamp.from(attempt.startedAt()), attempt.status(),
                        attempt.latencyMs(), attempt.error())
                .update() == 1;
    }

    /** Gives the claim back untouched (the endpoint was disabled or is gone meanwhile). */
    void release(Claimed delivery) {
        jdbc.sql("UPDATE webhook_deliveries SET status = 'PENDING', lease_until = NULL, claimed_by = NULL, updated_at = ? "
                + "WHERE id = ? AND claimed_by = ? AND status = 'RUNNING'").params(now(), delivery.id(), delivery.claim()).update();
    }

    /** A success: the endpoint is not failing (any more). */
    void endpointSucceeded(UUID endpointId) {
        jdbc.sql("UPDATE webhook_endpoints SET failing_since = NULL, updated_at = ? WHERE id = ? AND failing_since IS NOT NULL")
                .params(now(), endpointId).update();
    }

    /**
     * A failure: the endpoint is failing since now unless it was already; disabled (true) when it has failed for
     * {@code disableAfter} since then with no success in between.
     */
    boolean endpointFailed(UUID endpointId, Duration disableAfter) {
        Instant now = clock.instant();
        Timestamp since = jdbc.sql("UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, ?) WHERE id = ? RETURNING failing_since")
                .params(Timestamp.from(now), endpointId).query((rs, row) -> rs.getTimestamp(1)).optional().orElse(null);
        if (since == null || since.toInstant().plus(disableAfter).isAfter(now)) {
            return false;
        }
        return disable(endpointId, "deliveries failed for " + disableAfter.toDays() + " days with no success since " + since.toInstant());
    }

    /** Disables the endpoint with the reason; its deliveries wait, PENDING, until it is enabled again. */
    boolean disable(UUID endpointId, String reason) {
        return jdbc.sql("UPDATE webhook_endpoints SET enabled = false, disabled_reason = ?, version = version + 1, updated_at = ? "
                + "WHERE id = ? AND enabled").params(reason, now(), endpointId).update() == 1;
    }

    boolean endpointExists(UUID endpointId) {
        return jdbc.sql("SELECT count(*) FROM webhook_endpoints WHERE id = ?").param(endpointId).query(Integer.class).single() == 1;
    }

    /** The endpoint's deliveries, newest first, each with its attempts. */
    List<DeliveryView> list(UUID endpointId, String status, int limit) {
        List<DeliveryView> rows = jdbc.sql("SELECT " + VIEW_COLUMNS + """
                 FROM webhook_deliveries d JOIN webhook_messages m ON m.id = d.message_id
                WHERE d.endpoint_id = ? AND (CAST(? AS varchar) IS NULL OR d.status = ?)
                ORDER BY d.created_at DESC, d.seq DESC LIMIT ?""")
                .params(endpointId, status, status, limit).query(WebhookDeliveries::view).list();
        return withAttempts(rows);
    }

    Optional<DeliveryView> find(UUID endpointId, UUID deliveryId) {
        List<DeliveryView> rows = jdbc.sql("SELECT " + VIEW_COLUMNS + """
                 FROM webhook_deliveries d JOIN webhook_messages m ON m.id = d.message_id
                WHERE d.endpoint_id = ? AND d.id = ?""")
                .params(endpointId, deliveryId).query(WebhookDeliveries::view).list();
        return withAttempts(rows).stream().findFirst();
    }

    /** A FAILED or DELIVERED delivery queued again, due now, with a fresh count of attempts (same message, same id). */
    boolean replay(UUID endpointId, UUID deliveryId) {
        return jdbc.sql("UPDATE webhook_deliveries SET status = 'PENDING', attempts = 0, next_attempt_at = ?, delivered_at = NULL, "
                + "updated_at = ? WHERE endpoint_id = ? AND id = ? AND status IN ('FAILED', 'DELIVERED')")
                .params(now(), now(), endpointId, deliveryId).update() == 1;
    }

    /** Age in seconds of the oldest delivery not yet delivered to an enabled endpoint (0 when none). */
    double oldestUndeliveredSeconds() {
        Timestamp oldest = jdbc.sql("""
                SELECT min(d.created_at) FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
                WHERE d.status IN ('PENDING', 'RUNNING') AND e.enabled""").query((rs, row) -> rs.getTimestamp(1)).list().get(0);
        return oldest == null ? 0 : Math.max(0, Duration.between(oldest.toInstant(), clock.instant()).toMillis() / 1000.0);
    }

    private List<DeliveryView> withAttempts(List<DeliveryView> rows) {
        if (rows.isEmpty()) {
            return rows;
        }
        Map<UUID, List<AttemptView>> attempts = new LinkedHashMap<>();
        jdbc.sql("SELECT delivery_id, attempt, started_at, status_code, latency_ms, error FROM webhook_attempts "
                + "WHERE delivery_id = ANY (?) ORDER BY delivery_id, attempt")
                .param(rows.stream().map(DeliveryView::id).toArray(UUID[]::new))
                .query(rs -> {
                    attempts.computeIfAbsent(rs.getObject(1, UUID.class), id -> new ArrayList<>()).add(new AttemptView(rs.getInt(2),
                            rs.getTimestamp(3).toInstant(), (Integer) rs.getObject(4), rs.getInt(5), rs.getString(6)));
                });
        return rows.stream().map(row -> new DeliveryView(row.id(), row.messageId(), row.eventType(), row.status(), row.attempts(),
                row.lastStatus(), row.lastError(), row.lastLatencyMs(), row.nextAttemptAt(), row.deliveredAt(), row.createdAt(),
                attempts.getOrDefault(row.id(), List.of()))).toList();
    }

    private static DeliveryView view(ResultSet rs, int row) throws SQLException {
        Timestamp delivered = rs.getTimestamp("delivered_at");
        String status = rs.getString("status");
        boolean waiting = status.equals("PENDING") || status.equals("RUNNING");
        return new DeliveryView(rs.getObject("id", UUID.class), rs.getString("message_id"), rs.getString("event_type"), status,
                rs.getInt("attempts"), (Integer) rs.getObject("last_status"), rs.getString("last_error"),
                (Integer) rs.getObject("last_latency_ms"), waiting ? rs.getTimestamp("next_attempt_at").toInstant() : null,
                delivered == null ? null : delivered.toInstant(), rs.getTimestamp("created_at").toInstant(), List.of());
    }

    private Timestamp now() {
        return Timestamp.from(clock.instant());
    }
}
