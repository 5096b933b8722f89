package io.calbridge.platform;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * calbridge's own settings (environment variables CALBRIDGE_*), validated when bound: a mistake stops the start.
 *
 * @param publicUrl          where browsers and providers reach this service
 * @param allowedReturnUrls  URL prefixes the OAuth callback may redirect to; empty means the public URL
 * @param tokenKeys          {@code id:base64} AES-256 keys; the first encrypts, all decrypt
 * @param apiKeys            service API keys with admin rights
 * @param adminRole          JWT role or scope value that makes a user an admin
 * @param syncInterval       period of the sync-queue drain
 * @param maxRequestBytes    largest request body accepted
 */
@Validated
@ConfigurationProperties("calbridge")
public record CalbridgeProperties(
        @DefaultValue("http://localhost:8080") @NotNull @HttpUrl URI publicUrl,
        List<@HttpUrl String> allowedReturnUrls,
        String tokenKeys,
        List<String> apiKeys,
        @DefaultValue("calbridge-admin") @NotBlank String adminRole,
        @DefaultValue("PT2M") @DurationMin(millis = 1, message = POSITIVE) Duration syncInterval,
        @DefaultValue("65536") @Positive long maxRequestBytes) {

    static final String POSITIVE = "must be a positive duration";

    public CalbridgeProperties {
        allowedReturnUrls = allowedReturnUrls == null ? List.of() : List.copyOf(allowedReturnUrls);
        apiKeys = apiKeys == null ? List.of() : apiKeys.stream().map(String::trim).filter(k -> !k.isEmpty()).toList();
        String url = publicUrl.toString();
        if (url.endsWith("/")) {
            publicUrl = URI.create(url.substring(0, url.length() - 1));
        }
    }

    /** {@code ${publicUrl}/oauth/{provider}/callback}. */
    public String oauthRedirectUri(String provider) {
        return publicUrl + "/oauth/" + provider + "/callback";
    }

    public List<String> effectiveReturnUrlPrefixes() {
        return allowedReturnUrls.isEmpty() ? List.of(publicUrl.toString()) : allowedReturnUrls;
    }
}
