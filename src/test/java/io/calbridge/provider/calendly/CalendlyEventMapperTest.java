package io.calbridge.provider.calendly;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.provider.Booking;
import io.calbridge.provider.RemoteEvent;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The mapping of recorded-style Calendly JSON (src/test/resources/calendly, shaped after Calendly's API reference; its
 * README lists what each event should become): statuses, times, every location kind, invitees with answers and
 * links, a no-show, a cancellation's reason, the copy in the host's Google calendar, and a rescheduled pair.
 */
class CalendlyEventMapperTest {

    private static final String CALENDAR = "https://api.calendly.com/users/HOST";
    private static final String EVENTS = "https://api.calendly.com/scheduled_events/";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Map<String, String> INVITEE_FILES = Map.of(
            "CGHAEBDCFBX4LMRT", "invitees-onsite-assessment.json",
            "DHBFGAEECQW7NPZA", "invitees-intro-call-canceled.json",
            "BFEGCDHFEAZS2KQA", "invitees-zoom-consultation.json",
            "AEDHFCGBBDR3TYUW", "invitees-strategy-review.json",
            "GFHDCBAEAKM5VXQE", "invitees-kickoff-old.json",
            "HAGEDFCBBLP6WZRS", "invitees-kickoff-new.json",
            "FCDAGHBEEJN8QRTV", "invitees-phone-screen.json",
            "EAFBHDGCCMT9SXYK", "invitees-workshop.json");
    private static final Map<String, RemoteEvent> MAPPED = new LinkedHashMap<>();

    @BeforeAll
    static void mapEveryRecordedEvent() throws IOException {
        for (String page : List.of("events-page-1.json", "events-page-2.json")) {
            for (JsonNode event : read(page).path("collection")) {
                String uuid = event.path("uri").asString().substring(EVENTS.length());
                List<JsonNode> invitees = new ArrayList<>();
                read(INVITEE_FILES.get(uuid)).path("collection").forEach(invitees::add);
                MAPPED.put(uuid, CalendlyEventMapper.toRemoteEvent(event, invitees, CALENDAR));
            }
        }
        assertThat(MAPPED).hasSize(8);
    }

    @Test
    void anActiveBookingIsAConfirmedEventOfTheCalendlyCalendarNamedByItsUri() {
        RemoteEvent event = MAPPED.get("BFEGCDHFEAZS2KQA");
        assertThat(event.externalId()).isEqualTo(EVENTS + "BFEGCDHFEAZS2KQA");
        assertThat(event.calendarId()).isEqualTo(CALENDAR);
        assertThat(event.status()).isEqualTo("confirmed");
        assertThat(event.title()).isEqualTo("30 Minute Consultation");
        assertThat(event.start().instant()).isEqualTo(Instant.parse("2026-12-10T09:00:00Z"));
        assertThat(event.end().instant()).isEqualTo(Instant.parse("2026-12-10T09:30:00Z"));
        assertThat(event.transparent()).isFalse();
        assertThat(event.booking().eventType()).isEqualTo("30 Minute Consultation");
        assertThat(event.booking().eventTypeId()).startsWith("https://api.calendly.com/event_types/");
    }

    @Test
    void theInviteesAreAttendeesAndTheBookingKeepsTheirAnswersAndLinks() {
        RemoteEvent event = MAPPED.get("BFEGCDHFEAZS2KQA");
        assertThat(event.attendees()).extracting(a -> a.name() + " <" + a.email() + "> " + a.response())
                .containsExactly("María López <maria.lopez@brightline.example> accepted");
        Booking.Invitee invitee = event.booking().invitees().get(0);
        assertThat(invitee.id()).isEqualTo(EVENTS + "BFEGCDHFEAZS2KQA/invitees/CAGHFEDBDKS6PVYQ");
        assertThat(invitee.status()).isEqualTo("active");
        assertThat(invitee.timeZone()).isEqualTo("Europe/Madrid");
        assertThat(invitee.cancelUrl()).isEqualTo("https://calendly.com/cancellations/CAGHFEDBDKS6PVYQ");
        assertThat(invitee.rescheduleUrl()).startsWith("https://calendly.com/reschedulings/");
        assertThat(invitee.answers()).extracting(Booking.Answer::question, Booking.Answer::answer).containsExactly(
                org.assertj.core.groups.Tuple.tuple("What would you like to discuss?",
                        "Moving our team calendars from Outlook to Google Workspace without losing existing bookings."),
                org.assertj.core.groups.Tuple.tuple("Company size", "51-200"));
        assertThat(invitee.noShow()).isFalse();
    }

