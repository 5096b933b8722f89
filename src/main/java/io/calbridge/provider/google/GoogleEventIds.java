package io.calbridge.provider.google;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Client-chosen event ids. Google accepts an id of 5 to 1024 characters from the base32hex alphabet (lowercase
 * {@code a}-{@code v} and {@code 0}-{@code 9}); the same idempotency key always gives the same id, so an insert
 * repeated after a lost reply meets 409 instead of making a second event.
 */
final class GoogleEventIds {

    static final String PREFIX = "cb";
    private static final char[] BASE32HEX = "0123456789abcdefghijklmnopqrstuv".toCharArray();

    private GoogleEventIds() {
    }

    /** {@code "cb"} + unpadded lowercase base32hex of SHA-256(key): 54 characters. */
    static String forKey(String idempotencyKey) {
        if (idempotencyKey == null || idempotencyKey.isEmpty()) {
            throw new IllegalArgumentException("an idempotency key is required");
        }
        return PREFIX + base32hex(sha256(idempotencyKey));
    }

    static boolean isValid(String id) {
        if (id == null || id.length() < 5 || id.length() > 1024) {
            return false;
        }
        return id.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'v'));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** RFC 4648 base32hex without padding, lowercase. */
    static String base32hex(byte[] bytes) {
        StringBuilder out = new StringBuilder((bytes.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32HEX[(buffer >>> (bits - 5)) & 0x1f]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(BASE32HEX[(buffer << (5 - bits)) & 0x1f]);
        }
        return out.toString();
    }
}
