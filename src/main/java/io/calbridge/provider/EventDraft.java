package io.calbridge.provider;

import java.util.List;

/**
 * An event calbridge writes. {@code idempotencyKey} is derived from appointment and connection: the same key always
 * addresses the same external event, so a retry after a lost reply cannot create a duplicate. {@code reminderMinutes}:
 * the provider's own reminders, minutes before the start (ascending); empty leaves the event's reminders as they are
 * (the calendar's default on a new event).
 */
public record EventDraft(
        String idempotencyKey,
        String title,
        String description,
        String location,
        EventTime start,
        EventTime end,
        List<Attendee> attendees,
        boolean requestMeetingLink,
        List<Integer> reminderMinutes) {

    public EventDraft {
        attendees = attendees == null ? List.of() : List.copyOf(attendees);
        reminderMinutes = reminderMinutes == null ? List.of() : List.copyOf(reminderMinutes);
    }

    /** An event without reminders of its own. */
    public EventDraft(String idempotencyKey, String title, String description, String location, EventTime start, EventTime end,
            List<Attendee> attendees, boolean requestMeetingLink) {
        this(idempotencyKey, title, description, location, start, end, attendees, requestMeetingLink, List.of());
    }
}
