package io.calbridge.emulator.microsoft;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;

/**
 * The sandbox's events in the next two weeks of the account's default calendar, in its mailbox time zone: a weekly
 * series (one occurrence moved, one cancelled), an all-day event, a Teams meeting (a work account gets a join URL),
 * a declined invitation, a tentative hold and a free lunch.
 */
final class DemoEvents {

    private DemoEvents() {
    }

    static void seed(MicrosoftGraphEmulator emulator, Mailbox mailbox, Clock clock) {
        String account = mailbox.userPrincipalName;
        String calendar = emulator.defaultCalendarId(account);
        String zone = mailbox.timeZone;
        ZoneId zoneId = WindowsZones.zone(zone);
        LocalDate today = LocalDate.ofInstant(clock.instant(), zoneId);
        // a weekly series on three weekdays from tomorrow, six occurrences: all within the next two weeks
        LocalDate first = today.plusDays(1);
        String days = "\"" + first.getDayOfWeek().name().toLowerCase(java.util.Locale.ROOT) + "\",\""
                + first.plusDays(2).getDayOfWeek().name().toLowerCase(java.util.Locale.ROOT) + "\",\""
                + first.plusDays(4).getDayOfWeek().name().toLowerCase(java.util.Locale.ROOT) + "\"";
        String series = emulator.createEvent(account, calendar, event("Team sync", first.atTime(10, 0), Duration.ofMinutes(30), zone, false,
                ",\"recurrence\":{\"pattern\":{\"type\":\"weekly\",\"interval\":1,\"daysOfWeek\":[" + days + "]},"
                        + "\"range\":{\"type\":\"numbered\",\"startDate\":\"" + first + "\",\"numberOfOccurrences\":6}}"));
        LocalDateTime second = first.plusDays(2).atTime(10, 0);
        emulator.moveOccurrence(account, series, second.atZone(zoneId).toInstant(), second.plusHours(4).atZone(zoneId).toInstant(),
                second.plusHours(4).plusMinutes(30).atZone(zoneId).toInstant());
        emulator.cancelOccurrence(account, series, first.plusDays(4).atTime(10, 0).atZone(zoneId).toInstant());

        emulator.createEvent(account, calendar, event("Team offsite", today.plusDays(2).atStartOfDay(), Duration.ofDays(1), zone, true, ""));
        emulator.createEvent(account, calendar, event("Customer call", today.plusDays(1).atTime(15, 0), Duration.ofHours(1), zone, false,
                ",\"isOnlineMeeting\":true,\"onlineMeetingProvider\":\"teamsForBusiness\",\"attendees\":[{\"type\":\"required\","
                        + "\"emailAddress\":{\"name\":\"Alex Customer\",\"address\":\"alex@fabrikam.example\"}}]"));
        String pitch = emulator.createEvent(account, calendar, event("Vendor pitch", today.plusDays(3).atTime(11, 0), Duration.ofMinutes(45), zone, false,
                ",\"showAs\":\"free\""));
        emulator.makeInvitation(account, pitch, "Sam Vendor", "sam@vendor.example", "declined");
        emulator.createEvent(account, calendar, event("Hold: planning", today.plusDays(4).atTime(LocalTime.of(14, 0)), Duration.ofHours(2), zone, false,
                ",\"showAs\":\"tentative\""));
        emulator.createEvent(account, calendar, event("Lunch", today.plusDays(1).atTime(12, 0), Duration.ofHours(1), zone, false, ",\"showAs\":\"free\""));
    }

    private static String event(String subject, LocalDateTime start, Duration length, String zone, boolean allDay, String extra) {
        return "{\"subject\":\"" + subject + "\",\"body\":{\"contentType\":\"text\",\"content\":\"" + subject + " (sandbox)\"},"
                + "\"start\":{\"dateTime\":\"" + start + "\",\"timeZone\":\"" + zone + "\"},"
                + "\"end\":{\"dateTime\":\"" + start.plus(length) + "\",\"timeZone\":\"" + zone + "\"},\"isAllDay\":" + allDay + extra + "}";
    }
}
