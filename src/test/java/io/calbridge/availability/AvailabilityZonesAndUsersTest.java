package io.calbridge.availability;

import static io.calbridge.availability.AvailabilitySlotsTest.BERLIN;
import static io.calbridge.availability.AvailabilitySlotsTest.MONDAY;
import static io.calbridge.availability.AvailabilitySlotsTest.range;
import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.ApiTest;
import io.calbridge.testing.OAuthServers;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** DST weeks, several users (ALL and ANY), and who may ask about whom. */
class AvailabilityZonesAndUsersTest extends ApiTest {


    record DstWeek(String zone, LocalDate friday, String offsetBefore, String offsetAfter) {
        @Override
        public String toString() {
            return zone + " from " + friday;
        }
    }

    static Stream<DstWeek> dstWeeks() {
        return Stream.of(
                new DstWeek("America/New_York", LocalDate.of(2027, 3, 12), "-05:00", "-04:00"),
                new DstWeek("Europe/Berlin", LocalDate.of(2027, 3, 26), "+01:00", "+02:00"),
                new DstWeek("America/New_York", LocalDate.of(2027, 11, 5), "-04:00", "-05:00"),
                new DstWeek("Europe/Berlin", LocalDate.of(2027, 10, 29), "+02:00", "+01:00"));
    }

