package io.calbridge.webhook;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
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

    Outbox(JdbcClient jdbc, JsonMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Adds a notification of {@code type} about {@code userId} (null: about no user) with {@code data} as its payload;
     * the body is the Standard Webhooks envelope {@code {type, timestamp, data}}. Returns its id (the webhook-id), or
     * null when no endpoint is subscribed to the type.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public String add(String userId, String type, Map<String, ?> data) {
        Instant now = clock.instant();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type);
        body.put("timestamp", now.toString());
        body.put("data", data);
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
        return deliveries > 0 ? id : null;
    }

    /** {@code msg_} and 128 random bits: unique across instances without a round trip. */
    static String newMessageId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return "msg_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
