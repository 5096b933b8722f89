package io.calbridge.availability;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.ApiTest;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** Free slots over HTTP, from a store filled directly: one Berlin Monday, 60-minute slots, default hours 09-17. */
class AvailabilitySlotsTest extends ApiTest {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    /** A Monday two to three weeks ahead: inside the cached horizon, and far enough that "now" never reaches it. */
    static final LocalDate MONDAY = LocalDate.now(ZoneOffset.UTC).plusDays(14).with(TemporalAdjusters.nextOrSame(DayOfWeek.MONDAY));
    private static final String RFC_3339_WITH_SECONDS = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(Z|[+-]\\d\\d:\\d\\d)";

    /** What a case can set up: the user's store, times on the case's day in Berlin. */
    record Scenario(StoreFixture store, String user, LocalDate day) {
        Instant at(String time) {
            return at(0, time);
        }

        Instant at(int days, String time) {
            return day.plusDays(days).atTime(LocalTime.parse(time)).atZone(BERLIN).toInstant();
        }

        UUID connection() {
            return store.connection(user, "google");
        }

        StoreFixture.Event event(UUID connection, String id, String from, String to) {
            return store.event(user, connection, "primary", id).at(at(from), at(to));
        }
    }

    record Case(String name, LocalDate day, Consumer<Scenario> setup, Map<String, Object> request, List<String> expectedStarts) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("nothing booked: the whole default working day", MONDAY, s -> { }, Map.of(), hours(9, 10, 11, 12, 13, 14, 15, 16)),
                new Case("overlapping events of two connections and calendars merge", MONDAY, s -> {
                    s.event(s.connection(), "a", "10:00", "10:30").insert();
                    s.store().event(s.user(), s.connection(), "work", "b").at(s.at("10:15"), s.at("11:15")).insert();
                }, Map.of(), hours(9, 12, 13, 14, 15, 16)),
                new Case("tentative blocks; declined, transparent and cancelled do not", MONDAY, s -> {
                    UUID c = s.connection();
                    s.event(c, "tentative", "09:00", "10:00").status("tentative").insert();
                    s.event(c, "declined", "11:00", "12:00").response("declined").insert();
                    s.event(c, "transparent", "13:00", "14:00").transparent().insert();
                    s.event(c, "cancelled", "15:00", "16:00").status("cancelled").insert();
                    s.event(c, "maybe", "16:00", "17:00").response("tentative").insert();
                }, Map.of(), hours(10, 11, 12, 13, 14, 15)),
                new Case("buffers keep time free before and after busy time", MONDAY,
                        s -> s.event(s.connection(), "lunch", "12:00", "13:00").insert(),
                        Map.of("bufferBeforeMinutes", 30, "bufferAfterMinutes", 15), hours(9, 10, 14, 15, 16)),
                new Case("a busy all-day event takes the day", MONDAY,
                        s -> s.store().event(s.user(), s.connection(), "primary", "offsite").allDay(s.day(), s.day().plusDays(1)).insert(),
                        Map.of(), hours()),
                new Case("a free (transparent) all-day event leaves it", MONDAY,
                        s -> s.store().event(s.user(), s.connection(), "primary", "birthday").allDay(s.day(), s.day().plusDays(1))
                                .transparent().insert(),
                        Map.of(), hours(9, 10, 11, 12, 13, 14, 15, 16)),
                new Case("a multi-day all-day event takes every day it spans", MONDAY,
                        s -> s.store().event(s.user(), s.connection(), "primary", "trip").allDay(s.day().minusDays(2), s.day().plusDays(2))
                                .insert(),
                        Map.of(), hours()),
                new Case("a timed event from Friday evening to Monday 11:00", MONDAY,
                        s -> s.store().event(s.user(), s.connection(), "primary", "weekend").at(s.at(-3, "18:00"), s.at("11:00")).insert(),
                        Map.of(), hours(11, 12, 13, 14, 15, 16)),
                new Case("a date override with no hours is a day off", MONDAY, s -> { },
                        Map.of("dateOverrides", Map.of(MONDAY.toString(), List.of())), hours()),
                new Case("a date override replaces the day's hours", MONDAY, s -> { },
                        Map.of("dateOverrides", Map.of(MONDAY.toString(), List.of(range("10:00", "12:00"), range("18:00", "20:00")))),
                        hours(10, 11, 18, 19)),
                new Case("several working ranges a day, in any order", MONDAY, s -> { },
                        Map.of("workingHours", Map.of("MONDAY", List.of(range("14:00", "16:00"), range("08:00", "10:00")))),
                        hours(8, 9, 14, 15)),
                new Case("a weekday left out of workingHours has no slots", MONDAY, s -> { },
                        Map.of("workingHours", Map.of("tuesday", List.of(range("09:00", "17:00")))), hours()),
                new Case("weekly series: its moved instance blocks where it went", MONDAY,
                        AvailabilitySlotsTest::weeklySeriesWithMovedAndCancelledInstances, Map.of(), hours(9, 10, 11, 12, 13, 15, 16)),
                new Case("weekly series: its cancelled instance frees the time", MONDAY.plusWeeks(1),
                        AvailabilitySlotsTest::weeklySeriesWithMovedAndCancelledInstances, Map.of(), hours(9, 10, 11, 12, 13, 14, 15, 16)),
                new Case("weekly series: other weeks are blocked as the rule says", MONDAY.plusWeeks(2),
                        AvailabilitySlotsTest::weeklySeriesWithMovedAndCancelledInstances, Map.of(), hours(9, 11, 12, 13, 14, 15, 16)),
                new Case("an endless daily series begun a year ago still blocks", MONDAY,
                        s -> s.store().event(s.user(), s.connection(), "primary", "standup").at(s.at(-364, "09:30"), s.at(-364, "09:45"))
                                .recurrence("RRULE:FREQ=DAILY").insert(),
                        Map.of(), hours(10, 11, 12, 13, 14, 15, 16)),
                new Case("a pushed event counts once, at its appointment's time; a cancelled appointment not at all", MONDAY, s -> {
                    UUID c = s.connection();
                    s.store().appointment(s.user(), "a-1", "Therapy", s.at("12:00"), s.at("13:00"), "CONFIRMED");
                    s.store().appointment(s.user(), "a-2", "Called off", s.at("10:00"), s.at("11:00"), "CANCELLED");
                    // the appointment moved to 12:00; its event in the calendar still shows the old time until the push lands
                    s.event(c, "pushed-1", "15:00", "16:00").insert();
                    s.store().pushed(s.user(), "a-1", c, "primary", "pushed-1");
                }, Map.of(), hours(9, 10, 11, 13, 14, 15, 16)),
                new Case("slot step 30 for 60-minute slots", MONDAY, s -> { }, Map.of("slotStepMinutes", 30),
                        IntStream.range(0, 15).mapToObj(i -> LocalTime.of(9, 0).plusMinutes(30L * i).toString()).toList()),
                new Case("the grid starts at the working range, not at 'from'", MONDAY, s -> { },
                        Map.of("from", MONDAY.atTime(10, 10).atZone(BERLIN).toOffsetDateTime().toString()), hours(11, 12, 13, 14, 15, 16)),
                new Case("90-minute slots on the default 30-minute grid around a short event", MONDAY,
                        s -> s.event(s.connection(), "call", "12:00", "12:30").insert(),
                        Map.of("durationMinutes", 90, "slotStepMinutes", 30),
                        List.of("09:00", "09:30", "10:00", "10:30", "12:30", "13:00", "13:30", "14:00", "14:30", "15:00", "15:30")));
    }

    /** Every Monday 10:00-11:00 since four weeks before MONDAY; on MONDAY moved to 14:00, a week later cancelled. */
    static void weeklySeriesWithMovedAndCancelledInstances(Scenario s) {
        UUID c = s.connection();
        LocalDate first = MONDAY.minusWeeks(4);
        Instant firstStart = first.atTime(10, 0).atZone(BERLIN).toInstant();
        s.store().event(s.user(), c, "primary", "weekly").at(firstStart, firstStart.plus(Duration.ofHours(1)))
                .recurrence("RRULE:FREQ=WEEKLY;BYDAY=MO").insert();
        Instant moved = MONDAY.atTime(10, 0).atZone(BERLIN).toInstant();
        s.store().event(s.user(), c, "primary", "weekly_moved").instanceOf("weekly", moved)
                .at(MONDAY.atTime(14, 0).atZone(BERLIN).toInstant(), MONDAY.atTime(15, 0).atZone(BERLIN).toInstant()).insert();
        Instant cancelled = MONDAY.plusWeeks(1).atTime(10, 0).atZone(BERLIN).toInstant();
        s.store().event(s.user(), c, "primary", "weekly_cancelled").instanceOf("weekly", cancelled).status("cancelled")
                .at(cancelled, cancelled.plus(Duration.ofHours(1))).insert();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void freeSlots(Case testCase) {
        String user = uniqueUser();
        testCase.setup().accept(new Scenario(new StoreFixture(jdbc), user, testCase.day()));
        Map<String, Object> body = request(testCase.day(), 60);
        body.put("slotStepMinutes", 60);
        body.putAll(testCase.request());

        Response response = api.post("/api/v1/availability", Caller.service(user), body);

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JsonNode slots = response.json().path("slots");
        assertThat(slots.valueStream().map(slot -> OffsetDateTime.parse(slot.path("start").asText()).toLocalTime().toString()))
                .containsExactlyElementsOf(testCase.expectedStarts());
        slots.valueStream().forEach(slot -> {
            assertThat(slot.path("start").asText()).matches(RFC_3339_WITH_SECONDS);
            OffsetDateTime start = OffsetDateTime.parse(slot.path("start").asText());
            assertThat(start.getOffset()).isEqualTo(BERLIN.getRules().getOffset(start.toInstant()));
            assertThat(start.toLocalDate()).isEqualTo(testCase.day());
        });
    }

    @Test
    void theAnswerNamesItsZoneDurationAndGridAndSlotsCarryNoUserIdsInModeAll() {
        String user = uniqueUser();

        Response response = api.post("/api/v1/availability", Caller.user(user), request(MONDAY, 30));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.path("timeZone").asText()).isEqualTo("Europe/Berlin");
        assertThat(body.path("durationMinutes").asInt()).isEqualTo(30);
        assertThat(body.path("slotStepMinutes").asInt()).as("default grid: the duration, at most 30").isEqualTo(30);
        assertThat(body.path("fresh").asBoolean()).isFalse();
        assertThat(body.path("slots")).hasSize(16);
        assertThat(body.path("slots").get(0).has("userIds")).isFalse();
        assertThat(body.path("slots").get(0).path("start").asText()).isEqualTo(MONDAY + "T09:00:00" + offset(MONDAY, 9));
        assertThat(body.path("slots").get(0).path("end").asText()).isEqualTo(MONDAY + "T09:30:00" + offset(MONDAY, 9));
    }

    @Test
    void minimumNoticeCountsFromNowAndNoSlotLiesInThePast() {
        String user = uniqueUser();
        Instant now = Instant.now();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("from", now.minus(Duration.ofHours(6)).toString());
        body.put("to", now.plus(Duration.ofDays(1)).toString());
        body.put("durationMinutes", 30);
        body.put("timeZone", "UTC");
        body.put("workingHours", allWeekAllDay());
        body.put("minimumNoticeMinutes", 120);

        List<Instant> withNotice = starts(api.post("/api/v1/availability", Caller.service(user), body));
        body.remove("minimumNoticeMinutes");
        List<Instant> withoutNotice = starts(api.post("/api/v1/availability", Caller.service(user), body));

        assertThat(withNotice.get(0)).isAfterOrEqualTo(now.plus(Duration.ofMinutes(120))).isBefore(now.plus(Duration.ofMinutes(151)));
        assertThat(withoutNotice.get(0)).isAfterOrEqualTo(now.truncatedTo(ChronoUnit.SECONDS)).isBefore(now.plus(Duration.ofMinutes(31)));
        assertThat(withNotice).allSatisfy(start -> assertThat(start.getEpochSecond() % 1800).as("on the :00/:30 grid").isZero());
    }

    @Test
    void slotsAreWrittenInTheRequestedZone() {
        String user = uniqueUser();
        Map<String, Object> body = request(MONDAY, 60);
        body.put("timeZone", "Asia/Kolkata");

        Response response = api.post("/api/v1/availability", Caller.service(user), body);

        assertThat(response.json().path("slots").get(0).path("start").asText()).isEqualTo(MONDAY + "T09:00:00+05:30");
    }

    @Test
    void theOpenApiDocumentDescribesBothEndpointsAndTheirFields() {
        String document = api.get("/v3/api-docs", Caller.anonymous()).body();

        assertThat(document).contains("/api/v1/availability", "/api/v1/availability/conflicts", "workingHours", "dateOverrides",
                "bufferBeforeMinutes", "minimumNoticeMinutes", "slotStepMinutes", "alternativesPerSide", "outsideWorkingHours", "ANY");
    }

    static Map<String, Object> request(LocalDate day, int durationMinutes) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("from", day.atStartOfDay(BERLIN).toOffsetDateTime().toString());
        body.put("to", day.plusDays(1).atStartOfDay(BERLIN).toOffsetDateTime().toString());
        body.put("durationMinutes", durationMinutes);
        body.put("timeZone", "Europe/Berlin");
        return body;
    }

    static Map<String, String> range(String start, String end) {
        return Map.of("start", start, "end", end);
    }

    static Map<String, Object> allWeekAllDay() {
        Map<String, Object> week = new LinkedHashMap<>();
        for (DayOfWeek day : DayOfWeek.values()) {
            week.put(day.name(), List.of(range("00:00", "24:00")));
        }
        return week;
    }

    static List<String> hours(int... hours) {
        List<String> starts = new ArrayList<>();
        for (int hour : hours) {
            starts.add(LocalTime.of(hour, 0).toString());
        }
        return starts;
    }

    static List<Instant> starts(Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json().path("slots").valueStream().map(s -> OffsetDateTime.parse(s.path("start").asText()).toInstant()).toList();
    }

    private static String offset(LocalDate day, int hour) {
        return day.atTime(hour, 0).atZone(BERLIN).getOffset().getId();
    }
}
