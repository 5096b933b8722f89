package io.calbridge.availability;

import static io.calbridge.availability.AvailabilitySlotsTest.BERLIN;
import static io.calbridge.availability.AvailabilitySlotsTest.MONDAY;
import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.ApiTest;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /api/v1/conflicts}: the conflicts the user already has. Ada's Monday: therapy booked over her dentist, a
 * massage and a physio session booked over each other, one appointment that fits, one cancelled over the dentist too.
 */
class AppointmentConflictsTest extends ApiTest {

    private String ada;
    private UUID adasGoogle;

    @BeforeEach
    void adasMonday() {
        ada = uniqueUser();
        StoreFixture store = new StoreFixture(jdbc);
        adasGoogle = store.connection(ada, "google");
        store.event(ada, adasGoogle, "primary", "dentist").title("Dentist").at(at("10:00"), at("10:45")).insert();
        store.event(ada, adasGoogle, "primary", "declined").title("Declined").response("declined").at(at("10:30"), at("11:00")).insert();
        store.event(ada, adasGoogle, "primary", "holiday").title("Holiday").allDay(MONDAY, MONDAY.plusDays(1)).transparent().insert();
        store.appointment(ada, "a-1", "Therapy", at("10:30"), at("11:00"), "CONFIRMED");
        // the therapy's own copy in her calendar is no clash of it
        store.event(ada, adasGoogle, "primary", "pushed-1").title("Therapy").at(at("10:30"), at("11:00")).insert();
        store.pushed(ada, "a-1", adasGoogle, "primary", "pushed-1");
        store.appointment(ada, "a-2", "Massage", at("14:00"), at("15:00"), "CONFIRMED");
        store.appointment(ada, "a-3", "Physio", at("14:30"), at("15:30"), "CONFIRMED");
        store.appointment(ada, "a-4", "Fits", at("16:00"), at("16:30"), "CONFIRMED");
        store.appointment(ada, "a-5", "Cancelled", at("10:00"), at("11:00"), "CANCELLED");
        String bob = uniqueUser();
        UUID bobsGoogle = store.connection(bob, "google");
        store.event(bob, bobsGoogle, "primary", "bobs").title("Bob's").at(at("10:00"), at("11:00")).insert();
        store.appointment(bob, "b-1", "Bob's clash", at("10:00"), at("11:00"), "CONFIRMED");
    }

    @Test
    void theUsersClashingAppointmentsWithWhatTheyClashWithAndWhereTheyCouldGo() {
        Response response = api.get("/api/v1/conflicts?from=" + at("00:00") + "&to=" + at("23:59") + "&timeZone=Europe/Berlin",
                Caller.user(ada));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.path("timeZone").asText()).isEqualTo("Europe/Berlin");
        JsonNode conflicts = body.path("conflicts");
        assertThat(conflicts.valueStream().map(c -> c.path("appointmentId").asText())).as("not the one that fits, not the cancelled one")
                .containsExactly("a-1", "a-2", "a-3");
        JsonNode therapy = conflicts.get(0);
        assertThat(therapy.path("title").asText()).isEqualTo("Therapy");
        assertThat(therapy.path("start").asText()).isEqualTo(MONDAY + "T10:30:00+01:00");
        assertThat(therapy.path("clashes").valueStream().map(c -> c.path("source").path("eventId").asText()))
                .as("the dentist; not the declined event, the transparent holiday, its own copy or the cancelled appointment")
                .containsExactly("dentist");
        assertThat(therapy.path("clashes").get(0).path("title").asText()).isEqualTo("Dentist");
        assertThat(therapy.path("alternatives").valueStream().map(a -> a.path("start").asText()))
                .as("the nearest free half hours inside working hours, before and after")
                .containsExactly(MONDAY + "T09:30:00+01:00", MONDAY + "T11:00:00+01:00");
        assertThat(conflicts.get(1).path("clashes").valueStream().map(c -> c.path("source").path("appointmentId").asText()))
                .containsExactly("a-3");
        assertThat(conflicts.get(2).path("clashes").valueStream().map(c -> c.path("source").path("appointmentId").asText()))
                .containsExactly("a-2");
        assertThat(response.body()).as("nothing of another user's").doesNotContain("Bob").doesNotContain("b-1");
    }

    @Test
    void withNoClashTheListIsEmpty() {
        Response response = api.get("/api/v1/conflicts?from=" + at("15:45") + "&to=" + at("17:00"), Caller.service(ada));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(response.json().path("conflicts").isEmpty()).as(response.toString()).isTrue();
        assertThat(response.json().path("timeZone").asText()).isEqualTo("UTC");
    }

    @Test
    void badParametersAre400Problems() {
        for (String query : List.of("from=tomorrow", "from=" + at("12:00") + "&to=" + at("11:00"),
                "from=" + at("00:00") + "&to=" + at("00:00").plusSeconds(93L * 86400), "timeZone=Mars/Olympus_Mons")) {
            Response response = api.get("/api/v1/conflicts?" + query, Caller.user(ada));
            assertThat(response.status()).as(query + ": " + response).isEqualTo(400);
            assertThat(response.json().path("code").asText()).as(query).isIn("invalid_parameter", "invalid_range", "invalid_time_zone");
        }
    }

    private static Instant at(String time) {
        return MONDAY.atTime(LocalTime.parse(time)).atZone(BERLIN).toInstant();
    }
}
