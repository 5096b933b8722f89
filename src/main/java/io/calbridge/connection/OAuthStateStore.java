package io.calbridge.connection;

import io.calbridge.platform.crypto.Hashes;
import io.calbridge.platform.crypto.SecretsOwner;
import io.calbridge.platform.crypto.TokenCipher;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Pending OAuth authorizations in PostgreSQL, so any instance can finish a flow another started and no HTTP session
 * is needed. Only a hash of the state is stored; consuming deletes the row, so each state works once.
 */
@Component
class OAuthStateStore implements SecretsOwner {

    static final Duration LIFETIME = Duration.ofMinutes(10);

    private final JdbcClient jdbc;
    private final TokenCipher cipher;
    private final Clock clock;

    OAuthStateStore(JdbcClient jdbc, TokenCipher cipher, Clock clock) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.clock = clock;
    }

    /** Stores a new pending authorization under {@code state}; returns when it expires. */
    Instant save(String state, String userId, String provider, String returnUrl, String pkceVerifier, Boolean syncExistingAppointments) {
        String hash = hash(state);
        Instant now = clock.instant();
        Instant expiresAt = now.plus(LIFETIME);
        jdbc.sql("""
                INSERT INTO oauth_states (state_hash, user_id, provider, return_url, pkce_verifier_enc, sync_existing_appointments,
                    created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(hash, userId, provider, returnUrl, cipher.encrypt(pkceVerifier, context(hash)), syncExistingAppointments,
                        Timestamp.from(now), Timestamp.from(expiresAt))
                .update();
        return expiresAt;
    }

    /** Takes the pending authorization for {@code state} out of the store, expired or not; empty if unknown or used. */
    Optional<PendingAuthorization> consume(String state) {
        String hash = hash(state);
        return jdbc.sql("DELETE FROM oauth_states WHERE state_hash = ? "
                        + "RETURNING user_id, provider, return_url, pkce_verifier_enc, sync_existing_appointments, expires_at")
                .param(hash)
                .query((rs, row) -> new PendingAuthorization(rs.getString("user_id"), rs.getString("provider"),
                        rs.getString("return_url"), cipher.decrypt(rs.getBytes("pkce_verifier_enc"), context(hash)),
                        rs.getObject("sync_existing_appointments", Boolean.class), rs.getTimestamp("expires_at").toInstant()))
                .optional();
    }

    @Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT1M")
    void deleteExpired() {
        jdbc.sql("DELETE FROM oauth_states WHERE expires_at < ?").param(Timestamp.from(clock.instant())).update();
    }

    @Override
    public int reencryptAll(TokenCipher current) {
        int count = 0;
        List<Object[]> rows = jdbc.sql("SELECT state_hash, pkce_verifier_enc FROM oauth_states WHERE pkce_verifier_enc IS NOT NULL")
                .query((rs, row) -> new Object[] {rs.getString(1), rs.getBytes(2)}).list();
        for (Object[] row : rows) {
            String hash = (String) row[0];
            byte[] sealed = (byte[]) row[1];
            if (!current.isCurrent(sealed)) {
                byte[] resealed = current.encrypt(current.decrypt(sealed, context(hash)), context(hash));
                count += jdbc.sql("UPDATE oauth_states SET pkce_verifier_enc = ? WHERE state_hash = ? AND pkce_verifier_enc = ?")
                        .params(resealed, hash, sealed).update();
            }
        }
        return count;
    }

    private static String context(String hash) {
        return "oauth_states.pkce_verifier:" + hash;
    }

    static String hash(String state) {
        return Hashes.sha256Hex(state);
    }

    /** {@code syncExistingAppointments}: the connection's setting as the authorize request named it; null when it did not. */
    record PendingAuthorization(String userId, String provider, String returnUrl, String pkceVerifier,
            Boolean syncExistingAppointments, Instant expiresAt) {

        @Override
        public String toString() {
            return "PendingAuthorization[userId=" + userId + ", provider=" + provider + ", expiresAt=" + expiresAt + "]";
        }
    }
}
