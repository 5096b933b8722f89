package io.calbridge.webhook;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
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
     * must know whose change it is). Returns the id (the webhook-id) it has if some endpoint is subscribed to the type
     * when the transaction commits.
     *
     * <p>The notifications are written just before the transaction commits, all in a row, ordered by user: each delivery
     * locks its stream's row (endpoint and user) until the transaction ends, so that the stream's order is the commit
     * order, and a lock taken that late is held only for the commit, and never in an order that can deadlock.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public String add(String userId, String type, Map<String, ?> data) {
        Map<String, Object> payload = new LinkedHashMap<>();
        if (userId != null) {
            payload.put("userId", userId);
        }
        payload.putAll(data);
        String id = newMessageId();
        writeBeforeCommit().add(new Notification(id, type, userId, payload, clock.instant()));
        return id;
    }

    /**
     * A {@code webhook.test} notification for that one endpoint, whatever it subscribed to (no user: the endpoint's
     * stream without a user). Returns its id, or null when there is no such endpoint.
     */
    @Transactional
    public String addTest(UUID endpointId) {
        String id = newMessageId();
        Notification test = new Notification(id, EventTypes.WEBHOOK_TEST, null, Map.of("endpointId", endpointId.toString()), clock.instant());
        if (!write(test, "SELECT id FROM webhook_endpoints WHERE id = ?", endpointId)) {
            return null;
        }
        wakeDelivererAfterCommit();
        return id;
    }

    /**
     * One statement: the message only if some endpoint of {@code endpointsQuery} is there, a delivery for each, and each
     * delivery's place at the end of its stream. Answers whether any delivery was written.
     */
    private boolean write(Notification notification, String endpointsQuery, Object endpointsParam) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", notification.type());
        body.put("timestamp", notification.at().toString());
        body.put("data", notification.data());
        String userId = notification.userId();
        Timestamp at = Timestamp.from(notification.at());
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
                .params(endpointsParam, notification.id(), notification.type(), userId, json.writeValueAsString(body), at, userKey(userId), at,
                        userId, at, at, at)
                .query(Integer.class).single();
        return deliveries > 0;
    }

    private record Notification(String id, String type, String userId, Map<String, ?> data, Instant at) {
    }

    /** The current transaction's notifications not yet written (found among its synchronizations, so a suspended one keeps its own). */
    private List<Notification> writeBeforeCommit() {
        for (TransactionSynchronization synchronization : TransactionSynchronizationManager.getSynchronizations()) {
            if (synchronization instanceof WriteBeforeCommit write && write.outbox == this) {
                return write.notifications;
            }
        }
        WriteBeforeCommit write = new WriteBeforeCommit(this);
        TransactionSynchronizationManager.registerSynchronization(write);
        return write.notifications;
    }

    /** Writes a transaction's notifications just before it commits, and wakes this instance's deliverer after it did. */
    private static final class WriteBeforeCommit implements TransactionSynchronization {

        private final Outbox outbox;
        private final List<Notification> notifications = new ArrayList<>();
        private boolean written;

        WriteBeforeCommit(Outbox outbox) {
            this.outbox = outbox;
        }

        @Override
        public void beforeCommit(boolean readOnly) {
            // a stable sort: a user's notifications keep the order they were added in
            List<Notification> byUser = new ArrayList<>(notifications);
            byUser.sort(Comparator.comparing(notification -> userKey(notification.userId())));
            for (Notification notification : byUser) {
                written |= outbox.write(notification, "SELECT id FROM webhook_endpoints WHERE enabled AND ? = ANY (event_types)",
                        notification.type());
            }
        }

        @Override
        public void afterCommit() {
            if (written) {
                outbox.deliverer.ifAvailable(WebhookDeliverer::wake);
            }
        }
    }

    /** A stream's user: the user id, or '' for notifications about no user. */
    static String userKey(String userId) {
        return userId == null ? "" : userId;
    }

    /** This instance sends at once after the commit instead of at its next poll. */
    private void wakeDelivererAfterCommit() {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                deliverer.ifAvailable(WebhookDeliverer::wake);
            }
        });
    }

    /** {@code msg_} and 128 random bits: unique across instances without a round trip. */
    static String newMessageId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return "msg_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
