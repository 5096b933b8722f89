package io.calbridge.availability;

import io.calbridge.connection.ConnectionSettings;
import io.calbridge.testing.Api;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Fills the store the way sync and the appointment service leave it, straight through JDBC (no provider needed),
 * and bumps the user's change stamp after each write as those writers do.
 */
final class StoreFixture {

    private final JdbcClient jdbc;

    StoreFixture(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A connection with no provider account behind it. Its last sync lies in the future, so the sync scheduler leaves
     * it alone for the whole test run.
     */
    UUID connection(String userId, String provider) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO connections (id, user_id, provider, account_id, account_email, status, settings, last_sync_at,
                                         created_at, updated_at)
                VALUES (?, ?, ?, ?, 'fixture@example.com', 'ACTIVE', ?::jsonb, now() + interval '1 day', now(), now())""")
                .params(id, userId, provider, "account-" + id, Api.JSON.writeValueAsString(ConnectionSettings.defaults()))
                .update();
        return id;
    }

    Event event(String userId, UUID connectionId, String calendarId, String externalId) {
        return new Event(userId, connectionId, calendarId, externalId);
    }

    void appointment(String userId, String appointmentId, String title, Instant start, Instant end, String status) {
        jdbc.sql("""
                INSERT INTO appointments (user_id, appointment_id, version, content_hash, title, start_at, end_at, time_zone,
                                          attendees, conference, status, created_at, updated_at)
                VALUES (?, ?, 1, 'fixture', ?, ?, ?, 'Europe/Berlin', '[]'::jsonb, 'NONE', ?, now(), now())""")
                .params(userId, appointmentId, title, Timestamp.from(start), Timestamp.from(end), status).update();
        changed(userId);
    }

    /** Records that calbridge pushed {@code appointmentId} as this event (what the appointment pusher stores). */
    void pushed(String userId, String appointmentId, UUID connectionId, String calendarId, String externalId) {
        jdbc.sql("""
                INSERT INTO appointment_events (user_id, appointment_id, connection_id, calendar_id, external_id, state,
                                                synced_version, updated_at)
                VALUES (?, ?, ?, ?, ?, 'SYNCED', 1, now())""")
                .params(userId, appointmentId, connectionId, calendarId, externalId).update();
        changed(userId);
    }

    void changed(String userId) {
        jdbc.sql("INSERT INTO user_change_stamps (user_id, shard, stamp) VALUES (?, 0, 1) "
                + "ON CONFLICT (user_id, shard) DO UPDATE SET stamp = user_change_stamps.stamp + 1").param(userId).update();
    }

    /** One row of {@code events}: a single event, a series master (with its rule) or an exception of a series. */
    final class Event {
        private final String userId;
        private final UUID connectionId;
        private final String calendarId;
        private final String externalId;
        private String status = "confirmed";
        private String title;
        private Instant start;
        private Instant end;
        private LocalDate startDate;
        private LocalDate endDate;
        private String timeZone = "Europe/Berlin";
        private boolean transparent;
        private String selfResponse;
        private String recurrence;
        private String recurringEventId;
        private Instant originalStart;

        private Event(String userId, UUID connectionId, String calendarId, String externalId) {
            this.userId = userId;
            this.connectionId = connectionId;
            this.calendarId = calendarId;
            this.externalId = externalId;
            this.title = externalId;
        }

        Event at(Instant eventStart, Instant eventEnd) {
            this.start = eventStart;
            this.end = eventEnd;
            return this;
        }

        /** All day from {@code first} to {@code endExclusive}, stored as the calendar's midnights, as sync does. */
        Event allDay(LocalDate first, LocalDate endExclusive) {
            this.startDate = first;
            this.endDate = endExclusive;
            return this;
        }

        Event title(String eventTitle) {
            this.title = eventTitle;
            return this;
        }

        Event status(String eventStatus) {
            this.status = eventStatus;
            return this;
        }

        Event zone(String zone) {
            this.timeZone = zone;
            return this;
        }

        Event transparent() {
            this.transparent = true;
            return this;
        }

        Event response(String response) {
            this.selfResponse = response;
            return this;
        }

        /** A series master: its first occurrence is {@link #at}, the rule e.g. {@code RRULE:FREQ=WEEKLY;BYDAY=MO}. */
        Event recurrence(String rule) {
            this.recurrence = rule;
            return this;
        }

        /** An exception of a series: moved (with its new time in {@link #at}) or cancelled. */
        Event instanceOf(String seriesId, Instant occurrenceStart) {
            this.recurringEventId = seriesId;
            this.originalStart = occurrenceStart;
            return this;
        }

        void insert() {
            if (startDate != null) {
                ZoneId zone = ZoneId.of(timeZone);
                at(startDate.atStartOfDay(zone).toInstant(), endDate.atStartOfDay(zone).toInstant());
            }
            jdbc.sql("""
                    INSERT INTO events (connection_id, calendar_id, external_id, user_id, status, title, start_at, end_at, all_day,
                        start_date, end_date, time_zone, transparent, self_response, recurrence, recurring_event_id,
                        original_start_at, generation, synced_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, now())""")
                    .params(connectionId, calendarId, externalId, userId, status, title, Timestamp.from(start), Timestamp.from(end),
                            startDate != null, startDate == null ? null : Date.valueOf(startDate),
                            endDate == null ? null : Date.valueOf(endDate), timeZone, transparent, selfResponse, recurrence,
                            recurringEventId, originalStart == null ? null : Timestamp.from(originalStart))
                    .update();
            changed(userId);
        }
    }
}
