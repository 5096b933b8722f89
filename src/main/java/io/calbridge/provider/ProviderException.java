package io.calbridge.provider;

import java.time.Duration;

/**
 * The failures an adapter reports, whatever its SDK throws. The sync queue decides retries from the type alone.
 */
public abstract sealed class ProviderException extends RuntimeException {

    protected ProviderException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Too many requests; try again after {@code retryAfter}. */
    public static final class RateLimited extends ProviderException {
        private final Duration retryAfter;
        private final boolean stated;

        /** A wait the adapter chose (the provider said none, or the adapter does not tell): it may be shortened. */
        public RateLimited(Duration retryAfter, String message, Throwable cause) {
            this(retryAfter, false, message, cause);
        }

        /** stated: the provider itself asked for this wait ({@code Retry-After}): no attempt may come sooner. */
        public RateLimited(Duration retryAfter, boolean stated, String message, Throwable cause) {
            super(message, cause);
            this.retryAfter = retryAfter;
            this.stated = stated;
        }

        public Duration retryAfter() {
            return retryAfter;
        }

        /** Whether the provider named the wait (a Retry-After), rather than the adapter guessing it. */
        public boolean stated() {
            return stated;
        }
    }

    /** The user revoked access or the grant expired ({@code invalid_grant}): only a reconnect helps. */
    public static final class AuthRevoked extends ProviderException {
        public AuthRevoked(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The provider did not accept the access token (HTTP 401): it may have died early, or the user revoked the grant.
     * Only a token refresh can tell which; calbridge refreshes at once and calls once more (see the token service).
     */
    public static final class Unauthorized extends ProviderException {
        public Unauthorized(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The calendar or event does not exist (any more). */
    public static final class NotFound extends ProviderException {
        public NotFound(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The sync cursor is no longer valid; a full sync is needed. */
    public static final class CursorExpired extends ProviderException {
        public CursorExpired(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A fault that may pass: 5xx, timeout, connection reset. */
    public static final class Transient extends ProviderException {
        public Transient(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A fault that will not pass by retrying: a rejected request, a missing capability. */
    public static final class Permanent extends ProviderException {
        public Permanent(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
