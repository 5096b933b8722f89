package io.calbridge.provider.google;

import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpResponseException;
import io.calbridge.provider.ProviderException;
import io.calbridge.provider.RetryAfter;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns what the Google client throws into the port's typed {@link ProviderException}s, from which the sync queue
 * alone decides whether and when to retry. The cause is always kept; messages name the operation, the HTTP status and
 * Google's reason, never a token (access tokens travel in a header, which no message here includes).
 *
 * <p>Mapping, after Google's "Handle API errors" guide:
 * <ul>
 * <li>403 with reason {@code rateLimitExceeded}, {@code userRateLimitExceeded} or {@code quotaExceeded}, and any 429
 *     → {@link ProviderException.RateLimited}, after {@code Retry-After} (seconds or an HTTP date) or else
 *     {@link #DEFAULT_RETRY_AFTER};</li>
 * <li>404 → {@link ProviderException.NotFound}; 410 → {@link ProviderException.NotFound} here, while the list call
 *     reads a 410 as {@link ProviderException.CursorExpired} and a delete as done (see the provider);</li>
 * <li>401 → {@link ProviderException.Unauthorized}: Google answers 401 for an access token that is "expired or
 *     invalid", and the adapter cannot tell a revoked grant from a token that merely died early. The token service
 *     decides: it refreshes at once, where {@code invalid_grant} means the grant is revoked;</li>
 * <li>408, 5xx, timeouts and other I/O failures → {@link ProviderException.Transient};</li>
 * <li>every other 4xx (400 bad request, 403 forbidden or missing scope, 409, 412) → {@link ProviderException.Permanent}.</li>
 * </ul>
 */
final class GoogleErrors {

    /** How long to wait after a rate limit that does not say. */
    static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(30);

    private static final Set<String> RATE_LIMIT_REASONS = Set.of("ratelimitexceeded", "userratelimitexceeded", "quotaexceeded",
            "rate_limit_exceeded", "resource_exhausted");

    private final Clock clock;

    GoogleErrors(Clock clock) {
        this.clock = clock;
    }

    /** The HTTP status of a failed call, or 0 when no answer came (connection refused, timeout). */
    static int status(IOException e) {
        return e instanceof HttpResponseException http ? http.getStatusCode() : 0;
    }

    /** Google's first error reason ({@code fullSyncRequired}, {@code duplicate}, ...), or {@code null}. */
    static String reason(IOException e) {
        List<String> reasons = reasons(e);
        return reasons.isEmpty() ? null : reasons.get(0);
    }

    ProviderException translate(String operation, IOException e) {
        int status = status(e);
        if (status == 0) {
            return new ProviderException.Transient("Google " + operation + " failed: " + e.getClass().getSimpleName(), e);
        }
        String reason = reason(e);
        String what = "Google " + operation + " answered " + status + (reason == null ? "" : " " + reason);
        if (status == 429 || (status == 403 && isRateLimit(e))) {
            return new ProviderException.RateLimited(retryAfter((HttpResponseException) e), what, e);
        }
        if (status == 401) {
            return new ProviderException.Unauthorized(what + ": the access token was rejected", e);
        }
        if (status == 404 || status == 410) {
            return new ProviderException.NotFound(what, e);
        }
        if (status == 408 || status >= 500) {
            return new ProviderException.Transient(what, e);
        }
        return new ProviderException.Permanent(what, e);
    }

    /** A response the client could not make sense of (malformed JSON, a value of the wrong type). */
    ProviderException unreadable(String operation, RuntimeException e) {
        return new ProviderException.Permanent("Google " + operation + " gave an answer that cannot be read: "
                + e.getClass().getSimpleName(), e);
    }

    private static boolean isRateLimit(IOException e) {
        return reasons(e).stream().anyMatch(r -> RATE_LIMIT_REASONS.contains(r.toLowerCase(Locale.ROOT)));
    }

    /** Reasons from both of Google's error formats: {@code errors[].reason}, {@code details[].reason} and {@code status}. */
    private static List<String> reasons(IOException e) {
        List<String> reasons = new ArrayList<>();
        if (!(e instanceof GoogleJsonResponseException json) || json.getDetails() == null) {
            return reasons;
        }
        GoogleJsonError error = json.getDetails();
        if (error.getErrors() != null) {
            error.getErrors().stream().map(GoogleJsonError.ErrorInfo::getReason).filter(r -> r != null).forEach(reasons::add);
        }
        if (error.getDetails() != null) {
            error.getDetails().stream().map(GoogleJsonError.Details::getReason).filter(r -> r != null).forEach(reasons::add);
        }
        Object status = error.get("status");
        if (status instanceof String s) {
            reasons.add(s);
        }
        return reasons;
    }

    /** {@code Retry-After} as delta-seconds or an HTTP date; the default when absent or unreadable. */
    Duration retryAfter(HttpResponseException e) {
        return RetryAfter.parse(e.getHeaders() == null ? null : e.getHeaders().getRetryAfter(), clock, DEFAULT_RETRY_AFTER);
    }
}
