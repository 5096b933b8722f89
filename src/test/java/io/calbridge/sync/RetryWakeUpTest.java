package io.calbridge.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.emulator.google.Fault;
import io.calbridge.emulator.google.GoogleCalendarEmulator;
import io.calbridge.testing.Api;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.Await;
import io.calbridge.testing.Connect;
import io.calbridge.testing.GoogleEmulators;
import io.calbridge.testing.RunningCalbridge;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.TestKeys;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A job that waits for its retry runs when it falls due, never at the next scheduled drain: here the schedule is ten
 * minutes apart, so anything that waited for it would miss the test's bounds by far. Its own calbridge, database and
 * Google emulator.
 */
class RetryWakeUpTest {

    private static final Duration WELL_UNDER_THE_SCHEDULE = Duration.ofSeconds(30);
    private static final String USER = "wake-up-user";
    private static final String EMAIL = "wake.up@example.com";

    private static GoogleCalendarEmulator google;
    private static RunningCalbridge calbridge;
    private static JdbcClient jdbc;
    private static Api api;

    private final Instant tomorrow = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1)).plus(Duration.ofHours(7));

    @BeforeAll
    static void calbridgeWhoseScheduledDrainIsTenMinutesApart() {
        google = GoogleCalendarEmulator.builder().autoApprove(true).start();
        google.createAccount(EMAIL);
        String database = TestDatabase.newDatabase();
        Map<String, Object> settings = new HashMap<>(GoogleEmulators.settingsFor(google));
        settings.put("calbridge.token-keys", TestKeys.tokenKey("k1"));
        settings.put("calbridge.sync-interval", "PT10M");
        settings.put("calbridge.sync.retry-base", "PT0.5S");
        calbridge = RunningCalbridge.start(database, settings);
        api = calbridge.api();
        jdbc = JdbcClient.create(TestDatabase.postgres().getDatabase("postgres", database));
        new Connect(api).connectGoogle(Caller.service(USER), EMAIL);
    }

    @AfterAll
    static void stop() {
        calbridge.close();
        google.close();
    }

    @Test
    void oneInsertFailingAmongSixtyStillLeavesEveryAppointmentSyncedWithinSeconds() {
        google.failNext("events.insert", 1, Fault.backendError());
        long started = System.nanoTime();

        List<String> ids = IntStream.range(0, 60).mapToObj(i -> "many-" + i).toList();
        for (int i = 0; i < ids.size(); i++) {
            put(ids.get(i), tomorrow.plus(Duration.ofMinutes(30L * i)));
        }

        Await.until("all 60 synced", WELL_UNDER_THE_SCHEDULE, () -> ids.stream().allMatch(id -> "SYNCED".equals(state(id))));
        System.out.printf("RetryWakeUpTest: 60 appointments, one insert failed, all synced after %d ms%n",
                (System.nanoTime() - started) / 1_000_000);
        assertThat(jdbc.sql("SELECT count(*) FROM sync_jobs WHERE kind = 'PUSH' AND appointment_id LIKE 'many-%' AND attempts = 2")
                .query(Integer.class).single()).as("the one that failed once").isEqualTo(1);
    }

    @Test
    void aRetryWhoseWakeUpWasLostRunsWhenDueOnceAnyDrainHasSeenIt() {
        put("lost-1", tomorrow.minus(Duration.ofHours(3)));
        Await.until("lost-1 synced", WELL_UNDER_THE_SCHEDULE, () -> "SYNCED".equals(state("lost-1")));
        // as if an instance had failed the job, scheduled its retry in memory and died: the row alone knows when it is due
        int updated = jdbc.sql("""
                UPDATE sync_jobs SET done = done - 1, status = 'FAILED', attempts = 1, error_reason = 'transient',
                    next_run_at = now() + interval '3 seconds'
                WHERE kind = 'PUSH' AND appointment_id = 'lost-1'""").update();
        assertThat(updated).isOne();

        put("lost-2", tomorrow.minus(Duration.ofHours(2))); // any drain pass, here the one this change asks for

        Await.until("the orphaned retry runs", WELL_UNDER_THE_SCHEDULE, () -> "DONE".equals(jdbc.sql(
                "SELECT status FROM sync_jobs WHERE kind = 'PUSH' AND appointment_id = 'lost-1'").query(String.class).single()));
        assertThat(jdbc.sql("SELECT attempts FROM sync_jobs WHERE kind = 'PUSH' AND appointment_id = 'lost-1'")
                .query(Integer.class).single()).isEqualTo(2);
    }

    private static void put(String id, Instant start) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", "Appointment " + id);
        body.put("start", start.toString());
        body.put("end", start.plus(Duration.ofMinutes(30)).toString());
        Response response = api.send("PUT", "/api/v1/appointments/" + id, Caller.service(USER), Api.JSON.writeValueAsString(body),
                "application/json");
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
    }

    private static String state(String id) {
        return api.get("/api/v1/appointments/" + id, Caller.service(USER)).json().path("destinations").get(0).path("state").asText();
    }

}
