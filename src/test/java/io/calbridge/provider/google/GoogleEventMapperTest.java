package io.calbridge.provider.google;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.calendar.model.Event;
import com.google.api.services.calendar.model.EventAttendee;
import com.google.api.services.calendar.model.EventReminder;
import com.google.api.services.calendar.model.Events;
import io.calbridge.provider.Attendee;
import io.calbridge.provider.EventDraft;
import io.calbridge.provider.EventTime;
import io.calbridge.provider.RemoteEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Google event resources, as the API sends them (recorded under src/test/resources/google/), mapped to the port's types. */
class GoogleEventMapperTest {

    private static final String CALENDAR = "anna.schmidt@example.com";
    private static final String CALENDAR_ZONE = "Europe/Berlin";

    @Test
    void timedEventKeepsItsInstantsZoneAttendeesAndLinks() {
        RemoteEvent event = map("timed-event.json");

        assertThat(event.externalId()).isEqualTo("4m0tq8l2f9s6d1b3a7c5e0g2hk");
        assertThat(event.calendarId()).isEqualTo(CALENDAR);
        assertThat(event.status()).isEqualTo("confirmed");
        assertThat(event.title()).isEqualTo("Quarterly planning");
        assertThat(event.description()).isEqualTo("Agenda:\n1. Q3 goals\n2. Hiring");
        assertThat(event.location()).isEqualTo("Room 4.12, Friedrichstraße 68, Berlin");
        assertThat(event.start()).isEqualTo(EventTime.at(Instant.parse("2026-07-13T08:00:00Z"), "Europe/Berlin"));
        assertThat(event.end()).isEqualTo(EventTime.at(Instant.parse("2026-07-13T09:30:00Z"), "Europe/Berlin"));
        assertThat(event.transparent()).isFalse();
        assertThat(event.selfResponse()).isEqualTo("accepted");
        assertThat(event.attendees()).containsExactly(
                new Attendee(null, "anna.schmidt@example.com", "accepted", true),
                new Attendee("Jonas Weber", "jonas.weber@example.com", "tentative", false),
                new Attendee("Room 4.12", "room-4-12@resource.calendar.google.com", "accepted", false));
        assertThat(event.recurrenceRule()).isNull();
        assertThat(event.recurringEventId()).isNull();
        assertThat(event.originalStart()).isNull();
        assertThat(event.meetingUrl()).isNull();
        assertThat(event.htmlLink()).startsWith("https://www.google.com/calendar/event?eid=");
        assertThat(event.etag()).isEqualTo("\"3441968112345000\"");
        assertThat(event.cancelled()).isFalse();
    }

    @Test
    void allDayEventCarriesDatesWithExclusiveEnd() {
        RemoteEvent event = map("all-day.json");

        assertThat(event.start()).isEqualTo(EventTime.allDay(LocalDate.of(2026, 7, 14)));
        assertThat(event.end()).isEqualTo(EventTime.allDay(LocalDate.of(2026, 7, 15)));
        assertThat(event.start().isAllDay()).isTrue();
        assertThat(event.selfResponse()).as("own event without guests").isEqualTo("accepted");
        assertThat(event.attendees()).isEmpty();
    }

    @Test
    void multiDayAllDayEventSpansItsDatesEndExclusive() {
        RemoteEvent event = map("multi-day-all-day.json");

        assertThat(event.start().date()).isEqualTo(LocalDate.of(2026, 8, 3));
        assertThat(event.end().date()).isEqualTo(LocalDate.of(2026, 8, 8));
        assertThat(event.transparent()).as("explicitly opaque").isFalse();
    }

    @Test
    void recurringMasterKeepsItsRuleAndExceptionDates() {
        RemoteEvent event = map("recurring-master.json");

        assertThat(event.recurrenceRule()).isEqualTo(
                "RRULE:FREQ=WEEKLY;WKST=MO;UNTIL=20261231T225959Z;BYDAY=MO,WE,FR\nEXDATE;TZID=Europe/Berlin:20260715T100000");
        assertThat(event.start()).isEqualTo(EventTime.at(Instant.parse("2026-07-06T08:00:00Z"), "Europe/Berlin"));
        assertThat(event.recurringEventId()).isNull();
        assertThat(event.meetingUrl()).as("a Meet address in the location is not a conference").isNull();
    }

