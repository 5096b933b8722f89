package io.calbridge.reminder;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Reminder mail ({@code calbridge.reminder.*}), validated when bound: a mistake stops the start.
 *
 * @param grace        how late a reminder may still go out (calbridge was down at its due time); later it is SKIPPED.
 *                     Never after the appointment's start either
 * @param pollInterval how often each instance looks for due reminders
 * @param lease        how long a claim of a batch holds: a batch still claimed after it (its instance died) is claimed again
 * @param batchSize    the most reminders one claim takes
 * @param maxAttempts  sends tried (the SMTP server refused or was away) before a reminder is FAILED
 */
@Validated
@ConfigurationProperties("calbridge.reminder")
public record ReminderProperties(
        @DefaultValue("PT1H") @DurationMin(millis = 0, message = "must not be negative") Duration grace,
        @DefaultValue("PT10S") @DurationMin(millis = 1) Duration pollInterval,
        @DefaultValue("PT2M") @DurationMin(seconds = 1) Duration lease,
        @DefaultValue("20") @Min(1) int batchSize,
        @DefaultValue("5") @Min(1) int maxAttempts) {
}
