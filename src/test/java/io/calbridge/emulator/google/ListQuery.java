package io.calbridge.emulator.google;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The validated parameters of events.list, with Google's rules: page size 250 by default and never above 2,500;
 * orderBy=startTime only with singleEvents; syncToken not together with timeMin, timeMax, orderBy, q, iCalUID,
 * updatedMin or extended-property filters, nor with showDeleted=false (deleted events are always in a sync result).
 */
record ListQuery(boolean singleEvents, boolean showDeleted, boolean byUpdated, Instant timeMin, Instant timeMax, Instant updatedMin,
        String q, String iCalUID, int maxResults, ZoneId outZone, String syncToken, String pageToken) {

    static final int DEFAULT_PAGE = 250;
    static final int MAX_PAGE = 2500;
    private static final List<String> NOT_WITH_SYNC_TOKEN = List.of("timeMin", "timeMax", "orderBy", "q", "iCalUID", "updatedMin",
            "privateExtendedProperty", "sharedExtendedProperty");

    static ListQuery parse(Map<String, String> params, ZoneId calendarZone) {
        String syncToken = params.get("syncToken");
        if (syncToken != null) {
            for (String name : NOT_WITH_SYNC_TOKEN) {
                if (params.containsKey(name)) {
                    throw GoogleApiException.invalid("Sync token cannot be used with other request restrictions.");
                }
            }
            if ("false".equalsIgnoreCase(params.get("showDeleted"))) {
                throw GoogleApiException.invalid("Sync token cannot be used with other request restrictions.");
            }
        }
        boolean singleEvents = bool(params, "singleEvents");
        String orderBy = params.get("orderBy");
        if (orderBy != null && !orderBy.equals("startTime") && !orderBy.equals("updated")) {
            throw GoogleApiException.invalid("Invalid Value");
        }
        if ("startTime".equals(orderBy) && !singleEvents) {
            throw GoogleApiException.invalid("The requested ordering is not available for the particular query.");
        }
        Instant timeMin = instant(params, "timeMin");
        Instant timeMax = instant(params, "timeMax");
        if (timeMin != null && timeMax != null && !timeMax.isAfter(timeMin)) {
            throw GoogleApiException.badRequest("timeRangeEmpty", "The specified time range is empty.");
        }
        return new ListQuery(singleEvents, bool(params, "showDeleted"), "updated".equals(orderBy), timeMin, timeMax,
                instant(params, "updatedMin"), params.get("q"), params.get("iCalUID"), pageSize(params), zone(params, calendarZone),
                syncToken, params.get("pageToken"));
    }

    boolean changeOrdered() {
        return syncToken != null || byUpdated || updatedMin != null;
    }

    boolean deletedShown() {
        return showDeleted || updatedMin != null;
    }

    long minMillis() {
        return timeMin == null ? Long.MIN_VALUE : timeMin.toEpochMilli();
    }

    long maxMillis() {
        return timeMax == null ? Long.MAX_VALUE : timeMax.toEpochMilli();
    }

    /** Free-text and iCalUID filters, applied to an event or, for an instance, to its series. */
    boolean matches(StoredEvent event) {
        if (iCalUID != null && !iCalUID.equals(event.iCalUID)) {
            return false;
        }
        if (q == null || q.isBlank()) {
            return true;
        }
        String needle = q.toLowerCase(Locale.ROOT);
        for (String field : List.of("summary", "description", "location")) {
            String value = Json.text(event.body, field);
            if (value != null && value.toLowerCase(Locale.ROOT).contains(needle)) {
                return true;
            }
        }
        for (var attendee : event.body.path("attendees")) {
            for (String field : List.of("email", "displayName")) {
                String value = Json.text(attendee, field);
                if (value != null && value.toLowerCase(Locale.ROOT).contains(needle)) {
                    return true;
                }
            }
        }
        return false;
    }

    static int pageSize(Map<String, String> params) {
        String value = params.get("maxResults");
        if (value == null) {
            return DEFAULT_PAGE;
        }
        try {
            int size = Integer.parseInt(value);
            if (size < 1) {
                throw GoogleApiException.invalid("Invalid value '" + value + "'. Values must be within the range: [1, 2500]");
            }
            // Google: "The page size can never be larger than 2500 events": larger values are capped, not refused
            return Math.min(size, MAX_PAGE);
        } catch (NumberFormatException e) {
            throw GoogleApiException.invalid("Invalid value '" + value + "'. Values must be within the range: [1, 2500]");
        }
    }

    static boolean bool(Map<String, String> params, String name) {
        String value = params.get(name);
        if (value == null) {
            return false;
        }
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        throw GoogleApiException.invalid("Invalid value for: " + name);
    }

    static Instant instant(Map<String, String> params, String name) {
        String value = params.get(name);
        if (value == null) {
            return null;
        }
        Instant instant = Json.parseRfc3339(value);
        if (instant == null) {
            throw GoogleApiException.badRequest("badRequest", "Bad Request");
        }
        return instant;
    }

    static ZoneId zone(Map<String, String> params, ZoneId fallback) {
        String value = params.get("timeZone");
        if (value == null) {
            return fallback;
        }
        try {
            return ZoneId.of(value);
        } catch (DateTimeException e) {
            throw GoogleApiException.invalid("Invalid time zone: " + value);
        }
    }
}
