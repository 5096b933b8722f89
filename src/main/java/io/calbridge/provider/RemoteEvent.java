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
 * @param booking       a scheduling tool's details of a booked event, else {@code null}
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
        String etag,
        Booking booking) {

    public RemoteEvent {
        attendees = attendees == null ? List.of() : List.copyOf(attendees);
    }

    /** An event of a calendar (no booking details). */
    public RemoteEvent(String externalId, String calendarId, String status, String title, String description, String location,
            EventTime start, EventTime end, boolean transparent, String selfResponse, List<Attendee> attendees,
            String recurrenceRule, String recurringEventId, EventTime originalStart, String meetingUrl, String htmlLink, String etag) {
        this(externalId, calendarId, status, title, description, location, start, end, transparent, selfResponse, attendees,
                recurrenceRule, recurringEventId, originalStart, meetingUrl, htmlLink, etag, null);
    }

    public boolean cancelled() {
        return "cancelled".equals(status);
    }
}
