package io.calbridge.provider.google;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.calendar.model.Event;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Google's conference create request status as events.insert answers it (Calendar API reference, conferenceData.
 * createRequest.status.statusCode: pending, success, failure), read by the real client's JSON parser.
 */
class GoogleMeetReasonTest {

    @Test
    void aFailedCreateRequestIsTheReason() throws IOException {
        Event event = parse("""
                {"id": "e1", "conferenceData": {"createRequest": {"requestId": "r1",
                  "conferenceSolutionKey": {"type": "hangoutsMeet"}, "status": {"statusCode": "failure"}}}}""");

        assertThat(GoogleEventMapper.meetingUrl(event)).isNull();
        assertThat(GoogleEventWriter.meetingLinkUnavailable(event)).contains("Google could not create").contains("Meet");
    }

    @Test
    void aPendingCreateRequestIsNotMadeYet() throws IOException {
        Event event = parse("""
                {"id": "e2", "conferenceData": {"createRequest": {"requestId": "r2",
                  "conferenceSolutionKey": {"type": "hangoutsMeet"}, "status": {"statusCode": "pending"}}}}""");

        assertThat(GoogleEventWriter.meetingLinkUnavailable(event)).contains("not finished");
    }

    @Test
    void noConferenceDataTellsNothing() throws IOException {
        assertThat(GoogleEventWriter.meetingLinkUnavailable(parse("""
                {"id": "e3"}"""))).isNull();
    }

    private static Event parse(String json) throws IOException {
        return GsonFactory.getDefaultInstance().fromString(json, Event.class);
    }
}
