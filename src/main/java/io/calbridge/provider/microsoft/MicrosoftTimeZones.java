package io.calbridge.provider.microsoft;

import io.calbridge.provider.TimeZones;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Outlook's time-zone names to IANA zones. Outlook reports Windows names ({@code W. Europe Standard Time}), IANA
 * names where a client wrote one, {@code UTC}, or {@code tzone://Microsoft/...} forms; Windows names are resolved
 * through CLDR's {@code windowsZones} data as ICU4J ships it (the territory-neutral "001" mapping), so the table is
 * kept current by the library, not by hand.
 */
final class MicrosoftTimeZones {

    private MicrosoftTimeZones() {
    }

    /** Names seen, resolved: a sync asks for every event's zones; custom names could be many, hence the bound. */
    private static final Map<String, Optional<ZoneId>> RESOLVED = new ConcurrentHashMap<>();
    private static final int MOST_RESOLVED = 2_000;

    /** The IANA zone for an Outlook zone name, or {@code null} when it names none (blank, custom, unknown). */
    static ZoneId zone(String outlookName) {
        if (outlookName == null || outlookName.isBlank()) {
            return null;
        }
        Optional<ZoneId> known = RESOLVED.get(outlookName);
        if (known == null) {
            known = Optional.ofNullable(resolve(outlookName.trim()));
            if (RESOLVED.size() < MOST_RESOLVED) {
                RESOLVED.put(outlookName, known);
            }
        }
        return known.orElse(null);
    }

    private static ZoneId resolve(String name) {
        if (name.equalsIgnoreCase("UTC") || name.equalsIgnoreCase("tzone://Microsoft/Utc") || name.equalsIgnoreCase("Coordinated Universal Time")) {
            return ZoneOffset.UTC;
        }
        if (TimeZones.isIanaName(name)) {
            return ZoneId.of(name);
        }
        String iana = com.ibm.icu.util.TimeZone.getIDForWindowsID(name, null);
        if (iana == null) {
            return null;
        }
        try {
            // CLDR keeps legacy ids (Asia/Calcutta); prefer the IANA name where ICU knows it (Asia/Kolkata)
            String preferred = com.ibm.icu.util.TimeZone.getIanaID(iana);
            return ZoneId.of(preferred == null || preferred.equals(com.ibm.icu.util.TimeZone.UNKNOWN_ZONE_ID) ? iana : preferred);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** The calbridge name ({@link TimeZones#name}) of an Outlook zone, or {@code fallback} when it names none. */
    static String name(String outlookName, String fallback) {
        ZoneId zone = zone(outlookName);
        return zone == null ? fallback : TimeZones.name(zone);
    }
}
