package io.calbridge.testing;

import io.calbridge.emulator.microsoft.MicrosoftGraphEmulator;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

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

    /** A new work account (a unique address in the emulator's default tenant) whose mailbox is in {@code windowsZone}. */
    public static String newWorkAccount(MicrosoftGraphEmulator microsoft, String windowsZone) {
        String account = "u" + UUID.randomUUID().toString().substring(0, 8) + "@contoso.onmicrosoft.com";
        microsoft.createWorkAccount(account, "Work User", MicrosoftGraphEmulator.DEFAULT_TENANT, windowsZone);
        return account;
    }

    /** Graph's local date-time form of an instant, for a time given with {@code "timeZone": "UTC"}. */
    public static String utcLocal(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString().replace("Z", "");
    }
}