    @Test
    void movedInstanceNamesItsSeriesAndOriginalStart() {
        RemoteEvent event = map("moved-instance.json");

        assertThat(event.externalId()).isEqualTo("7h3kq1v0ce2lm9p5r8s4t6u0vb_20260717T080000Z");
        assertThat(event.recurringEventId()).isEqualTo("7h3kq1v0ce2lm9p5r8s4t6u0vb");
        assertThat(event.originalStart()).isEqualTo(EventTime.at(Instant.parse("2026-07-17T08:00:00Z"), "Europe/Berlin"));
        assertThat(event.start()).isEqualTo(EventTime.at(Instant.parse("2026-07-17T12:00:00Z"), "Europe/Berlin"));
        assertThat(event.recurrenceRule()).isNull();
        assertThat(event.cancelled()).isFalse();
    }

    @Test
    void cancelledInstanceWithOnlyIdStatusAndSeriesMapsWithoutTimes() {
        RemoteEvent event = map("cancelled-instance.json");

        assertThat(event.cancelled()).isTrue();
        assertThat(event.externalId()).isEqualTo("7h3kq1v0ce2lm9p5r8s4t6u0vb_20260720T080000Z");
        assertThat(event.recurringEventId()).isEqualTo("7h3kq1v0ce2lm9p5r8s4t6u0vb");
        assertThat(event.originalStart()).isEqualTo(EventTime.at(Instant.parse("2026-07-20T08:00:00Z"), "Europe/Berlin"));
        assertThat(event.start()).isNull();
        assertThat(event.end()).isNull();
        assertThat(event.title()).isNull();
        assertThat(event.attendees()).isEmpty();
        assertThat(event.selfResponse()).isNull();
    }

    @Test
    void deletedEventWithOnlyIdAndStatusMapsAsCancelled() {
        RemoteEvent event = map("deleted-event.json");

        assertThat(event.cancelled()).isTrue();
        assertThat(event.externalId()).isEqualTo("2c4e6g8i0k2m4o6q8s0u2a4c6e");
        assertThat(event.start()).isNull();
        assertThat(event.recurringEventId()).isNull();
        assertThat(event.etag()).isEqualTo("\"3441983111000000\"");
    }

    @Test
    void declinedInvitationReportsTheOwnersDeclineNotTheOrganizersAnswer() {
        RemoteEvent event = map("declined-invitation.json");

        assertThat(event.selfResponse()).isEqualTo("declined");
        assertThat(event.status()).as("the event itself still takes place").isEqualTo("confirmed");
        assertThat(event.attendees()).extracting(Attendee::email, Attendee::response, Attendee::self).containsExactly(
                tuple("sales@vendor.example.org", "accepted", false),
                tuple("anna.schmidt@example.com", "declined", true));
    }

    @Test
    void transparentEventLeavesTimeFreeAndKeepsTentativeStatus() {
        RemoteEvent event = map("transparent-event.json");

        assertThat(event.transparent()).isTrue();
        assertThat(event.status()).isEqualTo("tentative");
    }

    @Test
    void eventInAnotherZoneThanItsCalendarKeepsItsOwnZone() {
        RemoteEvent event = map("other-zone-event.json");

        assertThat(event.start()).isEqualTo(EventTime.at(Instant.parse("2026-07-21T13:00:00Z"), "America/New_York"));
        assertThat(event.end()).isEqualTo(EventTime.at(Instant.parse("2026-07-21T14:00:00Z"), "America/New_York"));
    }

