package io.calbridge.testing;

import io.calbridge.emulator.google.GoogleCalendarEmulator;
import org.springframework.test.context.DynamicPropertyRegistry;

/** One Google emulator per test JVM, calbridge's "Google" in API tests (the real adapter, only base URLs differ). */
public final class GoogleEmulators {

    private static GoogleCalendarEmulator emulator;

    private GoogleEmulators() {
    }

    public static synchronized GoogleCalendarEmulator shared() {
        if (emulator == null) {
            emulator = GoogleCalendarEmulator.builder().autoApprove(true).start();
            Runtime.getRuntime().addShutdownHook(new Thread(emulator::close));
        }
        return emulator;
    }

    /** Points calbridge's Google adapter at the emulator, as the run command's sandbox does. */
    public static void register(DynamicPropertyRegistry registry) {
        registry.add("google.client-id", () -> GoogleCalendarEmulator.DEFAULT_CLIENT_ID);
        registry.add("google.client-secret", () -> GoogleCalendarEmulator.DEFAULT_CLIENT_SECRET);
        registry.add("google.auth-uri", () -> shared().authorizationUri());
        registry.add("google.token-uri", () -> shared().tokenUri());
        registry.add("google.revoke-uri", () -> shared().revokeUri());
        registry.add("google.api-base-url", () -> shared().rootUrl());
        registry.add("google.sandbox", () -> true);
    }
}
