package io.calbridge.emulator.google;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An event's start, end or originalStartTime: either a point in time (with the time zone the client named, if any)
 * or, for all-day events, a date. All-day dates become instants only against the calendar's time zone.
 */
record EventTime(Instant instant, LocalDate date, String timeZone) {

    private static final DateTimeFormatter INSTANCE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter INSTANCE_DATE = DateTimeFormatter.BASIC_ISO_DATE;
    private static final Set<String> ZONE_NAMES = Set.copyOf(ZoneId.getAvailableZoneIds());

    /** Whether Google takes this as a time zone: an IANA name ({@code Europe/Berlin}, {@code UTC}), not an offset. */
    static boolean isZoneName(String timeZone) {
        return ZONE_NAMES.contains(timeZone);
    }

    static EventTime timed(Instant instant, String timeZone) {
        return new EventTime(instant, null, timeZone);
    }

    static EventTime allDay(LocalDate date) {
        return new EventTime(null, date, null);
    }

    boolean isAllDay() {
        return date != null;
    }

    Instant toInstant(ZoneId calendarZone) {
        return date != null ? date.atStartOfDay(calendarZone).toInstant() : instant;
    }

    /** The zone recurrence is expanded in: the event's own, else the calendar's. */
    ZoneId zone(ZoneId fallback) {
        return timeZone != null ? ZoneId.of(timeZone) : fallback;
    }

    /** The suffix Google gives instance ids: {@code 20250106T090000Z} (UTC) or {@code 20250106} for all-day. */
    String instanceSuffix() {
        return date != null ? INSTANCE_DATE.format(date) : INSTANCE_TIME.format(instant);
    }

    ObjectNode toJson(ZoneId outZone) {
        ObjectNode node = Json.object();
        if (date != null) {
            node.put("date", date.toString());
        } else {
            node.put("dateTime", Json.dateTime(instant, outZone));
            if (timeZone != null) {
                node.put("timeZone", timeZone);
            }
        }
        return node;
    }

    /**
     * Reads {@code start}, {@code end} or {@code originalStartTime} of a request body. A dateTime without an offset
     * is read in its timeZone, which is then required, as Google does.
     */
    static EventTime parse(JsonNode node, String which) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            throw GoogleApiException.required("Missing " + which + " time.");
        }
        if (!node.isObject()) {
            throw GoogleApiException.invalid("Invalid " + which + " time.");
        }
        String date = Json.text(node, "date");
        String dateTime = Json.text(node, "dateTime");
        String timeZone = Json.text(node, "timeZone");
        if (timeZone != null && !isZoneName(timeZone)) {
            // as Google: an IANA name or nothing; "Z" or "+05:30" are offsets, which belong in dateTime
            throw GoogleApiException.invalid("Invalid time zone definition for " + which + " time.");
        }
        if (date != null && dateTime != null) {
            throw GoogleApiException.invalid("Invalid " + which + " time.");
        }
        if (date != null) {
            LocalDate parsed = Json.parseDate(date);
            if (parsed == null) {
                throw GoogleApiException.invalid("Invalid " + which + " time.");
            }
            return allDay(parsed);
        }
        if (dateTime == null) {
            throw GoogleApiException.required("Missing " + which + " time.");
        }
        Instant instant = Json.parseRfc3339(dateTime);
        if (instant == null) {
            if (timeZone == null) {
                throw GoogleApiException.badRequest("required", "Missing time zone definition for " + which + " time.");
            }
            try {
                instant = LocalDateTime.parse(dateTime).atZone(ZoneId.of(timeZone)).toInstant();
            } catch (DateTimeParseException e) {
                throw GoogleApiException.invalid("Invalid " + which + " time.");
            }
        }
        return timed(instant, timeZone);
    }
}
