package io.calbridge.provider.microsoft;

import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.kiota.ApiException;
import io.calbridge.provider.ProviderException;
import io.calbridge.provider.RetryAfter;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * Turns what the Graph SDK throws into the port's typed {@link ProviderException}s, from which the sync queue alone
 * decides whether and when to retry. Graph's error body is {@code {"error": {"code", "message"}}}; the SDK throws it as
 * an {@link ODataError} (an {@link ApiException} with the status and headers). Messages name the operation, the
 * status and Graph's code, never Graph's message nor anything of the request (the access token travels in a header
 * that no message here includes); the cause is kept.
 *
 * <p>Mapping, after Graph's "error responses" and "throttling" guides:
 * <ul>
 * <li>429 → {@link ProviderException.RateLimited} after {@code Retry-After} (seconds or an HTTP date), else
 *     {@link #DEFAULT_RETRY_AFTER}; 503 and 504 with a {@code Retry-After} → RateLimited too (Graph throttles with
 *     them), without one → {@link ProviderException.Transient};</li>
 * <li>401 ({@code InvalidAuthenticationToken}) → {@link ProviderException.Unauthorized}: the token service refreshes
 *     once, where an AADSTS {@code invalid_grant} tells a revoked grant;</li>
 * <li>404 ({@code ErrorItemNotFound}, {@code ResourceNotFound}) and 410 → {@link ProviderException.NotFound}; the
 *     delta call reads 410 and the sync-state codes as {@link ProviderException.CursorExpired} (see
 *     {@link #isSyncStateLost}) and a delete reads NotFound as done;</li>
 * <li>408, other 5xx, timeouts and I/O failures → {@link ProviderException.Transient};</li>
 * <li>every other 4xx (400, 403 {@code ErrorAccessDenied}, 409, 412) → {@link ProviderException.Permanent}. A 403 is
 *     a missing permission or a mailbox policy, which a refresh does not change; revoked consent shows at the token
 *     endpoint ({@code invalid_grant}), not here.</li>
 * </ul>
 */
final class MicrosoftErrors {

    /** How long to wait after a throttling answer that does not say. */
    static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(30);

    private static final Set<String> SYNC_STATE_CODES = Set.of("syncstatenotfound", "syncstateinvalid", "resyncrequired",
            "invaliddeltatoken", "syncstatecorrupted");

    private final Clock clock;

    MicrosoftErrors(Clock clock) {
        this.clock = clock;
    }

    /** The HTTP status of a failed call, or 0 when no answer came. */
    static int status(RuntimeException e) {
        return e instanceof ApiException api ? api.getResponseStatusCode() : 0;
    }

    /** Graph's error code ({@code ErrorItemNotFound}, {@code SyncStateNotFound}, ...), or {@code null}. */
    static String code(RuntimeException e) {
        if (e instanceof ODataError odata && odata.getError() != null) {
            return odata.getError().getCode();
        }
        return null;
    }

    /** Whether a delta call failed because its token died: 410, or a sync-state error code with any status. */
    static boolean isSyncStateLost(RuntimeException e) {
        String code = code(e);
        return status(e) == 410 || (code != null && SYNC_STATE_CODES.contains(code.toLowerCase(Locale.ROOT)));
    }

    ProviderException translate(String operation, RuntimeException e) {
        if (e instanceof ProviderException typed) {
            return typed;
        }
        int status = status(e);
        if (status == 0) {
            if (hasCause(e, IOException.class)) {
                return new ProviderException.Transient("Microsoft Graph " + operation + " failed: " + rootName(e), e);
            }
            return new ProviderException.Permanent("Microsoft Graph " + operation + " gave an answer that cannot be read: "
                    + rootName(e), e);
        }
        String code = code(e);
        String what = "Microsoft Graph " + operation + " answered " + status + (code == null ? "" : " " + code);
        ApiException api = (ApiException) e;
        String retryAfter = header(api, "Retry-After");
        if (status == 429 || ((status == 503 || status == 504) && retryAfter != null)) {
            return new ProviderException.RateLimited(retryAfter(retryAfter), retryAfter != null, what, e);
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

    /** {@code Retry-After} as delta-seconds or an HTTP date; the default when absent or unreadable. */
    Duration retryAfter(String value) {
        return RetryAfter.parse(value, clock, DEFAULT_RETRY_AFTER);
    }

    private static String header(ApiException e, String name) {
        var values = e.getResponseHeaders().get(name);
        return values == null || values.isEmpty() ? null : values.iterator().next();
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String rootName(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName();
    }
}
