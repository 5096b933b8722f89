package io.calbridge.reminder;

/** An EMAIL reminder of an appointment: {@code minutesBefore} its start, to the {@code recipient} OWNER or ATTENDEES. */
public record EmailReminder(int minutesBefore, String recipient) {
}
