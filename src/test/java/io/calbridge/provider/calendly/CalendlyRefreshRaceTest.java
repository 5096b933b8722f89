package io.calbridge.provider.calendly;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.emulator.calendly.CalendlyEmulator;
import io.calbridge.emulator.calendly.CalendlyEmulator.BookingRef;
import io.calbridge.emulator.calendly.CalendlyEmulator.BookingRequest;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.Await;
import io.calbridge.testing.CalendlyEmulators;
import io.calbridge.testing.Connect;
import io.calbridge.testing.RunningCalbridge;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.TestKeys;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Calendly's refresh tokens are single-use: a refresh answers with the next one, and the old one is {@code invalid_grant}
 * from then on. Two calbridge instances on one database whose callers all find the access token refused at once must
 * refresh once, both go on with the new pair, and the connection must keep working.
 */
class CalendlyRefreshRaceTest {

    private static CalendlyEmulator calendly;
    private static RunningCalbridge first;
    private static RunningCalbridge second;

    @BeforeAll
    static void twoInstancesOnOneDatabase() throws Exception {
        calendly = CalendlyEmulator.builder().autoApprove(true).start();
        String database = TestDatabase.newDatabase();
        Map<String, Object> settings = new HashMap<>(CalendlyEmulators.settingsFor(calendly));
        settings.put("calbridge.token-keys", TestKeys.tokenKey("calendly-race"));
        first = RunningCalbridge.start(database, settings);
        second = RunningCalbridge.start(database, settings);
    }

    @AfterAll
    static void stop() {
        second.close();
        first.close();
        calendly.close();
    }

    @Test
    void callersOnTwoInstancesThatAllFindTheTokenRefusedRefreshOnceAndTheConnectionKeepsWorking() throws Exception {
        String host = "race-" + UUID.randomUUID().toString().substring(0, 8) + "@calendly.test";
        calendly.createUser(host, "Race Host", "UTC");
        String user = "race-" + UUID.randomUUID();
        Caller caller = Caller.service(user);
        UUID connection = new Connect(first.api()).connectCalendly(caller, host);
        int tokenRequestsBefore = calendly.callCount("POST", "/oauth/token");
        // Calendly's access tokens live two hours: calbridge still holds this one as valid when Calendly stops taking it
        calendly.expireAccessTokens();

        CountDownLatch start = new CountDownLatch(1);
        ExecutorService callers = Executors.newFixedThreadPool(8);
        List<Future<Response>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                RunningCalbridge instance = i % 2 == 0 ? first : second;
                answers.add(callers.submit(() -> {
                    start.await();
                    return instance.api().post("/api/v1/connections/" + connection + "/test", caller, null);
                }));
            }
            start.countDown();
            for (Future<Response> answer : answers) {
                Response response = answer.get(60, TimeUnit.SECONDS);
                assertThat(response.status()).as(response.toString()).isEqualTo(200);
                assertThat(response.json().path("ok").asBoolean()).as(response.toString()).isTrue();
            }
        } finally {
            callers.shutdownNow();
        }

        assertThat(calendly.callCount("POST", "/oauth/token") - tokenRequestsBefore).as("one refresh for all eight callers").isEqualTo(1);
        Response view = second.api().get("/api/v1/connections/" + connection, caller);
        assertThat(view.json().path("status").asText()).isEqualTo("ACTIVE");
        Instant tomorrow = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1)).plus(Duration.ofHours(10));
        BookingRef booked = calendly.book(BookingRequest.of(host, tomorrow, "Jo Patient", "jo@example.org"));
        Response sync = second.api().post("/api/v1/connections/" + connection + "/sync", caller, null);
        assertThat(sync.status()).isEqualTo(202);
        Await.until("a sync with the refreshed pair", Duration.ofSeconds(30), () -> first.api().get("/api/v1/events?from=" + tomorrow.minus(
                Duration.ofDays(1)) + "&to=" + tomorrow.plus(Duration.ofDays(1)), caller).body().contains(booked.eventUri()));
    }
}
