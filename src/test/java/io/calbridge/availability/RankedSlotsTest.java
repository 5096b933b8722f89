package io.calbridge.availability;

import static io.calbridge.availability.AvailabilitySlotsTest.BERLIN;
import static io.calbridge.availability.AvailabilitySlotsTest.MONDAY;
import static io.calbridge.availability.AvailabilitySlotsTest.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.ApiTest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * rank: true over HTTP, from a store filled directly. Each fixture makes the expected order obvious by construction:
 * one Berlin Tuesday, default hours 09-17, 60-minute slots on the hour.
 */
class RankedSlotsTest extends ApiTest {

    static final LocalDate TUESDAY = MONDAY.plusDays(1);

    /** The store needs the injected JdbcClient, which is there only once the test instance is wired. */
    private StoreFixture store() {
        return new StoreFixture(jdbc);
    }

    private static Instant at(LocalDate day, String time) {
        return day.atTime(LocalTime.parse(time)).atZone(BERLIN).toInstant();
    }

    /** A meeting every Tuesday at {@code time} for the six weeks that end a week ago: well inside the last 8 weeks. */
    private void habitualTuesdays(String user, String time) {
        UUID connection = store().connection(user, "google");
        for (int weeks = 4; weeks <= 9; weeks++) {
            LocalDate day = TUESDAY.minusWeeks(weeks);
            Instant start = at(day, time);
            store().event(user, connection, "primary", "habit-" + weeks).at(start, start.plusSeconds(3600)).insert();
        }
    }

    private static Map<String, Object> ranked() {
        Map<String, Object> body = AvailabilitySlotsTest.request(TUESDAY, 60);
        body.put("slotStepMinutes", 60);
        body.put("rank", true);
        return body;
    }

    private Response post(String user, Map<String, Object> body) {
        Response response = api.post("/api/v1/availability", Caller.service(user), body);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response;
    }

    /** The local start times ("10:00") in the answer's order. */
    private static List<String> order(Response response) {
        return response.json().path("slots").valueStream()
                .map(slot -> OffsetDateTime.parse(slot.path("start").asText()).toLocalTime().toString()).toList();
    }

    private static JsonNode slotAt(Response response, String time) {
        return response.json().path("slots").valueStream()
                .filter(slot -> OffsetDateTime.parse(slot.path("start").asText()).toLocalTime().toString().equals(time))
                .findFirst().orElseThrow(() -> new AssertionError("no slot at " + time + " in " + response));
    }

    private static double reason(JsonNode slot, String code) {
        return slot.path("reasons").valueStream().filter(r -> r.path("code").asText().equals(code)).findFirst()
                .orElseThrow(() -> new AssertionError("no reason " + code + " in " + slot)).path("value").asDouble();
    }

    @Test
    void aSlotAtTheUsersHabitualMeetingTimeOutranksOneAtAnUnusualTime() {
        String user = uniqueUser();
        habitualTuesdays(user, "10:00");

        Response response = post(user, ranked());

        List<String> order = order(response);
        assertThat(order.indexOf("10:00")).as(order.toString()).isLessThan(order.indexOf("15:00"));
        assertThat(reason(slotAt(response, "10:00"), "habitual_time")).isEqualTo(1.0);
        assertThat(reason(slotAt(response, "15:00"), "habitual_time")).isEqualTo(0.0);
        assertThat(reason(slotAt(response, "10:00"), "keeps_free_blocks"))
                .as("both leave 1 and 6 free hours: everything but habit and soonness is equal")
                .isEqualTo(reason(slotAt(response, "15:00"), "keeps_free_blocks"));
        assertThat(order.get(0)).as("the habit outweighs the rest of an empty day").isEqualTo("10:00");
    }

    @Test
    void aLaterHabitualTimeBeatsAnEarlierUnusualOne() {
        String user = uniqueUser();
        habitualTuesdays(user, "15:00");

        List<String> order = order(post(user, ranked()));

        assertThat(order.indexOf("15:00")).as(order.toString()).isLessThan(order.indexOf("10:00"));
    }

    @Test
    void aSlotSplittingAFreeAfternoonRanksBelowOnesAtItsEdges() {
        String user = uniqueUser();
        store().event(user, store().connection(user, "google"), "primary", "lunch-meeting")
                .at(at(TUESDAY, "13:00"), at(TUESDAY, "14:00")).insert();

        Response response = post(user, ranked());

        List<String> order = order(response);
        assertThat(order).doesNotContain("13:00");
        assertThat(order.indexOf("14:00")).as("next to the meeting: " + order).isLessThan(order.indexOf("15:00"));
        assertThat(order.indexOf("16:00")).as("at the day's end: " + order).isLessThan(order.indexOf("15:00"));
        assertThat(reason(slotAt(response, "15:00"), "keeps_free_blocks")).isEqualTo(0.0);
        assertThat(reason(slotAt(response, "14:00"), "keeps_free_blocks")).isEqualTo(1.0);
        assertThat(reason(slotAt(response, "14:00"), "buffer_room")).as("none before, 30 minutes after").isEqualTo(0.5);
    }

    @Test
    void withParticipantsInBerlinAndNewYorkTheAfternoonInBerlinRanksAboveItsMorning() {
        String user = uniqueUser();
        Map<String, Object> body = ranked();
        body.put("preferences", Map.of("participantZones", Map.of(user, "Europe/Berlin", "bob", "America/New_York")));

        Response response = post(user, body);

        List<String> order = order(response);
        assertThat(order.indexOf("15:00")).as(order.toString()).isLessThan(order.indexOf("09:00"));
        assertThat(order.subList(0, 2)).as("09:00 and 10:00 in New York come first").containsExactly("16:00", "15:00");
        assertThat(reason(slotAt(response, "15:00"), "zone_comfort")).isEqualTo(1.0);
        assertThat(reason(slotAt(response, "09:00"), "zone_comfort")).as("03:00 in New York").isEqualTo(0.5);
    }

