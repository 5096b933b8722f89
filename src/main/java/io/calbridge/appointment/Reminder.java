package io.calbridge.appointment;

/**
 * A reminder of an appointment, as stored: {@code minutesBefore} its start, by {@code channel} EMAIL (to {@code to}:
 * OWNER or ATTENDEES) or CALENDAR (the provider's own reminder on the pushed event; {@code to} null).
 */
record Reminder(int minutesBefore, String channel, String to) {

    static final String EMAIL = "EMAIL";
    static final String CALENDAR = "CALENDAR";

    boolean email() {
        return EMAIL.equals(channel);
    }
}
