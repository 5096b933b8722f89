package io.calbridge.platform.web;

import java.time.Duration;
import java.time.Instant;

/**
 * How far from now an instant in a request may lie. A time 5 years away is a typo, not a question; the bound also
 * keeps date arithmetic and PostgreSQL's timestamptz far from the ends of their ranges.
 */
public final class InstantBounds {

    public static final Duration REACH = Duration.ofDays(5 * 366);

    private InstantBounds() {
    }

    /** The instant, or a 400 {@code invalid_range} problem naming {@code field}. */
    public static Instant withinReach(Instant instant, String field, Instant now) {
        if (Duration.between(now, instant).abs().compareTo(REACH) > 0) {
            throw ApiProblem.badRequest("invalid_range", "'" + field + "' must lie within 5 years of now");
        }
        return instant;
    }
}
