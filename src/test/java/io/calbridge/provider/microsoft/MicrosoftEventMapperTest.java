package io.calbridge.provider.microsoft;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.provider.Attendee;
import io.calbridge.provider.ChangePage;
import io.calbridge.provider.ChangeRequest;
import io.calbridge.provider.EventTime;
import io.calbridge.provider.RemoteEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Recorded Graph answers (written after the examples of Graph's event, event-delta and calendar-view docs) read by the
 * real SDK over real HTTP and mapped to the port's events: one delta page with a single meeting, a declined
 * invitation, a free block, an all-day event, three occurrences of a series, an exception, a cancelled meeting and a
 * removed item; a second page with an event in India's zone.
 */
class MicrosoftEventMapperTest {

    private static final String CALENDAR = "AAMkCal1";

    private ScriptedGraphServer graph;
    private Map<String, RemoteEvent> events;

    @BeforeEach
    void syncTheRecordedPages() {
        graph = new ScriptedGraphServer();
        MicrosoftCalendarProvider provider = new MicrosoftCalendarProvider(MicrosoftSettings.defaults().withGraphBaseUrl(graph.baseUrl()),
                Clock.systemUTC());
        graph.replyFile(200, "delta-page1.json").replyFile(200, "series-master.json").replyFile(200, "delta-page2.json");

        ChangePage first = provider.changes("token", CALENDAR, new ChangeRequest(null, null, Instant.parse("2026-11-01T00:00:00Z"),
                Instant.parse("2027-02-01T00:00:00Z"), 50));
        ChangePage second = provider.changes("token", CALENDAR, new ChangeRequest(null, first.nextPageCursor(), null, null, 50));

        assertThat(second.syncCursor()).endsWith("$deltatoken=R0usmci39OQxqJrxK4");
        events = java.util.stream.Stream.concat(first.events().stream(), second.events().stream())
                .collect(Collectors.toMap(RemoteEvent::externalId, Function.identity()));
    }

    @AfterEach
    void stop() {
        graph.close();
    }

    @Test
    void singleMeetingMapsTitleBodyTimesInItsOwnZoneAttendeesTeamsLinkAndVersion() {
        RemoteEvent single = events.get("AAMkSingle");

        assertThat(single.calendarId()).isEqualTo(CALENDAR);
        assertThat(single.status()).isEqualTo("confirmed");
        assertThat(single.title()).isEqualTo("Quarterly review");
        assertThat(single.description()).contains("<p>Agenda: numbers, hiring</p>");
        assertThat(single.location()).isEqualTo("Room 4.01");
        assertThat(single.start()).isEqualTo(EventTime.at(Instant.parse("2026-12-03T09:00:00Z"), "Europe/Berlin"));
        assertThat(single.end()).isEqualTo(EventTime.at(Instant.parse("2026-12-03T10:00:00Z"), "Europe/Berlin"));
        assertThat(single.transparent()).isFalse();
        assertThat(single.selfResponse()).as("the organizer gives no answer").isNull();
        assertThat(single.attendees()).containsExactly(
                new Attendee("Ben Okafor", "ben.okafor@contoso.com", "accepted", false),
                new Attendee("Chloe Martin", "chloe.martin@contoso.com", "tentative", false),
                new Attendee("Dev Patel", "dev.patel@contoso.com", "needsAction", false));
        assertThat(single.meetingUrl()).startsWith("https://teams.microsoft.com/l/meetup-join/19%3ameeting_NzE2");
        assertThat(single.htmlLink()).contains("itemid=AAMkSingle");
        assertThat(single.etag()).isEqualTo("W/\"DwAAABYAAAAQ+Uhj1ikfRKQpR1yuOhD9AAACAb8K\"");
        assertThat(single.recurrenceRule()).isNull();
        assertThat(single.recurringEventId()).isNull();
    }

    @Test
    void occurrencesCarryingOnlyTheirTimesAreCompletedFromTheirSeriesMasterFetchedOnce() {
        List<RemoteEvent> occurrences = List.of(events.get("AAMkOcc1"), events.get("AAMkOcc2"), events.get("AAMkOcc3"));

        assertThat(occurrences).allSatisfy(occurrence -> {
            assertThat(occurrence.title()).isEqualTo("Weekly sync");
            assertThat(occurrence.description()).isEqualTo("Status round");
            assertThat(occurrence.location()).isEqualTo("Room 2");
            assertThat(occurrence.selfResponse()).isEqualTo("accepted");
            assertThat(occurrence.transparent()).isFalse();
            assertThat(occurrence.status()).isEqualTo("confirmed");
            assertThat(occurrence.attendees()).extracting(Attendee::email).containsExactly("ben.okafor@contoso.com");
            assertThat(occurrence.recurrenceRule()).as("Graph expanded the series: each instance stands alone").isNull();
            assertThat(occurrence.recurringEventId()).isNull();
            assertThat(occurrence.start().timeZone()).isEqualTo("Europe/Berlin");
        });
        assertThat(events.get("AAMkOcc2").start().instant()).as("the occurrence's own time, not the master's")
                .isEqualTo(Instant.parse("2026-12-15T08:00:00Z"));
        assertThat(events.get("AAMkOcc2").etag()).isEqualTo("W/\"DwAAABYAAAAQocc2\"");
        List<String> masterFetches = graph.requests().stream().map(ScriptedGraphServer.Request::path)
                .filter(path -> path.contains("AAMkMaster")).toList();
        assertThat(masterFetches).containsExactly("/v1.0/me/events/AAMkMaster");
    }

    @Test
    void exceptionOfASeriesKeepsItsOwnFieldsAndTime() {
        RemoteEvent exception = events.get("AAMkException");

        assertThat(exception.title()).isEqualTo("Weekly sync (moved to Thursday)");
        assertThat(exception.location()).isEqualTo("Room 3");
        assertThat(exception.start()).isEqualTo(EventTime.at(Instant.parse("2026-12-10T14:00:00Z"), "Europe/Berlin"));
        assertThat(exception.recurringEventId()).isNull();
    }

    @Test
    void allDayEventRunningMidnightToMidnightMapsToDatesWithExclusiveEnd() {
        RemoteEvent holiday = events.get("AAMkAllDay");

        assertThat(holiday.start()).isEqualTo(EventTime.allDay(LocalDate.of(2026, 12, 24)));
        assertThat(holiday.end()).isEqualTo(EventTime.allDay(LocalDate.of(2026, 12, 26)));
        assertThat(holiday.transparent()).as("out of office is busy").isFalse();
    }

    @Test
    void windowsZoneNamesMapToIanaThroughCldr() {
        assertThat(events.get("AAMkDeclined").start().timeZone()).isEqualTo("America/Los_Angeles");
        assertThat(events.get("AAMkIndia").start().timeZone()).isEqualTo("Asia/Kolkata");
        assertThat(events.get("AAMkIndia").start().instant()).isEqualTo(Instant.parse("2026-12-04T04:30:00Z"));
        assertThat(events.get("AAMkFree").start().timeZone()).isEqualTo("UTC");
        assertThat(MicrosoftTimeZones.zone("GMT Standard Time")).hasToString("Europe/London");
        assertThat(MicrosoftTimeZones.zone("Tokyo Standard Time")).hasToString("Asia/Tokyo");
        assertThat(MicrosoftTimeZones.zone("Europe/Paris")).as("IANA names pass as they are").hasToString("Europe/Paris");
        assertThat(MicrosoftTimeZones.zone("tzone://Microsoft/Custom")).isNull();
    }

    @Test
    void declinedInvitationHasSelfResponseDeclined() {
        RemoteEvent declined = events.get("AAMkDeclined");

        assertThat(declined.selfResponse()).isEqualTo("declined");
        assertThat(declined.status()).isEqualTo("confirmed");
        assertThat(declined.description()).isEqualTo("Pitch of the new CRM");
        assertThat(declined.location()).as("an empty location is none").isNull();
        assertThat(declined.meetingUrl()).isNull();
    }

    @Test
    void showAsFreeIsTransparentAndTentativeOrWorkingElsewhereAreBusy() {
        assertThat(events.get("AAMkFree").transparent()).isTrue();
        assertThat(events.get("AAMkDeclined").transparent()).as("tentative").isFalse();
        assertThat(events.get("AAMkIndia").transparent()).as("workingElsewhere").isFalse();
        assertThat(events.get("AAMkIndia").selfResponse()).isEqualTo("needsAction");
    }

    @Test
    void cancelledMeetingIsCancelled() {
        RemoteEvent cancelled = events.get("AAMkCancelled");

        assertThat(cancelled.cancelled()).isTrue();
        assertThat(cancelled.start().timeZone()).isEqualTo("Europe/London");
    }

    @Test
    void removedItemBecomesACancelledEventWithNothingButItsId() {
        RemoteEvent removed = events.get("AAMkRemoved");

        assertThat(removed.cancelled()).isTrue();
        assertThat(removed.calendarId()).isEqualTo(CALENDAR);
        assertThat(removed.start()).isNull();
        assertThat(removed.title()).isNull();
        assertThat(events).hasSize(11);
    }
}
