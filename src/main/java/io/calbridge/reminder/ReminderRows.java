package io.calbridge.reminder;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Claiming due reminders and recording what became of them. A claim is one statement ({@code FOR UPDATE SKIP
 * LOCKED}, so instances never take the same row) that starts a lease; a claim whose instance died is taken again when
 * its lease ran out. Every outcome is written under a claim check: a sender that lost its claim (the lease ran out, or
 * the appointment changed meanwhile) changes nothing.
 */
@Repository
class ReminderRows {

    private final JdbcClient jdbc;
    private final Clock clock;

    ReminderRows(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** A claimed reminder; {@code attempts} counts this one. */
    record Claimed(UUID id, String userId, String appointmentId, int minutesBefore, String recipient, Instant dueAt, Instant startsAt,
            int attempts, String claim) {
    }

    /** Up to {@code max} due PENDING reminders, earliest first, claimed as {@code claim} until now + {@code lease}. */
    List<Claimed> claim(int max, String claim, Duration lease) {
        Instant now = clock.instant();
        return jdbc.sql("""
                UPDATE reminders r SET claimed_by = ?, lease_until = ?, attempts = r.attempts + 1
                FROM (SELECT id FROM reminders WHERE state = 'PENDING' AND next_attempt_at <= ?
                          AND (lease_until IS NULL OR lease_until < ?)
                      ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED) due
                WHERE r.id = due.id
                RETURNING r.*""")
                .params(claim, Timestamp.from(now.plus(lease)), Timestamp.from(now), Timestamp.from(now), max)
                .query((rs, row) -> claimed(rs, claim)).list()
                .stream().sorted(java.util.Comparator.comparing(Claimed::dueAt)).toList();
    }

    private static Claimed claimed(ResultSet rs, String claim) throws SQLException {
        return new Claimed(rs.getObject("id", UUID.class), rs.getString("user_id"), rs.getString("appointment_id"),
                rs.getInt("minutes_before"), rs.getString("recipient"), rs.getTimestamp("due_at").toInstant(),
                rs.getTimestamp("starts_at").toInstant(), rs.getInt("attempts"), claim);
    }

    /** The SMTP server accepted the mail. */
    boolean sent(Claimed reminder, String messageId) {
        Timestamp now = Timestamp.from(clock.instant());
        return settle(reminder, "state = 'SENT', message_id = ?, sent_at = ?, last_error = NULL", messageId, now);
    }

    /** It will not go out (too late, no address, ...), for {@code why}. */
    boolean skipped(Claimed reminder, String why) {
        return settle(reminder, "state = 'SKIPPED', last_error = ?", why);
    }

    /** Sending failed: tried again at {@code next}, or, with {@code next} null, FAILED for good. */
    boolean failed(Claimed reminder, String error, Instant next) {
        if (next == null) {
            return settle(reminder, "state = 'FAILED', last_error = ?", error);
        }
        return settle(reminder, "next_attempt_at = ?, last_error = ?", Timestamp.from(next), error);
    }

    /** Gives the reminder back unsent, due again at once (the sender stops before its lease could run out). */
    void release(Claimed reminder) {
        settle(reminder, "attempts = attempts - 1");
    }

    private boolean settle(Claimed reminder, String set, Object... params) {
        Object[] all = new Object[params.length + 3];
        System.arraycopy(params, 0, all, 0, params.length);
        all[params.length] = Timestamp.from(clock.instant());
        all[params.length + 1] = reminder.id();
        all[params.length + 2] = reminder.claim();
        return jdbc.sql("UPDATE reminders SET " + set + ", claimed_by = NULL, lease_until = NULL, updated_at = ? "
                        + "WHERE id = ? AND claimed_by = ? AND state = 'PENDING'")
                .params(all).update() == 1;
    }
}
