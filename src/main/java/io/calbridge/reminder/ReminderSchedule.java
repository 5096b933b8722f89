package io.calbridge.reminder;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The EMAIL reminders of appointments as rows, written in the transaction of the appointment's change, so a committed
 * change always has its reminders where they belong: a reschedule moves them (and arms them again), a cancellation or
 * a reminder taken out of the list cancels them. A reminder is known by its minutes and recipient, not its place in
 * the list. Without a mail server (no {@code spring.mail.host}) reminders are stored SKIPPED, saying so.
 */
@Component
public class ReminderSchedule {

    static final String NO_MAIL = "mail is not configured (SPRING_MAIL_HOST is not set)";

    private final JdbcClient jdbc;
    private final Clock clock;
    private final ObjectProvider<JavaMailSender> mail;
    /** Lazily: the sender is woken after a commit and is no dependency of the writers of reminders. */
    private final ObjectProvider<ReminderSender> sender;

    ReminderSchedule(JdbcClient jdbc, Clock clock, ObjectProvider<JavaMailSender> mail, ObjectProvider<ReminderSender> sender) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.mail = mail;
        this.sender = sender;
    }

    /** An EMAIL reminder's state: PENDING, SENT, SKIPPED, CANCELLED or FAILED, with why (skipped, failed) and when it was sent. */
    public record State(int minutesBefore, String recipient, Instant dueAt, String state, Instant sentAt, String reason) {
    }

    /**
     * Sets the appointment's EMAIL reminders to {@code reminders} for an appointment starting at {@code start}; a
     * {@code cancelled} appointment has none left to send.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void set(String userId, String appointmentId, Instant start, boolean cancelled, List<EmailReminder> reminders) {
        List<EmailReminder> wanted = cancelled ? List.of() : reminders;
        Timestamp now = Timestamp.from(clock.instant());
        Integer[] minutes = wanted.stream().map(EmailReminder::minutesBefore).toArray(Integer[]::new);
        String[] recipients = wanted.stream().map(EmailReminder::recipient).toArray(String[]::new);
        jdbc.sql("""
                UPDATE reminders SET state = 'CANCELLED', last_error = ?, claimed_by = NULL, lease_until = NULL, updated_at = ?
                WHERE user_id = ? AND appointment_id = ? AND state = 'PENDING'
                    AND (minutes_before, recipient) NOT IN (SELECT * FROM unnest(?::int[], ?::text[]))""")
                .params(cancelled ? "the appointment was cancelled" : "removed from the appointment's reminders", now, userId,
                        appointmentId, minutes, recipients)
                .update();
        if (wanted.isEmpty()) {
            return;
        }
        boolean mailOn = mail.getIfAvailable() != null;
        // a new due time (a reschedule) or a reminder cancelled before arms it again; otherwise a row keeps its state,
        // so the same reminders again change nothing and one sent is not sent twice
        jdbc.sql("""
                INSERT INTO reminders AS r (id, user_id, appointment_id, minutes_before, recipient, due_at, starts_at, state,
                    next_attempt_at, last_error, created_at, updated_at)
                SELECT gen_random_uuid(), ?, ?, w.m, w.r, ?::timestamptz - make_interval(mins => w.m), ?, ?,
                    ?::timestamptz - make_interval(mins => w.m), ?, ?, ?
                FROM unnest(?::int[], ?::text[]) AS w (m, r)
                ON CONFLICT (user_id, appointment_id, minutes_before, recipient) DO UPDATE SET due_at = excluded.due_at,
                    starts_at = excluded.starts_at, state = excluded.state, attempts = 0, next_attempt_at = excluded.next_attempt_at,
                    claimed_by = NULL, lease_until = NULL, message_id = NULL, sent_at = NULL, last_error = excluded.last_error,
                    updated_at = excluded.updated_at
                WHERE r.due_at <> excluded.due_at OR r.state = 'CANCELLED'""")
                .params(userId, appointmentId, Timestamp.from(start), Timestamp.from(start), mailOn ? "PENDING" : "SKIPPED",
                        Timestamp.from(start), mailOn ? null : NO_MAIL, now, now, minutes, recipients)
                .update();
        if (mailOn) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    sender.ifAvailable(ReminderSender::wake);
                }
            });
        }
    }

    /** The appointment's EMAIL reminder rows as they stand (those taken out of its list too, CANCELLED), earliest due first. */
    public List<State> states(String userId, String appointmentId) {
        return jdbc.sql("""
                SELECT minutes_before, recipient, due_at, state, sent_at, last_error FROM reminders
                WHERE user_id = ? AND appointment_id = ? ORDER BY due_at, recipient""")
                .params(userId, appointmentId)
                .query((rs, row) -> new State(rs.getInt(1), rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getString(4),
                        rs.getTimestamp(5) == null ? null : rs.getTimestamp(5).toInstant(), rs.getString(6)))
                .list();
    }
}
