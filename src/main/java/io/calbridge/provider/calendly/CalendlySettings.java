package io.calbridge.provider.calendly;

import static io.calbridge.provider.SettingValues.blankToNull;
import static io.calbridge.provider.SettingValues.orDefault;

import java.time.Duration;
import org.hibernate.validator.constraints.URL;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The Calendly adapter's settings, bound from the environment by Spring's relaxed rules: {@code CALENDLY_CLIENT_ID},
 * {@code CALENDLY_CLIENT_SECRET}, {@code CALENDLY_WEBHOOK_SIGNING_KEY}, {@code CALENDLY_AUTH_URI},
 * {@code CALENDLY_TOKEN_URI}, {@code CALENDLY_REVOKE_URI}, {@code CALENDLY_API_BASE_URL}, {@code CALENDLY_SANDBOX},
 * {@code CALENDLY_WEBHOOK_TOLERANCE}, {@code CALENDLY_CONNECT_TIMEOUT}, {@code CALENDLY_READ_TIMEOUT}. The defaults are
 * Calendly's real endpoints; the run command points them at the built-in emulator and sets {@code sandbox}.
 *
 * @param clientId          the OAuth app's client id; blank or unset means Calendly is not configured
 * @param clientSecret      the OAuth app's client secret
 * @param webhookSigningKey the OAuth app's webhook signing key (Calendly's developer portal): every delivery to the
 *                          app's subscriptions is signed with it; without it no delivery verifies (polling only)
 * @param webhookTolerance  how far a delivery's signed timestamp may lie from now
 */
@Validated
@ConfigurationProperties("calendly")
public record CalendlySettings(
        String clientId,
        String clientSecret,
        String webhookSigningKey,
        @DefaultValue(CalendlySettings.AUTH_URI) @URL(regexp = HTTP, message = NOT_HTTP) String authUri,
        @DefaultValue(CalendlySettings.TOKEN_URI) @URL(regexp = HTTP, message = NOT_HTTP) String tokenUri,
        @DefaultValue(CalendlySettings.REVOKE_URI) @URL(regexp = HTTP, message = NOT_HTTP) String revokeUri,
        @DefaultValue(CalendlySettings.API_BASE_URL) @URL(regexp = HTTP, message = NOT_HTTP) String apiBaseUrl,
        @DefaultValue("false") boolean sandbox,
        @DefaultValue("PT3M") @DurationMin(millis = 1, message = POSITIVE) Duration webhookTolerance,
        @DefaultValue("10s") @DurationMin(millis = 1, message = POSITIVE) Duration connectTimeout,
        @DefaultValue("30s") @DurationMin(millis = 1, message = POSITIVE) Duration readTimeout) {

    static final String HTTP = "(?i)https?://.+";
    static final String NOT_HTTP = "is not an http(s) URL";
    static final String POSITIVE = "must be a positive duration";

    public static final String AUTH_URI = "https://auth.calendly.com/oauth/authorize";
    public static final String TOKEN_URI = "https://auth.calendly.com/oauth/token";
    public static final String REVOKE_URI = "https://auth.calendly.com/oauth/revoke";
    public static final String API_BASE_URL = "https://api.calendly.com";

    public CalendlySettings {
        clientId = blankToNull(clientId);
        clientSecret = blankToNull(clientSecret);
        webhookSigningKey = blankToNull(webhookSigningKey);
        authUri = orDefault(authUri, AUTH_URI);
        tokenUri = orDefault(tokenUri, TOKEN_URI);
        revokeUri = orDefault(revokeUri, REVOKE_URI);
        apiBaseUrl = orDefault(apiBaseUrl, API_BASE_URL);
        while (apiBaseUrl.endsWith("/")) {
            apiBaseUrl = apiBaseUrl.substring(0, apiBaseUrl.length() - 1);
        }
        webhookTolerance = webhookTolerance == null ? Duration.ofMinutes(3) : webhookTolerance;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
        readTimeout = readTimeout == null ? Duration.ofSeconds(30) : readTimeout;
    }

    /** Calendly's real endpoints, with no OAuth client: nobody can connect. */
    public static CalendlySettings defaults() {
        return new CalendlySettings(null, null, null, null, null, null, null, false, null, null, null);
    }

    public boolean configured() {
        return clientId != null;
    }

    @Override
    public String toString() {
        return "CalendlySettings[clientId=" + clientId + ", apiBaseUrl=" + apiBaseUrl + ", authUri=" + authUri + ", sandbox=" + sandbox
                + ", webhookSigningKey=" + (webhookSigningKey == null ? "unset" : "set") + "]";
    }
}
