package io.calbridge.provider;

import java.util.List;

/**
 * What a scheduling tool (Calendly) knows about a booked event beyond a calendar event's fields. Shown to the calendar's
 * owner only: it names the people who booked and what they answered.
 *
 * @param eventType        the name of the event type that was booked
 * @param eventTypeId      the tool's id of that event type
 * @param invitees         who booked it
 * @param rescheduledFrom  the external id of the booking this one replaced (a reschedule), else {@code null}
 * @param calendarEventId  the id of the copy the tool wrote into the host's own calendar (a Google or Outlook event
 *                         id), else {@code null}: that copy and this booking are one busy time
 * @param cancellationReason why it was canceled, when it was
 */
public record Booking(String eventType, String eventTypeId, List<Invitee> invitees, String rescheduledFrom,
        String calendarEventId, String cancellationReason) {

    public Booking {
        invitees = invitees == null ? List.of() : List.copyOf(invitees);
    }

    /**
     * One invitee.
     *
     * @param status      {@code active} or {@code canceled}
     * @param rescheduled whether the invitee canceled by rescheduling (the new booking names this one in
     *                    {@code rescheduledFrom})
     */
    public record Invitee(String id, String name, String email, String status, String timeZone, boolean noShow, boolean rescheduled,
            String cancelUrl, String rescheduleUrl, List<Answer> answers) {

        public Invitee {
            answers = answers == null ? List.of() : List.copyOf(answers);
        }
    }

    public record Answer(String question, String answer) {
    }
}
