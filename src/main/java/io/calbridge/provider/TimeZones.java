package io.calbridge.provider;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Set;

/**
 * How calbridge names a time zone. A zone is an IANA name ({@code Europe/Berlin}) or, where the caller gave only an
 * offset, that offset ({@code +05:30}); UTC is {@code UTC}, never Java's {@code Z}, which no calendar takes as a name.
 */
public final class TimeZones {

    // a copy per call in the JDK: take it once
    private static final Set<String> IANA_NAMES = Set.copyOf(ZoneId.getAvailableZoneIds());

    private TimeZones() {
    }

    /** The name a zone is shown and sent with: its id, except {@code UTC} for a zero offset. */
    public static String name(ZoneId zone) {
        return zone instanceof ZoneOffset offset && offset.getTotalSeconds() == 0 ? "UTC" : zone.getId();
    }

    /** Whether providers accept this as a time zone name: an IANA name, not an offset such as {@code +05:30} or {@code Z}. */
    public static boolean isIanaName(String zone) {
        return zone != null && IANA_NAMES.contains(zone);
    }
}
