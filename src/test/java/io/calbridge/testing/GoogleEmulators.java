package io.calbridge.testing;

import io.calbridge.emulator.google.GoogleCalendarEmulator;
import java.util.LinkedHashMap;
import java.util.Map;
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
        settingsFor(shared()).forEach((name, value) -> registry.add(name, () -> value));
    }

    /** calbridge's settings that make {@code google} its "Google": the sandbox client, the emulator's endpoints. */
    public static Map<String, String> settingsFor(GoogleCalendarEmulator google) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("google.client-id", GoogleCalendarEmulator.DEFAULT_CLIENT_ID);
        settings.put("google.client-secret", GoogleCalendarEmulator.DEFAULT_CLIENT_SECRET);
        settings.put("google.auth-uri", google.authorizationUri());
        settings.put("google.token-uri", google.tokenUri());
        settings.put("google.revoke-uri", google.revokeUri());
        settings.put("google.api-base-url", google.rootUrl());
        settings.put("google.sandbox", "true");
        return settings;
    }
}
