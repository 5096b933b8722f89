package io.calbridge.platform.security;

import io.calbridge.platform.CalbridgeProperties;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.stereotype.Component;

/** The service API keys, held as digests and compared in constant time. */
@Component
class ApiKeys {

    private static final Logger log = LoggerFactory.getLogger(ApiKeys.class);

    private final List<byte[]> digests;

    ApiKeys(CalbridgeProperties properties, ObjectProvider<JwtDecoder> jwtDecoder) {
        List<String> keys = properties.apiKeys();
        if (keys.isEmpty() && jwtDecoder.getIfAvailable() == null) {
            // Without any way in, a newcomer could not call the API at all: generate a key and show it once.
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            log.warn("No CALBRIDGE_API_KEYS and no JWT issuer configured. Generated API key for this run (send as X-API-Key): {} "
                    + "- kept nowhere: the next start makes a new one; set CALBRIDGE_API_KEYS to keep a key", generated);
            keys = List.of(generated);
        }
        this.digests = keys.stream().map(ApiKeys::digest).toList();
    }

    boolean matches(String presented) {
        byte[] candidate = digest(presented);
        boolean match = false;
        for (byte[] known : digests) {
            match |= MessageDigest.isEqual(known, candidate);
        }
        return match;
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
