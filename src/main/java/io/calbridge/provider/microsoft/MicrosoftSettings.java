package io.calbridge.provider.microsoft;

import static io.calbridge.provider.SettingValues.blankToNull;
import static io.calbridge.provider.SettingValues.orDefault;

import java.net.URI;
import java.time.Duration;
import org.hibernate.validator.constraints.URL;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The Microsoft adapter's settings, bound from the environment by Spring's relaxed rules: {@code MICROSOFT_CLIENT_ID},
 * {@code MICROSOFT_CLIENT_SECRET}, {@code MICROSOFT_TENANT_ID}, {@code MICROSOFT_AUTH_URI}, {@code MICROSOFT_TOKEN_URI},
 * {@code MICROSOFT_GRAPH_BASE_URL}, {@code MICROSOFT_SANDBOX}, {@code MICROSOFT_CONNECT_TIMEOUT},
 * {@code MICROSOFT_READ_TIMEOUT}. The defaults are the Microsoft identity platform's v2 endpoints for the tenant and
 * Graph v1.0; the run command points them at the built-in emulator and sets {@code sandbox}. Validated when bound.
 *
 * @param clientId       the Entra app's client id; blank or unset means Microsoft is not configured (no OAuth client)
 * @param clientSecret   the app's client secret
 * @param tenantId       {@code common} (work and personal accounts), {@code organizations}, {@code consumers} or a
 *                       tenant id; only used in the default endpoints
 * @param authUri        authorization endpoint; default {@code https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize}
 * @param tokenUri       token endpoint; default {@code https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token}
 * @param graphBaseUrl   Graph's root including the version, without a trailing slash
 * @param sandbox        whether these endpoints are calbridge's built-in emulator rather than Microsoft
 * @param connectTimeout how long to wait for a connection to Graph
 * @param readTimeout    how long to wait for an answer once connected
 */
@Validated
@ConfigurationProperties("microsoft")
public record MicrosoftSettings(
        String clientId,
        String clientSecret,
        @DefaultValue(MicrosoftSettings.DEFAULT_TENANT) String tenantId,
        @URL(regexp = HTTP, message = NOT_HTTP) String authUri,
        @URL(regexp = HTTP, message = NOT_HTTP) String tokenUri,
        @DefaultValue(MicrosoftSettings.GRAPH_BASE_URL) @URL(regexp = HTTP, message = NOT_HTTP) String graphBaseUrl,
        @DefaultValue("false") boolean sandbox,
        @DefaultValue("10s") @DurationMin(millis = 1, message = POSITIVE) Duration connectTimeout,
        @DefaultValue("30s") @DurationMin(millis = 1, message = POSITIVE) Duration readTimeout) {

    static final String HTTP = "(?i)https?://.+";
    static final String NOT_HTTP = "is not an http(s) URL";
    static final String POSITIVE = "must be a positive duration";

    public static final String DEFAULT_TENANT = "common";
    public static final String LOGIN_BASE = "https://login.microsoftonline.com/";
    public static final String GRAPH_BASE_URL = "https://graph.microsoft.com/v1.0";

    public MicrosoftSettings {
        clientId = blankToNull(clientId);
        clientSecret = blankToNull(clientSecret);
        tenantId = orDefault(tenantId, DEFAULT_TENANT);
        authUri = orDefault(authUri, LOGIN_BASE + tenantId + "/oauth2/v2.0/authorize");
        tokenUri = orDefault(tokenUri, LOGIN_BASE + tenantId + "/oauth2/v2.0/token");
        graphBaseUrl = orDefault(graphBaseUrl, GRAPH_BASE_URL);
        while (graphBaseUrl.endsWith("/")) {
            graphBaseUrl = graphBaseUrl.substring(0, graphBaseUrl.length() - 1); // the SDK's paths start with "/"
        }
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
        readTimeout = readTimeout == null ? Duration.ofSeconds(30) : readTimeout;
    }

    /** Microsoft's real endpoints for tenant {@code common}, with no OAuth client: nobody can connect. */
    public static MicrosoftSettings defaults() {
        return new MicrosoftSettings(null, null, null, null, null, null, false, null, null);
    }

    /** The same settings with an OAuth client. */
    public MicrosoftSettings withClient(String id, String secret) {
        return new MicrosoftSettings(id, secret, tenantId, authUri, tokenUri, graphBaseUrl, sandbox, connectTimeout, readTimeout);
    }

    /** The same settings with other OAuth endpoints (an emulator's, say). */
    public MicrosoftSettings withOAuthEndpoints(String authorization, String token) {
        return new MicrosoftSettings(clientId, clientSecret, tenantId, authorization, token, graphBaseUrl, sandbox, connectTimeout,
                readTimeout);
    }

    /** The same settings with another Graph root, e.g. {@code http://127.0.0.1:8089/v1.0}. */
    public MicrosoftSettings withGraphBaseUrl(String url) {
        return new MicrosoftSettings(clientId, clientSecret, tenantId, authUri, tokenUri, url, sandbox, connectTimeout, readTimeout);
    }

    public MicrosoftSettings withSandbox(boolean value) {
        return new MicrosoftSettings(clientId, clientSecret, tenantId, authUri, tokenUri, graphBaseUrl, value, connectTimeout, readTimeout);
    }

    public MicrosoftSettings withTimeouts(Duration connect, Duration read) {
        return new MicrosoftSettings(clientId, clientSecret, tenantId, authUri, tokenUri, graphBaseUrl, sandbox, connect, read);
    }

    public boolean configured() {
        return clientId != null;
    }

    /** The host of {@link #graphBaseUrl()}: the only host the adapter sends its access token to. */
    public String graphHost() {
        return URI.create(graphBaseUrl).getHost();
    }

    @Override
    public String toString() {
        return "MicrosoftSettings[clientId=" + clientId + ", tenantId=" + tenantId + ", graphBaseUrl=" + graphBaseUrl + ", authUri="
                + authUri + ", sandbox=" + sandbox + "]";
    }
}
