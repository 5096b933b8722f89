package io.calbridge.webhook;

import io.calbridge.platform.crypto.SecretsOwner;
import io.calbridge.platform.crypto.TokenCipher;
import io.calbridge.platform.web.ApiProblem;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The app's webhook endpoints in PostgreSQL. Each has a signing secret ({@code whsec_} + base64 of 24 random bytes,
 * as Standard Webhooks libraries expect), sealed with {@link TokenCipher} and bound to its row and column; after a
 * rotation the previous secret keeps signing beside the new one for a grace period, so the app can switch over
 * without losing a delivery. Secrets leave this class only as the answer to a create or a rotation, and to the signer.
 */
@Component
class WebhookEndpoints implements SecretsOwner {

    static final String SECRET_PREFIX = "whsec_";
    private static final int SECRET_BYTES = 24;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS = "id, url, event_types, description, enabled, disabled_reason, failing_since, created_at, updated_at";

    private final JdbcClient jdbc;
    private final TokenCipher cipher;
    private final Clock clock;
    private final TransactionTemplate transactions;
    private final Duration rotationGrace;
    private final WebhookDeliveries deliveries;

    WebhookEndpoints(JdbcClient jdbc, TokenCipher cipher, Clock clock, TransactionTemplate transactions, WebhookProperties properties,
            WebhookDeliveries deliveries) {
        this.jdbc = jdbc;
        this.deliveries = deliveries;
        this.cipher = cipher;
        this.clock = clock;
        this.transactions = transactions;
        this.rotationGrace = properties.rotationGrace();
    }

    /** A new endpoint and its secret, which is shown to the caller this once. */
    record Created(WebhookEndpoint endpoint, String secret) {
        @Override
        public String toString() {
            return "Created[endpoint=" + endpoint + "]";
        }
    }

    /** The new secret of a rotation, and until when the previous one still signs. */
    record Rotated(String secret, Instant previousSecretValidUntil) {
        @Override
        public String toString() {
            return "Rotated[previousSecretValidUntil=" + previousSecretValidUntil + "]";
        }
    }

    /** A change of an endpoint; null fields stay as they are, "" as description clears it. Already validated. */
    record Changes(String url, List<String> eventTypes, String description, Boolean enabled) {
    }

