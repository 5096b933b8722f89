package io.calbridge.sync;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Inbound sync and queue settings ({@code calbridge.sync.*}), validated when bound: a mistake stops the start.
 *
 * @param windowPast    how far back a full sync reaches
 * @param windowFuture  how far ahead a full sync reaches
 * @param windowDrift   how far the rolling window may move from the window a window-bound cursor was started with
 *                      (see {@link io.calbridge.provider.CalendarProvider#cursorKeepsWindow()}) before a full sync
 *                      re-anchors it: events up to this much short of the window's far end wait for it
 * @param pageSize      events per provider page (Google allows up to 2500)
 * @param pollInterval  how often a connection without live push notifications is pulled
 * @param pushPollInterval the safety-net pull of a connection whose push channels are live
 * @param pageAttempts  attempts per page when the provider rate-limits or fails passingly
 * @param maxPageWait   the longest pause between two attempts, whatever Retry-After asks
 * @param notificationDelay how long a pull asked for by a push notification waits, so that a burst of changes
 *                      (one notification each) is fetched in one pull
 * @param workers       queue jobs run at once per instance
 * @param batchSize     the most jobs one claim takes (never more than there are idle workers)
 * @param maxAttempts   attempts of a failing job before it is dead
 * @param retryBase     the first retry's pause; each further one doubles it (with jitter)
 * @param retryMax      the longest pause between retries
 * @param lease         how long a claim holds: a job still RUNNING after it (its instance died) is claimed again. A
 *                      job starts when it is claimed, so the lease must exceed the longest run of one job, or two
 *                      instances may run it at once
 */
@Validated
@ConfigurationProperties("calbridge.sync")
public record SyncProperties(
        @DefaultValue("P30D") @DurationMin(millis = 0, message = NOT_NEGATIVE) Duration windowPast,
        @DefaultValue("P365D") @DurationMin(millis = 0, message = NOT_NEGATIVE) Duration windowFuture,
        @DefaultValue("P7D") @DurationMin(millis = 1, message = POSITIVE) Duration windowDrift,
        @DefaultValue("2500") @Min(1) @Max(2500) int pageSize,
        @DefaultValue("PT10M") @DurationMin(millis = 1, message = POSITIVE) Duration pollInterval,
        @DefaultValue("PT6H") @DurationMin(millis = 1, message = POSITIVE) Duration pushPollInterval,
        @DefaultValue("6") @Min(1) int pageAttempts,
        @DefaultValue("PT60S") @DurationMin(millis = 0, message = NOT_NEGATIVE) Duration maxPageWait,
        @DefaultValue("PT1S") @DurationMin(millis = 0, message = NOT_NEGATIVE) Duration notificationDelay,
        @DefaultValue("16") @Min(1) int workers,
        @DefaultValue("32") @Min(1) int batchSize,
        @DefaultValue("10") @Min(1) int maxAttempts,
        @DefaultValue("PT1S") @DurationMin(millis = 1, message = POSITIVE) Duration retryBase,
        @DefaultValue("PT15M") @DurationMin(millis = 1, message = POSITIVE) Duration retryMax,
        @DefaultValue("PT5M") @DurationMin(millis = 1, message = POSITIVE) Duration lease) {

    static final String POSITIVE = "must be a positive duration";
    static final String NOT_NEGATIVE = "must not be a negative duration";
}
