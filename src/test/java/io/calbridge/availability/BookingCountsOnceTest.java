package io.calbridge.availability;

import static io.calbridge.availability.AvailabilitySlotsTest.BERLIN;
import static io.calbridge.availability.AvailabilitySlotsTest.MONDAY;
import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.event.EventStore;
import io.calbridge.provider.Booking;
import io.calbridge.provider.EventTime;
import io.calbridge.provider.RemoteEvent;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.ApiTest;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A booking that a scheduling tool also wrote into the host's own calendar (Calendly's {@code calendar_event}) is one
 * busy time: the events API lists the booking, with its details, and not the copy; conflicts name it once; once the
 * booking is gone, the copy stands for itself again.
 */
class BookingCountsOnceTest extends ApiTest {

    private static final String COPY_ID = "google-copy-of-booking-1";

    @Autowired
    private EventStore eventStore;

    private String user;
    private UUID calendly;
    private UUID google;

    @BeforeEach
    void userWithGoogleAndCalendly() {
        user = uniqueUser();
        StoreFixture store = new StoreFixture(jdbc);
        calendly = store.connection(user, "calendly");
        google = store.connection(user, "google");
        eventStore.apply(google, user, "primary", BERLIN, List.of(event(COPY_ID, "primary", "confirmed", "Consultation with Ada", null)), 1);
    }

    @Test
    void theBookingStandsForItsCalendarCopy() {
        storeBooking("confirmed");

        JsonNode all = events(null);
        assertThat(all.valueStream().map(e -> e.path("id").asString()).toList()).containsExactly("booking-1");
        JsonNode booking = all.get(0).path("booking");
        assertThat(booking.path("eventType").asString()).isEqualTo("Consultation");
        assertThat(booking.path("calendarEventId").asString()).isEqualTo(COPY_ID);
        assertThat(booking.path("invitees").get(0).path("email").asString()).isEqualTo("ada@example.com");
        assertThat(booking.path("invitees").get(0).path("answers").get(0).path("answer").asString()).isEqualTo("Back pain");

        assertThat(events(google).valueStream().map(e -> e.path("id").asString()).toList())
                .as("one connection's own events are all listed").containsExactly(COPY_ID);
        assertThat(events(google).get(0).has("booking")).isFalse();

        List<String> clashing = conflictSources();
        assertThat(clashing).as("one conflict, the booking's").containsExactly("calendly/booking-1");
    }

    @Test
    void aCancelledBookingLeavesTheCopyCountingForItself() {
        storeBooking("confirmed");
        storeBooking("cancelled");

        assertThat(events(null).valueStream().map(e -> e.path("id").asString()).toList()).containsExactly(COPY_ID);
        assertThat(conflictSources()).containsExactly("google/" + COPY_ID);
    }

    private void storeBooking(String status) {
        eventStore.apply(calendly, user, "https://api.calendly.com/users/HOST", BERLIN,
                List.of(event("booking-1", "https://api.calendly.com/users/HOST", status, "Consultation", booking())), 1);
    }

    private static Booking booking() {
        Booking.Invitee ada = new Booking.Invitee("https://api.calendly.com/scheduled_events/booking-1/invitees/ada", "Ada Lovelace",
                "ada@example.com", "active", "Europe/London", false, false, "https://calendly.com/cancellations/ada",
                "https://calendly.com/reschedulings/ada", List.of(new Booking.Answer("What brings you here?", "Back pain")));
        return new Booking("Consultation", "https://api.calendly.com/event_types/CONSULT", List.of(ada), null, COPY_ID, null);
    }

    private JsonNode events(UUID connection) {
        String path = "/api/v1/events?from=" + at("00:00") + "&to=" + at("23:59") + (connection == null ? "" : "&connectionId=" + connection);
        Response response = api.get(path, Caller.service(user));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json();
    }

    private List<String> conflictSources() {
        Response response = api.post("/api/v1/availability/conflicts", Caller.service(user), ConflictsApiTest.proposal(MONDAY, "10:00", "10:30", 0));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json().path("conflicts").valueStream()
                .map(c -> c.path("source").path("provider").asString() + "/" + c.path("source").path("eventId").asString()).toList();
    }

    private static RemoteEvent event(String id, String calendarId, String status, String title, Booking booking) {
        return new RemoteEvent(id, calendarId, status, title, null, null, EventTime.at(at("10:00"), "Europe/Berlin"),
                EventTime.at(at("11:00"), "Europe/Berlin"), false, null, List.of(), null, null, null, null, null, "etag-" + status, booking);
    }

    private static Instant at(String time) {
        return MONDAY.atTime(LocalTime.parse(time)).atZone(BERLIN).toInstant();
    }
}
