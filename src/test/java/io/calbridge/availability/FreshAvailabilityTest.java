package io.calbridge.availability;

import static io.calbridge.availability.AvailabilitySlotsTest.BERLIN;
import static io.calbridge.availability.AvailabilitySlotsTest.MONDAY;
import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.emulator.google.Fault;
import io.calbridge.emulator.google.GoogleCalendarEmulator;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.ApiTest;
import io.calbridge.testing.Await;
import io.calbridge.testing.Connect;
import io.calbridge.testing.GoogleEmulators;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code fresh: true} against Google (the emulator, through the real adapter): sync first, but never wait long. */
class FreshAvailabilityTest extends ApiTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final GoogleCalendarEmulator google = GoogleEmulators.shared();
    private String user;
    private String email;

    @BeforeEach
    void connectedAndSynced() {
        user = uniqueUser();
        email = "fresh" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        google.createAccount(email, BERLIN);
        Connect connect = new Connect(api);
        String authorizationUrl = connect.authorize("google", Caller.service(user), null)
                + "&login_hint=" + URLEncoder.encode(email, StandardCharsets.UTF_8);
        Response done = api.get(api.get(authorizationUrl, Caller.anonymous()).header("Location"), Caller.anonymous());
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        String connection = done.json().path("connectionId").asText();
        Await.until("the first sync is done", PATIENCE, () -> "SUCCESS".equals(
                api.get("/api/v1/connections/" + connection, Caller.service(user)).json().path("lastSyncOutcome").asText()));
    }

    @AfterEach
    void noFaultsLeft() {
        google.clearFaults();
    }

    @Test
    void freshSyncsFirstSoAnEventJustAddedInGoogleIsBusy() {
        addInGoogle("10:00", "11:00");

        JsonNode answer = slots(true);

        assertThat(answer.path("fresh").asBoolean()).isTrue();
        assertThat(startHours(answer)).doesNotContain("10:00").contains("09:00", "11:00");
    }

    @Test
    void aSlowProviderDoesNotHoldTheAnswerUpItComesFromTheStoreMarkedNotFresh() {
        google.failNext("events.list", 1, Fault.slow(Duration.ofSeconds(8)));

        long started = System.nanoTime();
        JsonNode answer = slots(true);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(answer.path("fresh").asBoolean()).isFalse();
        assertThat(tookMillis).as("bounded by the 3 s fresh timeout").isBetween(2_900L, 6_000L);
        assertThat(startHours(answer)).hasSize(8);
    }

    private void addInGoogle(String start, String end) {
        DateTimeFormatter rfc3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
        google.insertEvent(email, """
                {"summary":"Just added","start":{"dateTime":"%s"},"end":{"dateTime":"%s"}}"""
                .formatted(rfc3339.format(MONDAY.atTime(LocalTime.parse(start)).atZone(BERLIN)),
                        rfc3339.format(MONDAY.atTime(LocalTime.parse(end)).atZone(BERLIN))));
    }

    private JsonNode slots(boolean fresh) {
        Map<String, Object> body = AvailabilitySlotsTest.request(MONDAY, 60);
        body.put("slotStepMinutes", 60);
        body.put("fresh", fresh);
        Response response = api.post("/api/v1/availability", Caller.service(user), body);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json();
    }

    private static List<String> startHours(JsonNode answer) {
        return answer.path("slots").valueStream().map(s -> s.path("start").asText().substring(11, 16)).toList();
    }
}
