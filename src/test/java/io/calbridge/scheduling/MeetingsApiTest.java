package io.calbridge.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.availability.AvailabilityResponses.Slot;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.ApiTest;
import io.calbridge.testing.MeetingBookings;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** POST /api/v1/meetings over HTTP, against the store: choice, locks, idempotency and refusals. */
class MeetingsApiTest extends ApiTest {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    /** A Tuesday two weeks ahead: far from any notice and from the clock's weekday. */
    static final LocalDate TUESDAY = LocalDate.now(ZoneOffset.UTC).plusDays(14).with(TemporalAdjusters.nextOrSame(DayOfWeek.TUESDAY));

    @Autowired
    MeetingService meetings;

    static Map<String, Object> meeting(List<String> userIds, LocalDate day, int durationMinutes) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("userIds", userIds);
        body.put("from", day.atStartOfDay(BERLIN).toOffsetDateTime().toString());
        body.put("to", day.plusDays(1).atStartOfDay(BERLIN).toOffsetDateTime().toString());
        body.put("durationMinutes", durationMinutes);
        body.put("timeZone", "Europe/Berlin");
        body.put("title", "Planning");
        return body;
    }

    private Response book(Map<String, Object> body) {
        return api.post("/api/v1/meetings", Caller.serviceWithoutUser(), body);
    }

    private Response appointment(String user, String appointmentId) {
        return api.get("/api/v1/appointments/" + appointmentId, Caller.service(user));
    }

    private long meetingRows(String user) {
        return jdbc.sql("SELECT count(*) FROM appointments WHERE user_id = ?").param(user).query(Long.class).single();
    }

    @Test
    void theBestFreeTimeOfAllUsersIsBookedAsAnAppointmentForEachWithTheNextBestTimes() {
        String alice = uniqueUser();
        String bob = uniqueUser();
        // Bob is busy 09:00-12:00: the morning is out for the pair
        Map<String, Object> blocker = new LinkedHashMap<>(Map.of("title", "Clinic", "start", at("09:00"), "end", at("12:00"),
                "timeZone", "Europe/Berlin"));
        assertThat(api.send("PUT", "/api/v1/appointments/clinic", Caller.service(bob), json(blocker), "application/json").status())
                .isEqualTo(200);

        Response booked = book(meeting(List.of(alice, bob), TUESDAY, 60));

        assertThat(booked.status()).as(booked.toString()).isEqualTo(201);
        JsonNode answer = booked.json();
        OffsetDateTime start = OffsetDateTime.parse(answer.path("start").asText());
        assertThat(start.toLocalDate()).isEqualTo(TUESDAY);
        assertThat(start.toLocalTime().getHour()).as("after Bob's clinic").isGreaterThanOrEqualTo(12);
        assertThat(answer.path("score").asDouble()).isBetween(0.0, 1.0);
        assertThat(answer.path("reasons").size()).isEqualTo(6);
        String appointmentId = "meeting-" + answer.path("meetingId").asText();
        for (String user : List.of(alice, bob)) {
            Response stored = appointment(user, appointmentId);
            assertThat(stored.status()).as(stored.toString()).isEqualTo(200);
            assertThat(OffsetDateTime.parse(stored.json().path("start").asText()).toInstant()).isEqualTo(start.toInstant());
            assertThat(stored.json().path("title").asText()).isEqualTo("Planning");
        }
        assertThat(answer.path("appointments").valueStream().map(a -> a.path("userId").asText())).containsExactly(alice, bob);
        List<JsonNode> alternatives = answer.path("alternatives").valueStream().toList();
        assertThat(alternatives).hasSize(3);
        for (JsonNode alternative : alternatives) {
            assertThat(overlaps(alternative, answer)).as("an alternative overlaps the booked time: " + alternative).isFalse();
            assertThat(alternative.path("score").asDouble()).isLessThanOrEqualTo(answer.path("score").asDouble());
        }

        Response second = book(meeting(List.of(alice, bob), TUESDAY, 60));
        assertThat(second.status()).as(second.toString()).isEqualTo(201);
        assertThat(overlaps(second.json(), answer)).as("the second booking leaves the first alone").isFalse();
    }

    @Test
    void remindersReachEveryUsersAppointmentAndTheAttendeesHearFromTheOrganizersOnly() {
        String organizer = uniqueUser();
        String other = uniqueUser();
        Map<String, Object> body = meeting(List.of(organizer, other), TUESDAY, 30);
        body.put("attendees", List.of(Map.of("name", "Jane Roe", "email", "jane.roe@example.org")));
        body.put("reminders", List.of(Map.of("minutesBefore", 60, "channel", "EMAIL", "to", "ATTENDEES"),
                Map.of("minutesBefore", 15, "channel", "EMAIL"), Map.of("minutesBefore", 10, "channel", "CALENDAR")));

        Response booked = book(body);

        assertThat(booked.status()).as(booked.toString()).isEqualTo(201);
        String appointmentId = "meeting-" + booked.json().path("meetingId").asText();
        assertThat(reminders(appointment(organizer, appointmentId))).containsExactly("60 EMAIL ATTENDEES", "15 EMAIL OWNER", "10 CALENDAR");
        assertThat(reminders(appointment(other, appointmentId))).containsExactly("15 EMAIL OWNER", "10 CALENDAR");
    }

    private static List<String> reminders(Response appointment) {
        assertThat(appointment.status()).as(appointment.toString()).isEqualTo(200);
        return appointment.json().path("reminders").valueStream()
                .map(r -> (r.path("minutesBefore").asText() + " " + r.path("channel").asText() + " " + r.path("to").asText("")).strip())
                .toList();
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyAnswersTheFirstBookingAndBooksNothingMore() {
        String user = uniqueUser();
        Map<String, Object> body = meeting(List.of(user), TUESDAY, 30);
        Caller caller = Caller.serviceWithoutUser().with("Idempotency-Key", "order-" + UUID.randomUUID());

        Response first = api.post("/api/v1/meetings", caller, body);
        Response retried = api.post("/api/v1/meetings", caller, body);

        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
        assertThat(retried.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(retried.json()).isEqualTo(first.json());
        assertThat(meetingRows(user)).as("one appointment").isEqualTo(1);

        Map<String, Object> other = new LinkedHashMap<>(body);
        other.put("title", "Something else");
        Response reused = api.post("/api/v1/meetings", caller, other);
        assertThat(reused.status()).as(reused.toString()).isEqualTo(422);
        assertThat(reused.json().path("code").asText()).isEqualTo("idempotency_key_reused");
        assertThat(meetingRows(user)).isEqualTo(1);

        Response fresh = book(body);
        assertThat(fresh.status()).as("without the key it is a new meeting").isEqualTo(201);
        assertThat(meetingRows(user)).isEqualTo(2);
    }

    @Test
    void concurrentRetriesWithOneKeyBookOnce() throws Exception {
        String user = uniqueUser();
        Map<String, Object> body = meeting(List.of(user), TUESDAY, 30);
        Caller caller = Caller.serviceWithoutUser().with("Idempotency-Key", "retry-" + UUID.randomUUID());
        List<Response> answers = MeetingBookings.inParallel(8, i -> api.post("/api/v1/meetings", caller, body));

        assertThat(answers).extracting(Response::status).containsOnly(200, 201).containsOnlyOnce(201);
        assertThat(answers.stream().map(r -> r.json().path("meetingId").asText()).distinct()).hasSize(1);
        assertThat(meetingRows(user)).isEqualTo(1);
    }

    @Test
    void concurrentBookingsThatShareUsersNeverGetOverlappingTimes() throws Exception {
        List<String> users = List.of(uniqueUser(), uniqueUser(), uniqueUser(), uniqueUser());
        List<Response> answers = MeetingBookings.inParallel(20,
                i -> book(meeting(MeetingBookings.pair(users, i), TUESDAY, MeetingBookings.MINUTES)));

        List<JsonNode> booked = MeetingBookings.checkBurst(users, answers, TUESDAY, BERLIN);

        assertThat(booked).as("ten requests per user, eight meetings fit a day").hasSizeBetween(8, 16);
        for (String user : users) {
            assertThat(meetingRows(user)).as("an appointment per booking").isEqualTo(MeetingBookings.of(user, booked).size());
        }
    }

    @Test
    void aTimeBookedAfterTheCandidatesWereRankedIsPassedOver() {
        String user = uniqueUser();
        MeetingRequest request = new MeetingRequest(List.of(user), null, 60, TUESDAY.atStartOfDay(BERLIN).toOffsetDateTime(),
                TUESDAY.plusDays(1).atStartOfDay(BERLIN).toOffsetDateTime(), "Europe/Berlin", null, null, null, null, null, 60, null,
                "Planning", null, null, null, null, null);
        List<Slot> ranked = List.of(new Slot(at("10:00"), at("11:00"), null, 0.9, List.of()),
                new Slot(at("14:00"), at("15:00"), null, 0.8, List.of()));
        // the best candidate is taken between ranking and booking
        Map<String, Object> taken = new LinkedHashMap<>(Map.of("title", "Walk-in", "start", at("10:30"), "end", at("11:30"),
                "timeZone", "Europe/Berlin"));
        assertThat(api.send("PUT", "/api/v1/appointments/walk-in", Caller.service(user), json(taken), "application/json").status())
                .isEqualTo(200);

        MeetingAnswer answer = meetings.book(List.of(user), request, ranked, 3, "service", null, "0".repeat(64)).answer();

        assertThat(answer.start()).isEqualTo(at("14:00"));
        assertThat(answer.alternatives()).isEmpty();
    }

    @Test
    void withNoFreeTimeTheAnswerIs409AndNothingIsBooked() {
        String user = uniqueUser();
        Map<String, Object> allDay = new LinkedHashMap<>(Map.of("title", "Away", "start", at("08:00"), "end", at("18:00"),
                "timeZone", "Europe/Berlin"));
        api.send("PUT", "/api/v1/appointments/away", Caller.service(user), json(allDay), "application/json");
        Caller keyed = Caller.serviceWithoutUser().with("Idempotency-Key", "k-" + UUID.randomUUID());

        Response refused = api.post("/api/v1/meetings", keyed, meeting(List.of(user), TUESDAY, 30));

        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().path("code").asText()).isEqualTo("no_free_slot");
        assertThat(meetingRows(user)).as("only the blocker").isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM meetings WHERE ? = ANY (user_ids)").param(user).query(Long.class).single())
                .as("a refusal keeps no claim of its key").isZero();
    }

    @Test
    void badRequestsAreRefusedWithTheirCodeAndBookNothing() {
        String user = uniqueUser();
        record Case(String field, Object value, int status, String code) {
        }
        List<Case> cases = List.of(new Case("title", null, 400, "validation_failed"), new Case("durationMinutes", 3, 400, "invalid_duration"),
                new Case("timeZone", "Mars/Olympus", 400, "invalid_time_zone"), new Case("alternatives", 11, 400, "invalid_alternatives"),
                new Case("userIds", List.of(), 400, "invalid_user_ids"), new Case("from", null, 400, "missing_field"));
        for (Case c : cases) {
            Map<String, Object> body = meeting(List.of(user), TUESDAY, 30);
            body.put(c.field(), c.value());
            Response refused = book(body);
            assertThat(refused.status()).as(c + ": " + refused).isEqualTo(c.status());
            assertThat(refused.json().path("code").asText()).as(c.toString()).isEqualTo(c.code());
        }
        Response badKey = api.post("/api/v1/meetings", Caller.serviceWithoutUser().with("Idempotency-Key", "has space"),
                meeting(List.of(user), TUESDAY, 30));
        assertThat(badKey.status()).isEqualTo(400);
        assertThat(badKey.json().path("code").asText()).isEqualTo("invalid_idempotency_key");
        Caller endUser = Caller.user(user);
        Response forOthers = api.post("/api/v1/meetings", endUser, meeting(List.of(user, uniqueUser()), TUESDAY, 30));
        assertThat(forOthers.status()).as(forOthers.toString()).isEqualTo(403);
        assertThat(forOthers.json().path("code").asText()).isEqualTo("forbidden_user_ids");
        assertThat(meetingRows(user)).isZero();
    }

    @Test
    void anEndUserBooksForThemselves() {
        String user = uniqueUser();
        Map<String, Object> body = meeting(null, TUESDAY, 30);
        body.remove("userIds");
        Response booked = api.post("/api/v1/meetings", Caller.user(user), body);
        assertThat(booked.status()).as(booked.toString()).isEqualTo(201);
        assertThat(booked.json().path("userIds").valueStream().map(JsonNode::asText)).containsExactly(user);
        assertThat(meetingRows(user)).isEqualTo(1);
    }

    static boolean overlaps(JsonNode a, JsonNode b) {
        return OffsetDateTime.parse(a.path("start").asText()).isBefore(OffsetDateTime.parse(b.path("end").asText()))
                && OffsetDateTime.parse(b.path("start").asText()).isBefore(OffsetDateTime.parse(a.path("end").asText()));
    }

    static String at(String time) {
        return TUESDAY.atTime(java.time.LocalTime.parse(time)).atZone(BERLIN).toOffsetDateTime().toString();
    }

    private static String json(Object body) {
        return io.calbridge.testing.Api.JSON.writeValueAsString(body);
    }
}
