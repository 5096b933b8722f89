package io.calbridge.webhook;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
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
 * @param allowedHosts  host names or addresses an endpoint may point at although they are loopback, private or
 *                      otherwise internal, or reached over plain http (CALBRIDGE_WEBHOOK_ALLOWED_HOSTS, comma-separated)
 * @param rotationGrace how long the previous secret keeps signing beside the new one after a rotation
 * @param pollInterval  how often each instance looks for due deliveries (besides right after a notification commits)
 * @param retrySchedule the pauses after each failed attempt, each with ±20% jitter; one attempt more than there are
 *                      pauses, then the delivery is FAILED
 * @param timeout       connect and request timeout of one attempt
 * @param senders       attempts in flight at once per instance
 * @param batchSize     the most deliveries one claim takes (never more than there are idle senders)
 * @param lease         how long a claim of a stream holds: a stream still claimed after it (its sender died) is claimed again;
 *                      must exceed the timeout, or two instances may send it at once
 * @param disableAfter  an endpoint failing this long since its first failure, with no success since, is disabled
 * @param retention     how long notifications are kept (for the deliveries listing and replay) once every delivery of
 *                      them is DELIVERED or FAILED
 */
@Validated
@ConfigurationProperties("calbridge.webhook")
public record WebhookProperties(
        List<String> allowedHosts,
        @DefaultValue("PT24H") @DurationMin(millis = 0, message = "must not be negative") Duration rotationGrace,
        @DefaultValue("PT0.5S") @DurationMin(millis = 1) Duration pollInterval,
        @DefaultValue({"PT5S", "PT5M", "PT30M", "PT2H", "PT5H", "PT10H", "PT10H"}) @NotEmpty List<Duration> retrySchedule,
        @DefaultValue("PT15S") @DurationMin(millis = 1) Duration timeout,
        @DefaultValue("8") @Min(1) int senders,
        @DefaultValue("32") @Min(1) int batchSize,
        @DefaultValue("PT1M") @DurationMin(millis = 1) Duration lease,
        @DefaultValue("P5D") @DurationMin(millis = 1) Duration disableAfter,
        @DefaultValue("P30D") @DurationMin(millis = 1) Duration retention) {

    public WebhookProperties {
        allowedHosts = allowedHosts == null ? List.of()
                : allowedHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty()).toList();
        if (lease != null && timeout != null && lease.compareTo(timeout) <= 0) {
            // a claim that lapses while its attempt is still waiting for the answer is sent twice at once
            throw new IllegalArgumentException("calbridge.webhook.lease must be longer than calbridge.webhook.timeout");
        }
    }

    /** Attempts of one delivery before it is FAILED. */
    int maxAttempts() {
        return retrySchedule.size() + 1;
    }

    Duration longestStep() {
        return retrySchedule.stream().max(Duration::compareTo).orElseThrow();
    }
}
