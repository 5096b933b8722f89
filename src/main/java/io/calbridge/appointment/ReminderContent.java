package io.calbridge.appointment;

import io.calbridge.connection.Connection;
import io.calbridge.connection.ConnectionService;
import io.calbridge.connection.ConnectionSettings;
import io.calbridge.connection.ConnectionStatus;
import io.calbridge.provider.Attendee;
import io.calbridge.provider.EventDraft;
import io.calbridge.reminder.Ics;
import io.calbridge.reminder.ReminderComposer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;

/**
 * What a reminder mail says: what the pushed event says, under the same rules. Title and description come from the
 * owner's connection's event templates, client details (attendees, client name and email) only where its
 * {@code includeClientDetails} allows; without a connection, as the defaults do (client details off). The mail's text
 * and HTML are templates with the event templates' placeholders ({@code {{title}}} and {{description}} being the
 * event's); a line whose placeholders all render empty is left out.
 */
@Component
class ReminderContent implements ReminderComposer {

    static final String SUBJECT = "Reminder: {{title}} on {{date}} at {{time}} ({{timeZone}})";
    static final String TEXT = """
            {{title}}
            When: {{start}} to {{end}} ({{timeZone}}), {{duration}}
            Where: {{location}}
            With: {{clientName}} {{clientEmail}}

            {{description}}
            """;
    static final String HTML = """
            <!DOCTYPE html>
            <html><body style="font-family: sans-serif">
            <h2>{{title}}</h2>
            <p><b>When:</b> {{start}} to {{end}} ({{timeZone}}), {{duration}}</p>
            <p><b>Where:</b> {{location}}</p>
            <p><b>With:</b> {{clientName}} {{clientEmail}}</p>
            <p style="white-space: pre-wrap">{{description}}</p>
            </body></html>
            """;

    private final AppointmentRepository appointments;
    private final ConnectionService connections;

    ReminderContent(AppointmentRepository appointments, ConnectionService connections) {
        this.appointments = appointments;
        this.connections = connections;
    }

    @Override
    public Mail compose(Due due) {
        Appointment appointment = appointments.find(due.userId(), due.appointmentId()).orElse(null);
        if (appointment == null || appointment.cancelled()) {
            return Mail.skip("the appointment was cancelled");
        }
        Optional<Connection> owner = ownerConnection(due.userId());
        List<String> to;
        if ("ATTENDEES".equals(due.recipient())) {
            to = appointment.attendees().stream().map(Attendee::email).distinct().toList();
            if (to.isEmpty()) {
                return Mail.skip("the appointment has no attendees");
            }
        } else {
            if (owner.isEmpty()) {
                return Mail.skip("no address: the user has no connected account with an email address");
            }
            to = List.of(owner.get().accountEmail());
        }
        ConnectionSettings settings = owner.map(Connection::settings).orElse(ConnectionSettings.defaults());
        EventDraft event = EventContent.draft(appointment, settings, null, false);
        Map<String, String> values = new java.util.HashMap<>(EventContent.values(appointment, settings.includeClientDetails()));
        values.put("title", event.title());
        values.put("description", event.description() == null ? "" : event.description());
        Map<String, String> escaped = new java.util.HashMap<>();
        values.forEach((key, value) -> escaped.put(key, HtmlUtils.htmlEscape(value, StandardCharsets.UTF_8.name())));
        return new Mail(to, EventContent.render(SUBJECT, values).strip(), lines(TEXT, values), lines(HTML, escaped),
                new Ics.Event(uid(appointment), appointment.version(), appointment.start(), appointment.end(), event.title(),
                        appointment.location(), event.description()),
                null);
    }

    /** The connection whose account address is the user's: an active one first, the oldest first. */
    private Optional<Connection> ownerConnection(String userId) {
        return connections.list(userId).stream()
                .filter(c -> c.accountEmail() != null && !c.accountEmail().isBlank() && c.status() != ConnectionStatus.DISABLED)
                .min(Comparator.comparing((Connection c) -> c.status() != ConnectionStatus.ACTIVE).thenComparing(Connection::createdAt));
    }

    /** The template rendered line by line, leaving out lines whose placeholders all rendered empty. */
    static String lines(String template, Map<String, String> values) {
        StringBuilder out = new StringBuilder();
        for (String line : template.split("\n", -1)) {
            Matcher placeholders = EventContent.PLACEHOLDER.matcher(line);
            boolean any = false;
            boolean filled = false;
            while (placeholders.find()) {
                any = true;
                filled |= !values.getOrDefault(placeholders.group(1), "").isBlank();
            }
            if (!any || filled) {
                out.append(EventContent.render(line, values)).append('\n');
            }
        }
        return out.toString().strip() + "\n";
    }

    /** The same for the appointment always: a calendar that imported an earlier reminder's copy updates that event. */
    private static String uid(Appointment appointment) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((appointment.userId() + "\n" + appointment.appointmentId()).getBytes(StandardCharsets.UTF_8));
            return "appointment-" + HexFormat.of().formatHex(digest, 0, 16) + "@calbridge";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
