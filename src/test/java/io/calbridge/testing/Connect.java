package io.calbridge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.web.util.UriComponentsBuilder;

/** Drives the OAuth connect flow the way a browser does. */
public final class Connect {

    private final Api api;

    public Connect(Api api) {
        this.api = api;
    }

    /** Starts authorization; returns the provider URL the browser is sent to. */
    public String authorize(String provider, Caller caller, String returnUrl) {
        Response response = api.post("/api/v1/connections/" + provider + "/authorize", caller,
                returnUrl == null ? null : Map.of("returnUrl", returnUrl));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json().path("authorizationUrl").asText();
    }

    public static String query(String url, String name) {
        return UriComponentsBuilder.fromUriString(url).build().getQueryParams().getFirst(name);
    }

    /**
     * Consent at mock-oauth2-server for account {@code accountId}: the browser gets its login/consent page (it shows
     * one because calbridge asks for {@code prompt=consent}), the user submits it, and the server redirects to our
     * callback with code and state. Returns that callback URL.
     */
    public String consentAtMockServer(String authorizationUrl, String accountId, String email) {
        Response page = api.get(authorizationUrl, Caller.anonymous());
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<form");
        String form = "username=" + URLEncoder.encode(accountId, StandardCharsets.UTF_8)
                + "&claims=" + URLEncoder.encode("{\"email\":\"" + email + "\"}", StandardCharsets.UTF_8);
        Response consent = api.send("POST", authorizationUrl, Caller.anonymous(), form, "application/x-www-form-urlencoded");
        assertThat(consent.status()).as(consent.toString()).isEqualTo(302);
        return consent.header("Location");
    }

    /** The full round trip with mock-oauth2-server; returns the new connection's id. */
    public UUID connectMock(String userId, String accountId, String email) {
        String authorizationUrl = authorize(MockOidcCalendarProvider.ID, Caller.user(userId), ApiTest.RETURN_URL);
        String callback = consentAtMockServer(authorizationUrl, accountId, email);
        Response done = api.get(callback, Caller.anonymous());
        assertThat(done.status()).as(done.toString()).isEqualTo(302);
        String location = done.header("Location");
        assertThat(query(location, "status")).as(location).isEqualTo("connected");
        return UUID.fromString(query(location, "connectionId"));
    }

    /**
     * The round trip with a Google emulator that approves at once: the account ({@code login_hint}) is {@code email};
     * waits for the connection's first sync and returns its id.
     */
    public UUID connectGoogle(Caller caller, String email) {
        return connectApprovedAtOnce("google", caller, email);
    }

    /** The same with a Calendly emulator that approves at once, for its user {@code email}; PKCE is asked for. */
    public UUID connectCalendly(Caller caller, String email) {
        return connectApprovedAtOnce("calendly", caller, email);
    }

    private UUID connectApprovedAtOnce(String provider, Caller caller, String email) {
        String authorizationUrl = authorize(provider, caller, null) + "&login_hint=" + URLEncoder.encode(email, StandardCharsets.UTF_8);
        assertThat(query(authorizationUrl, "code_challenge_method")).as("PKCE").isEqualTo("S256");
        Response consent = api.get(authorizationUrl, Caller.anonymous());
        assertThat(consent.status()).as(consent.toString()).isEqualTo(302);
        Response done = api.get(consent.header("Location"), Caller.anonymous());
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        UUID id = UUID.fromString(done.json().path("connectionId").asText());
        Await.until("the first sync of the new connection", Duration.ofSeconds(60),
                () -> "SUCCESS".equals(api.get("/api/v1/connections/" + id, caller).json().path("lastSyncOutcome").asText(null)));
        return id;
    }

    /**
     * Consent at the Microsoft emulator for {@code account} (calbridge asks for {@code prompt=select_account}, so the
     * emulator shows its consent page even when it approves at once): the user presses Accept. Returns the URL of
     * calbridge's callback the browser is sent to, not yet followed.
     */
    public String consentAtMicrosoftEmulator(Caller caller, String account) {
        String hint = URLEncoder.encode(account, StandardCharsets.UTF_8);
        String authorizationUrl = authorize("microsoft", caller, null) + "&login_hint=" + hint;
        Response page = api.get(authorizationUrl, Caller.anonymous());
        Matcher request = Pattern.compile("name=\"request\" value=\"([^\"]+)\"").matcher(page.body());
        assertThat(request.find()).as(page.toString()).isTrue();
        Response consent = api.send("POST", authorizationUrl, Caller.anonymous(), "request=" + request.group(1)
                + "&decision=allow&login_hint=" + hint, "application/x-www-form-urlencoded");
        assertThat(consent.status()).as(consent.toString()).isEqualTo(302);
        return consent.header("Location");
    }

    /** The round trip with the Microsoft emulator for {@code account}; waits for the connection's first sync and returns its id. */
    public UUID connectMicrosoft(Caller caller, String account) {
        Response done = api.get(consentAtMicrosoftEmulator(caller, account), Caller.anonymous());
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        UUID id = UUID.fromString(done.json().path("connectionId").asText());
        Await.until("the first sync of the new connection", Duration.ofSeconds(60),
                () -> "SUCCESS".equals(api.get("/api/v1/connections/" + id, caller).json().path("lastSyncOutcome").asText(null)));
        return id;
    }

    /** The round trip with {@link TokenEndpointStub}: the "provider" redirects back with {@code code}. */
    public UUID connectStub(String userId, String code) {
        String authorizationUrl = authorize(StubTokenProvider.ID, Caller.user(userId), null);
        Response done = api.get("/oauth/" + StubTokenProvider.ID + "/callback?code=" + code + "&state="
                + query(authorizationUrl, "state"), Caller.anonymous());
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        return UUID.fromString(done.json().path("connectionId").asText());
    }
}
