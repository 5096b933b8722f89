package io.calbridge.platform.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM encryption of secrets at rest (provider tokens, PKCE verifiers).
 *
 * <p>A ciphertext is {@code [format 1][key id length][key id][12-byte nonce][ciphertext + 16-byte tag]}. The key id
 * says which key of the ring decrypts it, so keys can be rotated; the associated data names the row and column the
 * secret belongs to, so a ciphertext copied elsewhere does not decrypt.
 */
public final class TokenCipher {

    private static final byte FORMAT = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_.-]{1,32}");

    private final SecureRandom random = new SecureRandom();
    private final String primaryKeyId;
    private final Map<String, SecretKey> keys;

    private TokenCipher(String primaryKeyId, Map<String, SecretKey> keys) {
        this.primaryKeyId = primaryKeyId;
        this.keys = keys;
    }

    /**
     * Parses {@code CALBRIDGE_TOKEN_KEYS}: comma-separated {@code id:base64} entries of 32-byte keys.
     *
     * @throws IllegalArgumentException with a message naming the bad entry, never the key material
     */
    public static TokenCipher fromSpec(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("CALBRIDGE_TOKEN_KEYS is empty");
        }
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        for (String entry : spec.split(",")) {
            String trimmed = entry.trim();
            int colon = trimmed.indexOf(':');
            String id = colon < 0 ? trimmed : trimmed.substring(0, colon);
            if (colon < 0 || !KEY_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("CALBRIDGE_TOKEN_KEYS entries must be id:base64 with an id of letters, digits, '.', '_' or '-'");
            }
            byte[] material;
            try {
                material = Base64.getDecoder().decode(trimmed.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("CALBRIDGE_TOKEN_KEYS key '" + id + "' is not valid base64");
            }
            if (material.length != 32) {
                throw new IllegalArgumentException("CALBRIDGE_TOKEN_KEYS key '" + id + "' must be 32 bytes, is " + material.length);
            }
            if (keys.put(id, new SecretKeySpec(material, "AES")) != null) {
                throw new IllegalArgumentException("CALBRIDGE_TOKEN_KEYS names key '" + id + "' twice");
            }
        }
        return new TokenCipher(keys.keySet().iterator().next(), Map.copyOf(keys));
    }

    public String primaryKeyId() {
        return primaryKeyId;
    }

    /** Encrypts under the primary key; {@code null} stays {@code null}. */
    public byte[] encrypt(String plaintext, String context) {
        if (plaintext == null) {
            return null;
        }
        byte[] keyId = primaryKeyId.getBytes(StandardCharsets.US_ASCII);
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(primaryKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(2 + keyId.length + NONCE_BYTES + sealed.length)
                    .put(FORMAT).put((byte) keyId.length).put(keyId).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    /** Decrypts with whichever key of the ring sealed it; {@code null} stays {@code null}. */
    public String decrypt(byte[] ciphertext, String context) {
        if (ciphertext == null) {
            return null;
        }
        String keyId = keyIdOf(ciphertext);
        SecretKey key = keys.get(keyId);
        if (key == null) {
            throw new UndecryptableSecretException("secret sealed with key '" + keyId + "', which CALBRIDGE_TOKEN_KEYS does not hold");
        }
        int offset = 2 + keyId.length();
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, ciphertext, offset, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] plain = cipher.doFinal(ciphertext, offset + NONCE_BYTES, ciphertext.length - offset - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new UndecryptableSecretException("secret does not decrypt for " + context + " (wrong key or tampered)");
        }
    }

    /** Whether the ciphertext is sealed with the primary key already (nothing to re-encrypt). */
    public boolean isCurrent(byte[] ciphertext) {
        return ciphertext == null || primaryKeyId.equals(keyIdOf(ciphertext));
    }

    private static String keyIdOf(byte[] ciphertext) {
        if (ciphertext.length < 2 || ciphertext[0] != FORMAT || ciphertext.length < 2 + ciphertext[1] + NONCE_BYTES + 16) {
            throw new UndecryptableSecretException("not a calbridge ciphertext");
        }
        return new String(ciphertext, 2, ciphertext[1], StandardCharsets.US_ASCII);
    }

    public static final class UndecryptableSecretException extends RuntimeException {
        public UndecryptableSecretException(String message) {
            super(message);
        }
    }
}
