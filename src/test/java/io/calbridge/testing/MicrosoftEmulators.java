package io.calbridge.testing;

import io.calbridge.emulator.microsoft.MicrosoftGraphEmulator;
import java.util.LinkedHashMap;
import java.util.Map;

/** calbridge's settings that make the Microsoft emulator its "Microsoft" (the real adapter and SDK; only URLs differ). */
public final class MicrosoftEmulators {

    private MicrosoftEmulators() {
    }

    public static Map<String, String> settingsFor(MicrosoftGraphEmulator microsoft) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("microsoft.client-id", MicrosoftGraphEmulator.DEFAULT_CLIENT_ID);
        settings.put("microsoft.client-secret", MicrosoftGraphEmulator.DEFAULT_CLIENT_SECRET);
        settings.put("microsoft.auth-uri", microsoft.authorizationUri("common"));
        settings.put("microsoft.token-uri", microsoft.tokenUri("common"));
        settings.put("microsoft.graph-base-url", microsoft.graphBaseUrl());
        settings.put("microsoft.sandbox", "true");
        return settings;
    }
}
