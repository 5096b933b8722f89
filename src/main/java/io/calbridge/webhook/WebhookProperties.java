package io.calbridge.webhook;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Outgoing change notifications ({@code calbridge.webhook.*}), validated when bound: a mistake stops the start.
 *
 * @param allowedHosts   host names or addresses an endpoint may point at although they are loopback, private or
 *                       otherwise internal, or reached over plain http (CALBRIDGE_WEBHOOK_ALLOWED_HOSTS, comma-separated)
 * @param rotationGrace  how long the previous secret keeps signing beside the new one after a rotation
 */
@Validated
@ConfigurationProperties("calbridge.webhook")
public record WebhookProperties(
        List<String> allowedHosts,
        @DefaultValue("PT24H") @DurationMin(millis = 0, message = "must not be negative") Duration rotationGrace) {

    public WebhookProperties {
        allowedHosts = allowedHosts == null ? List.of()
                : allowedHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty()).toList();
    }
}
