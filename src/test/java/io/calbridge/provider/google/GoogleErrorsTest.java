package io.calbridge.provider.google;

import static io.calbridge.provider.google.ScriptedGoogleServer.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import io.calbridge.provider.ChangeRequest;
import io.calbridge.provider.EventDraft;
import io.calbridge.provider.EventTime;
import io.calbridge.provider.ProviderException;
import io.calbridge.provider.PushChannel;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Google's documented error answers, served over real HTTP by a local server, become the port's typed errors when the
 * adapter (the official client underneath) meets them.
 */
class GoogleErrorsTest {

    private static final String TOKEN = "test-access-token-never-in-messages";
    private static final Instant NOW = Instant.parse("2026-07-10T12:00:00Z");
    private static final ChangeRequest INCREMENTAL = new ChangeRequest("CPDAlvWDx70CEPDAlvWDx70CGAU=", null, null, null, 250);

    private ScriptedGoogleServer google;
    private GoogleCalendarProvider provider;

    @BeforeEach
    void start() {
        google = new ScriptedGoogleServer();
        provider = new GoogleCalendarProvider(GoogleSettings.defaults().withApiBaseUrl(google.baseUrl())
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(500)), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void stop() {
        google.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded"})
    void forbidden403WithRateLimitReasonIsRateLimitedAfterTheDefaultWait(String reason) {
        google.reply(403, error(403, "usageLimits", reason, "Rate Limit Exceeded"));

        ProviderException.RateLimited e = catchThrowableOfType(ProviderException.RateLimited.class,
                () -> provider.calendars(TOKEN));

        assertThat(e.retryAfter()).isEqualTo(GoogleErrors.DEFAULT_RETRY_AFTER);
        assertThat(e.getMessage()).contains("403", reason);
        assertThat(e.getCause()).isInstanceOf(GoogleJsonResponseException.class);
    }

    @Test
    void tooManyRequests429HonoursRetryAfterSeconds() {
        google.reply(429, Map.of("Retry-After", "7"), error(429, "usageLimits", "rateLimitExceeded", "Rate Limit Exceeded"));

        ProviderException.RateLimited e = catchThrowableOfType(ProviderException.RateLimited.class,
                () -> provider.changes(TOKEN, "primary", INCREMENTAL));

        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void tooManyRequests429WithRetryAfterDateWaitsUntilThatDate() {
        google.reply(429, Map.of("Retry-After", "Fri, 10 Jul 2026 12:01:30 GMT"), "");

        ProviderException.RateLimited e = catchThrowableOfType(ProviderException.RateLimited.class,
                () -> provider.account(TOKEN));

        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void expiredSyncToken410IsCursorExpiredAndTheRequestCarriedOnlyTheToken() {
        google.reply(410, error(410, "calendar", "fullSyncRequired", "Sync token is no longer valid, a full sync is required."));

        ProviderException.CursorExpired e = catchThrowableOfType(ProviderException.CursorExpired.class,
                () -> provider.changes(TOKEN, "primary", INCREMENTAL));

        assertThat(e.getMessage()).contains("410", "fullSyncRequired");
        assertThat(e.getCause()).isInstanceOf(GoogleJsonResponseException.class);
        ScriptedGoogleServer.Request request = google.lastRequest();
        assertThat(request.query()).containsEntry("syncToken", "CPDAlvWDx70CEPDAlvWDx70CGAU=")
                .doesNotContainKeys("timeMin", "timeMax");
    }

    @Test
    void unknownCalendar404IsNotFound() {
        google.reply(404, error(404, "global", "notFound", "Not Found"));

        assertThat(catchThrowableOfType(ProviderException.NotFound.class, () -> provider.changes(TOKEN, "gone@example.com",
                INCREMENTAL))).hasMessageContaining("404");
    }

    @Test
    void updateOfUnknownEvent404IsNotFound() {
        google.reply(404, error(404, "global", "notFound", "Not Found"));

        assertThat(catchThrowableOfType(ProviderException.NotFound.class,
                () -> provider.updateEvent(TOKEN, "primary", "cbdoesnotexist", draft()))).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503})
    void serverErrorsAreTransient(int status) {
        google.reply(status, error(status, "global", "backendError", "Backend Error"));

        ProviderException.Transient e = catchThrowableOfType(ProviderException.Transient.class, () -> provider.calendars(TOKEN));

        assertThat(e.getMessage()).contains(String.valueOf(status));
        assertThat(e.getCause()).isInstanceOf(GoogleJsonResponseException.class);
    }

    @Test
    void rejectedAccessToken401IsUnauthorizedAndNoMessageShowsTheToken() {
        google.reply(401, error(401, "global", "authError", "Invalid Credentials"));

        ProviderException.Unauthorized e = catchThrowableOfType(ProviderException.Unauthorized.class, () -> provider.account(TOKEN));

        assertThat(google.lastRequest().header("Authorization")).isEqualTo("Bearer " + TOKEN);
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(TOKEN);
        }
        assertThat(e.getMessage()).contains("401", "authError");
    }

    @Test
    void forbiddenForNonOrganizer403IsPermanent() {
        google.reply(403, error(403, "calendar", "forbiddenForNonOrganizer", "Shared properties can only be changed by the organizer of the event."));

        assertThat(catchThrowableOfType(ProviderException.Permanent.class,
                () -> provider.updateEvent(TOKEN, "primary", "cbevent", draft()))).hasMessageContaining("forbiddenForNonOrganizer");
    }

    @Test
    void badRequest400IsPermanent() {
        google.reply(400, error(400, "calendar", "timeRangeEmpty", "The specified time range is empty."));

        assertThat(catchThrowableOfType(ProviderException.Permanent.class,
                () -> provider.changes(TOKEN, "primary", new ChangeRequest(null, null, NOW, NOW, 100)))).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {404, 410})
    void deleteOfAnEventAlreadyGoneIsDone(int status) {
        google.reply(status, error(status, "global", status == 404 ? "notFound" : "deleted", "Resource has been deleted"));

        assertThatCode(() -> provider.deleteEvent(TOKEN, "primary", "cbgone")).doesNotThrowAnyException();
        assertThat(google.lastRequest().method()).isEqualTo("DELETE");
        assertThat(google.lastRequest().query()).containsEntry("sendUpdates", "none");
    }

    @Test
    void deleteRateLimitedIsStillRateLimited() {
        google.reply(429, Map.of("Retry-After", "3"), error(429, "usageLimits", "rateLimitExceeded", "Rate Limit Exceeded"));

        assertThat(catchThrowableOfType(ProviderException.RateLimited.class, () -> provider.deleteEvent(TOKEN, "primary", "cbx"))
                .retryAfter()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void stopOfUnknownChannel404IsDone() {
        google.reply(404, error(404, "global", "notFound", "Channel 'abc' not found for project '123'"));

        assertThatCode(() -> provider.stopWatch(TOKEN, new PushChannel("abc", "res", "primary", "t", NOW)))
                .doesNotThrowAnyException();
    }

    @Test
    void slowAnswerTimesOutAsTransientWithoutRetrying() {
        google.replyAfter(Duration.ofMillis(1500), 200, "{\"items\": []}");

        ProviderException.Transient e = catchThrowableOfType(ProviderException.Transient.class, () -> provider.calendars(TOKEN));

        assertThat(e.getCause()).isInstanceOf(SocketTimeoutException.class);
        assertThat(google.requests()).as("no automatic retry").hasSize(1);
    }

    @Test
    void refusedConnectionIsTransient() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        GoogleCalendarProvider unreachable = new GoogleCalendarProvider(
                GoogleSettings.defaults().withApiBaseUrl("http://127.0.0.1:" + closedPort + "/"), Clock.systemUTC());

        ProviderException.Transient e = catchThrowableOfType(ProviderException.Transient.class, () -> unreachable.calendars(TOKEN));

        assertThat(e.getCause()).isInstanceOf(IOException.class);
    }

    @Test
    void serverErrorIsNotRetriedByTheClient() {
        google.reply(503, error(503, "global", "backendError", "Backend Error")).reply(200, "{\"items\": []}");

        assertThat(catchThrowableOfType(ProviderException.Transient.class, () -> provider.calendars(TOKEN))).isNotNull();
        assertThat(google.requests()).hasSize(1);
    }

    @Test
    void eventIdIsBase32hexOfValidLengthStablePerKeyAndDistinctAcrossKeys() {
        String id = GoogleEventIds.forKey("appointment-42:connection-7");

        assertThat(id).matches("[0-9a-v]{5,1024}").startsWith("cb").hasSize(54);
        assertThat(GoogleEventIds.isValid(id)).isTrue();
        assertThat(GoogleEventIds.forKey("appointment-42:connection-7")).isEqualTo(id);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            ids.add(GoogleEventIds.forKey("appointment-" + i + ":connection-7"));
        }
        assertThat(ids).hasSize(1000).allMatch(GoogleEventIds::isValid);
        assertThat(GoogleEventIds.forKey("appointment-42:connection-8")).isNotEqualTo(id);
    }

    @Test
    void base32hexFollowsRfc4648() {
        // RFC 4648 section 10 test vectors, lowercase and without padding
        assertThat(List.of("", "f", "fo", "foo", "foob", "fooba", "foobar").stream()
                .map(s -> GoogleEventIds.base32hex(s.getBytes(StandardCharsets.US_ASCII))).toList())
                .containsExactly("", "co", "cpng", "cpnmu", "cpnmuog", "cpnmuoj1", "cpnmuoj1e8");
    }

    private static EventDraft draft() {
        return new EventDraft("appointment-42:connection-7", "Consultation", null, null,
                EventTime.at(Instant.parse("2026-07-13T08:00:00Z"), "Europe/Berlin"),
                EventTime.at(Instant.parse("2026-07-13T08:30:00Z"), "Europe/Berlin"), List.of(), false);
    }
}
