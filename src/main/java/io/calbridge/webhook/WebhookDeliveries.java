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
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Repository;

/**
 * The deliveries of notifications to endpoints, sent stream by stream (a stream: one endpoint and one user). A sender
 * claims a due stream ({@code FOR UPDATE SKIP LOCKED} on its row, under a lease: a stream whose sender died is
 * claimed again when the lease runs out) and sends its head, the earliest undelivered delivery, then the next, so one
 * stream goes out in order, one at a time, whichever instance sends. Every outcome is written with a claim check: a
 * sender that lost its claim changes nothing.
 */
@Repository
class WebhookDeliveries {

    private static final String VIEW_COLUMNS = "d.id, d.message_id, m.event_type, d.status, d.attempts, d.last_status, d.last_error, "
            + "d.last_latency_ms, d.next_attempt_at, d.delivered_at, d.created_at";
    /**
     * How soon a claimed stream whose head the claim could not see is due again: soon, for the rare one whose
     * delivery committed as the claim began; not at once, for one whose deliveries were removed by hand.
     */
    private static final Duration HEADLESS_RETRY = Duration.ofSeconds(5);

    /** Notifications deleted per statement when old ones are purged: short statements, however much there is. */
    private static final int PURGE_BATCH = 5_000;

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Duration retention;

    WebhookDeliveries(JdbcClient jdbc, Clock clock, WebhookProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.retention = properties.retention();
    }

    /** A claimed delivery with what sending it takes; {@code claim} holds its stream. */
    record Claimed(UUID id, String messageId, UUID endpointId, String userId, int attempts, String url, String body, String claim) {

