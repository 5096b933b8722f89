package io.calbridge.provider.calendly;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.emulator.calendly.CalendlyEmulator;
import io.calbridge.emulator.calendly.CalendlyEmulator.BookingRef;
import io.calbridge.emulator.calendly.CalendlyEmulator.BookingRequest;
import io.calbridge.emulator.google.GoogleCalendarEmulator;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.Await;
import io.calbridge.testing.CalendlyEmulators;
import io.calbridge.testing.Connect;
import io.calbridge.testing.GoogleEmulators;
import io.calbridge.testing.RunningCalbridge;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.TestKeys;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A user with Google and Calendly connected, Calendly also writing each booking into that Google calendar (its
 * {@code calendar_event.external_id}), as Calendly does for a host who connected a calendar: through both emulators and
 * calbridge's API, each booking is one item in the events API, in upcoming events and in conflicts.
 */
class CalendlyWithGoogleTest {

    private static final Instant TOMORROW_TEN = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1)).plus(Duration.ofHours(10));

    private static CalendlyEmulator calendly;
    private static GoogleCalendarEmulator google;
    private static RunningCalbridge app;

    @BeforeAll
    static void calbridgeWithBothEmulators() throws Exception {
        calendly = CalendlyEmulator.builder().autoApprove(true).start();
        google = GoogleCalendarEmulator.builder().autoApprove(true).start();
        Map<String, Object> settings = new HashMap<>(CalendlyEmulators.settingsFor(calendly));
        settings.putAll(GoogleEmulators.settingsFor(google));
        settings.put("calbridge.token-keys", TestKeys.tokenKey("calendly-google"));
        settings.put("calbridge.sync.notification-delay", "PT0.2S");
        app = RunningCalbridge.start(TestDatabase.newDatabase(), settings);
    }

    @AfterAll
    static void stop() {
        app.close();
        google.close();
        calendly.close();
    }

    @Test
    void aBookingCopiedIntoTheHostsGoogleCalendarCountsOnceInEventsUpcomingAndConflicts() {
        String email = "dr-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        google.createAccount(email);
        calendly.createUser(email, "Dr Host", "UTC");
        calendly.createEventType(email, "Consultation", 30);
        String user = "both-" + UUID.randomUUID();
        Caller caller = Caller.service(user);
        Connect connect = new Connect(app.api());
        UUID googleConnection = connect.connectGoogle(caller, email);
        connect.connectCalendly(caller, email);

        // what Calendly does on a booking: the event in the host's Google calendar, and the booking naming it
        String copy = google.insertEvent(email, """
                {"summary": "Consultation between Dr Host and Kai Patient", "start": {"dateTime": "%s"}, "end": {"dateTime": "%s"}}"""
                .formatted(TOMORROW_TEN, TOMORROW_TEN.plus(Duration.ofMinutes(30))));
        BookingRef booked = calendly.book(new BookingRequest(email, null, TOMORROW_TEN, "Kai Patient", "kai@example.org", "UTC", Map.of(),
                null, null, copy));
        google.insertEvent(email, """
                {"summary": "Lunch", "start": {"dateTime": "%s"}, "end": {"dateTime": "%s"}}"""
                .formatted(TOMORROW_TEN.plus(Duration.ofHours(2)), TOMORROW_TEN.plus(Duration.ofHours(3))));
        Response googleSync = app.api().post("/api/v1/connections/" + googleConnection + "/sync", caller, null);
        assertThat(googleSync.status()).isEqualTo(202);
        String window = "from=" + TOMORROW_TEN.minus(Duration.ofHours(10)) + "&to=" + TOMORROW_TEN.plus(Duration.ofHours(10));
        Await.until("the booking (by webhook), the Google copy and the lunch are stored", Duration.ofSeconds(20),
                () -> ids(app.api().get("/api/v1/events?" + window, caller)).contains(booked.eventUri())
                        && ids(app.api().get("/api/v1/events?connectionId=" + googleConnection + "&" + window, caller)).size() == 2);

        List<String> listed = ids(app.api().get("/api/v1/events?" + window, caller));
        assertThat(listed).as("the booking stands for its copy; the lunch is listed").hasSize(2).contains(booked.eventUri()).doesNotContain(copy);
        assertThat(ids(app.api().get("/api/v1/events/upcoming?limit=10", caller))).as("upcoming: once").contains(booked.eventUri())
                .doesNotContain(copy);

        Map<String, Object> proposal = new LinkedHashMap<>();
        proposal.put("start", TOMORROW_TEN.toString());
        proposal.put("end", TOMORROW_TEN.plus(Duration.ofMinutes(30)).toString());
        proposal.put("bufferMinutes", 0);
        proposal.put("timeZone", "UTC");
        Response conflicts = app.api().post("/api/v1/availability/conflicts", caller, proposal);
        assertThat(conflicts.status()).as(conflicts.toString()).isEqualTo(200);
        assertThat(conflicts.json().path("conflicts").valueStream().map(c -> c.path("source").path("provider").asString() + " "
                + c.path("source").path("eventId").asString()).toList()).as("one conflict, the booking")
                .containsExactly("calendly " + booked.eventUri());
    }

    private static List<String> ids(Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JsonNode list = response.json();
        return list.valueStream().map(e -> e.path("id").asString()).toList();
    }
}
