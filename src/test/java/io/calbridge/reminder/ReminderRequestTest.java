package io.calbridge.reminder;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.testing.Api;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.ApiTest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** The reminders of a PUT: checked (400 invalid_reminders, nothing stored), and, with no mail server set, stored as SKIPPED. */
class ReminderRequestTest extends ApiTest {

    private final String user = uniqueUser();
    private final Instant start = Instant.now().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.HOURS);

    @ParameterizedTest
    @ValueSource(strings = {
            "[{\"minutesBefore\": -1, \"channel\": \"EMAIL\"}]",
            "[{\"minutesBefore\": 40321, \"channel\": \"EMAIL\"}]",
            "[{\"channel\": \"EMAIL\"}]",
            "[{\"minutesBefore\": 10, \"channel\": \"SMS\"}]",
            "[{\"minutesBefore\": 10}]",
            "[{\"minutesBefore\": 10, \"channel\": \"EMAIL\", \"to\": \"EVERYONE\"}]",
            "[{\"minutesBefore\": 10, \"channel\": \"CALENDAR\", \"to\": \"OWNER\"}]",
            "[{\"minutesBefore\": 10, \"channel\": \"EMAIL\"}, {\"minutesBefore\": 10, \"channel\": \"EMAIL\", \"to\": \"OWNER\"}]",
            "[{\"minutesBefore\": 1, \"channel\": \"CALENDAR\"}, {\"minutesBefore\": 2, \"channel\": \"CALENDAR\"},"
                    + " {\"minutesBefore\": 3, \"channel\": \"CALENDAR\"}, {\"minutesBefore\": 4, \"channel\": \"CALENDAR\"},"
                    + " {\"minutesBefore\": 5, \"channel\": \"CALENDAR\"}, {\"minutesBefore\": 6, \"channel\": \"CALENDAR\"}]"})
    void badRemindersAreRefusedWithInvalidRemindersAndNothingIsStored(String reminders) {
        Response response = put("bad", body("Bad", reminders));

        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().path("code").asText()).isEqualTo("invalid_reminders");
        assertThat(api.get("/api/v1/appointments/bad", Caller.service(user)).status()).isEqualTo(404);
    }

    @Test
    void moreThanTenRemindersAreRefused() {
        List<String> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add("{\"minutesBefore\": " + i + ", \"channel\": \"EMAIL\"}");
        }
        Response response = put("eleven", body("Eleven", "[" + String.join(", ", eleven) + "]"));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("code").asText()).isEqualTo("invalid_reminders");
    }

    @Test
    void aChangeRefusedForItsRemindersLeavesTheAppointmentAsItWas() {
        assertThat(put("kept", body("Kept", "[{\"minutesBefore\": 30, \"channel\": \"CALENDAR\"}]")).status()).isEqualTo(200);

        assertThat(put("kept", body("Changed", "[{\"minutesBefore\": 99999, \"channel\": \"CALENDAR\"}]")).status()).isEqualTo(400);

        JsonNode kept = api.get("/api/v1/appointments/kept", Caller.service(user)).json();
        assertThat(kept.path("title").asText()).isEqualTo("Kept");
        assertThat(kept.path("version").asLong()).isEqualTo(1);
        assertThat(kept.path("reminders").get(0).path("minutesBefore").asInt()).isEqualTo(30);
    }

    @Test
    void theSameRemindersAgainAreNoChangeAndOtherRemindersAreOne() {
        String reminders = "[{\"minutesBefore\": 30, \"channel\": \"EMAIL\", \"to\": \"ATTENDEES\"}, {\"minutesBefore\": 10, \"channel\": \"CALENDAR\"}]";
        assertThat(put("same", body("Same", reminders)).json().path("version").asLong()).isEqualTo(1);
        assertThat(put("same", body("Same", reminders)).json().path("version").asLong()).isEqualTo(1);

        Response changed = put("same", body("Same", "[{\"minutesBefore\": 10, \"channel\": \"CALENDAR\"}]"));
        assertThat(changed.json().path("version").asLong()).isEqualTo(2);
        assertThat(changed.json().path("reminders")).hasSize(1);
    }

    @Test
    void withoutAMailServerEmailRemindersAreStoredAsSkippedSayingWhy() {
        Response response = put("no-mail", body("No mail", "[{\"minutesBefore\": 30, \"channel\": \"EMAIL\"}, "
                + "{\"minutesBefore\": 15, \"channel\": \"CALENDAR\"}]"));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JsonNode email = response.json().path("reminders").get(0);
        assertThat(email.path("to").asText()).isEqualTo("OWNER");
        assertThat(email.path("state").asText()).isEqualTo("SKIPPED");
        assertThat(email.path("reason").asText()).contains("mail is not configured");
        JsonNode calendar = response.json().path("reminders").get(1);
        assertThat(calendar.path("channel").asText()).isEqualTo("CALENDAR");
        assertThat(calendar.has("to")).isFalse();
        assertThat(calendar.has("state")).as("the calendar's own reminder has no state here").isFalse();
    }

    private String body(String title, String reminders) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", title);
        body.put("start", start.toString());
        body.put("end", start.plus(Duration.ofMinutes(30)).toString());
        return Api.JSON.writeValueAsString(body).replaceFirst("}$", ", \"reminders\": " + reminders + "}");
    }

    private Response put(String id, String body) {
        return api.send("PUT", "/api/v1/appointments/" + id, Caller.service(user), body, "application/json");
    }
}
