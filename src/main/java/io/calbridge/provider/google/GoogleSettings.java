package io.calbridge.provider.google;

import static io.calbridge.provider.SettingValues.blankToNull;
import static io.calbridge.provider.SettingValues.orDefault;

import java.time.Duration;
import org.hibernate.validator.constraints.URL;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The Google adapter's settings, bound from the environment by Spring's relaxed rules: {@code GOOGLE_CLIENT_ID},
 * {@code GOOGLE_CLIENT_SECRET}, {@code GOOGLE_AUTH_URI}, {@code GOOGLE_TOKEN_URI}, {@code GOOGLE_REVOKE_URI},
 * {@code GOOGLE_API_BASE_URL}, {@code GOOGLE_SANDBOX}, {@code GOOGLE_CONNECT_TIMEOUT}, {@code GOOGLE_READ_TIMEOUT}.
 * The defaults are Google's real endpoints; the run command points them at the built-in emulator and sets
 * {@code sandbox}. Each adapter instance takes its own settings, so tests can aim one at a local server. Validated when
 * bound: a URL that is not http(s) or a duration that is not positive stops the start.
 *
 * @param clientId       OAuth client id; blank or unset means Google is not configured (no OAuth client offered)
 * @param clientSecret   OAuth client secret
 * @param authUri        authorization endpoint
 * @param tokenUri       token endpoint
 * @param revokeUri      token revocation endpoint
 * @param apiBaseUrl     root URL of Google's APIs; the Calendar API lives under {@code calendar/v3/} below it
 * @param sandbox        whether these endpoints are calbridge's built-in emulator rather than Google
 * @param connectTimeout how long to wait for a connection to the API
 * @param readTimeout    how long to wait for an answer once connected
 */
@Validated
@ConfigurationProperties("google")
public record GoogleSettings(
        String clientId,
        String clientSecret,
        @DefaultValue(GoogleSettings.GOOGLE_AUTH_URI) @URL(regexp = HTTP, message = NOT_HTTP) String authUri,
        @DefaultValue(GoogleSettings.GOOGLE_TOKEN_URI) @URL(regexp = HTTP, message = NOT_HTTP) String tokenUri,
        @DefaultValue(GoogleSettings.GOOGLE_REVOKE_URI) @URL(regexp = HTTP, message = NOT_HTTP) String revokeUri,
        @DefaultValue(GoogleSettings.GOOGLE_API_BASE_URL) @URL(regexp = HTTP, message = NOT_HTTP) String apiBaseUrl,
        @DefaultValue("false") boolean sandbox,
        @DefaultValue("10s") @DurationMin(millis = 1, message = POSITIVE) Duration connectTimeout,
        @DefaultValue("30s") @DurationMin(millis = 1, message = POSITIVE) Duration readTimeout) {

    static final String HTTP = "(?i)https?://.+";
    static final String NOT_HTTP = "is not an http(s) URL";
    static final String POSITIVE = "must be a positive duration";

    public static final String GOOGLE_AUTH_URI = "https://accounts.google.com/o/oauth2/v2/auth";
    public static final String GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token";
    public static final String GOOGLE_REVOKE_URI = "https://oauth2.googleapis.com/revoke";
    public static final String GOOGLE_API_BASE_URL = "https://www.googleapis.com/";

    public GoogleSettings {
        clientId = blankToNull(clientId);
        clientSecret = blankToNull(clientSecret);
        authUri = orDefault(authUri, GOOGLE_AUTH_URI);
        tokenUri = orDefault(tokenUri, GOOGLE_TOKEN_URI);
        revokeUri = orDefault(revokeUri, GOOGLE_REVOKE_URI);
        apiBaseUrl = orDefault(apiBaseUrl, GOOGLE_API_BASE_URL);
        if (!apiBaseUrl.endsWith("/")) {
            apiBaseUrl = apiBaseUrl + "/"; // the client appends "calendar/v3/" to it
        }
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
        readTimeout = readTimeout == null ? Duration.ofSeconds(30) : readTimeout;
    }

    /** Google's real endpoints, with no OAuth client: the adapter reads and writes, but nobody can connect. */
    public static GoogleSettings defaults() {
        return new GoogleSettings(null, null, null, null, null, null, false, null, null);
    }

    /** The same settings with an OAuth client. */
    public GoogleSettings withClient(String id, String secret) {
        return new GoogleSettings(id, secret, authUri, tokenUri, revokeUri, apiBaseUrl, sandbox, connectTimeout, readTimeout);
    }

    /** The same settings with other OAuth endpoints (an emulator's, say). */
    public GoogleSettings withOAuthEndpoints(String authorization, String token, String revocation) {
        return new GoogleSettings(clientId, clientSecret, authorization, token, revocation, apiBaseUrl, sandbox, connectTimeout,
                readTimeout);
    }

    /** The same settings with another API root, e.g. {@code http://127.0.0.1:8089/}. */
    public GoogleSettings withApiBaseUrl(String url) {
        return new GoogleSettings(clientId, clientSecret, authUri, tokenUri, revokeUri, url, sandbox, connectTimeout, readTimeout);
    }

    public GoogleSettings withSandbox(boolean value) {
        return new GoogleSettings(clientId, clientSecret, authUri, tokenUri, revokeUri, apiBaseUrl, value, connectTimeout, readTimeout);
    }

    public GoogleSettings withTimeouts(Duration connect, Duration read) {
        return new GoogleSettings(clientId, clientSecret, authUri, tokenUri, revokeUri, apiBaseUrl, sandbox, connect, read);
    }

    public boolean configured() {
        return clientId != null;
    }

    @Override
    public String toString() {
        return "GoogleSettings[clientId=" + clientId + ", apiBaseUrl=" + apiBaseUrl + ", authUri=" + authUri + ", sandbox="
                + sandbox + "]";
    }
}
