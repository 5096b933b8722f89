package io.calbridge.connection;

import java.util.List;

/**
 * Per-connection choices of the user.
 *
 * @param includeClientDetails whether client name, email and attendees leave calbridge in pushed events (privacy: off by default)
 * @param writeCalendarId      where appointments are written; {@code null} means the primary calendar
 * @param readCalendarIds      which calendars are synced and count as busy; empty means all
 */
public record ConnectionSettings(
        boolean syncEnabled,
        boolean autoCreateEvents,
        boolean autoUpdateEvents,
        boolean includeClientDetails,
        String eventTitleTemplate,
        String eventDescriptionTemplate,
        String writeCalendarId,
        List<String> readCalendarIds) {

    public static final String DEFAULT_TITLE_TEMPLATE = "{{title}}";
    public static final String DEFAULT_DESCRIPTION_TEMPLATE = "{{description}}";

    public ConnectionSettings {
        readCalendarIds = readCalendarIds == null ? List.of() : List.copyOf(readCalendarIds);
        eventTitleTemplate = eventTitleTemplate == null ? DEFAULT_TITLE_TEMPLATE : eventTitleTemplate;
        eventDescriptionTemplate = eventDescriptionTemplate == null ? DEFAULT_DESCRIPTION_TEMPLATE : eventDescriptionTemplate;
    }

    public static ConnectionSettings defaults() {
        return new ConnectionSettings(true, true, true, false, null, null, null, List.of());
    }
}
