package io.calbridge.testing;

import io.calbridge.emulator.google.EventSnapshot;
import io.calbridge.emulator.google.GoogleCalendarEmulator;
import io.calbridge.emulator.microsoft.MicrosoftGraphEmulator;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * One provider calendar as a test reads it back, straight from its emulator's state (not through calbridge): the
 * live events, each reduced to what calbridge's pushes decide. Lets a workload check any provider the same way.
 */
public interface CalendarView {

    /** For messages: "google", "microsoft", ... */
    String name();

    /** The events that are not cancelled or deleted. */
    List<PushedEvent> liveEvents();

    /**
     * @param attendees  the attendees' email addresses
     * @param meetingUrl the event's video meeting link (Meet, Teams), or null
     * @param json       the event as the provider's API shows it, for messages and privacy checks
     */
    record PushedEvent(String id, String title, Instant start, Instant end, List<String> attendees, String meetingUrl, String json) {
    }

    /** A Google calendar: events.get's JSON of every stored event that is not cancelled. */
    static CalendarView google(GoogleCalendarEmulator google, String calendarId) {
        return new CalendarView() {
            @Override
            public String name() {
                return "google";
            }

            @Override
            public List<PushedEvent> liveEvents() {
                List<PushedEvent> events = new ArrayList<>();
                for (EventSnapshot event : google.events(calendarId)) {
                    if (event.cancelled()) {
                        continue;
                    }
                    JsonNode json = Api.JSON.readTree(event.json());
                    List<String> attendees = new ArrayList<>();
                    json.path("attendees").forEach(a -> attendees.add(a.path("email").asText()));
                    String meetingUrl = json.path("hangoutLink").asText(null);
                    events.add(new PushedEvent(event.id(), event.summary(), OffsetDateTime.parse(event.start()).toInstant(),
                            OffsetDateTime.parse(event.end()).toInstant(), attendees, meetingUrl, event.json()));
                }
                return events;
            }
        };
    }

    /** An Outlook calendar: GET /me/events/{id}'s JSON (times in UTC) of every stored event not deleted or cancelled. */
    static CalendarView microsoft(MicrosoftGraphEmulator microsoft, String account, String calendarId) {
        return new CalendarView() {
            @Override
            public String name() {
                return "microsoft";
            }

            @Override
            public List<PushedEvent> liveEvents() {
                List<PushedEvent> events = new ArrayList<>();
                for (String id : microsoft.storedEventIds(account, calendarId)) {
                    String text = microsoft.eventJson(account, id).orElse(null);
                    if (text == null) {
                        continue; // deleted since the ids were read
                    }
                    JsonNode json = Api.JSON.readTree(text);
                    if (json.path("isCancelled").asBoolean(false)) {
                        continue;
                    }
                    List<String> attendees = new ArrayList<>();
                    json.path("attendees").forEach(a -> attendees.add(a.path("emailAddress").path("address").asText()));
                    String meetingUrl = json.path("onlineMeeting").path("joinUrl").asText(null);
                    events.add(new PushedEvent(json.path("id").asText(), json.path("subject").asText(null), utc(json.path("start")),
                            utc(json.path("end")), attendees, meetingUrl, text));
                }
                return events;
            }

            private Instant utc(JsonNode time) {
                if (!"UTC".equals(time.path("timeZone").asText())) {
                    throw new IllegalStateException("expected a time in UTC (the emulator's default view), got " + time);
                }
                return LocalDateTime.parse(time.path("dateTime").asText()).toInstant(ZoneOffset.UTC);
            }
        };
    }
}
