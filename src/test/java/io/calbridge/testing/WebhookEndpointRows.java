package io.calbridge.testing;

import io.calbridge.platform.crypto.TokenCipher;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Webhook endpoints written straight into the table, their secrets sealed as calbridge seals them: for the delivery
 * tests, independent of the endpoints API.
 */
public final class WebhookEndpointRows {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final TokenCipher cipher;

    public WebhookEndpointRows(JdbcClient jdbc, TokenCipher cipher) {
        this.jdbc = jdbc;
        this.cipher = cipher;
    }

    /** Rows in the database at {@code databaseUrl} (another process's), sealed with {@code tokenKeys}. */
    public static WebhookEndpointRows in(String databaseUrl, String tokenKeys) {
        return new WebhookEndpointRows(JdbcClient.create(new DriverManagerDataSource(databaseUrl, "postgres", "")), TokenCipher.fromSpec(tokenKeys));
    }

    public JdbcClient jdbc() {
        return jdbc;
    }

    public record Endpoint(UUID id, String secret) {
    }

    public static String newSecret() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return "whsec_" + Base64.getEncoder().encodeToString(bytes);
    }

    /** An enabled endpoint at {@code url} subscribed to {@code eventTypes}, with a fresh secret. */
    public Endpoint insert(String url, List<String> eventTypes) {
        return insert(url, eventTypes, newSecret());
    }

    public Endpoint insert(String url, List<String> eventTypes, String secret) {
        UUID id = UUID.randomUUID();
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.sql("INSERT INTO webhook_endpoints (id, url, event_types, enabled, secret_enc, created_at, updated_at) "
                        + "VALUES (?, ?, ?, true, ?, ?, ?)")
                .params(id, url, eventTypes.toArray(String[]::new), cipher.encrypt(secret, "webhook_endpoints/" + id + "/secret"), now, now)
                .update();
        return new Endpoint(id, secret);
    }

    /** A rotation: {@code newSecret} signs from now on, the old one too until {@code previousUntil}. */
    public void rotate(Endpoint endpoint, String newSecret, Instant previousUntil) {
        jdbc.sql("UPDATE webhook_endpoints SET secret_enc = ?, previous_secret_enc = ?, previous_secret_until = ? WHERE id = ?")
                .params(cipher.encrypt(newSecret, "webhook_endpoints/" + endpoint.id() + "/secret"),
                        cipher.encrypt(endpoint.secret(), "webhook_endpoints/" + endpoint.id() + "/previous_secret"),
                        Timestamp.from(previousUntil), endpoint.id())
                .update();
    }

    /**
     * {@code count} notifications in the outbox for the endpoint, as {@code Outbox#add} writes them, spread over
     * {@code users} users ({@code <prefix>-u<n % users>}); data {@code {userId, n}}, n from 1 in stream order.
     */
    public void insertMessages(Endpoint endpoint, String prefix, int count, int users) {
        jdbc.sql("""
                INSERT INTO webhook_messages (id, event_type, user_id, body, created_at)
                SELECT 'msg_' || ? || '_' || g, 'connection.connected', ? || '-u' || (g % ?),
                       jsonb_build_object('type', 'connection.connected', 'timestamp', now()::text,
                                          'data', jsonb_build_object('userId', ? || '-u' || (g % ?), 'n', g)), now()
                FROM generate_series(1, ?) g""")
                .params(prefix, prefix, users, prefix, users, count).update();
        jdbc.sql("""
                INSERT INTO webhook_deliveries (id, message_id, endpoint_id, user_id, seq, status, next_attempt_at, created_at, updated_at)
                SELECT gen_random_uuid(), id, ?, user_id, (body -> 'data' ->> 'n')::bigint, 'PENDING', now(), now(), now() FROM webhook_messages
                WHERE id LIKE 'msg_' || ? || '\\_%'""")
                .params(endpoint.id(), prefix).update();
        jdbc.sql("""
                INSERT INTO webhook_streams (endpoint_id, user_key, last_seq, pending, next_attempt_at)
                SELECT endpoint_id, user_id, max(seq), count(*), now() FROM webhook_deliveries
                WHERE endpoint_id = ? AND message_id LIKE 'msg_' || ? || '\\_%' GROUP BY endpoint_id, user_id""")
                .params(endpoint.id(), prefix).update();
    }

    public void delete(UUID id) {
        jdbc.sql("DELETE FROM webhook_endpoints WHERE id = ?").param(id).update();
    }
}
