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
     * must know whose change it is). Returns its id (the webhook-id), or
     * null when no endpoint is subscribed to the type.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public String add(String userId, String type, Map<String, ?> data) {
        Instant now = clock.instant();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type);
        body.put("timestamp", now.toString());
        Map<String, Object> payload = new LinkedHashMap<>();
        if (userId != null) {
            payload.put("userId", userId);
        }
        payload.putAll(data);
        body.put("data", payload);
        String id = newMessageId();
        Timestamp at = Timestamp.from(now);
        // one statement: the message only if some endpoint wants it, and its deliveries
        Integer deliveries = jdbc.sql("""
                WITH subscribed AS (
                    SELECT id FROM webhook_endpoints WHERE enabled AND ? = ANY (event_types)
                ), message AS (
                    INSERT INTO webhook_messages (id, event_type, user_id, body, created_at)
                    SELECT ?, ?, ?, ?::jsonb, ? WHERE EXISTS (SELECT 1 FROM subscribed)
                    RETURNING id, seq
                ), delivery AS (
                    INSERT INTO webhook_deliveries (id, message_id, endpoint_id, user_id, seq, status, next_attempt_at, created_at, updated_at)
                    SELECT gen_random_uuid(), message.id, subscribed.id, ?, message.seq, 'PENDING', ?, ?, ?
                    FROM message CROSS JOIN subscribed
                    RETURNING 1
                )
                SELECT count(*) FROM delivery""")
                .params(type, id, type, userId, json.writeValueAsString(body), at, userId, at, at, at)
                .query(Integer.class).single();
        if (deliveries == 0) {
            return null;
        }
        wakeDelivererAfterCommit();
        return id;
    }

    /**
     * A {@code webhook.test} notification for that one endpoint, whatever it subscribed to (no user: the endpoint's
     * stream without a user). Returns its id, or null when there is no such endpoint.
     */
    @Transactional
    public String addTest(UUID endpointId) {
        Instant now = clock.instant();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", EventTypes.WEBHOOK_TEST);
        body.put("timestamp", now.toString());
        body.put("data", Map.of("endpointId", endpointId.toString()));
        String id = newMessageId();
        Timestamp at = Timestamp.from(now);
        Integer deliveries = jdbc.sql("""
                WITH endpoint AS (
                    SELECT id FROM webhook_endpoints WHERE id = ?
                ), message AS (
                    INSERT INTO webhook_messages (id, event_type, user_id, body, created_at)
                    SELECT ?, ?, NULL, ?::jsonb, ? WHERE EXISTS (SELECT 1 FROM endpoint)
                    RETURNING id, seq
                ), delivery AS (
                    INSERT INTO webhook_deliveries (id, message_id, endpoint_id, user_id, seq, status, next_attempt_at, created_at, updated_at)
                    SELECT gen_random_uuid(), message.id, endpoint.id, NULL, message.seq, 'PENDING', ?, ?, ?
                    FROM message CROSS JOIN endpoint
                    RETURNING 1
                )
                SELECT count(*) FROM delivery""")
                .params(endpointId, id, EventTypes.WEBHOOK_TEST, json.writeValueAsString(body), at, at, at, at)
                .query(Integer.class).single();
        if (deliveries == 0) {
            return null;
        }
        wakeDelivererAfterCommit();
        return id;
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
