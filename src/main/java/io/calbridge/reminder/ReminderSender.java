package io.calbridge.reminder;

import io.calbridge.platform.DrainLoop;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.mail.MailException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Component;

/**
 * Sends due reminders, on every instance where mail is configured: every poll interval and right after a change that
 * armed one commits here. One thread claims a batch and sends it in order, recording each outcome as soon as the SMTP
 * server answered, so at most the one mail in flight can go out twice: when the instance dies after the server
 * accepted it and before the outcome committed, the row's lease runs out and it is sent again, with the same
 * Message-ID (derived from the reminder and its due time).
 *
 * <p>The grace rule: a reminder found late (calbridge was down at its due time) still goes out once while now is
 * before due + grace and before the appointment's start (a reminder due at the start: within a minute of it); later
 * it is SKIPPED, saying why.
 */
@Component
public class ReminderSender implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ReminderSender.class);
    /** A reminder due at the start itself counts as on time this long after. */
    static final Duration ON_TIME = Duration.ofMinutes(1);
    /** The longest one send may take (connect, then write, then the server's answer: JavaMail's timeouts). */
    private static final Duration SEND_BUDGET = Duration.ofSeconds(30);
    private static final int MAX_ERROR_LENGTH = 500;

    private final ReminderRows rows;
    private final ReminderComposer composer;
    private final ObjectProvider<JavaMailSender> mail;
    private final ReminderProperties properties;
    private final MailSettings settings;
    private final Clock clock;
    private final String worker = ManagementFactory.getRuntimeMXBean().getName();
    private final AtomicLong claims = new AtomicLong();
    private final DrainLoop loop = new DrainLoop("reminder-sender", this::drainAll);

    ReminderSender(ReminderRows rows, ReminderComposer composer, ObjectProvider<JavaMailSender> mail, ReminderProperties properties,
            MailSettings settings, Clock clock) {
        this.rows = rows;
        this.composer = composer;
        this.mail = mail;
        this.properties = properties;
        this.settings = settings;
        this.clock = clock;
    }

    @EventListener(ApplicationReadyEvent.class)
    void startPolling() {
        if (mail.getIfAvailable() == null) {
            log.info("reminder mail is off: no SMTP server is configured (SPRING_MAIL_HOST); EMAIL reminders are stored as SKIPPED");
            return;
        }
        loop.poll(Duration.ZERO, properties.pollInterval());
    }

    /** Look for due reminders soon; concurrent wake-ups collapse into one more pass. */
    public void wake() {
        if (mail.getIfAvailable() != null) {
            loop.wake();
        }
    }

    private void drainAll() {
        JavaMailSender sender = mail.getObject();
        while (true) {
            Instant claimedAt = clock.instant();
            List<ReminderRows.Claimed> batch = rows.claim(properties.batchSize(), worker + ":" + claims.incrementAndGet(), properties.lease());
            Duration budget = properties.lease().compareTo(SEND_BUDGET.multipliedBy(2)) < 0 ? properties.lease().dividedBy(2) : SEND_BUDGET;
            Instant stopBy = claimedAt.plus(properties.lease()).minus(budget);
            for (int i = 0; i < batch.size(); i++) {
                if (clock.instant().isAfter(stopBy)) {
                    // the lease could run out during the next send and another instance send it too: give the rest back
                    batch.subList(i, batch.size()).forEach(rows::release);
                    break;
                }
                handle(sender, batch.get(i));
            }
            if (batch.size() < properties.batchSize()) {
                return;
            }
        }
    }

    private void handle(JavaMailSender sender, ReminderRows.Claimed reminder) {
        Instant now = clock.instant();
        String late = lateReason(reminder.dueAt(), reminder.startsAt(), now, properties.grace());
        if (late != null) {
            rows.skipped(reminder, late);
            return;
        }
        ReminderComposer.Mail composed;
        try {
            composed = composer.compose(new ReminderComposer.Due(reminder.userId(), reminder.appointmentId(), reminder.minutesBefore(),
                    reminder.recipient(), reminder.dueAt()));
        } catch (RuntimeException e) {
            log.error("composing reminder {} failed", reminder.id(), e);
            retryOrFail(reminder, "composing failed: " + e.getClass().getSimpleName(), now);
            return;
        }
        if (composed.skipReason() != null) {
            rows.skipped(reminder, composed.skipReason());
            return;
        }
        String messageId = messageId(reminder);
        try {
            sender.send(message(sender, composed, messageId, now));
        } catch (MailException | MessagingException e) {
            log.warn("reminder {} not sent (attempt {}): {}", reminder.id(), reminder.attempts(), e.getMessage());
            retryOrFail(reminder, e.getClass().getSimpleName() + ": " + e.getMessage(), now);
            return;
        }
        // the crash window: the server has the mail; until this commits, a killed instance's lease brings it back
        rows.sent(reminder, messageId);
    }

    /** Why a reminder found at {@code now} is too late to send, or null when it may go out (see the class comment). */
    static String lateReason(Instant dueAt, Instant startsAt, Instant now, Duration grace) {
        if (!now.isBefore(dueAt.plus(grace))) {
            return "missed: found " + Duration.between(dueAt, now).toSeconds() + " s after its due time, beyond the grace period of "
                    + grace;
        }
        Instant latest = startsAt.isAfter(dueAt.plus(ON_TIME)) ? startsAt : dueAt.plus(ON_TIME);
        if (!now.isBefore(latest)) {
            return "missed: the appointment had started when it was found";
        }
        return null;
    }

    private void retryOrFail(ReminderRows.Claimed reminder, String error, Instant now) {
        String trimmed = error.length() > MAX_ERROR_LENGTH ? error.substring(0, MAX_ERROR_LENGTH) : error;
        Instant next = reminder.attempts() >= properties.maxAttempts() ? null
                : now.plus(Duration.ofSeconds(30L << Math.min(reminder.attempts() - 1, 6)));
        rows.failed(reminder, trimmed, next);
    }

    private MimeMessage message(JavaMailSender sender, ReminderComposer.Mail composed, String messageId, Instant now)
            throws MessagingException {
        MimeMessage message = sender.createMimeMessage();
        MimeMessageHelper helper = new MimeMessageHelper(message, MimeMessageHelper.MULTIPART_MODE_MIXED, StandardCharsets.UTF_8.name());
        helper.setFrom(settings.from());
        if (composed.to().size() == 1) {
            helper.setTo(composed.to().get(0));
        } else {
            // several attendees (a group session's clients) must not see each other's addresses
            helper.setBcc(composed.to().toArray(String[]::new));
            message.setHeader("To", "undisclosed-recipients:;");
        }
        helper.setSubject(composed.subject());
        helper.setSentDate(java.util.Date.from(now));
        helper.setText(composed.text(), composed.html());
        byte[] ics = Ics.write(composed.event(), now).getBytes(StandardCharsets.UTF_8);
        helper.addAttachment("appointment.ics", new ByteArrayResource(ics), "text/calendar; charset=UTF-8; method=PUBLISH");
        // kept by Spring's sender through saveChanges: a repeat after a crash carries the same id
        message.setHeader("Message-ID", messageId);
        return message;
    }

    /** The same for the same reminder at the same due time, on every instance and after any restart. */
    String messageId(ReminderRows.Claimed reminder) {
        String key = reminder.userId() + "\n" + reminder.appointmentId() + "\n" + reminder.minutesBefore() + "\n" + reminder.recipient()
                + "\n" + reminder.dueAt();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return "<reminder." + HexFormat.of().formatHex(digest, 0, 16) + "@" + settings.domain() + ">";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void destroy() {
        loop.close();
    }
}