        String userKey() {
            return Outbox.userKey(userId);
        }
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
     * Claims up to {@code max} due streams of enabled endpoints under the claim {@code claim}, the lease starting now,
     * and answers the head of each. A claimed stream whose head this statement could not see is given back, due again
     * in {@link #HEADLESS_RETRY}.
     */
    List<Claimed> claim(int max, String claim, Duration lease) {
        Instant now = clock.instant();
        List<Claimed> heads = new ArrayList<>();
        jdbc.sql("""
                WITH due AS (
                    SELECT s.endpoint_id, s.user_key FROM webhook_streams s JOIN webhook_endpoints e ON e.id = s.endpoint_id
                    WHERE s.next_attempt_at <= ? AND e.enabled
                    ORDER BY s.next_attempt_at LIMIT ? FOR UPDATE OF s SKIP LOCKED
                ), streams AS (
                    UPDATE webhook_streams s SET claimed_by = ?, next_attempt_at = ?
                    FROM due WHERE s.endpoint_id = due.endpoint_id AND s.user_key = due.user_key
                    RETURNING s.endpoint_id, s.user_key
                )
                SELECT streams.endpoint_id AS stream_endpoint_id, streams.user_key AS stream_user_key, head.*
                FROM streams LEFT JOIN LATERAL (%s) head ON true""".formatted(headOf("streams", "")))
                .params(Timestamp.from(now), max, claim, Timestamp.from(now.plus(lease)))
                .query(rs -> {
                    if (rs.getObject("id") != null) {
                        heads.add(claimed(rs, claim));
                    } else {
                        // its deliveries are not visible yet (written as this statement began), or gone
                        release(rs.getObject("stream_endpoint_id", UUID.class), rs.getString("stream_user_key"), claim, HEADLESS_RETRY);
                    }
                });
        return heads;
    }

    /**
     * The earliest undelivered delivery of the stream that {@code stream} (a CTE with endpoint_id and user_key) names,
     * with what sending it takes; {@code also} narrows it further.
     */
    private static String headOf(String stream, String also) {
        return """
                SELECT d.id, d.message_id, d.endpoint_id, d.user_id, d.attempts, e.url, m.body::text AS body
                FROM webhook_deliveries d JOIN webhook_messages m ON m.id = d.message_id JOIN webhook_endpoints e ON e.id = d.endpoint_id
                WHERE d.endpoint_id = %1$s.endpoint_id AND coalesce(d.user_id, '') = %1$s.user_key AND d.status = 'PENDING' AND e.enabled %2$s
                ORDER BY d.seq LIMIT 1""".formatted(stream, also);
    }

    private static Claimed claimed(ResultSet rs, String claim) throws SQLException {
        return new Claimed(rs.getObject("id", UUID.class), rs.getString("message_id"), rs.getObject("endpoint_id", UUID.class),
                rs.getString("user_id"), rs.getInt("attempts"), rs.getString("url"), rs.getString("body"), claim);
    }

    /** What settling a delivery answered. */
    record Settled(boolean recorded, Claimed next) {

        static final Settled LOST = new Settled(false, null);
    }

    /**
     * Records the attempt and its outcome under the claim check: {@code status} DELIVERED, FAILED, or PENDING again
     * (due at {@code next}). A delivered or failed one leaves its stream; with {@code keepClaim} the sender keeps the
     * stream, its lease renewed, and the answer carries the stream's next delivery to send; else the stream is given
     * back, due at once (or, PENDING, at {@code next}). {@link Settled#LOST} when the claim was lost (nothing written).
     */
    Settled settle(Claimed delivery, Attempt attempt, String status, Instant next, boolean keepClaim, Duration lease) {
        Instant now = clock.instant();
        boolean done = !status.equals("PENDING");
        boolean keep = done && keepClaim;
        Instant streamNext = !done ? next : keep ? now.plus(lease) : now;
        int left = done ? 1 : 0;
        List<Settled> answer = new ArrayList<>();
        jdbc.sql("""
                WITH stream AS (
                    UPDATE webhook_streams SET pending = pending - ?,
                        next_attempt_at = CASE WHEN pending - ? > 0 THEN CAST(? AS timestamptz) END,
                        claimed_by = CASE WHEN pending - ? > 0 AND CAST(? AS boolean) THEN claimed_by END
                    WHERE endpoint_id = ? AND user_key = ? AND claimed_by = ?
                    RETURNING endpoint_id, user_key, claimed_by
                ), settled AS (
                    UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, next_attempt_at = ?, last_status = ?,
                        last_error = ?, last_latency_ms = ?, delivered_at = CASE WHEN ? = 'DELIVERED' THEN CAST(? AS timestamptz) ELSE delivered_at END,
                        updated_at = ?
                    WHERE id = ? AND status = 'PENDING' AND EXISTS (SELECT 1 FROM stream)
                    RETURNING id
                ), attempt AS (
                    INSERT INTO webhook_attempts (delivery_id, attempt, started_at, status_code, latency_ms, error)
                    SELECT settled.id, (SELECT coalesce(max(attempt), 0) + 1 FROM webhook_attempts WHERE delivery_id = settled.id), ?, ?, ?, ?
                    FROM settled
                )
                SELECT stream.claimed_by AS kept, head.* FROM stream
                LEFT JOIN LATERAL (%s) head ON stream.claimed_by IS NOT NULL""".formatted(headOf("stream", "AND d.id <> ?")))
                .params(left, left, Timestamp.from(streamNext), left, keep, delivery.endpointId(), delivery.userKey(), delivery.claim(),
                        status, Timestamp.from(next), attempt.status(), attempt.error(), attempt.latencyMs(), status, Timestamp.from(now),
                        Timestamp.from(now), delivery.id(), Timestamp.from(attempt.startedAt()), attempt.status(), attempt.latencyMs(),
                        attempt.error(), delivery.id())
                .query(rs -> {
                    Claimed head = rs.getObject("id") == null ? null : claimed(rs, delivery.claim());
                    answer.add(new Settled(true, head));
                    if (rs.getString("kept") != null && head == null) {
                        // more to send, but not visible to this statement (committed while it waited), or the endpoint was disabled
                        release(delivery.endpointId(), delivery.userKey(), delivery.claim(), Duration.ZERO);
                    }
                });
        return answer.isEmpty() ? Settled.LOST : answer.get(0);
    }

    /** Gives the delivery's stream back unsent, due at once unless its endpoint is disabled. */
    void release(Claimed delivery) {
        release(delivery.endpointId(), delivery.userKey(), delivery.claim(), Duration.ZERO);
    }

    private void release(UUID endpointId, String userKey, String claim, Duration after) {
        jdbc.sql("""
                UPDATE webhook_streams s SET claimed_by = NULL,
                    next_attempt_at = CASE WHEN s.pending > 0 AND e.enabled THEN CAST(? AS timestamptz) END
                FROM webhook_endpoints e
                WHERE s.endpoint_id = ? AND s.user_key = ? AND s.claimed_by = ? AND e.id = s.endpoint_id""")
                .params(Timestamp.from(clock.instant().plus(after)), endpointId, userKey, claim).update();
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
        boolean disabled = jdbc.sql("UPDATE webhook_endpoints SET enabled = false, disabled_reason = ?, version = version + 1, updated_at = ? "
                + "WHERE id = ? AND enabled").params(reason, now(), endpointId).update() == 1;
        followEndpoint(endpointId);
        return disabled;
    }

    /**
     * After the endpoint was enabled or disabled: its streams with something to send are due now, or (disabled) not
     * due at all, so that a claim never walks past the streams of disabled endpoints. A claimed stream is left to its
     * sender, who gives it back the same way.
     */
    void followEndpoint(UUID endpointId) {
        jdbc.sql("""
                UPDATE webhook_streams s SET next_attempt_at = CASE WHEN e.enabled THEN coalesce(s.next_attempt_at, ?) END
                FROM webhook_endpoints e
                WHERE s.endpoint_id = ? AND e.id = s.endpoint_id AND s.pending > 0 AND s.claimed_by IS NULL""")
                .params(now(), endpointId).update();
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

    /**
     * A FAILED or DELIVERED delivery queued again, due now, with a fresh count of attempts (same message, same id); it
     * becomes the head of its stream, being older than whatever waits there.
     */
    boolean replay(UUID endpointId, UUID deliveryId) {
        Timestamp now = now();
        return jdbc.sql("""
                WITH replayed AS (
                    UPDATE webhook_deliveries SET status = 'PENDING', attempts = 0, next_attempt_at = ?, delivered_at = NULL, updated_at = ?
                    WHERE endpoint_id = ? AND id = ? AND status IN ('FAILED', 'DELIVERED')
                    RETURNING endpoint_id, coalesce(user_id, '') AS user_key
                )
                UPDATE webhook_streams s SET pending = s.pending + 1,
                    next_attempt_at = CASE WHEN e.enabled THEN coalesce(s.next_attempt_at, ?) ELSE s.next_attempt_at END
                FROM replayed, webhook_endpoints e
                WHERE s.endpoint_id = replayed.endpoint_id AND s.user_key = replayed.user_key AND e.id = s.endpoint_id""")
                .params(now, now, endpointId, deliveryId, now).update() == 1;
    }

    /** Age in seconds of the oldest delivery not yet delivered to an enabled endpoint (0 when none). */
    double oldestUndeliveredSeconds() {
        Timestamp oldest = jdbc.sql("""
                SELECT min(d.created_at) FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
                WHERE d.status = 'PENDING' AND e.enabled""").query((rs, row) -> rs.getTimestamp(1)).list().get(0);
        return oldest == null ? 0 : Math.max(0, Duration.between(oldest.toInstant(), clock.instant()).toMillis() / 1000.0);
    }

    /**
     * Deletes the notifications older than the retention whose deliveries are all DELIVERED or FAILED, with their
     * deliveries and attempts; answers how many. Every instance runs it; they only share the work.
     */
    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT5M")
    int purgeOld() {
        Timestamp before = Timestamp.from(clock.instant().minus(retention));
        int total = 0;
        int deleted;
        do {
            deleted = jdbc.sql("""
                    DELETE FROM webhook_messages WHERE id IN (
                        SELECT m.id FROM webhook_messages m
                        WHERE m.created_at < ?
                          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.message_id = m.id AND d.status = 'PENDING')
                        ORDER BY m.created_at LIMIT ?)""")
                    .params(before, PURGE_BATCH).update();
            total += deleted;
        } while (deleted == PURGE_BATCH);
        return total;
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
        boolean waiting = status.equals("PENDING");
        return new DeliveryView(rs.getObject("id", UUID.class), rs.getString("message_id"), rs.getString("event_type"), status,
                rs.getInt("attempts"), (Integer) rs.getObject("last_status"), rs.getString("last_error"),
                (Integer) rs.getObject("last_latency_ms"), waiting ? rs.getTimestamp("next_attempt_at").toInstant() : null,
                delivered == null ? null : delivered.toInstant(), rs.getTimestamp("created_at").toInstant(), List.of());
    }

    private Timestamp now() {
        return Timestamp.from(clock.instant());
    }
}
