package io.calbridge.availability;

import static io.calbridge.availability.AvailabilitySlotsTest.BERLIN;
import static io.calbridge.availability.AvailabilitySlotsTest.MONDAY;
import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.event.EventStore;
import io.calbridge.provider.EventTime;
import io.calbridge.provider.RemoteEvent;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.ApiTest;
import java.time.Instant;
import java.time.LocalTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Busy time is cached in memory, yet every committed change shows in the very next answer: the real writers (sync's
 * event store, the appointments API, disconnecting) bump the user's change stamp in their own transaction.
 */
class BusyTimeFollowsChangesTest extends ApiTest {

    @Autowired
    private EventStore eventStore;

    private String user;
    private StoreFixture store;

    @BeforeEach
    void freshUser() {
        user = uniqueUser();
        store = new StoreFixture(jdbc);
    }

    @Test
    void anAppointmentBookedOrCancelledThroughTheApiShowsAtOnce() {
        assertThat(freeHours()).contains("10:00");

        Response booked = api.send("PUT", "/api/v1/appointments/visit-1", Caller.service(user),
                io.calbridge.testing.Api.JSON.writeValueAsString(appointment("10:00", "11:00")), "application/json");
        assertThat(booked.status()).as(booked.toString()).isEqualTo(200);
        assertThat(freeHours()).doesNotContain("10:00");

        api.delete("/api/v1/appointments/visit-1", Caller.service(user));
        assertThat(freeHours()).contains("10:00");
    }

    @Test
    void eventsWrittenBySyncShowAtOnceAndSoDoTheirDeletions() {
        UUID connection = store.connection(user, "google");
        assertThat(freeHours()).contains("11:00");

        eventStore.apply(connection, user, "primary", BERLIN, List.of(remote("synced-1", "confirmed", "11:00", "12:00")), 1);
        assertThat(freeHours()).doesNotContain("11:00");

        eventStore.apply(connection, user, "primary", BERLIN, List.of(remote("synced-1", "cancelled", "11:00", "12:00")), 1);
        assertThat(freeHours()).contains("11:00");

        eventStore.apply(connection, user, "primary", BERLIN, List.of(remote("synced-2", "confirmed", "13:00", "14:00")), 1);
        assertThat(freeHours()).doesNotContain("13:00");
        eventStore.deleteNotSeen(connection, "primary", 2);
        assertThat(freeHours()).as("a full sync that no longer saw it removed it").contains("13:00");
    }

    @Test
    void disconnectingACalendarFreesItsTime() {
        UUID connection = store.connection(user, "google");
        store.event(user, connection, "primary", "meeting").at(at("14:00"), at("15:00")).insert();
        assertThat(freeHours()).doesNotContain("14:00");

        Response deleted = api.delete("/api/v1/connections/" + connection, Caller.service(user));

        assertThat(deleted.status()).as(deleted.toString()).isIn(200, 204);
        assertThat(freeHours()).contains("14:00");
    }

    @Test
    void aWriteThatDoesNotBumpTheStampIsNotSeenUntilOneDoes() {
        UUID connection = store.connection(user, "google");
        assertThat(freeHours()).contains("15:00");
        jdbc.sql("""
                INSERT INTO events (connection_id, calendar_id, external_id, user_id, status, start_at, end_at, all_day, transparent,
                    generation, synced_at)
                VALUES (?, 'primary', 'sneaky', ?, 'confirmed', ?, ?, false, false, 0, now())""")
                .params(connection, user, java.sql.Timestamp.from(at("15:00")), java.sql.Timestamp.from(at("16:00"))).update();

        assertThat(freeHours()).as("served from memory: writers must bump the stamp").contains("15:00");
        store.changed(user);
        assertThat(freeHours()).doesNotContain("15:00");
    }

    private List<String> freeHours() {
        Map<String, Object> body = AvailabilitySlotsTest.request(MONDAY, 60);
        body.put("slotStepMinutes", 60);
        Response response = api.post("/api/v1/availability", Caller.service(user), body);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json().path("slots").valueStream().map(s -> s.path("start").asText().substring(11, 16)).toList();
    }

    private static Map<String, Object> appointment(String start, String end) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", "Visit");
        body.put("start", at(start).atZone(BERLIN).toOffsetDateTime().toString());
        body.put("end", at(end).atZone(BERLIN).toOffsetDateTime().toString());
        body.put("timeZone", "Europe/Berlin");
        return body;
    }

    private static RemoteEvent remote(String id, String status, String start, String end) {
        return new RemoteEvent(id, "primary", status, "Synced", null, null, EventTime.at(at(start), "Europe/Berlin"),
                EventTime.at(at(end), "Europe/Berlin"), false, null, List.of(), null, null, null, null, null, "etag-" + status);
    }

    private static Instant at(String time) {
        return MONDAY.atTime(LocalTime.parse(time)).atZone(BERLIN).toInstant();
    }
}
