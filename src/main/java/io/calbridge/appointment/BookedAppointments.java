package io.calbridge.appointment;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The app's confirmed appointments of a user, as busy time for availability. */
@Repository
public class BookedAppointments {

    /** A confirmed appointment: it takes the user's time whatever its events in calendars look like. */
    public record Booked(String appointmentId, String title, Instant start, Instant end) {
    }

    private final JdbcClient jdbc;

    BookedAppointments(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Confirmed appointments overlapping [from, to), ordered by start. */
    public List<Booked> between(String userId, Instant from, Instant to) {
        // version 0: an empty placeholder row an earlier release may have left behind
        return jdbc.sql("""
                SELECT appointment_id, title, start_at, end_at FROM appointments
                WHERE user_id = ? AND status = 'CONFIRMED' AND version > 0 AND start_at < ? AND end_at > ?
                ORDER BY start_at, appointment_id""")
                .params(userId, Timestamp.from(to), Timestamp.from(from))
                .query((rs, row) -> new Booked(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                        rs.getTimestamp(4).toInstant()))
                .list();
    }

    /** Those of the appointments {@code appointmentIds} that are confirmed and overlap [from, to): as {@link #between}, by id. */
    public List<Booked> among(String userId, Collection<String> appointmentIds, Instant from, Instant to) {
        return jdbc.sql("""
                SELECT appointment_id, title, start_at, end_at FROM appointments
                WHERE user_id = ? AND appointment_id = ANY (?) AND status = 'CONFIRMED' AND version > 0 AND start_at < ? AND end_at > ?""")
                .params(userId, appointmentIds.toArray(String[]::new), Timestamp.from(to), Timestamp.from(from))
                .query((rs, row) -> new Booked(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                        rs.getTimestamp(4).toInstant()))
                .list();
    }
}
