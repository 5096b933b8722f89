package io.calbridge.emulator.google;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Believable sample data for the sandbox: six weeks around the clock's today with a daily stand-up series (one
 * occurrence cancelled), a weekly 1:1 (one occurrence moved), an all-day offsite, customer calls with a Meet link,
 * a transparent focus block and an invitation the owner declined.
 */
final class DemoEvents {

    private DemoEvents() {
    }

    static void seed(GoogleCalendarEmulator emulator, CalendarData calendar, Clock clock) {
        ZoneId zone = calendar.zone;
        LocalDate today = LocalDate.now(clock.withZone(zone));
        LocalDate monday = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).minusWeeks(2);
        String owner = calendar.ownerEmail;

        ObjectNode standup = timed(zone, "Team stand-up", monday, LocalTime.of(9, 30), 15);
        standup.putArray("recurrence").add("RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=30");
        attendees(standup, owner, "sam.lee@example.com", "priya.natarajan@example.com");
        meet(standup, "standup");
        String standupId = emulator.insertEvent(calendar.id, standup.toString());
        LocalDate thisFriday = today.with(TemporalAdjusters.nextOrSame(DayOfWeek.FRIDAY));
        emulator.cancelInstance(calendar.id, standupId, thisFriday.atTime(9, 30).atZone(zone).toInstant());

        LocalDate tuesday = monday.plusDays(1);
        ObjectNode oneOnOne = timed(zone, "1:1 Sam / me", tuesday, LocalTime.of(14, 0), 30);
        oneOnOne.putArray("recurrence").add("RRULE:FREQ=WEEKLY;COUNT=6");
        attendees(oneOnOne, owner, "sam.lee@example.com");
        String oneOnOneId = emulator.insertEvent(calendar.id, oneOnOne.toString());
        LocalDate movedFrom = tuesday.plusWeeks(3);
        emulator.moveEvent(calendar.id, GoogleCalendarEmulator.instanceId(oneOnOneId, movedFrom.atTime(14, 0).atZone(zone).toInstant()),
                movedFrom.plusDays(1).atTime(15, 0).atZone(zone).toInstant(), movedFrom.plusDays(1).atTime(15, 30).atZone(zone).toInstant());

        ObjectNode offsite = Json.object();
        offsite.put("summary", "Company offsite");
        offsite.put("location", "Lakeside Lodge");
        LocalDate offsiteDay = today.with(TemporalAdjusters.next(DayOfWeek.THURSDAY)).plusWeeks(1);
        offsite.putObject("start").put("date", offsiteDay.toString());
        offsite.putObject("end").put("date", offsiteDay.plusDays(2).toString());
        offsite.put("transparency", "transparent");
        emulator.insertEvent(calendar.id, offsite.toString());

        ObjectNode customer = timed(zone, "Customer call – Acme renewal", today.plusDays(1), LocalTime.of(11, 0), 60);
        customer.put("description", "Renewal terms and the Q3 roadmap.");
        attendees(customer, owner, "jordan@acme.example");
        meet(customer, "acme");
        emulator.insertEvent(calendar.id, customer.toString());

        ObjectNode lunch = timed(zone, "Lunch with Priya", today.plusDays(3), LocalTime.of(12, 30), 60);
        lunch.put("location", "Café Central");
        lunch.put("colorId", "2");
        emulator.insertEvent(calendar.id, lunch.toString());

        ObjectNode focus = timed(zone, "Focus time", today, LocalTime.of(15, 0), 120);
        focus.put("transparency", "transparent");
        focus.put("colorId", "9");
        emulator.insertEvent(calendar.id, focus.toString());

        ObjectNode review = timed(zone, "Quarterly business review", today.plusDays(8), LocalTime.of(16, 0), 90);
        ArrayNode people = review.putArray("attendees");
        people.addObject().put("email", "cfo@example.com").put("organizer", true).put("responseStatus", "accepted");
        people.addObject().put("email", owner).put("responseStatus", "declined");
        emulator.insertEvent(calendar.id, review.toString());

        ObjectNode dentist = timed(zone, "Dentist", today.minusDays(6), LocalTime.of(8, 0), 45);
        emulator.insertEvent(calendar.id, dentist.toString());
    }

    private static ObjectNode timed(ZoneId zone, String summary, LocalDate day, LocalTime start, int minutes) {
        ObjectNode event = Json.object();
        event.put("summary", summary);
        event.putObject("start").put("dateTime", Json.dateTime(day.atTime(start).atZone(zone).toInstant(), zone)).put("timeZone", zone.getId());
        event.putObject("end").put("dateTime", Json.dateTime(day.atTime(start).plusMinutes(minutes).atZone(zone).toInstant(), zone))
                .put("timeZone", zone.getId());
        return event;
    }

    private static void attendees(ObjectNode event, String... emails) {
        ArrayNode attendees = event.putArray("attendees");
        for (String email : emails) {
            attendees.addObject().put("email", email);
        }
    }

    private static void meet(ObjectNode event, String requestId) {
        event.putObject("conferenceData").putObject("createRequest").put("requestId", "demo-" + requestId)
                .putObject("conferenceSolutionKey").put("type", "hangoutsMeet");
    }
}