    @Test
    void everyLocationKindBecomesTextOrAMeetingLink() {
        assertThat(MAPPED.get("CGHAEBDCFBX4LMRT").location()).isEqualTo("Calbridge Office, 221 Harbour Street, Suite 4, Portland, OR 97204");
        assertThat(MAPPED.get("CGHAEBDCFBX4LMRT").meetingUrl()).isNull();
        assertThat(MAPPED.get("DHBFGAEECQW7NPZA").location()).isEqualTo("+1 503-555-0100");
        assertThat(MAPPED.get("BFEGCDHFEAZS2KQA").meetingUrl()).isEqualTo("https://us02web.zoom.us/j/84512345678?pwd=cVh6QWtOb2JqT0FQZ3d1dXlBZz09");
        assertThat(MAPPED.get("BFEGCDHFEAZS2KQA").location()).isEqualTo(MAPPED.get("BFEGCDHFEAZS2KQA").meetingUrl());
        assertThat(MAPPED.get("AEDHFCGBBDR3TYUW").meetingUrl()).isEqualTo("https://meet.google.com/qzr-mwxk-bty");
        assertThat(MAPPED.get("HAGEDFCBBLP6WZRS").meetingUrl()).startsWith("https://teams.microsoft.com/l/meetup-join/");
        assertThat(MAPPED.get("FCDAGHBEEJN8QRTV").location()).isEqualTo("+1 503-555-0142");
        assertThat(MAPPED.get("EAFBHDGCCMT9SXYK").location())
                .isEqualTo("Harbour Park pavilion, north entrance (look for the blue Calbridge banner)");
        assertThat(MAPPED.get("EAFBHDGCCMT9SXYK").meetingUrl()).isNull();
    }

    @Test
    void aBookingCopiedIntoTheHostsGoogleCalendarNamesThatCopy() {
        assertThat(MAPPED.get("AEDHFCGBBDR3TYUW").booking().calendarEventId()).isEqualTo("7k4q2m9d1vbn3hs8tcl0r6e5gf");
        assertThat(MAPPED.get("BFEGCDHFEAZS2KQA").booking().calendarEventId()).isNull();
    }

    @Test
    void aCanceledBookingIsCancelledWithItsReason() {
        RemoteEvent event = MAPPED.get("DHBFGAEECQW7NPZA");
        assertThat(event.cancelled()).isTrue();
        assertThat(event.booking().cancellationReason()).isEqualTo("Our budget review moved, I will book again in January.");
        assertThat(event.booking().invitees()).extracting(Booking.Invitee::status).containsExactly("canceled");
        assertThat(event.attendees()).extracting(a -> a.response()).containsExactly("declined");
    }

    @Test
    void aRescheduleIsTheOldBookingCancelledAsRescheduledAndTheNewOneNamingIt() {
        RemoteEvent old = MAPPED.get("GFHDCBAEAKM5VXQE");
        RemoteEvent moved = MAPPED.get("HAGEDFCBBLP6WZRS");
        assertThat(old.cancelled()).isTrue();
        assertThat(old.booking().invitees()).allMatch(Booking.Invitee::rescheduled);
        assertThat(old.booking().rescheduledFrom()).isNull();
        assertThat(moved.cancelled()).isFalse();
        assertThat(moved.booking().rescheduledFrom()).isEqualTo(old.externalId());
        assertThat(moved.booking().invitees()).noneMatch(Booking.Invitee::rescheduled);
    }

    @Test
    void aNoShowIsMarkedOnItsInvitee() {
        assertThat(MAPPED.get("CGHAEBDCFBX4LMRT").booking().invitees()).extracting(Booking.Invitee::noShow).containsExactly(true);
    }

    @Test
    void aGroupEventListsEveryInvitee() {
        assertThat(MAPPED.get("EAFBHDGCCMT9SXYK").booking().invitees()).extracting(Booking.Invitee::email)
                .containsExactly("lena.fischer@aurora-labs.example", "omar.haddad@aurora-labs.example");
    }

    @Test
    void aCanceledEventWhoseInviteesWereNotReadHasNoBooking() throws IOException {
        JsonNode canceled = read("events-page-1.json").path("collection").get(1);
        RemoteEvent event = CalendlyEventMapper.toRemoteEvent(canceled, null, CALENDAR);
        assertThat(event.cancelled()).isTrue();
        assertThat(event.booking()).isNull();
        assertThat(event.attendees()).isEmpty();
    }

    private static JsonNode read(String file) throws IOException {
        try (InputStream in = CalendlyEventMapperTest.class.getResourceAsStream("/calendly/" + file)) {
            assertThat(in).as(file).isNotNull();
            return JSON.readTree(in);
        }
    }
}
