package io.calbridge.emulator.google;

import java.time.Duration;
import java.util.Objects;

/**
 * A failure the emulator answers instead of (or, for {@link #slow}, before) the real reply of a method.
 * The bodies are Google's: 403 and 429 carry domain {@code usageLimits}, 500 {@code backendError}.
 *
 * @param status     HTTP status to answer, or 0 for a slow but otherwise normal reply
 * @param reason     Google's error reason ({@code rateLimitExceeded}, {@code backendError}, ...)
 * @param retryAfter sent as a {@code Retry-After} header in whole seconds when not null
 * @param delay      how long to wait before answering (zero for none)
 * @param applied    whether the method is carried out before the failure is answered (a reply lost on its way back,
 *                   so the client cannot know the write happened); with status {@link #DROPPED} the connection
 *                   closes without any reply
 */
public record Fault(int status, String reason, Duration retryAfter, Duration delay, boolean applied) {

    /** The status of a reply that never comes: the connection is closed instead. */
    public static final int DROPPED = -1;

    public Fault {
        Objects.requireNonNull(delay, "delay");
    }

    public Fault(int status, String reason, Duration retryAfter, Duration delay) {
        this(status, reason, retryAfter, delay, false);
    }

    /** 403 {@code rateLimitExceeded} (domain usageLimits), Google's usual per-user rate limit answer. */
    public static Fault rateLimitExceeded() {
        return new Fault(403, "rateLimitExceeded", null, Duration.ZERO);
    }

    /** 403 {@code userRateLimitExceeded} (domain usageLimits). */
    public static Fault userRateLimitExceeded() {
        return new Fault(403, "userRateLimitExceeded", null, Duration.ZERO);
    }

    /** 429 {@code rateLimitExceeded} with a {@code Retry-After} header. */
    public static Fault tooManyRequests(Duration retryAfter) {
        return new Fault(429, "rateLimitExceeded", Objects.requireNonNull(retryAfter), Duration.ZERO);
    }

    /** 500 {@code backendError}. */
    public static Fault backendError() {
        return new Fault(500, "backendError", null, Duration.ZERO);
    }

    /** 503 {@code backendError} ("The service is currently unavailable."). */
    public static Fault unavailable() {
        return new Fault(503, "backendError", null, Duration.ZERO);
    }

    /** 401 {@code authError} ("Invalid Credentials"): Google refuses the access token, however fresh. */
    public static Fault invalidCredentials() {
        return new Fault(401, "authError", null, Duration.ZERO);
    }

    /** The write is carried out, but the answer is 503 {@code backendError}: its reply was lost behind Google's front end. */
    public static Fault unavailableAfterApplying() {
        return new Fault(503, "backendError", null, Duration.ZERO, true);
    }

    /** The write is carried out, then the connection closes before any reply (a network failure on the way back). */
    public static Fault connectionDroppedAfterApplying() {
        return new Fault(DROPPED, null, null, Duration.ZERO, true);
    }

        /** The normal reply, but only after the given delay. */
    public static Fault slow(Duration delay) {
        return new Fault(0, null, null, delay);
    }

    GoogleApiException toException() {
        String message = switch (status) {
            case 403, 429 -> "userRateLimitExceeded".equals(reason) ? "User Rate Limit Exceeded" : "Rate Limit Exceeded";
            case 503 -> "The service is currently unavailable.";
            case 401 -> "Invalid Credentials";
            default -> "Backend Error";
        };
        String domain = status == 403 || status == 429 ? "usageLimits" : "global";
        GoogleApiException error = new GoogleApiException(status, domain, reason, message);
        if (retryAfter != null) {
            error.header("Retry-After", Long.toString(Math.max(0, retryAfter.toSeconds())));
        }
        return error;
    }
}
