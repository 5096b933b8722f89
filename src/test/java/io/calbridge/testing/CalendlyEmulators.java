package io.calbridge.testing;

import io.calbridge.emulator.calendly.CalendlyEmulator;
import java.util.LinkedHashMap;
import java.util.Map;

/** calbridge's settings that make the Calendly emulator its "Calendly" (the real adapter; only URLs and keys differ). */
public final class CalendlyEmulators {

    private CalendlyEmulators() {
    }

    public static Map<String, String> settingsFor(CalendlyEmulator calendly) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("calendly.client-id", CalendlyEmulator.DEFAULT_CLIENT_ID);
        settings.put("calendly.client-secret", CalendlyEmulator.DEFAULT_CLIENT_SECRET);
        settings.put("calendly.webhook-signing-key", CalendlyEmulator.DEFAULT_WEBHOOK_SIGNING_KEY);
        settings.put("calendly.auth-uri", calendly.authorizationUri());
        settings.put("calendly.token-uri", calendly.tokenUri());
        settings.put("calendly.revoke-uri", calendly.revokeUri());
        settings.put("calendly.api-base-url", calendly.baseUrl());
        settings.put("calendly.sandbox", "true");
        return settings;
    }
}
