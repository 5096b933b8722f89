package io.calbridge.connection;

import java.util.List;

/**
 * Per-connection choices of the user.
 *
 * @param includeClientDetails whether client name, email and attendees leave calbridge in pushed events (privacy: off by default)
 * @param writeCalendarId      where appointments are written; {@code null} means the primary calendar
 * @param readCalendarIds      which calendars are synced and count as busy; empty means all
 * @param syncExistingAppointments whether the user's confirmed future appointments are pushed (backfilled) into the
 *                                 calendar when it is connected or when this is turned on; off by default (stored
 *                                 settings without it read as off)
 */
public record ConnectionSettings(
        boolean syncEnabled,
        boolean autoCreateEvents,
        boolean autoUpdateEvents,
        boolean includeClientDetails,
        String eventTitleTemplate,
        String eventDescriptionTemplate,
        String writeCalendarId,
        List<String> readCalendarIds,
        Boolean syncExistingAppointments) {

    public static final String DEFAULT_TITLE_TEMPLATE = "{{title}}";
    public static final String DEFAULT_DESCRIPTION_TEMPLATE = "{{description}}";

    public ConnectionSettings {
        // a Boolean, never null: settings stored before the field existed (and a JSON without it) read as off, where a
        // missing primitive would fail the read
        syncExistingAppointments = Boolean.TRUE.equals(syncExistingAppointments);
        readCalendarIds = readCalendarIds == null ? List.of() : List.copyOf(readCalendarIds);
        eventTitleTemplate = eventTitleTemplate == null ? DEFAULT_TITLE_TEMPLATE : eventTitleTemplate;
        eventDescriptionTemplate = eventDescriptionTemplate == null ? DEFAULT_DESCRIPTION_TEMPLATE : eventDescriptionTemplate;
    }

    /** These settings with {@code syncExistingAppointments} as given. */
    public ConnectionSettings withSyncExistingAppointments(Boolean value) {
        return new ConnectionSettings(syncEnabled, autoCreateEvents, autoUpdateEvents, includeClientDetails, eventTitleTemplate,
                eventDescriptionTemplate, writeCalendarId, readCalendarIds, value);
    }

    public static ConnectionSettings defaults() {
        return new ConnectionSettings(true, true, true, false, null, null, null, List.of(), false);
    }
}
