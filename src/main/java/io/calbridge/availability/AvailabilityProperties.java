package io.calbridge.availability;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Availability settings ({@code calbridge.availability.*}).
 *
 * @param freshTimeout      how long {@code fresh: true} waits for the users' incremental syncs before answering from
 *                          the store as it is
 * @param cacheMaxIntervals how much busy time the in-memory cache holds, in intervals over all users (16 bytes each,
 *                          ~32 MB at the default); the least recently asked users go first
 */
@ConfigurationProperties("calbridge.availability")
public record AvailabilityProperties(
        @DefaultValue("PT3S") Duration freshTimeout,
        @DefaultValue("2000000") long cacheMaxIntervals) {
}
