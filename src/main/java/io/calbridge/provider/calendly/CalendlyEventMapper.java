package io.calbridge.provider.calendly;

import io.calbridge.provider.Attendee;
import io.calbridge.provider.Booking;
import io.calbridge.provider.EventTime;
import io.calbridge.provider.RemoteEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A Calendly scheduled event and its invitees as a {@link RemoteEvent} of the connection's one "Calendly" calendar: the
 * event's URI is its id, {@code active} is confirmed, {@code canceled} cancelled; the location becomes text (an
 * address, a phone number, a custom text) or, for a video conference, the meeting link; the invitees are its attendees
 * and, with their answers, links and no-show marks, its {@link Booking}. A reschedule is told by the new invitee's
 * {@code old_invitee}: the new booking names the old event in {@code rescheduledFrom}.
 */
final class CalendlyEventMapper {

    private CalendlyEventMapper() {
    }

    /** {@code invitees}: the event's invitees, or null when they were not read (a cancelled event calbridge never held). */
    static RemoteEvent toRemoteEvent(JsonNode event, List<JsonNode> invitees, String calendarId) {
        boolean canceled = "canceled".equals(event.path("status").asString(""));
        JsonNode location = event.path("location");
        String joinUrl = text(location, "join_url");
        String place = text(location, "location");
        Booking booking = invitees == null ? null : booking(event, invitees);
        List<Attendee> attendees = invitees == null ? List.of() : invitees.stream()
                .map(invitee -> new Attendee(text(invitee, "name"), text(invitee, "email"),
                        "active".equals(text(invitee, "status")) ? "accepted" : "declined", false))
                .toList();
        return new RemoteEvent(text(event, "uri"), calendarId, canceled ? "cancelled" : "confirmed", text(event, "name"),
                text(event, "meeting_notes_plain"), place != null ? place : joinUrl, time(event, "start_time"), time(event, "end_time"),
                false, null, attendees, null, null, null, joinUrl, null, etag(event, booking), booking);
    }

    /**
     * The event's {@code updated_at}, and what of its invitees can change without it (a no-show mark), so that the
     * store sees such a change as one.
     */
    private static String etag(JsonNode event, Booking booking) {
        String updated = text(event, "updated_at");
        if (booking == null) {
            return updated;
        }
        StringBuilder invitees = new StringBuilder();
        booking.invitees().forEach(i -> invitees.append(i.id()).append(i.status()).append(i.noShow()));
        return updated + "/" + Integer.toHexString(invitees.toString().hashCode());
    }

    private static Booking booking(JsonNode event, List<JsonNode> invitees) {
        List<Booking.Invitee> mapped = new ArrayList<>();
        String rescheduledFrom = null;
        for (JsonNode invitee : invitees) {
            List<Booking.Answer> answers = new ArrayList<>();
            for (JsonNode answer : invitee.path("questions_and_answers")) {
                answers.add(new Booking.Answer(text(answer, "question"), text(answer, "answer")));
            }
            JsonNode noShow = invitee.path("no_show");
            mapped.add(new Booking.Invitee(text(invitee, "uri"), text(invitee, "name"), text(invitee, "email"), text(invitee, "status"),
                    text(invitee, "timezone"), noShow.isObject() && !noShow.isEmpty(), invitee.path("rescheduled").asBoolean(false),
                    text(invitee, "cancel_url"), text(invitee, "reschedule_url"), answers));
            String oldInvitee = text(invitee, "old_invitee");
            if (rescheduledFrom == null && oldInvitee != null) {
                rescheduledFrom = eventOfInvitee(oldInvitee);
            }
        }
        String reason = text(event.path("cancellation"), "reason");
        return new Booking(text(event, "name"), text(event, "event_type"), mapped, rescheduledFrom,
                text(event.path("calendar_event"), "external_id"), reason);
    }

    /** An invitee's URI is its event's URI, {@code /invitees/} and its uuid. */
    static String eventOfInvitee(String inviteeUri) {
        int at = inviteeUri.indexOf("/invitees/");
        return at < 0 ? null : inviteeUri.substring(0, at);
    }

    private static EventTime time(JsonNode event, String field) {
        return EventTime.at(Instant.parse(event.path(field).asString()), "UTC");
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isString() && !value.asString().isBlank() ? value.asString() : null;
    }
}
