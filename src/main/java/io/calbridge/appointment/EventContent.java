package io.calbridge.appointment;

import io.calbridge.connection.ConnectionSettings;
import io.calbridge.provider.Attendee;
import io.calbridge.provider.EventDraft;
import io.calbridge.provider.EventTime;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an appointment becomes in one connection's calendar: the connection's title and description templates
 * filled in, and client details (attendees, client name and email) only where {@code includeClientDetails} allows.
 */
final class EventContent {

    static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z]+)\\s*}}");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm");

    private EventContent() {
    }

    static EventDraft draft(Appointment appointment, ConnectionSettings settings, String idempotencyKey, boolean meetingLinks) {
        Map<String, String> values = values(appointment, settings.includeClientDetails());
        List<Attendee> attendees = settings.includeClientDetails() ? appointment.attendees() : List.of();
        String title = render(settings.eventTitleTemplate(), values).strip();
        return new EventDraft(idempotencyKey, title.isEmpty() ? appointment.title() : title,
                emptyToNull(render(settings.eventDescriptionTemplate(), values).strip()), appointment.location(),
                EventTime.at(appointment.start(), appointment.timeZone()), EventTime.at(appointment.end(), appointment.timeZone()),
                attendees, meetingLinks && "AUTO".equals(appointment.conference()), calendarReminders(appointment));
    }

    static Map<String, String> values(Appointment a, boolean clientDetails) {
        ZoneId zone = ZoneId.of(a.timeZone());
        ZonedDateTime start = a.start().atZone(zone);
        ZonedDateTime end = a.end().atZone(zone);
        Attendee client = clientDetails && !a.attendees().isEmpty() ? a.attendees().get(0) : null;
        Map<String, String> values = new HashMap<>();
        values.put("title", a.title());
        values.put("description", a.description() == null ? "" : a.description());
        values.put("location", a.location() == null ? "" : a.location());
        values.put("start", start.format(DATE) + " " + start.format(TIME));
        values.put("end", end.format(DATE) + " " + end.format(TIME));
        values.put("date", start.format(DATE));
        values.put("time", start.format(TIME));
        values.put("timeZone", a.timeZone());
        values.put("duration", Duration.between(a.start(), a.end()).toMinutes() + " min");
        values.put("clientName", client == null || client.name() == null ? "" : client.name());
        values.put("clientEmail", client == null ? "" : client.email());
        values.put("appointmentId", a.appointmentId());
        return values;
    }

    static String render(String template, Map<String, String> values) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(out, Matcher.quoteReplacement(values.getOrDefault(matcher.group(1), "")));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** The minutes of the CALENDAR reminders, for the provider's own reminders on the event. */
    private static List<Integer> calendarReminders(Appointment appointment) {
        return appointment.reminders().stream().filter(r -> Reminder.CALENDAR.equals(r.channel())).map(Reminder::minutesBefore)
                .sorted().toList();
    }

    private static String emptyToNull(String text) {
        return text.isEmpty() ? null : text;
    }
}
