package io.calbridge.emulator.microsoft;

import java.time.Duration;
import java.util.Objects;

/**
 * A failure the emulator answers instead of (or, for {@link #slow}, before) the real reply of an operation, with
 * Graph's error bodies.
 *
 * @param status     HTTP status, or 0 for a slow but otherwise normal reply
 * @param code       Graph's error code (ApplicationThrottled, TooManyRequests, ServiceNotAvailable, ...)
 * @param retryAfter sent as {@code Retry-After} in whole seconds when not null
 * @param delay      how long to wait before answering
 * @param applied    whether the operation is carried out before the failure is answered (a reply lost on its way
 *                   back: the reason Graph's {@code transactionId} exists); with status {@link #DROPPED} the
 *                   connection closes without any reply
 */
public record Fault(int status, String code, Duration retryAfter, Duration delay, boolean applied) {

    /** The status of a reply that never comes: the connection is closed instead. */
    public static final int DROPPED = -1;

    public Fault {
        Objects.requireNonNull(delay, "delay");
    }

    public Fault(int status, String code, Duration retryAfter, Duration delay) {
        this(status, code, retryAfter, delay, false);
    }

    /** 429 ApplicationThrottled, Outlook's throttling answer, with Retry-After. */
    public static Fault throttled(Duration retryAfter) {
        return new Fault(429, "ApplicationThrottled", Objects.requireNonNull(retryAfter), Duration.ZERO);
    }

    /** 429 TooManyRequests (Graph's generic throttling) with Retry-After. */
    public static Fault tooManyRequests(Duration retryAfter) {
        return new Fault(429, "TooManyRequests", Objects.requireNonNull(retryAfter), Duration.ZERO);
    }

    /** 503 ServiceNotAvailable with Retry-After. */
    public static Fault serviceUnavailable(Duration retryAfter) {
        return new Fault(503, "ServiceNotAvailable", retryAfter, Duration.ZERO);
    }

    /** 504 GatewayTimeout with Retry-After. */
    public static Fault gatewayTimeout(Duration retryAfter) {
        return new Fault(504, "UnknownError", retryAfter, Duration.ZERO);
    }

    /** 500 InternalServerError. */
    public static Fault internalError() {
        return new Fault(500, "InternalServerError", null, Duration.ZERO);
    }

    /** 401 InvalidAuthenticationToken: Graph refuses the access token, however fresh. */
    public static Fault invalidToken() {
        return new Fault(401, "InvalidAuthenticationToken", null, Duration.ZERO);
    }

    /**
     * The write is carried out, but its reply is lost: the gateway answers 504 (Graph's documented answer when the
     * backend did not reply in time), so the client cannot know it was applied.
     */
    public static Fault gatewayTimeoutAfterApplying() {
        return new Fault(504, "UnknownError", null, Duration.ZERO, true);
    }

    /** The write is carried out, then the connection closes before any reply (a network failure on the way back). */
    public static Fault connectionDroppedAfterApplying() {
        return new Fault(DROPPED, null, null, Duration.ZERO, true);
    }

    /** The normal reply after a delay. */
    public static Fault slow(Duration delay) {
        return new Fault(0, null, null, delay);
    }

    GraphException toException(boolean identityEndpoint) {
        GraphException error;
        if (identityEndpoint) {
            error = status == 401 ? GraphException.identity(401, "invalid_client", 7000215, "Invalid client secret provided.")
                    : GraphException.identity(status, "temporarily_unavailable", 90033, "A transient error has occurred. Please try again.");
        } else {
            String message = switch (status) {
                case 429 -> "ApplicationThrottled".equals(code) ? "Application is over its MailboxConcurrency limit." : "Too many requests.";
                case 503 -> "The service is currently unavailable.";
                case 504 -> "The gateway did not receive a timely response.";
                case 401 -> "Access token has expired or is not yet valid.";
                default -> "An internal server error occurred.";
            };
            error = status == 401 ? GraphException.invalidToken(message)
                    : GraphException.graph(status, code, message, "ApplicationThrottled".equals(code) ? "MailboxConcurrency" : null);
        }
        if (retryAfter != null) {
            error.headers.put("Retry-After", Long.toString(Math.max(0, retryAfter.toSeconds())));
        }
        return error;
    }
}
