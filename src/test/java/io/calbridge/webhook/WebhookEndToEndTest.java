package io.calbridge.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.emulator.google.Fault;
import io.calbridge.emulator.google.GoogleCalendarEmulator;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.ApiTest;
import io.calbridge.testing.Await;
import io.calbridge.testing.Connect;
import io.calbridge.testing.GoogleEmulators;
import io.calbridge.testing.WebhookReceiver;
import io.calbridge.testing.WebhookReceiver.Received;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The app's view: an endpoint registered through the API, a real receiver that verifies every delivery with the
 * Standard Webhooks library, and changes made the way users make them (consent, an event added in Google, appointments
 * pushed or refused, a grant revoked and given again).
 */
class WebhookEndToEndTest extends ApiTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final GoogleCalendarEmulator google = GoogleEmulators.shared();
    private final Connect connect = new Connect(api);
    private final Instant tomorrowTen = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1)).plus(Duration.ofHours(9));
    private WebhookReceiver receiver;
    private String endpointId;
    private String user;
    private String email;

    @BeforeEach
    void subscribedReceiver() {
        receiver = new WebhookReceiver();
        Response created = api.post("/api/v1/webhook-endpoints", Caller.serviceWithoutUser(),
                Map.of("url", receiver.url(), "eventTypes", EventTypes.SUBSCRIBABLE, "description", "end to end"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        endpointId = created.json().path("id").asString();
        receiver.verifyWith(created.json().path("secret").asString());
        user = uniqueUser();
        email = "w" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        google.createAccount(email, ZoneId.of("Europe/Berlin"));
    }

    @AfterEach
    void removeEndpoint() {
        api.delete("/api/v1/webhook-endpoints/" + endpointId, Caller.serviceWithoutUser());
        receiver.close();
        google.clearFaults();
    }

    @Test
    void connectRemoteChangeAppointmentsAndRevokedGrantEachReachTheAppAsAVerifiedNotification() {
        UUID connection = connect.connectGoogle(Caller.service(user), email);
        JsonNode connected = await("connection.connected", d -> d.path("connectionId").asString().equals(connection.toString()));
        assertThat(connected.path("provider").asString()).isEqualTo("google");

        String eventId = google.insertEvent(email, """
                {"summary":"Dentist","start":{"dateTime":"%s"},"end":{"dateTime":"%s"}}""".formatted(tomorrowTen, tomorrowTen.plusSeconds(3600)));
        api.post("/api/v1/connections/" + connection + "/sync", Caller.service(user), null);
        await("calendar.events.changed", d -> d.path("created").valueStream().anyMatch(id -> id.asString().equals(eventId)));

        assertThat(put("wh-1").status()).isEqualTo(200);
        JsonNode synced = await("appointment.sync.succeeded", d -> d.path("appointmentId").asString().equals("wh-1"));
        assertThat(synced.path("connectionId").asString()).isEqualTo(connection.toString());
        assertThat(synced.path("externalId").asString()).isNotBlank();

        google.failNext("events.insert", 1, new Fault(400, "invalid", null, Duration.ZERO));
        assertThat(put("wh-2").status()).isEqualTo(200);
        JsonNode failed = await("appointment.sync.failed", d -> d.path("appointmentId").asString().equals("wh-2"));
        assertThat(failed.path("error").asString()).isNotBlank();

        google.revokeAccount(email);
        api.post("/api/v1/connections/" + connection + "/sync", Caller.service(user), null);
        await("connection.needs_reauth", d -> d.path("connectionId").asString().equals(connection.toString()));
        assertThat(connect.connectGoogle(Caller.service(user), email)).isEqualTo(connection);
        await("connection.restored", d -> d.path("connectionId").asString().equals(connection.toString()));

        List<String> types = mine().stream().map(Received::type).toList();
        assertThat(types).as("each once, in the order they happened").containsSubsequence("connection.connected",
                "appointment.sync.succeeded", "appointment.sync.failed", "connection.needs_reauth", "connection.restored");
        assertThat(types).filteredOn("connection.needs_reauth"::equals).hasSize(1);
        assertThat(receiver.verificationFailures()).isEmpty();
        assertThat(mine()).allSatisfy(r -> assertThat(r.body().toString()).doesNotContain("access_token", "refresh_token"));
    }

    private List<Received> mine() {
        return receiver.received().stream().filter(r -> user.equals(r.userId())).toList();
    }

    /** The data of this user's first notification of {@code type} that matches. */
    private JsonNode await(String type, Predicate<JsonNode> matching) {
        Await.until(type + " reaches the app", PATIENCE, () -> find(type, matching) != null);
        return find(type, matching);
    }

    private JsonNode find(String type, Predicate<JsonNode> matching) {
        return mine().stream().filter(r -> r.type().equals(type)).map(r -> r.body().path("data")).filter(matching).findFirst().orElse(null);
    }

    private Response put(String appointmentId) {
        String body = """
                {"title":"Check-up","start":"%s","end":"%s","timeZone":"Europe/Berlin"}""".formatted(tomorrowTen.plusSeconds(7200),
                tomorrowTen.plusSeconds(9000));
        return api.send("PUT", "/api/v1/appointments/" + appointmentId, Caller.service(user), body, "application/json");
    }
}
