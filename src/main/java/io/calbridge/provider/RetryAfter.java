package io.calbridge.provider;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** An HTTP {@code Retry-After} value, as every adapter reads it. */
public final class RetryAfter {

    private RetryAfter() {
    }

    /** Delta-seconds or an HTTP date (counted from {@code clock}'s now); {@code fallback} when absent or unreadable. */
    public static Duration parse(String value, Clock clock, Duration fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        String trimmed = value.trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(trimmed)));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(clock.instant(), ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME));
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notADate) {
                return fallback;
            }
        }
    }
}
