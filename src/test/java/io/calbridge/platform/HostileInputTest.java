package io.calbridge.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.testing.Api;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.ApiTest;
import io.calbridge.testing.Connect;
import io.calbridge.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

/**
 * The inputs issue 9 found answered with a 500 (or leniently accepted), sent byte for byte over a socket: each is a
 * 4xx problem+json now, with the code named, nothing of the user's changes, and nothing lands in the log verbatim.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class HostileInputTest extends ApiTest {

    private static final String CONNECTION = "{connection}";
    private static final String APPOINTMENT = "/api/v1/appointments/hostile-1";

    private final Connect connect = new Connect(api);
    private RawHttp raw;
    private UserRows rows;
    private String user;
    private UUID connection;

    record Case(String name, String method, String target, Map<String, String> headers, String body, int status, String code) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    void userWithAConnectionAndAnAppointment() {
        raw = new RawHttp("localhost", Integer.parseInt(BASE_URL.substring(BASE_URL.lastIndexOf(':') + 1)));
        rows = new UserRows(jdbc);
        user = uniqueUser();
        connection = connect.connectMock(user, "acct-" + UUID.randomUUID(), "hostile@example.com");
        Response put = api.send("PUT", APPOINTMENT, Caller.service(user), appointment("\"title\": \"Check-up\""), "application/json");
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
    }

    static Stream<Case> hostileInputs() {
        return Stream.of(
                // characters PostgreSQL cannot store, or no calendar should show, in any text of a body
                json("NUL in an appointment title", "PUT", APPOINTMENT, appointment("\"title\": \"a\\u0000b\""), "invalid_character"),
                json("NUL in a description", "PUT", APPOINTMENT, appointment("\"title\": \"t\", \"description\": \"\\u0000\""),
                        "invalid_character"),
                json("bell character in a location", "PUT", APPOINTMENT, appointment("\"title\": \"t\", \"location\": \"\\u0007\""),
                        "invalid_character"),
                json("NUL in an attendee's name", "PUT", APPOINTMENT,
                        appointment("\"title\": \"t\", \"attendees\": [{\"name\": \"\\u0000\", \"email\": \"a@example.com\"}]"),
                        "invalid_character"),
                json("lone surrogate in a title", "PUT", APPOINTMENT, appointment("\"title\": \"\\ud800\""), "invalid_character"),
                json("NUL after an enum value", "PUT", APPOINTMENT, appointment("\"title\": \"t\", \"status\": \"CONFIRMED\\u0000\""),
                        "invalid_character"),
                json("NUL in a title template", "PATCH", "/api/v1/connections/" + CONNECTION,
                        "{\"eventTitleTemplate\": \"{{title}}\\u0000\"}", "invalid_character"),
                json("escape character in a description template", "PATCH", "/api/v1/connections/" + CONNECTION,
                        "{\"eventDescriptionTemplate\": \"\\u001b[31m\"}", "invalid_character"),
                json("NUL in a working-hours key", "POST", "/api/v1/availability",
                        "{\"from\": \"" + soon(1) + "\", \"to\": \"" + soon(2) + "\", \"durationMinutes\": 30, \"timeZone\": \"UTC\", "
                                + "\"workingHours\": {\"MONDAY\\u0000\": []}}", "invalid_character"),
                json("NUL in a return URL", "POST", "/api/v1/connections/mockcal/authorize",
                        "{\"returnUrl\": \"https://app.example.com/connected\\u0000\"}", "invalid_character"),
                // lenient readings
                json("fraction for whole minutes", "POST", "/api/v1/availability/conflicts",
                        "{\"start\": \"" + soon(1) + "\", \"end\": \"" + soon(1).plusMinutes(30) + "\", \"bufferMinutes\": 1.5}",
                        "malformed_body"),
                json("number for a timestamp", "PUT", APPOINTMENT,
                        "{\"title\": \"t\", \"start\": 1797000000, \"end\": \"" + soon(1) + "\"}", "malformed_body"),
                json("null inside the attendees", "PUT", APPOINTMENT, appointment("\"title\": \"t\", \"attendees\": [null]"),
                        "malformed_body"),
                json("appointment in the year 0001", "PUT", APPOINTMENT,
                        "{\"title\": \"t\", \"start\": \"0001-01-01T10:00:00Z\", \"end\": \"0001-01-01T11:00:00Z\"}", "invalid_range"),
                json("appointment in the year 9999", "PUT", APPOINTMENT,
                        "{\"title\": \"t\", \"start\": \"9999-01-01T10:00:00Z\", \"end\": \"9999-01-01T11:00:00Z\"}", "invalid_range"),
                // query strings
                get("hex limit", "/api/v1/events/upcoming?limit=0x10", 400, "invalid_parameter"),
                get("limit with a space", "/api/v1/sync-logs?limit=%2010", 400, "invalid_parameter"),
                get("extreme instant in events", "/api/v1/events?from=%2B999999999-01-01T00:00:00Z", 400, "invalid_range"),
                get("invalid UTF-8 in a query", "/api/v1/sync-logs?connectionId=%FF%FE", 400, "invalid_parameter"),
                get("encoded surrogate in a query", "/api/v1/sync-logs?connectionId=%ED%A0%80", 400, "invalid_parameter"),
                get("overlong NUL in a query", "/api/v1/events?connectionId=%C0%80", 400, "invalid_parameter"),
                get("NUL in a query", "/api/v1/events?connectionId=%00", 400, "invalid_parameter"),
                get("bad percent escape", "/api/v1/connections?a=%zz", 400, "invalid_parameter"),
                get("empty parameter name", "/api/v1/connections?=x", 400, "invalid_parameter"),
                get("invalid UTF-8 on the public OAuth callback", "/oauth/mockcal/callback?code=%FF&state=%FE", 400,
                        "invalid_parameter"),
                // headers
                new Case("non-ASCII X-User-Id", "GET", "/api/v1/connections",
                        Map.of("X-API-Key", TestKeys.API_KEY, "X-User-Id", RawHttp.utf8Bytes("ÄÖÜ")), null, 400, "invalid_header"),
                new Case("ISO-8859-1 letters in X-User-Id", "GET", "/api/v1/connections",
                        Map.of("X-API-Key", TestKeys.API_KEY, "X-User-Id", "\u00c4\u00d6"), null, 400, "invalid_user_id"),
                new Case("UTF-8 letter without a control byte in X-User-Id", "GET", "/api/v1/connections",
                        Map.of("X-API-Key", TestKeys.API_KEY, "X-User-Id", RawHttp.utf8Bytes("\u00fc")), null, 400, "invalid_user_id"),
                new Case("non-ASCII channel id on the public webhook", "POST", "/webhooks/google",
                        Map.of("X-Goog-Channel-ID", RawHttp.utf8Bytes("ÄÖ"), "X-Goog-Resource-State", "exists"), null, 400,
                        "invalid_header"),
                new Case("control byte in X-API-Key", "GET", "/api/v1/connections",
                        Map.of("X-API-Key", TestKeys.API_KEY + "\u0085", "X-User-Id", "someone"), null, 400, "invalid_header"),
                json("wildcard content type", "PUT", APPOINTMENT, appointment("\"title\": \"t\""), "*/*", 415,
                        "unsupported_media_type"),
                json("application wildcard content type", "PUT", APPOINTMENT, appointment("\"title\": \"t\""), "application/*", 415,
                        "unsupported_media_type"),
                json("form body with a bad escape", "POST", "/api/v1/availability", "a=%zz", "application/x-www-form-urlencoded", 415,
                        "unsupported_media_type"),
                new Case("unparseable Accept", "GET", "/api/v1/connections", Map.of("Accept", ";;;"), null, 406, "not_acceptable"),
                new Case("Accept of a type calbridge does not write", "GET", "/api/v1/connections", Map.of("Accept", "text/html"), null,
                        406, "not_acceptable"),
                new Case("/error called directly", "GET", "/error", Map.of(), null, 404, "not_found"),
                // what Tomcat refuses itself, before the application
                get("space in the request target", "/api/v1/connections?a=b c", 400, "bad_request"),
                get("raw non-ASCII byte in the request target", "/api/v1/connections?a=\u00ff", 400, "bad_request"),
                get("NUL byte in the path", "/api/v1/appointments/a%00b", 400, "bad_request"),
                new Case("control byte in a header name", "GET", "/api/v1/connections", Map.of("X-Broken\u0001", "x"), null, 400,
                        "bad_request"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileInputs")
    void answersA4xxProblemAndChangesNothing(Case c) {
        String before = rows.snapshot(user);
        Map<String, String> headers = new LinkedHashMap<>();
        boolean isPublic = c.target().startsWith("/oauth/") || c.target().startsWith("/webhooks/") || c.target().equals("/error");
        if (!isPublic && !c.headers().containsKey("X-API-Key")) { // the service's credentials, unless the case brings its own
            headers.putAll(Caller.service(user).headers());
        }
        headers.putAll(c.headers());
        String target = c.target().replace(CONNECTION, connection.toString());
        Response response = raw.send(c.method(), target, headers, c.body() == null ? null : c.body().getBytes(StandardCharsets.UTF_8));

        assertThat(response.status()).as(response.toString()).isEqualTo(c.status());
        assertProblem(response, c.code());
        assertThat(rows.snapshot(user)).as("nothing of the user's changed").isEqualTo(before);
    }

    @Test
    void malformedHeaderLineIsRefusedWithoutItsValueInTheLog(CapturedOutput output) {
        String secret = TestKeys.API_KEY;
        Response response = raw.send("GET", "/api/v1/connections", Map.of("X-API-Key", secret + "\u0001", "X-User-Id", user), null);

        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertProblem(response, "bad_request");
        assertThat(output.getAll()).doesNotContain(secret);
    }

    @Test
    void refusedHeadersAndFirewallRefusalsLeaveNoTraceInTheLog(CapturedOutput output) {
        Response header = raw.send("POST", "/webhooks/google",
                Map.of("X-Goog-Channel-ID", RawHttp.utf8Bytes("ÄÖ-marker"), "X-Goog-Resource-State", "exists"), null);
        Response firewall = raw.send("GET", "/api/v1/connections/a;marker=1", Caller.service(user).headers(), null);

        assertThat(header.status()).isEqualTo(400);
        assertProblem(header, "invalid_header");
        assertThat(firewall.status()).isEqualTo(400);
        assertProblem(firewall, "bad_request");
        assertThat(output.getAll()).doesNotContain("RequestRejectedException", "marker", "\tat ");
    }

    static void assertProblem(Response response, String code) {
        assertThat(response.contentType()).as(response.toString()).startsWith("application/problem+json");
        assertThat(response.body()).doesNotContain("Exception", "at io.", "at org.");
        JsonNode problem = Api.JSON.readTree(response.body());
        assertThat(problem.path("status").asInt()).isEqualTo(response.status());
        assertThat(problem.path("code").asString()).as(response.toString()).isEqualTo(code);
    }

    private static Case json(String name, String method, String target, String body, String code) {
        return json(name, method, target, body, "application/json", 400, code);
    }

    private static Case json(String name, String method, String target, String body, String contentType, int status, String code) {
        return new Case(name, method, target, Map.of("Content-Type", contentType), body, status, code);
    }

    private static Case get(String name, String target, int status, String code) {
        return new Case(name, "GET", target, Map.of(), null, status, code);
    }

    private static String appointment(String fields) {
        return "{" + fields + ", \"start\": \"" + soon(1) + "\", \"end\": \"" + soon(1).plusHours(1) + "\"}";
    }

    /** A time some days ahead, on the hour. */
    static OffsetDateTime soon(int days) {
        return OffsetDateTime.now(ZoneOffset.UTC).plus(Duration.ofDays(days)).withMinute(0).withSecond(0).withNano(0);
    }
}
