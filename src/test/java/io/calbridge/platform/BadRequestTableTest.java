package io.calbridge.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import io.calbridge.testing.Api;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.ApiTest;
import io.calbridge.testing.Connect;
import io.calbridge.testing.MockOidcCalendarProvider;
import io.calbridge.testing.OAuthServers;
import io.calbridge.testing.TestKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Requests a caller gets wrong, each answered with the right 4xx as problem+json (no stack trace), and none changes
 * anything: the connections and pending OAuth states of the whole database are the same before and after.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadRequestTableTest extends ApiTest {

    /** Placeholders in a case's path, filled in at run time. */
    private static final String CONNECTION = "{connection}";
    private static final String EXPIRED_STATE = "{expiredState}";

    private static final String JSON = "application/json";
    private static final String ON_CONNECTION = "/api/v1/connections/" + CONNECTION;
    private static final String AUTHORIZE = "/api/v1/connections/" + MockOidcCalendarProvider.ID + "/authorize";
    private static final String CALLBACK = "/oauth/" + MockOidcCalendarProvider.ID + "/callback";
    /** A settings change that would be accepted, padded with whitespace past calbridge.max-request-bytes (64 KiB). */
    private static final String OVERSIZED = "{\"syncEnabled\":false" + " ".repeat(100 * 1024) + "}";

    /** Who sends a case; OWNER owns {@link #CONNECTION} and is an end user without the admin role. */
    enum As { OWNER, INTRUDER, ANONYMOUS, WRONG_API_KEY, API_KEY_WITHOUT_USER, API_KEY_WITH_TOO_LONG_USER,
        JWT_SIGNED_BY_A_STRANGER, EXPIRED_JWT }

    record Request(String method, String path, As as, String body, String contentType, boolean chunked) {
        Request as(As who) {
            return new Request(method, path, who, body, contentType, chunked);
        }

        /** Sent without Content-Length, chunked. */
        Request withoutContentLength() {
            return new Request(method, path, as, body, contentType, true);
        }
    }

    record Case(String name, Request request, int status, String code) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> badRequests() {
        return Stream.of(
                // the body of a settings change
                bad("malformed JSON body", patch("{\"syncEnabled\": tru"), 400, "malformed_body"),
                bad("empty body", patch(""), 400, "malformed_body"),
                bad("JSON array instead of an object", patch("[{\"syncEnabled\":false}]"), 400, "malformed_body"),
                bad("string 'yes' for a boolean", patch("{\"syncEnabled\":\"yes\"}"), 400, "malformed_body"),
                bad("number 1 for a boolean", patch("{\"syncEnabled\":1}"), 400, "malformed_body"),
                bad("string 'true' for a boolean", patch("{\"syncEnabled\":\"true\"}"), 400, "malformed_body"),
                bad("number for a template", patch("{\"eventTitleTemplate\":5}"), 400, "malformed_body"),
                bad("string for a list of calendar ids", patch("{\"readCalendarIds\":\"x\"}"), 400, "malformed_body"),
                bad("object for a template", patch("{\"eventTitleTemplate\":{}}"), 400, "malformed_body"),
                bad("unknown field", patch("{\"bogus\":true}"), 400, "malformed_body"),
                bad("unknown template placeholder", patch("{\"eventTitleTemplate\":\"{{nope}}\"}"), 400, "invalid_settings"),
                bad("blank title template", patch("{\"eventTitleTemplate\":\"   \"}"), 400, "invalid_settings"),
                bad("title template over 1000 characters", patch("{\"eventTitleTemplate\":\"" + "x".repeat(1001) + "\"}"),
                        400, "validation_failed"),
                bad("blank read calendar id", patch("{\"readCalendarIds\":[\"\"]}"), 400, "validation_failed"),
                bad("write calendar not of this account", patch("{\"writeCalendarId\":\"other@example.com\"}"), 400, "invalid_settings"),
                bad("read-only write calendar", patch("{\"writeCalendarId\":\"holidays\"}"), 400, "invalid_settings"),
                bad("unknown read calendar ids", patch("{\"readCalendarIds\":[\"holidays\",\"nope\"]}"), 400, "invalid_settings"),
                bad("oversized body with Content-Length", patch(OVERSIZED), 413, "payload_too_large"),
                bad("oversized body streamed without Content-Length", patch(OVERSIZED).withoutContentLength(), 413, "payload_too_large"),
                // the shape of the request
                bad("text/plain body", send("PATCH", ON_CONNECTION, "syncEnabled=false", "text/plain"), 415, "unsupported_media_type"),
                bad("PUT on the connection list", send("PUT", "/api/v1/connections", "{}", JSON), 405, "method_not_allowed"),
                bad("unknown path under /api/v1", get("/api/v1/nope"), 404, "not_found"),
                bad("malformed connection id", get("/api/v1/connections/not-a-uuid"), 404, "not_found"),
                bad("encoded slash in the path", get("/api/v1/connections/a%2Fb"), 400, "bad_request"),
                bad("encoded backslash in the path", get("/api/v1/connections/a%5Cb"), 400, "bad_request"),
                bad("NUL byte in the path", get("/api/v1/connections/a%00b"), 400, "bad_request"),
                bad("encoded dot segments in the path", get("/api/v1/connections/%2e%2e/x"), 400, "bad_request"),
                bad("path parameter after a semicolon", get("/api/v1/connections/a;x=y"), 400, "bad_request"),
                bad("unknown provider", post("/api/v1/connections/nope/authorize", null), 404, "not_found"),
                bad("authorize with malformed JSON", post(AUTHORIZE, "{\"returnUrl\":"), 400, "malformed_body"),
                // another user's connection is not theirs to see or touch
                bad("foreign connection GET", get(ON_CONNECTION).as(As.INTRUDER), 404, "not_found"),
                bad("foreign connection PATCH", patch("{\"syncEnabled\":false}").as(As.INTRUDER), 404, "not_found"),
                bad("foreign connection DELETE", send("DELETE", ON_CONNECTION, null, null).as(As.INTRUDER), 404, "not_found"),
                bad("foreign connection calendars", get(ON_CONNECTION + "/calendars").as(As.INTRUDER), 404, "not_found"),
                bad("foreign connection test", post(ON_CONNECTION + "/test", null).as(As.INTRUDER), 404, "not_found"),
                // where the OAuth callback may send the browser
                bad("return URL on another host", returnUrl("https://evil.io/connected"), 400, "return_url_not_allowed"),
                bad("return URL host with allowed prefix", returnUrl("https://app.example.com.evil.io/connected"), 400, "return_url_not_allowed"),
                bad("return URL sibling path with allowed prefix", returnUrl("https://app.example.com/connectedevil"), 400, "return_url_not_allowed"),
                bad("return URL javascript:", returnUrl("javascript:alert(1)"), 400, "return_url_not_allowed"),
                bad("return URL relative", returnUrl("/connected"), 400, "return_url_not_allowed"),
                bad("return URL scheme-relative", returnUrl("//evil.io/connected"), 400, "return_url_not_allowed"),
                bad("return URL with userinfo", returnUrl("https://app.example.com@evil.io/"), 400, "return_url_not_allowed"),
                bad("return URL escaping the path", returnUrl("https://app.example.com/connected/../admin"), 400, "return_url_not_allowed"),
                bad("return URL escaping the path with encoded dots", returnUrl("https://app.example.com/connected/%2e%2E/admin"), 400, "return_url_not_allowed"),
                bad("return URL with an encoded slash", returnUrl("https://app.example.com/connected%2F..%2Fadmin"), 400, "return_url_not_allowed"),
                bad("return URL with plain http", returnUrl("http://app.example.com/connected"), 400, "return_url_not_allowed"),
                // who is calling
                bad("no credentials", get("/api/v1/connections").as(As.ANONYMOUS), 401, "unauthorized"),
                bad("wrong API key", get("/api/v1/connections").as(As.WRONG_API_KEY), 401, "unauthorized"),
                bad("API key without X-User-Id", get("/api/v1/connections").as(As.API_KEY_WITHOUT_USER), 400, "missing_user_id"),
                bad("X-User-Id of 300 characters", get("/api/v1/connections").as(As.API_KEY_WITH_TOO_LONG_USER), 400, "invalid_user_id"),
                bad("JWT signed by another key", get("/api/v1/connections").as(As.JWT_SIGNED_BY_A_STRANGER), 401, "unauthorized"),
                bad("expired JWT", get("/api/v1/connections").as(As.EXPIRED_JWT), 401, "unauthorized"),
                bad("end user on an admin endpoint", post("/api/v1/admin/token-keys/reencrypt", null), 403, "forbidden"),
                bad("end user on prometheus", get("/actuator/prometheus"), 403, "forbidden"),
                bad("prometheus without credentials", get("/actuator/prometheus").as(As.ANONYMOUS), 401, "unauthorized"),
                // the OAuth callback
                bad("callback with unknown state", get(CALLBACK + "?code=x&state=bogus").as(As.ANONYMOUS), 400, "invalid_state"),
                bad("callback without state", get(CALLBACK + "?code=x").as(As.ANONYMOUS), 400, "missing_state"),
                bad("callback with expired state", get(CALLBACK + "?code=x&state=" + EXPIRED_STATE).as(As.ANONYMOUS), 400, "state_expired"));
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
    private final Connect connect = new Connect(api);
    private String owner;
    private UUID connection;

    @BeforeAll
    void ownerWithAConnectionAndAPendingAuthorization() {
        owner = uniqueUser();
        connection = connect.connectMock(owner, "acct-" + UUID.randomUUID(), "owner@example.com");
        connect.authorize(MockOidcCalendarProvider.ID, Caller.user(owner), RETURN_URL);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void answersTheRight4xxProblemAndChangesNothing(Case c) {
        String expiringUser = uniqueUser();
        String path = c.request().path().replace(CONNECTION, connection.toString());
        if (path.contains(EXPIRED_STATE)) {
            path = path.replace(EXPIRED_STATE, expiredStateOf(expiringUser));
        }
        // states that expire within a minute could be reaped by the scheduled clean-up meanwhile: compare the others
        Timestamp stable = Timestamp.from(Instant.now().plus(Duration.ofMinutes(1)));
        Snapshot before = snapshot(expiringUser, stable);
        assertThat(before.connections()).as("a connection exists, so 'unchanged' means something").isPositive();
        assertThat(before.states()).as("a pending authorization exists, so 'unchanged' means something").isPositive();

        Response response = send(c.request(), path);

        assertThat(response.status()).as(response.toString()).isEqualTo(c.status());
        assertThat(response.contentType()).as(response.toString()).startsWith("application/problem+json");
        assertThat(response.body()).doesNotContain("Exception", "at io.", "at org.");
        JsonNode problem = Api.JSON.readTree(response.body());
        assertThat(problem.path("status").asInt()).isEqualTo(c.status());
        assertThat(problem.path("title").asText()).isNotBlank();
        assertThat(problem.path("detail").asText()).isNotBlank();
        assertThat(problem.path("code").asText()).as(response.toString()).isEqualTo(c.code());
        if (c.status() == 401) {
            assertThat(response.header("WWW-Authenticate")).as("401 carries a challenge").isNotBlank();
        }
        assertThat(snapshot(expiringUser, stable)).as("nothing changed").isEqualTo(before);
        // an expired state is used up by its callback, and it connected nothing
        assertThat(count("oauth_states", expiringUser)).isZero();
        assertThat(count("connections", expiringUser)).isZero();
    }

    /** Every connection and pending authorization, except those of the user whose state a case deliberately uses up. */
    record Snapshot(long connections, String connectionRows, long states, String stateRows) {
    }

    private Snapshot snapshot(String exceptUser, Timestamp expiringAfter) {
        return jdbc.sql("""
                SELECT (SELECT count(*) FROM connections) AS connections,
                       (SELECT md5(string_agg(row_to_json(c)::text, ',' ORDER BY id)) FROM connections c) AS connection_rows,
                       (SELECT count(*) FROM oauth_states WHERE user_id <> :user AND expires_at > :after) AS states,
                       (SELECT md5(string_agg(row_to_json(s)::text, ',' ORDER BY state_hash))
                          FROM oauth_states s WHERE user_id <> :user AND expires_at > :after) AS state_rows""")
                .param("user", exceptUser)
                .param("after", expiringAfter)
                .query((rs, row) -> new Snapshot(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4)))
                .single();
    }

    private int count(String table, String user) {
        return jdbc.sql("SELECT count(*) FROM " + table + " WHERE user_id = ?").param(user).query(Integer.class).single();
    }

    /** Starts an authorization without a return URL and lets it expire; returns its state. */
    private String expiredStateOf(String user) {
        String state = Connect.query(connect.authorize(MockOidcCalendarProvider.ID, Caller.user(user), null), "state");
        jdbc.sql("UPDATE oauth_states SET expires_at = now() - interval '1 second' WHERE user_id = ?").param(user).update();
        assertThat(count("oauth_states", user)).isEqualTo(1);
        return state;
    }

    /** Sends one case as given: raw body, its content type, with or without Content-Length. */
    private Response send(Request request, String path) {
        BodyPublisher body = request.body() == null ? BodyPublishers.noBody()
                : request.chunked() ? BodyPublishers.fromPublisher(BodyPublishers.ofString(request.body()))
                : BodyPublishers.ofString(request.body());
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(BASE_URL + path)).timeout(Duration.ofSeconds(30))
                .method(request.method(), body);
        if (request.contentType() != null) {
            builder.header("Content-Type", request.contentType());
        }
        caller(request.as()).headers().forEach(builder::header);
        try {
            HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Caller caller(As as) {
        return switch (as) {
            case OWNER -> Caller.user(owner);
            case INTRUDER -> Caller.user(uniqueUser());
            case ANONYMOUS -> Caller.anonymous();
            case WRONG_API_KEY -> new Caller(Map.of("X-API-Key", TestKeys.API_KEY + "x", "X-User-Id", owner));
            case API_KEY_WITHOUT_USER -> Caller.serviceWithoutUser();
            case API_KEY_WITH_TOO_LONG_USER -> Caller.service("u".repeat(300));
            case JWT_SIGNED_BY_A_STRANGER -> bearer(signedByAStranger(OAuthServers.userJwt(owner)));
            case EXPIRED_JWT -> bearer(OAuthServers.server().issueToken(OAuthServers.APP, "calbridge-app",
                    new DefaultOAuth2TokenCallback(OAuthServers.APP, owner, "JWT", List.of("calbridge"), Map.of(), -3600)).serialize());
        };
    }

    private static Caller bearer(String jwt) {
        return new Caller(Map.of("Authorization", "Bearer " + jwt));
    }

    /** The same header and claims as a genuine token, signed with a key made now that the issuer never published. */
    private static String signedByAStranger(String genuineJwt) {
        try {
            SignedJWT genuine = SignedJWT.parse(genuineJwt);
            RSAKey stranger = new RSAKeyGenerator(2048).keyID(genuine.getHeader().getKeyID()).generate();
            SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(stranger.getKeyID())
                    .type(JOSEObjectType.JWT).build(), genuine.getJWTClaimsSet());
            forged.sign(new RSASSASigner(stranger));
            return forged.serialize();
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Case bad(String name, Request request, int status, String code) {
        return new Case(name, request, status, code);
    }

    private static Request send(String method, String path, String body, String contentType) {
        return new Request(method, path, As.OWNER, body, contentType, false);
    }

    private static Request get(String path) {
        return send("GET", path, null, null);
    }

    private static Request post(String path, String json) {
        return send("POST", path, json, json == null ? null : JSON);
    }

    private static Request patch(String json) {
        return send("PATCH", ON_CONNECTION, json, JSON);
    }

    private static Request returnUrl(String url) {
        return post(AUTHORIZE, Api.JSON.writeValueAsString(Map.of("returnUrl", url)));
    }
}