    @Test
    void timeWithoutZoneTakesTheCalendarsZoneFromTheListAnswer() {
        Events page = parse("events-page.json", Events.class);

        List<RemoteEvent> events = page.getItems().stream()
                .map(item -> GoogleEventMapper.toRemote(item, CALENDAR, page.getTimeZone())).toList();

        assertThat(events.get(0).start()).isEqualTo(EventTime.at(Instant.parse("2026-07-24T06:30:00Z"), "Europe/Berlin"));
        assertThat(events.get(1).cancelled()).isTrue();
    }

    @Test
    void timeWithoutAnyZoneKeepsItsWrittenOffsetAndUtcIsNamedUtc() {
        RemoteEvent event = GoogleEventMapper.toRemote(parse("conference-without-hangout-link.json", Event.class), CALENDAR, null);

        assertThat(event.start()).isEqualTo(EventTime.at(Instant.parse("2026-07-23T17:00:00Z"), "UTC"));
        assertThat(event.selfResponse()).as("someone else's event, no self attendee").isNull();
    }

    @Test
    void meetEventGivesItsHangoutLink() {
        assertThat(map("meet-event.json").meetingUrl()).isEqualTo("https://meet.google.com/xyz-pqrs-tuv");
    }

    @Test
    void conferenceWithoutHangoutLinkGivesItsVideoEntryPoint() {
        assertThat(map("conference-without-hangout-link.json").meetingUrl()).isEqualTo("https://zoom.example.com/j/81234567890");
    }

    @Test
    void draftBecomesEventWithZonedTimesAttendeesAndMeetRequest() throws IOException {
        EventDraft draft = new EventDraft("appointment-42:connection-7", "Consultation with Jane", "Bring documents",
                "Main street 1", EventTime.at(Instant.parse("2026-07-13T08:00:00Z"), "Europe/Berlin"),
                EventTime.at(Instant.parse("2026-07-13T08:45:00Z"), "Europe/Berlin"),
                List.of(new Attendee("Jane Roe", "jane.roe@example.org", null, false)), true);

        Event event = GoogleEventMapper.newEvent(GoogleEventIds.forKey(draft.idempotencyKey()), draft);
        String json = GsonFactory.getDefaultInstance().toString(event);

        assertThat(event.getStart().getDateTime().toStringRfc3339()).isEqualTo("2026-07-13T10:00:00.000+02:00");
        assertThat(event.getStart().getTimeZone()).isEqualTo("Europe/Berlin");
        assertThat(event.getAttendees()).extracting(EventAttendee::getEmail, EventAttendee::getDisplayName)
                .containsExactly(tuple("jane.roe@example.org", "Jane Roe"));
        assertThat(event.getConferenceData().getCreateRequest().getRequestId()).isEqualTo("appointment-42:connection-7");
        assertThat(event.getConferenceData().getCreateRequest().getConferenceSolutionKey().getType()).isEqualTo("hangoutsMeet");
        assertThat(json).contains("\"id\":\"" + GoogleEventIds.forKey("appointment-42:connection-7") + "\"");
        // and Google's own parser reads back what was written
        RemoteEvent back = GoogleEventMapper.toRemote(GsonFactory.getDefaultInstance().fromString(json, Event.class), CALENDAR, null);
        assertThat(back.start()).isEqualTo(draft.start());
        assertThat(back.end()).isEqualTo(draft.end());
    }

    @Test
    void draftInAnOffsetIsSentAsThatOffsetWithoutAZoneName() {
        EventDraft draft = new EventDraft("k-offset", "Call", null, null, EventTime.at(Instant.parse("2027-03-16T15:15:00Z"), "+05:30"),
                EventTime.at(Instant.parse("2027-03-16T16:00:00Z"), "+05:30"), List.of(), false);

        Event event = GoogleEventMapper.newEvent("cboffset", draft);

        assertThat(event.getStart().getDateTime().toStringRfc3339()).isEqualTo("2027-03-16T20:45:00.000+05:30");
        assertThat(event.getStart().getTimeZone()).as("Google takes only IANA names").isNull();
        assertThat(event.getEnd().getDateTime().toStringRfc3339()).isEqualTo("2027-03-16T21:30:00.000+05:30");
        assertThat(event.getEnd().getTimeZone()).isNull();
    }

