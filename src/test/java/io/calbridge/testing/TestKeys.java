package io.calbridge.testing;

import java.security.SecureRandom;
import java.util.Base64;

/** Token encryption keys made at test run time; none is committed. */
public final class TestKeys {

    public static final String API_KEY = newApiKey();

    private TestKeys() {
    }

    /** {@code id:base64} of 32 fresh random bytes. */
    public static String tokenKey(String id) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return id + ":" + Base64.getEncoder().encodeToString(key);
    }

    private static String newApiKey() {
        byte[] key = new byte[24];
        new SecureRandom().nextBytes(key);
        return "test-" + Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    }
}