    /** A weekly Monday 10:00 meeting begun the week before; slots Friday to Monday across the change stay at 09:00 local. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dstWeeks")
    void aNineOClockSlotStaysAtNineAcrossTheDstChange(DstWeek week) {
        String user = uniqueUser();
        ZoneId zone = ZoneId.of(week.zone());
        LocalDate monday = week.friday().plusDays(3);
        Instant seriesStart = monday.minusWeeks(1).atTime(10, 0).atZone(zone).toInstant();
        store().event(user, store().connection(user, "google"), "primary", "weekly").zone(week.zone())
                .at(seriesStart, seriesStart.plus(Duration.ofHours(1))).recurrence("RRULE:FREQ=WEEKLY;BYDAY=MO").insert();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("from", week.friday().atStartOfDay(zone).toOffsetDateTime().toString());
        body.put("to", monday.plusDays(1).atStartOfDay(zone).toOffsetDateTime().toString());
        body.put("durationMinutes", 60);
        body.put("slotStepMinutes", 60);
        body.put("timeZone", week.zone());

        Response response = api.post("/api/v1/availability", Caller.service(user), body);

        List<String> expected = new ArrayList<>();
        for (int hour = 9; hour < 17; hour++) {
            expected.add(String.format("%sT%02d:00:00%s", week.friday(), hour, week.offsetBefore()));
        }
        for (int hour = 9; hour < 17; hour++) {
            if (hour != 10) {
                expected.add(String.format("%sT%02d:00:00%s", monday, hour, week.offsetAfter()));
            }
        }
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(response.json().path("slots").valueStream().map(s -> s.path("start").asText())).containsExactlyElementsOf(expected);
    }

    @Test
    void theSpringForwardDayHasTwentyThreeHourlySlotsAndNoneAtTwo() {
        Map<String, Object> body = new LinkedHashMap<>();
        LocalDate sunday = LocalDate.of(2027, 3, 28);
        body.put("from", sunday.atStartOfDay(BERLIN).toOffsetDateTime().toString());
        body.put("to", sunday.plusDays(1).atStartOfDay(BERLIN).toOffsetDateTime().toString());
        body.put("durationMinutes", 60);
        body.put("slotStepMinutes", 60);
        body.put("timeZone", "Europe/Berlin");
        body.put("workingHours", Map.of("SUNDAY", List.of(range("00:00", "24:00"))));

        Response response = api.post("/api/v1/availability", Caller.service(uniqueUser()), body);

        List<String> starts = response.json().path("slots").valueStream().map(s -> s.path("start").asText()).toList();
        assertThat(starts).hasSize(23).noneMatch(start -> start.contains("T02:"))
                .contains("2027-03-28T01:00:00+01:00", "2027-03-28T03:00:00+02:00", "2027-03-28T23:00:00+02:00");
    }

    @Test
    void modeAllNeedsEveryoneFreeAndModeAnyNamesWhoIsFree() {
        String ada = uniqueUser();
        String bob = uniqueUser();
        busy(ada, "09:00", "11:00");
        busy(bob, "10:00", "12:00");
        Map<String, Object> body = AvailabilitySlotsTest.request(MONDAY, 60);
        body.put("slotStepMinutes", 60);
        body.put("userIds", List.of(ada, bob));

        JsonNode all = api.post("/api/v1/availability", Caller.serviceWithoutUser(), body).json();
        body.put("mode", "ANY");
        JsonNode any = api.post("/api/v1/availability", Caller.serviceWithoutUser(), body).json();

        body.put("userIds", List.of(ada));
        JsonNode anyOfOne = api.post("/api/v1/availability", Caller.serviceWithoutUser(), body).json();

        assertThat(all.path("slots").valueStream().map(s -> s.path("start").asText().substring(11, 16)))
                .containsExactly("12:00", "13:00", "14:00", "15:00", "16:00");
        assertThat(anyOfOne.path("slots").get(0).path("userIds").valueStream().map(JsonNode::asText)).containsExactly(ada);
        Map<String, List<String>> whoIsFree = new LinkedHashMap<>();
        any.path("slots").forEach(s -> whoIsFree.put(s.path("start").asText().substring(11, 16),
                s.path("userIds").valueStream().map(JsonNode::asText).toList()));
        assertThat(whoIsFree).containsExactly(
                Map.entry("09:00", List.of(bob)),
                Map.entry("11:00", List.of(ada)),
                Map.entry("12:00", List.of(ada, bob)),
                Map.entry("13:00", List.of(ada, bob)),
                Map.entry("14:00", List.of(ada, bob)),
                Map.entry("15:00", List.of(ada, bob)),
                Map.entry("16:00", List.of(ada, bob)));
    }

    @Test
    void anEndUserSeesOnlyTheirOwnTimeAndMayNotNameOthers() {
        String ada = uniqueUser();
        String eve = uniqueUser();
        busy(ada, "09:00", "17:00");
        Map<String, Object> own = AvailabilitySlotsTest.request(MONDAY, 60);
        Map<String, Object> adas = new LinkedHashMap<>(own);
        adas.put("userIds", List.of(ada));

        Response evesOwn = api.post("/api/v1/availability", Caller.user(eve), own);
        Response evePeeking = api.post("/api/v1/availability", Caller.user(eve), adas);
        Response adaNamingHerself = api.post("/api/v1/availability", Caller.user(ada), adas);
        Response admin = api.post("/api/v1/availability", admin(eve), adas);

        assertThat(evesOwn.json().path("slots")).as("Ada's events are not Eve's").hasSize(15);
        assertThat(evePeeking.status()).isEqualTo(403);
        assertThat(evePeeking.contentType()).startsWith("application/problem+json");
        assertThat(evePeeking.json().path("code").asText()).isEqualTo("forbidden_user_ids");
        assertThat(adaNamingHerself.status()).isEqualTo(200);
        assertThat(adaNamingHerself.json().path("slots")).isEmpty();
        assertThat(admin.status()).as(admin.toString()).isEqualTo(200);
        assertThat(admin.json().path("slots")).isEmpty();
    }

    @Test
    void aServiceNamesItsUsersInUserIdsOrXUserIdAndUnknownUsersAreFree() {
        Map<String, Object> body = AvailabilitySlotsTest.request(MONDAY, 60);

        Response nobody = api.post("/api/v1/availability", Caller.serviceWithoutUser(), body);
        body.put("userIds", List.of("never-seen-" + UUID.randomUUID()));
        Response unknown = api.post("/api/v1/availability", Caller.serviceWithoutUser(), body);

        assertThat(nobody.status()).isEqualTo(400);
        assertThat(nobody.json().path("code").asText()).isEqualTo("missing_user_id");
        assertThat(unknown.status()).isEqualTo(200);
        assertThat(unknown.json().path("slots")).as("09:00 to 16:00 every 30 minutes").hasSize(15);
    }

    private void busy(String user, String from, String to) {
        store().event(user, store().connection(user, "google"), "primary", "busy-" + from)
                .at(MONDAY.atTime(LocalTime.parse(from)).atZone(BERLIN).toInstant(),
                        MONDAY.atTime(LocalTime.parse(to)).atZone(BERLIN).toInstant())
                .insert();
    }

    private StoreFixture store() {
        return new StoreFixture(jdbc);
    }

    static Caller admin(String userId) {
        String token = OAuthServers.server().issueToken(OAuthServers.APP, userId, "calbridge", Map.of("roles", List.of("calbridge-admin")))
                .serialize();
        return new Caller(Map.of("Authorization", "Bearer " + token));
    }
}
