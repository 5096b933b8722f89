package io.calbridge.availability;

import static io.calbridge.availability.AvailabilitySlotsTest.BERLIN;
import static io.calbridge.availability.AvailabilitySlotsTest.MONDAY;
import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.ApiTest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** "Does 10:30-11:00 on Monday clash?" over HTTP, with sources, privacy and alternatives. */
class ConflictsApiTest extends ApiTest {

    private String ada;
    private UUID adasGoogle;

    /** Ada's Monday: a dentist appointment in her calendar, an app appointment, a stand-up just after, and noise. */
    @BeforeEach
    void adasMonday() {
        ada = uniqueUser();
        StoreFixture store = new StoreFixture(jdbc);
        adasGoogle = store.connection(ada, "google");
        store.event(ada, adasGoogle, "primary", "dentist").title("Dentist").at(at(MONDAY, "10:00"), at(MONDAY, "10:45")).insert();
        store.event(ada, adasGoogle, "team", "standup").title("Stand-up").at(at(MONDAY, "11:05"), at(MONDAY, "11:15")).insert();
        store.event(ada, adasGoogle, "primary", "declined").title("Declined").response("declined")
                .at(at(MONDAY, "10:30"), at(MONDAY, "11:00")).insert();
        store.event(ada, adasGoogle, "primary", "holiday").title("Holiday").allDay(MONDAY, MONDAY.plusDays(1)).transparent().insert();
        store.appointment(ada, "a-7", "Therapy", at(MONDAY, "10:50"), at(MONDAY, "11:20"), "CONFIRMED");
        store.event(ada, adasGoogle, "primary", "pushed-7").title("Therapy").at(at(MONDAY, "10:50"), at(MONDAY, "11:20")).insert();
        store.pushed(ada, "a-7", adasGoogle, "primary", "pushed-7");
    }

