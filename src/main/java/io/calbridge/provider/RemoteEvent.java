package io.calbridge.provider;

import java.util.List;

/**
 * An event as a provider reports it during sync. A {@code cancelled} event means it is gone (deleted, or one
 * cancelled instance of a series when {@code recurringEventId} is set).
 *
 * @param status        {@code confirmed}, {@code tentative} or {@code cancelled}
 * @param transparent   whether it leaves the time free
 * @param selfResponse  the account owner's own response ({@code declined} means not busy), or {@code null}
 * @param originalStart for an instance of a series, the start it had in the series
 */
public record RemoteEvent(
        String externalId,
        String calendarId,
        String status,
        String title,
        String description,
        String location,
        EventTime start,
        EventTime end,
        boolean transparent,
        String selfResponse,
        List<Attendee> attendees,
        String recurrenceRule,
        String recurringEventId,
        EventTime originalStart,
        String meetingUrl,
        String htmlLink,
        String etag) {

    public RemoteEvent {
        attendees = attendees == null ? List.of() : List.copyOf(attendees);
    }

    public boolean cancelled() {
        return "cancelled".equals(status);
    }
}
