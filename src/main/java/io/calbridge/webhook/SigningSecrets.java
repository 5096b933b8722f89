package io.calbridge.webhook;

import io.calbridge.platform.crypto.TokenCipher;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The secrets that sign an endpoint's deliveries now: its current one, then the previous one while a rotation's
 * grace period lasts. (Stands in for the endpoints' own lookup until both halves of issue 12 meet.)
 */
@Component
class SigningSecrets {

    private final JdbcClient jdbc;
    private final TokenCipher cipher;

    SigningSecrets(JdbcClient jdbc, TokenCipher cipher) {
        this.jdbc = jdbc;
        this.cipher = cipher;
    }

    /** Empty when the endpoint is gone. */
    List<String> current(UUID endpointId, Instant now) {
        return jdbc.sql("SELECT secret_enc, previous_secret_enc, previous_secret_until FROM webhook_endpoints WHERE id = ?")
                .param(endpointId)
                .query((rs, row) -> {
                    List<String> secrets = new ArrayList<>(2);
                    secrets.add(cipher.decrypt(rs.getBytes(1), "webhook_endpoints/" + endpointId + "/secret"));
                    byte[] previous = rs.getBytes(2);
                    Timestamp until = rs.getTimestamp(3);
                    if (previous != null && until != null && until.toInstant().isAfter(now)) {
                        secrets.add(cipher.decrypt(previous, "webhook_endpoints/" + endpointId + "/previous_secret"));
                    }
                    return secrets;
                })
                .optional().orElse(List.of());
    }
}
