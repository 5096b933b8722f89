package io.calbridge.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.StringJoiner;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code v1,<base64 HMAC-SHA256(secret bytes, id.timestamp.body)>}, one space-separated
 * entry per secret (during a rotation's grace period the new one first), so any Standard Webhooks library verifies.
 */
final class WebhookSigner {

    static final String SECRET_PREFIX = "whsec_";

    private WebhookSigner() {
    }

    /** The webhook-signature header for the message {@code id} sent at {@code timestamp} (epoch seconds). */
    static String sign(String id, long timestamp, byte[] body, List<String> secrets) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("no signing secret");
        }
        byte[] prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
        StringJoiner header = new StringJoiner(" ");
        for (String secret : secrets) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(keyBytes(secret), "HmacSHA256"));
                mac.update(prefix);
                header.add("v1," + Base64.getEncoder().encodeToString(mac.doFinal(body)));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HMAC-SHA256 unavailable", e);
            }
        }
        return header.toString();
    }

    /** The secret's key: the base64 after {@code whsec_}. */
    static byte[] keyBytes(String secret) {
        String encoded = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
        return Base64.getDecoder().decode(encoded);
    }
}
