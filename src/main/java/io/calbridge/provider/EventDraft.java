package io.calbridge.provider;

import java.util.List;

/**
 * An event calbridge writes. {@code idempotencyKey} is derived from appointment and connection: the same key always
 * addresses the same external event, so a retry after a lost reply cannot create a duplicate.
 */
public record EventDraft(
        String idempotencyKey,
        String title,
        String description,
        String location,
        EventTime start,
        EventTime end,
        List<Attendee> attendees,
        boolean requestMeetingLink) {

    public EventDraft {
        attendees = attendees == null ? List.of() : List.copyOf(attendees);
    }
}
