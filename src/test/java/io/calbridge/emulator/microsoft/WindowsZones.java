package io.calbridge.emulator.microsoft;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Windows time zone names (what Exchange stores and Graph shows, e.g. "W. Europe Standard Time") and their IANA
 * equivalents (after CLDR's windowsZones "001" territory). Graph accepts either on write; this emulator stores the
 * Windows name when it knows one and the IANA name otherwise.
 */
final class WindowsZones {

    private static final Map<String, String> WINDOWS_TO_IANA = new HashMap<>();
    private static final Map<String, String> IANA_TO_WINDOWS = new HashMap<>();

    static {
        add("UTC", "UTC");
        add("GMT Standard Time", "Europe/London");
        add("Greenwich Standard Time", "Atlantic/Reykjavik");
        add("W. Europe Standard Time", "Europe/Berlin");
        add("Romance Standard Time", "Europe/Paris");
        add("Central Europe Standard Time", "Europe/Budapest");
        add("Central European Standard Time", "Europe/Warsaw");
        add("GTB Standard Time", "Europe/Bucharest");
        add("FLE Standard Time", "Europe/Kiev");
        add("E. Europe Standard Time", "Europe/Chisinau");
        add("Russian Standard Time", "Europe/Moscow");
        add("Turkey Standard Time", "Europe/Istanbul");
        add("Israel Standard Time", "Asia/Jerusalem");
        add("Egypt Standard Time", "Africa/Cairo");
        add("South Africa Standard Time", "Africa/Johannesburg");
        add("W. Central Africa Standard Time", "Africa/Lagos");
        add("Arabian Standard Time", "Asia/Dubai");
        add("Arab Standard Time", "Asia/Riyadh");
        add("Iran Standard Time", "Asia/Tehran");
        add("Pakistan Standard Time", "Asia/Karachi");
        add("India Standard Time", "Asia/Calcutta");
        add("SE Asia Standard Time", "Asia/Bangkok");
        add("China Standard Time", "Asia/Shanghai");
        add("Singapore Standard Time", "Asia/Singapore");
        add("Taipei Standard Time", "Asia/Taipei");
        add("Tokyo Standard Time", "Asia/Tokyo");
        add("Korea Standard Time", "Asia/Seoul");
        add("W. Australia Standard Time", "Australia/Perth");
        add("AUS Eastern Standard Time", "Australia/Sydney");
        add("E. Australia Standard Time", "Australia/Brisbane");
        add("New Zealand Standard Time", "Pacific/Auckland");
        add("Hawaiian Standard Time", "Pacific/Honolulu");
        add("Alaskan Standard Time", "America/Anchorage");
        add("Pacific Standard Time", "America/Los_Angeles");
        add("US Mountain Standard Time", "America/Phoenix");
        add("Mountain Standard Time", "America/Denver");
        add("Central Standard Time", "America/Chicago");
        add("Central Standard Time (Mexico)", "America/Mexico_City");
        add("Canada Central Standard Time", "America/Regina");
        add("Eastern Standard Time", "America/New_York");
        add("Atlantic Standard Time", "America/Halifax");
        add("Newfoundland Standard Time", "America/St_Johns");
        add("E. South America Standard Time", "America/Sao_Paulo");
        add("Argentina Standard Time", "America/Buenos_Aires");
        add("SA Pacific Standard Time", "America/Bogota");
        // IANA aliases that map to the same Windows zone
        IANA_TO_WINDOWS.put("Etc/UTC", "UTC");
        IANA_TO_WINDOWS.put("Etc/GMT", "UTC");
        IANA_TO_WINDOWS.put("GMT", "UTC");
        IANA_TO_WINDOWS.put("Z", "UTC");
        IANA_TO_WINDOWS.put("Europe/Amsterdam", "W. Europe Standard Time");
        IANA_TO_WINDOWS.put("Europe/Rome", "W. Europe Standard Time");
        IANA_TO_WINDOWS.put("Europe/Vienna", "W. Europe Standard Time");
        IANA_TO_WINDOWS.put("Europe/Zurich", "W. Europe Standard Time");
        IANA_TO_WINDOWS.put("Europe/Stockholm", "W. Europe Standard Time");
        IANA_TO_WINDOWS.put("Europe/Oslo", "W. Europe Standard Time");
        IANA_TO_WINDOWS.put("Europe/Madrid", "Romance Standard Time");
        IANA_TO_WINDOWS.put("Europe/Brussels", "Romance Standard Time");
        IANA_TO_WINDOWS.put("Europe/Copenhagen", "Romance Standard Time");
        IANA_TO_WINDOWS.put("Europe/Prague", "Central Europe Standard Time");
        IANA_TO_WINDOWS.put("Europe/Helsinki", "FLE Standard Time");
        IANA_TO_WINDOWS.put("Europe/Kyiv", "FLE Standard Time");
        IANA_TO_WINDOWS.put("Europe/Dublin", "GMT Standard Time");
        IANA_TO_WINDOWS.put("Europe/Lisbon", "GMT Standard Time");
        IANA_TO_WINDOWS.put("Asia/Kolkata", "India Standard Time");
        IANA_TO_WINDOWS.put("America/Toronto", "Eastern Standard Time");
        IANA_TO_WINDOWS.put("America/Vancouver", "Pacific Standard Time");
        IANA_TO_WINDOWS.put("America/Argentina/Buenos_Aires", "Argentina Standard Time");
        IANA_TO_WINDOWS.put("Australia/Melbourne", "AUS Eastern Standard Time");
    }

    private static void add(String windows, String iana) {
        WINDOWS_TO_IANA.put(windows.toLowerCase(Locale.ROOT), iana);
        IANA_TO_WINDOWS.put(iana, windows);
    }

    private WindowsZones() {
    }

    /** The zone a Windows or IANA name means, or null when neither. */
    static ZoneId zone(String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        String iana = WINDOWS_TO_IANA.get(name.trim().toLowerCase(Locale.ROOT));
        try {
            return ZoneId.of(iana != null ? iana : name.trim());
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** The name the emulator stores: the Windows name when one is known, else the name as given. */
    static String storedName(String name) {
        if (name == null) {
            return null;
        }
        String trimmed = name.trim();
        for (String windows : IANA_TO_WINDOWS.values()) {
            if (windows.equalsIgnoreCase(trimmed)) {
                return windows;
            }
        }
        return IANA_TO_WINDOWS.getOrDefault(trimmed, trimmed);
    }

    /** A ZoneId's Windows name, for mailbox settings. */
    static String windowsName(ZoneId zone) {
        return IANA_TO_WINDOWS.getOrDefault(zone.getId(), zone.getId());
    }
}
