package io.calbridge.reminder;

import java.time.Instant;
import java.util.List;

/**
 * What a due reminder says and to whom: the appointment's owner knows its content, templates and privacy rules
 * (so this package depends on no feature of ours).
 */
public interface ReminderComposer {

    /** The mail for the reminder, or {@link Mail#skip} with why it cannot go out (no address, say). */
    Mail compose(Due due);

    /** A reminder whose time came. */
    record Due(String userId, String appointmentId, int minutesBefore, String recipient, Instant dueAt) {
    }

    /**
     * A reminder's mail: recipients, subject, plain text and HTML, and the event as iCalendar; or only
     * {@code skipReason}.
     */
    record Mail(List<String> to, String subject, String text, String html, Ics.Event event, String skipReason) {

        public static Mail skip(String why) {
            return new Mail(List.of(), null, null, null, null, why);
        }
    }
}
