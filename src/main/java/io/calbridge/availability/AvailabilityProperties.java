package io.calbridge.availability;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Availability settings ({@code calbridge.availability.*}), validated when bound: a mistake stops the start.
 *
 * @param freshTimeout      how long {@code fresh: true} waits for the users' incremental syncs before answering from
 *                          the store as it is
 * @param cacheMaxIntervals how much busy time the in-memory cache holds over all users, in units of one interval (16
 *                          bytes, ~32 MB at the default); an entry weighs its merged intervals plus the unmerged items
 *                          it keeps for updates (about twice the intervals); the least recently asked users go first
 */
@Validated
@ConfigurationProperties("calbridge.availability")
public record AvailabilityProperties(
        @DefaultValue("PT3S") @DurationMin(millis = 0, message = "must not be a negative duration") Duration freshTimeout,
        @DefaultValue("2000000") @Min(1) long cacheMaxIntervals) {
}
