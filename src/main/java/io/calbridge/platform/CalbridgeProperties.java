package io.calbridge.platform;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * calbridge's own settings (environment variables CALBRIDGE_*).
 *
 * @param publicUrl          where browsers and providers reach this service
 * @param allowedReturnUrls  URL prefixes the OAuth callback may redirect to; empty means the public URL
 * @param tokenKeys          {@code id:base64} AES-256 keys; the first encrypts, all decrypt
 * @param apiKeys            service API keys with admin rights
 * @param adminRole          JWT role or scope value that makes a user an admin
 * @param syncInterval       period of the sync-queue drain
 * @param maxRequestBytes    largest request body accepted
 */
@ConfigurationProperties("calbridge")
public record CalbridgeProperties(
        @DefaultValue("http://localhost:8080") URI publicUrl,
        List<String> allowedReturnUrls,
        String tokenKeys,
        List<String> apiKeys,
        @DefaultValue("calbridge-admin") String adminRole,
        @DefaultValue("PT2M") Duration syncInterval,
        @DefaultValue("65536") long maxRequestBytes) {

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