    @Test
    void preferredHoursLiftTheSlotsInsideThem() {
        String user = uniqueUser();
        Map<String, Object> body = ranked();
        body.put("preferences", Map.of("preferredHours", Map.of("tuesday", List.of(range("11:00", "12:00")))));

        Response response = post(user, body);

        assertThat(order(response).get(0)).as(response.toString()).isEqualTo("11:00");
        assertThat(reason(slotAt(response, "11:00"), "preferred_hours")).isEqualTo(1.0);
        assertThat(reason(slotAt(response, "12:00"), "preferred_hours")).isEqualTo(0.0);
    }

    @Test
    void rankedSlotsComeBestFirstWithScoresMadeOfTheirReasonsAndTheSameEveryTime() {
        String user = uniqueUser();
        habitualTuesdays(user, "11:00");
        store().event(user, store().connection(user, "google"), "primary", "call").at(at(TUESDAY, "14:00"), at(TUESDAY, "14:30")).insert();

        Response first = post(user, ranked());
        Response second = post(user, ranked());

        assertThat(second.json()).isEqualTo(first.json());
        List<JsonNode> slots = first.json().path("slots").valueStream().toList();
        assertThat(slots).hasSize(7);
        for (int i = 0; i < slots.size(); i++) {
            JsonNode slot = slots.get(i);
            double score = slot.path("score").asDouble();
            assertThat(score).isBetween(0.0, 1.0);
            double sum = slot.path("reasons").valueStream().mapToDouble(r -> r.path("weight").asDouble() * r.path("value").asDouble()).sum();
            assertThat(score).as("score = sum of weight * value (values rounded)").isCloseTo(sum, within(0.003));
            assertThat(slot.path("reasons").valueStream().map(r -> r.path("code").asText()))
                    .containsExactly("preferred_hours", "habitual_time", "keeps_free_blocks", "buffer_room", "soon", "zone_comfort");
            if (i > 0) {
                JsonNode previous = slots.get(i - 1);
                assertThat(previous.path("score").asDouble()).isGreaterThanOrEqualTo(score);
                if (previous.path("score").asDouble() == score) {
                    assertThat(previous.path("start").asText()).as("ties by start").isLessThan(slot.path("start").asText());
                }
            }
        }
    }

    @Test
    void withoutRankTheAnswerIsAsBeforeAscendingAndWithoutScores() {
        String user = uniqueUser();
        habitualTuesdays(user, "15:00");
        Map<String, Object> plain = AvailabilitySlotsTest.request(TUESDAY, 60);
        plain.put("slotStepMinutes", 60);
        Map<String, Object> rankFalse = new LinkedHashMap<>(plain);
        rankFalse.put("rank", false);
        Map<String, Object> preferencesOnly = new LinkedHashMap<>(plain);
        preferencesOnly.put("preferences", Map.of("participantZones", Map.of("bob", "America/New_York")));

        Response response = post(user, plain);

        assertThat(order(response)).containsExactly("09:00", "10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00");
        assertThat(response.body()).doesNotContain("score").doesNotContain("reasons");
        assertThat(post(user, rankFalse).json()).isEqualTo(response.json());
        assertThat(post(user, preferencesOnly).json()).isEqualTo(response.json());
    }

    @Test
    void rankWorksWithModeAnyAndNamesWhoIsFree() {
        String alice = uniqueUser();
        String bob = uniqueUser();
        store().event(alice, store().connection(alice, "google"), "primary", "busy").at(at(TUESDAY, "09:00"), at(TUESDAY, "12:00")).insert();
        Map<String, Object> body = ranked();
        body.put("userIds", List.of(alice, bob));
        body.put("mode", "ANY");

        Response response = post(alice, body);

        assertThat(order(response)).hasSize(8);
        assertThat(slotAt(response, "09:00").path("userIds").valueStream().map(JsonNode::asText)).containsExactly(bob);
        assertThat(slotAt(response, "12:00").path("userIds")).hasSize(2);
        assertThat(slotAt(response, "12:00").has("score")).isTrue();
    }

    record Bad(String name, Object preferences, String code) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Bad> badPreferences() {
        return Stream.of(
                new Bad("a weekday that is none", Map.of("preferredHours", Map.of("FUNDAY", List.of(range("09:00", "12:00")))),
                        "invalid_preferences"),
                new Bad("a time that is none", Map.of("preferredHours", Map.of("MONDAY", List.of(range("9am", "12:00")))),
                        "invalid_preferences"),
                new Bad("a range ending before it starts", Map.of("preferredHours", Map.of("MONDAY", List.of(range("12:00", "10:00")))),
                        "invalid_preferences"),
                new Bad("an unknown zone", Map.of("participantZones", Map.of("bob", "Europe/Atlantis")), "invalid_preferences"),
                new Bad("no participants", Map.of("participantZones", Map.of()), "invalid_preferences"),
                new Bad("an unknown field", Map.of("favouriteHours", Map.of()), "malformed_body"),
                new Bad("not an object", "mornings", "malformed_body"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPreferences")
    void badPreferencesAreRefusedWithAProblem(Bad bad) {
        Map<String, Object> body = ranked();
        body.put("preferences", bad.preferences());

        Response response = api.post("/api/v1/availability", Caller.service(uniqueUser()), body);

        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().path("code").asText()).as(response.toString()).isEqualTo(bad.code());
    }
}