    Created create(String url, List<String> eventTypes, String description, boolean enabled) {
        UUID id = UUID.randomUUID();
        String secret = newSecret();
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.sql("""
                INSERT INTO webhook_endpoints (id, url, description, event_types, enabled, secret_enc, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(id, url, description, eventTypes.toArray(String[]::new), enabled, cipher.encrypt(secret, secretContext(id)), now, now)
                .update();
        return new Created(find(id).orElseThrow(), secret);
    }

    List<WebhookEndpoint> list() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM webhook_endpoints ORDER BY created_at, id").query(WebhookEndpoints::map).list();
    }

    Optional<WebhookEndpoint> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM webhook_endpoints WHERE id = ?").param(id).query(WebhookEndpoints::map).optional();
    }

    /**
     * Applies a change. Enabling a disabled endpoint starts it afresh: its disabled reason and failing-since are
     * cleared (else the next failure would disable it again at once); disabling it by hand records no reason.
     */
    WebhookEndpoint update(UUID id, Changes changes) {
        return transactions.execute(tx -> {
            WebhookEndpoint current = jdbc.sql("SELECT " + COLUMNS + " FROM webhook_endpoints WHERE id = ? FOR UPDATE").param(id)
                    .query(WebhookEndpoints::map).optional().orElseThrow(() -> ApiProblem.notFound("webhook endpoint"));
            boolean enabled = changes.enabled() != null ? changes.enabled() : current.enabled();
            boolean switched = enabled != current.enabled();
            String description = changes.description() == null ? current.description()
                    : changes.description().isEmpty() ? null : changes.description();
            jdbc.sql("""
                    UPDATE webhook_endpoints SET url = ?, event_types = ?, description = ?, enabled = ?, disabled_reason = ?,
                        failing_since = ?, version = version + 1, updated_at = ?
                    WHERE id = ?""")
                    .params(changes.url() != null ? changes.url() : current.url(),
                            (changes.eventTypes() != null ? changes.eventTypes() : current.eventTypes()).toArray(String[]::new),
                            description, enabled, switched ? null : current.disabledReason(),
                            timestamp(switched && enabled ? null : current.failingSince()), Timestamp.from(clock.instant()), id)
                    .update();
            if (switched) {
                deliveries.followEndpoint(id);
            }
            return find(id).orElseThrow();
        });
    }

    /**
     * Deletes the endpoint; its deliveries and their attempts go with it (foreign keys), and so do the notifications
     * that no other endpoint was to receive. False when there was no such endpoint.
     */
    boolean delete(UUID id) {
        return Boolean.TRUE.equals(transactions.execute(tx -> {
            jdbc.sql("""
                    DELETE FROM webhook_messages m
                    WHERE m.id IN (SELECT message_id FROM webhook_deliveries WHERE endpoint_id = ?)
                      AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.message_id = m.id AND d.endpoint_id <> ?)""")
                    .params(id, id).update();
            return jdbc.sql("DELETE FROM webhook_endpoints WHERE id = ?").param(id).update() > 0;
        }));
    }

    /**
     * A new secret; the current one becomes the previous one and signs beside it for the grace period
     * ({@code calbridge.webhook.rotation-grace}). A previous secret of an earlier rotation is dropped: at most two sign.
     */
    Rotated rotate(UUID id) {
        return transactions.execute(tx -> {
            byte[] sealed = jdbc.sql("SELECT secret_enc FROM webhook_endpoints WHERE id = ? FOR UPDATE").param(id)
                    .query((rs, row) -> rs.getBytes(1)).optional().orElseThrow(() -> ApiProblem.notFound("webhook endpoint"));
            String previous = cipher.decrypt(sealed, secretContext(id));
            String secret = newSecret();
            Instant now = clock.instant();
            Instant until = now.plus(rotationGrace);
            jdbc.sql("""
                    UPDATE webhook_endpoints SET secret_enc = ?, previous_secret_enc = ?, previous_secret_until = ?,
                        version = version + 1, updated_at = ?
                    WHERE id = ?""")
                    .params(cipher.encrypt(secret, secretContext(id)), cipher.encrypt(previous, previousSecretContext(id)),
                            Timestamp.from(until), Timestamp.from(now), id)
                    .update();
            return new Rotated(secret, until);
        });
    }

    /**
     * The secrets that sign a delivery to the endpoint at {@code now}: the current one first, then the previous one
     * while its grace period lasts; each a {@code whsec_...} string. Empty for an unknown endpoint.
     */
    List<String> signingSecrets(UUID endpointId, Instant now) {
        return jdbc.sql("SELECT secret_enc, previous_secret_enc, previous_secret_until FROM webhook_endpoints WHERE id = ?")
                .param(endpointId)
                .query((rs, row) -> {
                    List<String> secrets = new ArrayList<>(2);
                    secrets.add(cipher.decrypt(rs.getBytes(1), secretContext(endpointId)));
                    Timestamp until = rs.getTimestamp(3);
                    byte[] previous = rs.getBytes(2);
                    if (previous != null && until != null && until.toInstant().isAfter(now)) {
                        secrets.add(cipher.decrypt(previous, previousSecretContext(endpointId)));
                    }
                    return List.copyOf(secrets);
                })
                .optional().orElse(List.of());
    }

    @Override
    public int reencryptAll(TokenCipher current) {
        int count = 0;
        List<Object[]> rows = jdbc.sql("SELECT id, secret_enc, previous_secret_enc FROM webhook_endpoints")
                .query((rs, row) -> new Object[] {rs.getObject(1, UUID.class), rs.getBytes(2), rs.getBytes(3)}).list();
        for (Object[] row : rows) {
            UUID id = (UUID) row[0];
            byte[] secret = (byte[]) row[1];
            byte[] previous = (byte[]) row[2];
            if (current.isCurrent(secret) && current.isCurrent(previous)) {
                continue;
            }
            byte[] resealed = reseal(current, secret, secretContext(id));
            byte[] previousResealed = reseal(current, previous, previousSecretContext(id));
            // only if nothing rotated meanwhile: a rotation seals under the current key anyway
            count += jdbc.sql("""
                    UPDATE webhook_endpoints SET secret_enc = ?, previous_secret_enc = ?
                    WHERE id = ? AND secret_enc = ? AND previous_secret_enc IS NOT DISTINCT FROM ?""")
                    .params(resealed, previousResealed, id, secret, previous).update();
        }
        return count;
    }

    private static byte[] reseal(TokenCipher current, byte[] sealed, String context) {
        return current.isCurrent(sealed) ? sealed : current.encrypt(current.decrypt(sealed, context), context);
    }

    static String secretContext(UUID id) {
        return "webhook_endpoints/" + id + "/secret";
    }

    static String previousSecretContext(UUID id) {
        return "webhook_endpoints/" + id + "/previous_secret";
    }

    private static String newSecret() {
        byte[] bytes = new byte[SECRET_BYTES];
        RANDOM.nextBytes(bytes);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(bytes);
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static WebhookEndpoint map(ResultSet rs, int row) throws SQLException {
        return new WebhookEndpoint(rs.getObject("id", UUID.class), rs.getString("url"),
                List.of((String[]) rs.getArray("event_types").getArray()), rs.getString("description"), rs.getBoolean("enabled"),
                rs.getString("disabled_reason"), instant(rs.getTimestamp("failing_since")), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
