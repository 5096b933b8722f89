package io.calbridge.platform.web;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

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

    /**
     * A query parameter's RFC 3339 timestamp within reach of now: 400 {@code invalid_parameter} when it does not parse,
     * {@code invalid_range} when it lies too far.
     */
    public static Instant parameter(String name, String value, Instant now) {
        try {
            return withinReach(OffsetDateTime.parse(value).toInstant(), name, now);
        } catch (DateTimeParseException e) {
            throw ApiProblem.badRequest("invalid_parameter", "'" + name + "' must be an RFC 3339 timestamp with offset, e.g. 2026-11-23T09:00:00Z");
        }
    }
}
