package io.calbridge.emulator.microsoft;

import java.time.Duration;
import java.time.Instant;

/**
 * One Graph request as the emulator answered it, for tests that check how a client paced its calls.
 *
 * @param at         when it arrived (the emulator's clock)
 * @param account    the user principal name its access token belongs to (also for an expired token), or null
 * @param operation  the operation name ({@code events.delta}, {@code events.create}, ...)
 * @param status     the HTTP status answered
 * @param code       Graph's error code of a failure ({@code ApplicationThrottled}, ...), else null
 * @param innerCode  the error's innerError code ({@code MailboxConcurrency}), else null
 * @param retryAfter the {@code Retry-After} answered, else null
 */
public record GraphCall(Instant at, String account, String operation, int status, String code, String innerCode, Duration retryAfter) {

    public boolean failed() {
        return status >= 400;
    }
}
