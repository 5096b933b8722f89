package io.calbridge.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.ApiTest;
import io.calbridge.testing.Connect;
import io.calbridge.testing.MockOidcCalendarProvider;
import io.calbridge.testing.StubTokenProvider;
import io.calbridge.testing.TokenEndpointStub;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class OAuthConnectFlowTest extends ApiTest {

    private final Connect connect = new Connect(api);

    @Autowired
    private TokenService tokens;

    @Test
    void connectWhenUserConsentsThenConnectionIsActiveWithEncryptedTokens() {
        String user = uniqueUser();
        String accountId = "acct-" + UUID.randomUUID();

        Response authorize = api.post("/api/v1/connections/mockcal/authorize", Caller.user(user), Map.of("returnUrl", RETURN_URL));
        assertThat(authorize.status()).isEqualTo(200);
        String url = authorize.json().path("authorizationUrl").asText();
        assertThat(Connect.query(url, "code_challenge_method")).isEqualTo("S256");
        assertThat(Connect.query(url, "code_challenge")).hasSize(43);
        assertThat(Connect.query(url, "redirect_uri")).isEqualTo(BASE_URL + "/oauth/mockcal/callback");
        assertThat(Connect.query(url, "access_type")).isEqualTo("offline");
        assertThat(Instant.parse(authorize.json().path("expiresAt").asText()))
                .isBetween(Instant.now().plusSeconds(590), Instant.now().plusSeconds(610));

        String callback = connect.consentAtMockServer(url, accountId, "ada@example.com");
        Response done = api.get(callback, Caller.anonymous());
        assertThat(done.status()).isEqualTo(302);
        String location = done.header("Location");
        assertThat(location).startsWith(RETURN_URL + "?connectionId=").endsWith("&status=connected");
        UUID id = UUID.fromString(Connect.query(location, "connectionId"));

        Response connection = api.get("/api/v1/connections/" + id, Caller.user(user));
        assertThat(connection.status()).isEqualTo(200);
        assertThat(connection.json().path("status").asText()).isEqualTo("ACTIVE");
        assertThat(connection.json().path("provider").asText()).isEqualTo("mockcal");
        assertThat(connection.json().path("accountId").asText()).isEqualTo(accountId);
        assertThat(connection.json().path("accountEmail").asText()).isEqualTo("ada@example.com");
        assertThat(connection.json().path("calendars").size()).isEqualTo(2);
        assertThat(connection.body()).doesNotContain("token\":\"", "accessToken", "refreshToken");

        String accessToken = tokens.accessToken(id);
        String refreshToken = tokens.revocableToken(id);
        assertThat(accessToken).isNotBlank();
        assertThat(refreshToken).isNotBlank().isNotEqualTo(accessToken);
        Map<String, Object> raw = jdbc.sql("SELECT access_token_enc, refresh_token_enc, row_to_json(c)::text AS whole "
                + "FROM connections c WHERE id = ?").param(id).query().singleRow();
        for (String column : new String[] {"access_token_enc", "refresh_token_enc"}) {
            String stored = new String((byte[]) raw.get(column), StandardCharsets.ISO_8859_1);
            assertThat(stored).doesNotContain(accessToken).doesNotContain(refreshToken);
        }
        assertThat((String) raw.get("whole")).doesNotContain(accessToken).doesNotContain(refreshToken);
    }

    @Test
    void callbackReplayedThenRefusedAndNothingChanges() {
        String user = uniqueUser();
        String callback = connect.consentAtMockServer(
                connect.authorize(MockOidcCalendarProvider.ID, Caller.user(user), RETURN_URL), "acct-" + UUID.randomUUID(), "b@example.com");
        assertThat(api.get(callback, Caller.anonymous()).status()).isEqualTo(302);
        Map<String, Object> before = jdbc.sql("SELECT id, version FROM connections WHERE user_id = ?").param(user).query().singleRow();

        Response replay = api.get(callback, Caller.anonymous());

        assertThat(replay.status()).isEqualTo(400);
        assertThat(replay.contentType()).startsWith("application/problem+json");
        assertThat(replay.json().path("code").asText()).isEqualTo("invalid_state");
        assertThat(jdbc.sql("SELECT id, version FROM connections WHERE user_id = ?").param(user).query().singleRow()).isEqualTo(before);
    }

    @Test
    void anotherUsersConnectionIsNotFoundWhateverTheCall() {
        String owner = uniqueUser();
        String intruder = uniqueUser();
        UUID id = connect.connectMock(owner, "acct-" + UUID.randomUUID(), "owner@example.com");
        String path = "/api/v1/connections/" + id;

        for (Caller caller : new Caller[] {Caller.user(intruder), Caller.service(intruder)}) {
            assertThat(api.get(path, caller).status()).isEqualTo(404);
            assertThat(api.get(path + "/calendars", caller).status()).isEqualTo(404);
            assertThat(api.post(path + "/test", caller, null).status()).isEqualTo(404);
            assertThat(api.patch(path, caller, Map.of("syncEnabled", false)).status()).isEqualTo(404);
            assertThat(api.delete(path, caller).status()).isEqualTo(404);
            assertThat(api.get("/api/v1/connections", caller).json().size()).isZero();
        }
        Response mine = api.get(path, Caller.service(owner));
        assertThat(mine.status()).isEqualTo(200);
        assertThat(mine.json().path("settings").path("syncEnabled").asBoolean()).isTrue();
    }

    @Test
    void apiKeyWithoutUserIdThenBadRequest() {
        Response response = api.get("/api/v1/connections", Caller.serviceWithoutUser());

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().path("code").asText()).isEqualTo("missing_user_id");
    }

    @Test
    void reconnectingTheSameAccountUpdatesItsConnection() {
        String user = uniqueUser();
        String accountId = "acct-" + UUID.randomUUID();
        UUID first = connect.connectMock(user, accountId, "same@example.com");
        jdbc.sql("UPDATE connections SET status = 'NEEDS_REAUTH' WHERE id = ?").param(first).update();

        UUID second = connect.connectMock(user, accountId, "same@example.com");

        assertThat(second).isEqualTo(first);
        Response list = api.get("/api/v1/connections", Caller.user(user));
        assertThat(list.json().size()).isEqualTo(1);
        assertThat(list.json().get(0).path("status").asText()).isEqualTo("ACTIVE");
    }

    @Test
    void consentDeniedThenRedirectWithErrorAndNothingStored() {
        String user = uniqueUser();
        String url = connect.authorize(MockOidcCalendarProvider.ID, Caller.user(user), RETURN_URL);

        Response denied = api.get("/oauth/mockcal/callback?error=access_denied&state=" + Connect.query(url, "state"), Caller.anonymous());

        assertThat(denied.status()).isEqualTo(302);
        assertThat(denied.header("Location")).isEqualTo(RETURN_URL + "?status=error&error=access_denied");
        assertThat(connectionsOf(user)).isZero();
        assertThat(pendingStatesOf(user)).isZero();
    }

    @Test
    void expiredStateThenRedirectWithErrorAndNothingStored() {
        String user = uniqueUser();
        String url = connect.authorize(MockOidcCalendarProvider.ID, Caller.user(user), RETURN_URL);
        String callback = connect.consentAtMockServer(url, "acct-" + UUID.randomUUID(), "late@example.com");
        jdbc.sql("UPDATE oauth_states SET expires_at = now() - interval '1 second' WHERE user_id = ?").param(user).update();

        Response late = api.get(callback, Caller.anonymous());

        assertThat(late.status()).isEqualTo(302);
        assertThat(late.header("Location")).isEqualTo(RETURN_URL + "?status=error&error=state_expired");
        assertThat(connectionsOf(user)).isZero();
    }

    @Test
    void stateOfAnotherProviderThenRefused() {
        String user = uniqueUser();
        String url = connect.authorize(MockOidcCalendarProvider.ID, Caller.user(user), RETURN_URL);

        Response wrong = api.get("/oauth/" + StubTokenProvider.ID + "/callback?code=abc&state=" + Connect.query(url, "state"),
                Caller.anonymous());

        assertThat(wrong.status()).isEqualTo(302);
        assertThat(wrong.header("Location")).isEqualTo(RETURN_URL + "?status=error&error=wrong_provider");
        assertThat(connectionsOf(user)).isZero();
    }

    @Test
    void tokenEndpointFailureThenErrorAndNothingStored() {
        String user = uniqueUser();
        String url = connect.authorize(StubTokenProvider.ID, Caller.user(user), null);
        TokenEndpointStub.instance().failCodeExchange(true);
        try {
            Response failed = api.get("/oauth/stubcal/callback?code=c1&state=" + Connect.query(url, "state"), Caller.anonymous());

            assertThat(failed.status()).isEqualTo(400);
            assertThat(failed.contentType()).startsWith("application/problem+json");
            assertThat(failed.json().path("code").asText()).isEqualTo("token_exchange_failed");
        } finally {
            TokenEndpointStub.instance().failCodeExchange(false);
        }
        assertThat(connectionsOf(user)).isZero();
    }

    @Test
    void withoutReturnUrlTheCallbackAnswersJson() {
        String user = uniqueUser();

        UUID id = connect.connectStub(user, "code-" + UUID.randomUUID());

        assertThat(api.get("/api/v1/connections/" + id, Caller.user(user)).json().path("accountEmail").asText())
                .isEqualTo("stub@example.com");
    }

    @Test
    void disconnectRevokesAtTheProviderAndDeletesTheTokens() {
        String user = uniqueUser();
        String code = "code-" + UUID.randomUUID();
        UUID id = connect.connectStub(user, code);

        Response gone = api.delete("/api/v1/connections/" + id, Caller.user(user));

        assertThat(gone.status()).isEqualTo(204);
        assertThat(TokenEndpointStub.instance().isRevoked("refresh-" + code)).isTrue();
        assertThat(api.get("/api/v1/connections/" + id, Caller.user(user)).status()).isEqualTo(404);
        assertThat(connectionsOf(user)).isZero();
    }

    @Test
    void settingsPatchChangesOnlyTheGivenFields() {
        String user = uniqueUser();
        UUID id = connect.connectMock(user, "acct-" + UUID.randomUUID(), "s@example.com");

        Response patched = api.patch("/api/v1/connections/" + id, Caller.user(user),
                Map.of("includeClientDetails", true, "eventTitleTemplate", "Session with {{clientName}}", "writeCalendarId", "s@example.com"));

        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertThat(patched.json().path("settings").path("includeClientDetails").asBoolean()).isTrue();
        assertThat(patched.json().path("settings").path("eventTitleTemplate").asText()).isEqualTo("Session with {{clientName}}");
        assertThat(patched.json().path("settings").path("writeCalendarId").asText()).isEqualTo("s@example.com");
        assertThat(patched.json().path("settings").path("syncEnabled").asBoolean()).isTrue();
    }

    @Test
    void calendarsAndTestCallTheProviderWithTheStoredToken() {
        String user = uniqueUser();
        UUID id = connect.connectMock(user, "acct-" + UUID.randomUUID(), "cal@example.com");

        Response calendars = api.get("/api/v1/connections/" + id + "/calendars", Caller.user(user));
        Response test = api.post("/api/v1/connections/" + id + "/test", Caller.user(user), null);

        assertThat(calendars.status()).isEqualTo(200);
        assertThat(calendars.json().get(0).path("id").asText()).isEqualTo("cal@example.com");
        assertThat(calendars.json().get(0).path("primary").asBoolean()).isTrue();
        assertThat(calendars.json().get(1).path("writable").asBoolean()).isFalse();
        assertThat(test.json().path("ok").asBoolean()).as(test.toString()).isTrue();
        assertThat(test.json().has("latencyMs")).isTrue();
    }

    private int connectionsOf(String user) {
        return jdbc.sql("SELECT count(*) FROM connections WHERE user_id = ?").param(user).query(Integer.class).single();
    }

    private int pendingStatesOf(String user) {
        return jdbc.sql("SELECT count(*) FROM oauth_states WHERE user_id = ?").param(user).query(Integer.class).single();
    }
}
