package io.calbridge.webhook;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes change notifications for the app into the outbox, inside the transaction of the change that causes them
 * (so a committed change always has its notification, and a rolled-back one never does), with one delivery for each
 * enabled endpoint subscribed to the type. Nothing is written when no endpoint wants the type.
 */
@Component
public class Outbox {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;
    /** Lazily: the deliverer is woken after a commit, and is no dependency of the writers of notifications. */
    private final ObjectProvider<WebhookDeliverer> deliverer;

    Outbox(JdbcClient jdbc, JsonMapper json, Clock clock, ObjectProvider<WebhookDeliverer> deliverer) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        this.deliverer = deliverer;
    }

    /**
     * Adds a notification of {@code type} about {@code userId} (null: about no user) with {@code data} as its payload;
     * the body is the Standard Webhooks envelope {@code {type, timestamp, data}}, data led by the {@code userId} (the app
     * must know whose change it is). Returns its id (the webhook-id), or null when no endpoint is subscribed to the type.
     *
     * <p>Each delivery locks its stream's row (endpoint and user) until the transaction ends, so the stream's order is
     * the commit order. A transaction that adds for several users locks several streams: add in a stable order (by
     * user id) where two such transactions may run at once, or one may have to retry after a deadlock.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public String add(String userId, String type, Map<String, ?> data) {
        Map<String, Object> payload = new LinkedHashMap<>();
        if (userId != null) {
            payload.put("userId", userId);
        }
        payload.putAll(data);
        return write(type, userId, payload, "SELECT id FROM webhook_endpoints WHERE enabled AND ? = ANY (event_types)", type);
    }

    /**
     * A {@code webhook.test} notification for that one endpoint, whatever it subscribed to (no user: the endpoint's
     * stream without a user). Returns its id, or null when there is no such endpoint.
     */
    @Transactional
    public String addTest(UUID endpointId) {
        return write(EventTypes.WEBHOOK_TEST, null, Map.of("endpointId", endpointId.toString()),
                "SELECT id FROM webhook_endpoints WHERE id = ?", endpointId);
    }

    /**
     * One statement: the message only if some endpoint of {@code endpointsQuery} is there, a delivery for each, and each
     * delivery's place at the end of its stream.
     */
    private String write(String type, String userId, Map<String, ?> data, String endpointsQuery, Object endpointsParam) {
        Instant now = clock.instant();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type);
        body.put("timestamp", now.toString());
        body.put("data", data);
        String id = newMessageId();
        Timestamp at = Timestamp.from(now);
        Integer deliveries = jdbc.sql("""
                WITH subscribed AS (
                    %s
                ), message AS (
                    INSERT INTO webhook_messages (id, event_type, user_id, body, created_at)
                    SELECT ?, ?, ?, ?::jsonb, ? WHERE EXISTS (SELECT 1 FROM subscribed)
                    RETURNING id
                ), stream AS (
                    INSERT INTO webhook_streams (endpoint_id, user_key, last_seq, pending, next_attempt_at)
                    SELECT id, ?, 1, 1, ? FROM subscribed
                    ON CONFLICT (endpoint_id, user_key) DO UPDATE SET last_seq = webhook_streams.last_seq + 1,
                        pending = webhook_streams.pending + 1,
                        next_attempt_at = coalesce(webhook_streams.next_attempt_at, EXCLUDED.next_attempt_at)
                    RETURNING endpoint_id, last_seq
                ), delivery AS (
                    INSERT INTO webhook_deliveries (id, message_id, endpoint_id, user_id, seq, status, next_attempt_at, created_at, updated_at)
                    SELECT gen_random_uuid(), message.id, stream.endpoint_id, ?, stream.last_seq, 'PENDING', ?, ?, ?
                    FROM message CROSS JOIN stream
                    RETURNING 1
                )
                SELECT count(*) FROM delivery""".formatted(endpointsQuery))
                .params(endpointsParam, id, type, userId, json.writeValueAsString(body), at, userKey(userId), at, userId, at, at, at)
                .query(Integer.class).single();
        if (deliveries == 0) {
            return null;
        }
        wakeDelivererAfterCommit();
        return id;
    }

    /** A stream's user: the user id, or '' for notifications about no user. */
    static String userKey(String userId) {
        return userId == null ? "" : userId;
    }

    /** This instance sends at once after the commit instead of at its next poll. */
    private void wakeDelivererAfterCommit() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    deliverer.ifAvailable(WebhookDeliverer::wake);
                }
            });
        }
    }

    /** {@code msg_} and 128 random bits: unique across instances without a round trip. */
    static String newMessageId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return "msg_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