    @Test
    void theOwnerSeesEveryClashWithItsSourceAndTitleAndTheNearestFreeTimes() {
        Response response = api.post("/api/v1/availability/conflicts", Caller.user(ada), proposal(MONDAY, "10:30", "11:00", 10));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.path("timeZone").asText()).isEqualTo("Europe/Berlin");
        assertThat(body.path("free").asBoolean()).isFalse();
        assertThat(body.path("outsideWorkingHours").asBoolean()).isFalse();
        JsonNode conflicts = body.path("conflicts");
        assertThat(conflicts.valueStream().map(c -> c.path("title").asText())).containsExactly("Dentist", "Therapy", "Stand-up");
        JsonNode dentist = conflicts.get(0);
        assertThat(dentist.path("start").asText()).isEqualTo(MONDAY + "T10:00:00+01:00");
        assertThat(dentist.path("end").asText()).isEqualTo(MONDAY + "T10:45:00+01:00");
        assertThat(dentist.path("overlap").asBoolean()).isTrue();
        assertThat(dentist.path("allDay").asBoolean()).isFalse();
        assertThat(dentist.path("userId").asText()).isEqualTo(ada);
        assertThat(dentist.path("source").path("type").asText()).isEqualTo("calendar");
        assertThat(dentist.path("source").path("connectionId").asText()).isEqualTo(adasGoogle.toString());
        assertThat(dentist.path("source").path("provider").asText()).isEqualTo("google");
        assertThat(dentist.path("source").path("calendarId").asText()).isEqualTo("primary");
        assertThat(dentist.path("source").path("eventId").asText()).isEqualTo("dentist");
        JsonNode therapy = conflicts.get(1);
        assertThat(therapy.path("source").path("type").asText()).isEqualTo("appointment");
        assertThat(therapy.path("source").path("appointmentId").asText()).isEqualTo("a-7");
        assertThat(therapy.path("source").has("connectionId")).isFalse();
        assertThat(conflicts.get(2).path("overlap").asBoolean()).as("the stand-up is only inside the buffer").isFalse();
        assertThat(conflicts.get(2).path("source").path("calendarId").asText()).isEqualTo("team");
        // busy 10:00-11:20 widened by the 10-minute buffer: 09:00 is the last free half hour before, 11:30 the first after
        assertThat(body.path("alternatives").valueStream().map(a -> a.path("start").asText() + "/" + a.path("end").asText()))
                .containsExactly(MONDAY + "T09:00:00+01:00/" + MONDAY + "T09:30:00+01:00",
                        MONDAY + "T11:30:00+01:00/" + MONDAY + "T12:00:00+01:00");
    }

    @Test
    void titlesAreShownOnlyToTheirOwner() {
        Map<String, Object> naming = proposal(MONDAY, "10:30", "11:00", 10);
        naming.put("userIds", List.of(ada));

        JsonNode serviceForAda = api.post("/api/v1/availability/conflicts", Caller.service(ada), proposal(MONDAY, "10:30", "11:00", 10)).json();
        JsonNode serviceForNobody = api.post("/api/v1/availability/conflicts", Caller.serviceWithoutUser(), naming).json();
        JsonNode adminEve = api.post("/api/v1/availability/conflicts", AvailabilityZonesAndUsersTest.admin(uniqueUser()), naming).json();
        Response eve = api.post("/api/v1/availability/conflicts", Caller.user(uniqueUser()), naming);
        JsonNode evesOwn = api.post("/api/v1/availability/conflicts", Caller.user(uniqueUser()), proposal(MONDAY, "10:30", "11:00", 10)).json();

        assertThat(serviceForAda.path("conflicts").valueStream().map(c -> c.path("title").asText(null)))
                .containsExactly("Dentist", "Therapy", "Stand-up");
        assertThat(serviceForNobody.path("conflicts")).hasSize(3).allSatisfy(c -> assertThat(c.has("title")).isFalse());
        assertThat(adminEve.path("conflicts")).hasSize(3).allSatisfy(c -> assertThat(c.has("title")).isFalse());
        assertThat(eve.status()).isEqualTo(403);
        assertThat(evesOwn.path("free").asBoolean()).isTrue();
        assertThat(evesOwn.path("conflicts")).isEmpty();
    }

    @Test
    void aTimeOutsideWorkingHoursIsFlaggedAndAlternativesComeFromTheWorkingDays() {
        JsonNode body = api.post("/api/v1/availability/conflicts", Caller.user(ada), proposal(MONDAY, "18:00", "18:30", 0)).json();

        assertThat(body.path("free").asBoolean()).isTrue();
        assertThat(body.path("outsideWorkingHours").asBoolean()).isTrue();
        assertThat(body.path("alternatives").valueStream().map(a -> a.path("start").asText()))
                .containsExactly(MONDAY + "T16:30:00+01:00", MONDAY.plusDays(1) + "T09:00:00+01:00");
    }

    @Test
    void anAllDayEventClashesAsDatesAndAlternativesSkipItsDay() {
        LocalDate tuesday = MONDAY.plusDays(1);
        new StoreFixture(jdbc).event(ada, adasGoogle, "primary", "offsite").title("Offsite").allDay(tuesday, tuesday.plusDays(1)).insert();
        Map<String, Object> request = proposal(tuesday, "10:00", "10:30", 0);
        request.put("alternativesPerSide", 2);

        JsonNode body = api.post("/api/v1/availability/conflicts", Caller.user(ada), request).json();

        assertThat(body.path("conflicts")).singleElement().satisfies(c -> {
            assertThat(c.path("allDay").asBoolean()).isTrue();
            assertThat(c.path("start").asText()).isEqualTo(tuesday.toString());
            assertThat(c.path("end").asText()).isEqualTo(tuesday.plusDays(1).toString());
            assertThat(c.path("title").asText()).isEqualTo("Offsite");
        });
        assertThat(body.path("alternatives").valueStream().map(a -> a.path("start").asText())).containsExactly(
                MONDAY + "T16:00:00+01:00", MONDAY + "T16:30:00+01:00",
                tuesday.plusDays(1) + "T09:00:00+01:00", tuesday.plusDays(1) + "T09:30:00+01:00");
    }

    @Test
    void severalUsersClashEachWithTheirOwnItemsAndAlternativesSuitEveryone() {
        String bob = uniqueUser();
        StoreFixture store = new StoreFixture(jdbc);
        store.event(bob, store.connection(bob, "google"), "primary", "early").at(at(MONDAY, "09:00"), at(MONDAY, "09:30")).insert();
        Map<String, Object> request = proposal(MONDAY, "10:30", "11:00", 10);
        request.put("userIds", List.of(ada, bob));

        JsonNode body = api.post("/api/v1/availability/conflicts", Caller.serviceWithoutUser(), request).json();

        assertThat(body.path("conflicts").valueStream().map(c -> c.path("userId").asText())).containsOnly(ada);
        // Monday morning suits only one of them: the nearest earlier time for both is the Friday before, at its end
        assertThat(body.path("alternatives").valueStream().map(a -> a.path("start").asText()))
                .containsExactly(MONDAY.minusDays(3) + "T16:30:00+01:00", MONDAY + "T11:30:00+01:00");
    }

    /** The example (a Tuesday evening in India), on a Tuesday ahead of now so that its alternatives are not past. */
    @Test
    void withoutTimeZoneTheStartsOffsetIsTheZoneOfWorkingHoursAndOfTheAnswer() {
        LocalDate tuesday = MONDAY.plusDays(1);
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("start", tuesday + "T20:45:00+05:30");
        request.put("end", tuesday + "T21:30:00+05:30");

        Response response = api.post("/api/v1/availability/conflicts", Caller.service(uniqueUser()), request);

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.path("timeZone").asText()).isEqualTo("+05:30");
        assertThat(body.path("free").asBoolean()).isTrue();
        assertThat(body.path("outsideWorkingHours").asBoolean()).as("after 17:00 in +05:30").isTrue();
        // 45 minutes on the 30-minute grid of 09:00-17:00 in +05:30: 16:00 is the day's last, 09:00 the next morning's first
        assertThat(body.path("alternatives").valueStream().map(a -> a.path("start").asText() + "/" + a.path("end").asText()))
                .containsExactly(tuesday + "T16:00:00+05:30/" + tuesday + "T16:45:00+05:30",
                        tuesday.plusDays(1) + "T09:00:00+05:30/" + tuesday.plusDays(1) + "T09:45:00+05:30");
    }

    @Test
    void withoutTimeZoneAStartInUtcAnswersInTheZoneNamedUtc() {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("start", MONDAY + "T10:00:00Z");
        request.put("end", MONDAY + "T10:30:00+00:00");

        JsonNode body = api.post("/api/v1/availability/conflicts", Caller.service(uniqueUser()), request).json();

        assertThat(body.path("timeZone").asText()).isEqualTo("UTC");
        assertThat(body.path("outsideWorkingHours").asBoolean()).isFalse();
        assertThat(body.path("alternatives").valueStream().map(a -> a.path("start").asText()))
                .containsExactly(MONDAY + "T09:30:00Z", MONDAY + "T10:30:00Z");
    }

    static Map<String, Object> proposal(LocalDate day, String start, String end, int bufferMinutes) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("start", at(day, start).atZone(BERLIN).toOffsetDateTime().toString());
        body.put("end", at(day, end).atZone(BERLIN).toOffsetDateTime().toString());
        body.put("bufferMinutes", bufferMinutes);
        body.put("timeZone", "Europe/Berlin");
        return body;
    }

    static Instant at(LocalDate day, String time) {
        return day.atTime(LocalTime.parse(time)).atZone(BERLIN).toInstant();
    }
}
