package io.calbridge.provider.microsoft;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.provider.EventDraft;
import io.calbridge.provider.EventTime;
import io.calbridge.provider.WrittenEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reason for a missing Teams link as the adapter reads it from recorded Graph answers, over the real SDK and HTTP. */
class MicrosoftTeamsReasonMappingTest {

    private static final String TOKEN = "token-teams";
    private static final String CALENDAR = "AAMkCal1";

    private ScriptedGraphServer graph;
    private MicrosoftCalendarProvider provider;

    @BeforeEach
    void adapterAgainstScriptedGraph() {
        graph = new ScriptedGraphServer();
        provider = new MicrosoftCalendarProvider(MicrosoftSettings.defaults().withGraphBaseUrl(graph.baseUrl()), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        graph.close();
    }

    @Test
    void aCalendarWithoutTeamsGivesAReasonInsteadOfALink() {
        graph.replyFile(200, "calendar-personal.json").reply(201, """
                {"id": "AAMkPersonal", "changeKey": "ck1", "subject": "Consultation"}""");

        WrittenEvent written = provider.createEvent(TOKEN, CALENDAR, draft(true));

        assertThat(written.meetingUrl()).isNull();
        assertThat(written.meetingLinkUnavailable()).isEqualTo(MicrosoftEventWriter.TEAMS_NOT_ALLOWED)
                .contains("personal Microsoft accounts");
    }

    @Test
    void aTeamsLinkNeedsNoReason() {
        graph.replyFile(200, "calendar-teams.json").replyFile(201, "event-created.json");

        WrittenEvent written = provider.createEvent(TOKEN, CALENDAR, draft(true));

        assertThat(written.meetingUrl()).startsWith("https://teams.microsoft.com/");
        assertThat(written.meetingLinkUnavailable()).isNull();
    }

    @Test
    void teamsAllowedButAnsweredWithoutAJoinUrlSaysSo() {
        graph.replyFile(200, "calendar-teams.json").reply(200, """
                {"id": "AAMkWork", "changeKey": "ck2", "isOnlineMeeting": true, "onlineMeetingProvider": "teamsForBusiness",
                 "onlineMeeting": null}""");

        WrittenEvent written = provider.updateEvent(TOKEN, CALENDAR, "AAMkWork", draft(true));

        assertThat(written.meetingUrl()).isNull();
        assertThat(written.meetingLinkUnavailable()).isEqualTo(MicrosoftEventWriter.TEAMS_LINK_MISSING);
    }

    @Test
    void noLinkAskedForNoReasonGiven() {
        graph.reply(201, """
                {"id": "AAMkPlain", "changeKey": "ck3", "subject": "Consultation"}""");

        WrittenEvent written = provider.createEvent(TOKEN, CALENDAR, draft(false));

        assertThat(written.meetingLinkUnavailable()).isNull();
        assertThat(graph.requests()).as("no calendar lookup without a link request").hasSize(1);
    }

    private static EventDraft draft(boolean meetingLink) {
        return new EventDraft("appointment-9/connection-3", "Consultation", "Intake call", null,
                EventTime.at(Instant.parse("2026-12-07T09:00:00Z"), "Europe/Berlin"),
                EventTime.at(Instant.parse("2026-12-07T09:45:00Z"), "Europe/Berlin"), List.of(), meetingLink);
    }
}
