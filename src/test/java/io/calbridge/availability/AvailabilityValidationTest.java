package io.calbridge.availability;

import static io.calbridge.availability.AvailabilitySlotsTest.MONDAY;
import static io.calbridge.availability.AvailabilitySlotsTest.range;
import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.ApiTest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every mistake in an availability or conflicts request is a 400 problem+json with its own code. */
class AvailabilityValidationTest extends ApiTest {

    private static final String SLOTS = "/api/v1/availability";
    private static final String CONFLICTS = "/api/v1/availability/conflicts";

    record Case(String name, String path, Consumer<Map<String, Object>> change, String code) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                slots("an unknown field", b -> b.put("durationMinuts", 30), "malformed_body"),
                slots("from without an offset", b -> b.put("from", MONDAY + "T09:00:00"), "malformed_body"),
                slots("a number as text", b -> b.put("durationMinutes", "30"), "malformed_body"),
                slots("an unknown mode", b -> b.put("mode", "SOME"), "malformed_body"),
                slots("no from", b -> b.remove("from"), "missing_field"),
                slots("no duration", b -> b.remove("durationMinutes"), "missing_field"),
                slots("no time zone", b -> b.remove("timeZone"), "missing_field"),
                slots("to before from", b -> b.put("to", MONDAY.minusDays(1) + "T00:00:00+01:00"), "invalid_range"),
                slots("to equal to from", b -> b.put("to", b.get("from")), "invalid_range"),
                slots("a range ten years ahead", b -> {
                    b.put("from", MONDAY.plusYears(10) + "T00:00:00+01:00");
                    b.put("to", MONDAY.plusYears(10).plusDays(1) + "T00:00:00+01:00");
                }, "invalid_range"),
                slots("a year at the end of time", b -> b.put("to", "+999999999-12-31T00:00:00Z"), "invalid_range"),
                slots("more than 90 days", b -> b.put("to", MONDAY.plusDays(91) + "T00:00:00+01:00"), "range_too_long"),
                slots("an unknown zone", b -> b.put("timeZone", "Mars/Olympus_Mons"), "invalid_time_zone"),
                slots("a 4-minute duration", b -> b.put("durationMinutes", 4), "invalid_duration"),
                slots("a duration over a day", b -> b.put("durationMinutes", 1441), "invalid_duration"),
                slots("a zero slot step", b -> b.put("slotStepMinutes", 0), "invalid_slot_step"),
                slots("a negative buffer before", b -> b.put("bufferBeforeMinutes", -5), "invalid_buffer"),
                slots("a negative buffer after", b -> b.put("bufferAfterMinutes", -1), "invalid_buffer"),
                slots("a negative minimum notice", b -> b.put("minimumNoticeMinutes", -1), "invalid_minimum_notice"),
                slots("a working range ending before it starts", b -> b.put("workingHours", Map.of("MONDAY", List.of(range("17:00", "09:00")))),
                        "invalid_working_hours"),
                slots("an empty working range", b -> b.put("workingHours", Map.of("MONDAY", List.of(range("09:00", "09:00")))),
                        "invalid_working_hours"),
                slots("overlapping working ranges", b -> b.put("workingHours",
                        Map.of("MONDAY", List.of(range("09:00", "12:00"), range("11:00", "13:00")))), "invalid_working_hours"),
                slots("a weekday that is none", b -> b.put("workingHours", Map.of("FUNDAY", List.of(range("09:00", "17:00")))),
                        "invalid_working_hours"),
                slots("a time that is none", b -> b.put("workingHours", Map.of("MONDAY", List.of(range("9am", "17:00")))),
                        "invalid_working_hours"),
                slots("a time after midnight", b -> b.put("workingHours", Map.of("MONDAY", List.of(range("09:00", "24:30")))),
                        "invalid_working_hours"),
                slots("an override on no date", b -> b.put("dateOverrides", Map.of("next monday", List.of())), "invalid_date_overrides"),
                slots("an override ending before it starts", b -> b.put("dateOverrides",
                        Map.of(MONDAY.toString(), List.of(range("12:00", "10:00")))), "invalid_date_overrides"),
                slots("21 users", b -> b.put("userIds", IntStream.range(0, 21).mapToObj(i -> "u" + i).toList()), "too_many_users"),
                slots("an empty user list", b -> b.put("userIds", List.of()), "invalid_user_ids"),
                slots("a blank user id", b -> b.put("userIds", List.of(" ")), "invalid_user_ids"),
                conflicts("an end before the start", b -> b.put("end", MONDAY + "T09:00:00+01:00"), "invalid_range"),
                conflicts("a 2-minute proposal", b -> b.put("end", MONDAY + "T10:02:00+01:00"), "invalid_duration"),
                conflicts("a proposal a century ago", b -> {
                    b.put("start", "1926-03-01T10:00:00+01:00");
                    b.put("end", "1926-03-01T10:30:00+01:00");
                }, "invalid_range"),
                conflicts("no start", b -> b.remove("start"), "missing_field"),
                conflicts("an unknown zone", b -> b.put("timeZone", "Europe/Atlantis"), "invalid_time_zone"),
                conflicts("a negative buffer", b -> b.put("bufferMinutes", -10), "invalid_buffer"),
                conflicts("too many alternatives", b -> b.put("alternativesPerSide", 6), "invalid_alternatives"),
                conflicts("an unknown field", b -> b.put("durationMinutes", 30), "malformed_body"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedWithAProblem(Case testCase) {
        Map<String, Object> body = testCase.path().equals(SLOTS) ? AvailabilitySlotsTest.request(MONDAY, 30)
                : new LinkedHashMap<>(ConflictsApiTest.proposal(MONDAY, "10:00", "10:30", 0));
        testCase.change().accept(body);

        Response response = api.post(testCase.path(), Caller.service(uniqueUser()), body);

        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().path("code").asText()).as(response.toString()).isEqualTo(testCase.code());
        assertThat(response.json().path("detail").asText()).isNotBlank();
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("at io.calbridge");
    }

    private static Case slots(String name, Consumer<Map<String, Object>> change, String code) {
        return new Case("availability: " + name, SLOTS, change, code);
    }

    private static Case conflicts(String name, Consumer<Map<String, Object>> change, String code) {
        return new Case("conflicts: " + name, CONFLICTS, change, code);
    }
}
