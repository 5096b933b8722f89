package io.calbridge.reminder;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The grace rule's edges and the iCalendar text, without a server. */
class ReminderRulesTest {

    private static final Instant START = Instant.parse("2027-03-16T15:00:00Z");
    private static final Duration GRACE = Duration.ofHours(1);

    @Test
    void aReminderFoundWithinTheGracePeriodAndBeforeTheStartStillGoesOut() {
        Instant due = START.minus(Duration.ofHours(2));
        assertThat(ReminderSender.lateReason(due, START, due, GRACE)).isNull();
        assertThat(ReminderSender.lateReason(due, START, due.plus(Duration.ofMinutes(59)), GRACE)).isNull();
        assertThat(ReminderSender.lateReason(due, START, due.plus(GRACE), GRACE)).contains("beyond the grace period");
    }

    @Test
    void aLateReminderIsNeverSentOnceTheAppointmentStartedExceptOneDueAtTheStartWithinAMinute() {
        Instant due = START.minus(Duration.ofMinutes(30));
        assertThat(ReminderSender.lateReason(due, START, START.minusSeconds(1), GRACE)).isNull();
        assertThat(ReminderSender.lateReason(due, START, START, GRACE)).contains("had started");
        assertThat(ReminderSender.lateReason(START, START, START.plusSeconds(59), GRACE)).isNull();
        assertThat(ReminderSender.lateReason(START, START, START.plusSeconds(60), GRACE)).contains("had started");
    }

    @Test
    void theIcsEscapesTextFoldsLongLinesAndUsesUtc() {
        String summary = "Check-up; room 4, floor 2\nbring forms " + "é".repeat(60);
        String ics = Ics.write(new Ics.Event("appointment-1@calbridge", 3, START, START.plus(Duration.ofMinutes(30)), summary, null, null),
                Instant.parse("2027-03-01T08:00:00.123Z"));

        assertThat(ics).startsWith("BEGIN:VCALENDAR\r\n").contains("METHOD:PUBLISH\r\n", "UID:appointment-1@calbridge\r\n",
                "SEQUENCE:3\r\n", "DTSTAMP:20270301T080000Z\r\n", "DTSTART:20270316T150000Z\r\n", "DTEND:20270316T153000Z\r\n",
                "SUMMARY:Check-up\\; room 4\\, floor 2\\nbring forms ").doesNotContain("LOCATION", "DESCRIPTION");
        for (String line : ics.split("\r\n")) {
            assertThat(line.getBytes(StandardCharsets.UTF_8).length).as(line).isLessThanOrEqualTo(75);
        }
        assertThat(ics.replace("\r\n ", "")).contains("é".repeat(60));
    }
}