    @Test
    void draftInUtcIsSentWithTheZoneNameUtc() {
        EventDraft draft = new EventDraft("k-utc", "Call", null, null, EventTime.at(Instant.parse("2027-03-16T15:15:00Z"), "UTC"),
                EventTime.at(Instant.parse("2027-03-16T16:00:00Z"), "UTC"), List.of(), false);

        Event event = GoogleEventMapper.newEvent("cbutc", draft);

        assertThat(event.getStart().getDateTime().toStringRfc3339()).isEqualTo("2027-03-16T15:15:00.000Z");
        assertThat(event.getStart().getTimeZone()).isEqualTo("UTC");
    }

    @Test
    void allDayDraftBecomesDatesAndNoGuestsMeansNoAttendeeList() {
        EventDraft draft = new EventDraft("k-all-day", "Workshop", null, null, EventTime.allDay(LocalDate.of(2026, 9, 1)),
                EventTime.allDay(LocalDate.of(2026, 9, 3)), List.of(), false);

        Event event = GoogleEventMapper.newEvent("cbabc12", draft);

        assertThat(event.getStart().getDate().toStringRfc3339()).isEqualTo("2026-09-01");
        assertThat(event.getEnd().getDate().toStringRfc3339()).isEqualTo("2026-09-03");
        assertThat(event.getStart().getDateTime()).isNull();
        assertThat(event.getAttendees()).isNull();
        assertThat(event.getConferenceData()).isNull();
    }

    @Test
    void applyingDraftToFetchedEventReplacesOwnedFieldsAndKeepsTheUsersOthers() {
        Event existing = parse("meet-event.json", Event.class)
                .setColorId("5")
                .setReminders(new Event.Reminders().setUseDefault(false)
                        .setOverrides(List.of(new EventReminder().setMethod("popup").setMinutes(30))))
                .setAttendees(List.of(new EventAttendee().setEmail("Jane.Roe@example.org").setResponseStatus("accepted")));
        EventDraft draft = new EventDraft("appointment-42:connection-7", "Design review (moved)", null, "Room 2",
                EventTime.at(Instant.parse("2026-07-22T14:00:00Z"), "Europe/Berlin"),
                EventTime.at(Instant.parse("2026-07-22T15:00:00Z"), "Europe/Berlin"),
                List.of(new Attendee("Jane Roe", "jane.roe@example.org", null, false)), true);

        Event updated = GoogleEventMapper.applyDraft(existing, draft);

        assertThat(updated.getSummary()).isEqualTo("Design review (moved)");
        assertThat(updated.getDescription()).isNull();
        assertThat(updated.getLocation()).isEqualTo("Room 2");
        assertThat(updated.getColorId()).isEqualTo("5");
        assertThat(updated.getReminders().getOverrides()).hasSize(1);
        assertThat(updated.getAttendees()).singleElement().satisfies(a -> {
            assertThat(a.getEmail()).isEqualTo("jane.roe@example.org");
            assertThat(a.getResponseStatus()).as("a known guest keeps their answer").isEqualTo("accepted");
        });
        assertThat(updated.getConferenceData().getConferenceId()).as("the existing Meet stays").isEqualTo("xyz-pqrs-tuv");
        assertThat(updated.getConferenceData().getCreateRequest().getStatus().getStatusCode()).isEqualTo("success");
    }

    private static RemoteEvent map(String fixture) {
        return GoogleEventMapper.toRemote(parse(fixture, Event.class), CALENDAR, CALENDAR_ZONE);
    }

    static <T> T parse(String fixture, Class<T> type) {
        try (InputStream in = GoogleEventMapperTest.class.getResourceAsStream("/google/" + fixture)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + fixture);
            }
            return GsonFactory.getDefaultInstance().fromString(new String(in.readAllBytes(), StandardCharsets.UTF_8), type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
