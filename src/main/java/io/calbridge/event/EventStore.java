package io.calbridge.event;

import io.calbridge.provider.Booking;
import io.calbridge.provider.EventTime;
import io.calbridge.provider.RemoteEvent;
import io.calbridge.provider.TimeZones;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/** The local copy of synced events: written page by page by inbound sync, read by the events API and availability. */
@Repository
public class EventStore {

    private static final String UPSERT = """
            INSERT INTO events (connection_id, calendar_id, external_id, user_id, status, title, description, location,
                start_at, end_at, all_day, start_date, end_date, time_zone, transparent, self_response, attendees,
                recurrence, recurring_event_id, original_start_at, meeting_url, html_link, etag, generation, synced_at, booking,
                calendar_copy_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?)
            ON CONFLICT (connection_id, calendar_id, external_id) DO UPDATE SET status = excluded.status,
                title = excluded.title, description = excluded.description, location = excluded.location,
                start_at = excluded.start_at, end_at = excluded.end_at, all_day = excluded.all_day,
                start_date = excluded.start_date, end_date = excluded.end_date, time_zone = excluded.time_zone,
                transparent = excluded.transparent, self_response = excluded.self_response, attendees = excluded.attendees,
                recurrence = excluded.recurrence, recurring_event_id = excluded.recurring_event_id,
                original_start_at = excluded.original_start_at, meeting_url = excluded.meeting_url,
                html_link = excluded.html_link, etag = excluded.etag, generation = excluded.generation,
                synced_at = excluded.synced_at, booking = excluded.booking, calendar_copy_id = excluded.calendar_copy_id""";

    private static final String COLUMNS = "e.connection_id, e.calendar_id, e.external_id, e.status, e.title, e.description, "
            + "e.location, e.start_at, e.end_at, e.all_day, e.start_date, e.end_date, e.time_zone, e.transparent, e.self_response, "
            + "e.recurrence, e.recurring_event_id, e.original_start_at, e.meeting_url, e.html_link, e.booking, p.appointment_id";
    /** Events calbridge pushed for appointments are linked to them, so nobody counts them twice. */
    private static final String FROM = " FROM events e LEFT JOIN appointment_events p ON p.connection_id = e.connection_id "
            + "AND p.calendar_id = e.calendar_id AND p.external_id = e.external_id ";

    /**
     * Whether a stored row is more than its own times to busy time: a series master (its occurrences anywhere), or a
     * booking whose calendar copy it hides (the copy's times are not the booking's).
     */
    private static final String STRUCTURAL = "(recurrence IS NOT NULL OR calendar_copy_id IS NOT NULL) AS structural";

    /** What a delete returns of each row, for {@link #touchedByDelete}. */
    private static final String DELETED = "user_id AS deleted_user, start_at, end_at, original_start_at, " + STRUCTURAL;

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final JsonMapper json;
    private final ChangeStamps stamps;
    private final Clock clock;

    EventStore(JdbcClient jdbc, JdbcTemplate template, JsonMapper json, ChangeStamps stamps, Clock clock) {
        this.jdbc = jdbc;
        this.template = template;
        this.json = json;
        this.stamps = stamps;
        this.clock = clock;
    }

    /** What one page did to the store: the ids (as the events API shows them) of the events it created, updated, deleted. */
    public record PageResult(List<String> createdIds, List<String> updatedIds, List<String> deletedIds) {

        static final PageResult NOTHING = new PageResult(List.of(), List.of(), List.of());

        public int created() {
            return createdIds.size();
        }

        public int updated() {
            return updatedIds.size();
        }

        public int deleted() {
            return deletedIds.size();
        }

        public boolean changedAnything() {
            return !createdIds.isEmpty() || !updatedIds.isEmpty() || !deletedIds.isEmpty();
        }
    }

    /**
     * Stores one page of changes of a calendar in one transaction. A cancelled event is removed, except a cancelled
     * instance of a series, which is kept: it takes that occurrence out of the series.
     */
    @Transactional
    public PageResult apply(UUID connectionId, String userId, String calendarId, ZoneId calendarZone, List<RemoteEvent> page,
            long generation) {
        if (page.isEmpty()) {
            return PageResult.NOTHING; // the usual incremental page when nothing changed: no SQL at all
        }
        Map<String, Stored> known = stored(connectionId, calendarId, page);
        BusyChange change = BusyChange.none();
        List<Object[]> upserts = new ArrayList<>();
        List<Object[]> deletes = new ArrayList<>();
        List<String> created = new ArrayList<>();
        List<String> updated = new ArrayList<>();
        Timestamp now = Timestamp.from(clock.instant());
        for (RemoteEvent event : page) {
            Stored before = known.get(event.externalId());
            if (event.cancelled() && event.recurringEventId() == null) {
                deletes.add(new Object[] {connectionId, calendarId, event.externalId()});
                if (before != null) {
                    before.touched(change);
                }
                continue;
            }
            Object[] row = row(connectionId, userId, calendarId, calendarZone, event, generation, now);
            if (row == null) {
                continue;
            }
            upserts.add(row);
            Stored.of(row).touched(change);
            if (before == null) {
                created.add(event.externalId());
            } else {
                before.touched(change);
            }
            if (before != null && (event.etag() == null || !event.etag().equals(before.etag()))) {
                updated.add(event.externalId()); // a full sync rewrites every event it sees; only a new version (etag) is an update
            }
        }
        template.batchUpdate(UPSERT, upserts);
        List<String> deleted = new ArrayList<>();
        int[] counts = template.batchUpdate("DELETE FROM events WHERE connection_id = ? AND calendar_id = ? AND external_id = ?", deletes);
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0) {
                deleted.add((String) deletes.get(i)[2]);
            }
        }
        if (!upserts.isEmpty() || !deleted.isEmpty()) {
            stamps.changed(userId, change); // an idle page (the usual incremental sync) keeps the user's cached busy time valid
        }
        return new PageResult(created, updated, deleted);
    }

    /** After a full sync: what it did not see is gone at the provider. Returns the ids of the events removed. */
    @Transactional
    public List<String> deleteNotSeen(UUID connectionId, String calendarId, long generation) {
        List<String> deleted = new ArrayList<>();
        Map<String, BusyChange> changes = new HashMap<>();
        jdbc.sql("DELETE FROM events WHERE connection_id = ? AND calendar_id = ? AND generation < ? RETURNING external_id, " + DELETED)
                .params(connectionId, calendarId, generation).query(rs -> {
                    deleted.add(rs.getString(1));
                    touchedByDelete(rs, changes);
                });
        changes.forEach(stamps::changed);
        return deleted;
    }

    /**
     * Events of calendars no longer synced (the user narrowed readCalendarIds, or the account lost the calendar).
     * Returns the ids of the events removed, by calendar.
     */
    @Transactional
    public Map<String, List<String>> deleteCalendars(UUID connectionId, List<String> calendarIds) {
        Map<String, List<String>> deleted = new LinkedHashMap<>();
        Map<String, BusyChange> changes = new HashMap<>();
        jdbc.sql("DELETE FROM events WHERE connection_id = ? AND calendar_id = ANY (?) RETURNING calendar_id, external_id, " + DELETED)
                .params(connectionId, calendarIds.toArray(String[]::new))
                .query(rs -> {
                    deleted.computeIfAbsent(rs.getString(1), calendar -> new ArrayList<>()).add(rs.getString(2));
                    touchedByDelete(rs, changes);
                });
        changes.forEach(stamps::changed);
        return deleted;
    }

    private static void touchedByDelete(ResultSet rs, Map<String, BusyChange> changes) throws SQLException {
        Stored.read(null, rs).touched(changes.computeIfAbsent(rs.getString("deleted_user"), user -> BusyChange.none()));
    }

    /** Single events and moved instances overlapping [from, to). */
    List<StoredEvent> singlesBetween(String userId, Instant from, Instant to, UUID connectionId) {
        return jdbc.sql("SELECT " + COLUMNS + FROM + "WHERE e.user_id = ? AND e.recurrence IS NULL AND e.status <> 'cancelled' "
                        + "AND e.start_at < ? AND e.end_at > ? AND (?::uuid IS NULL OR e.connection_id = ?::uuid) ORDER BY e.start_at")
                .params(userId, Timestamp.from(to), Timestamp.from(from), connectionId, connectionId)
                .query(this::map).list();
    }

    /**
     * Single events and moved instances overlapping any of the ranges [starts[i], ends[i]) (epoch seconds); an event
     * over two ranges may come twice. An overlap test alone could not bound the index scan from below (any earlier
     * start might end late), so events of up to four hours are looked for among those starting at most four hours
     * before a range, one short index range each, and longer ones (few: all-day and multi-day events) through their
     * own partial index. {@code OFFSET 0} keeps the subquery per range: flattened into a join, a planner without
     * statistics yet (a new installation, a bulk load) scanned all of the user's events once and tested each
     * against the ranges (7-11 ms for 10,000 events instead of well under one).
     */
    List<StoredEvent> singlesOverlapping(String userId, long[] starts, long[] ends) {
        String singles = "e.user_id = ? AND e.recurrence IS NULL AND e.status <> 'cancelled' ";
        return jdbc.sql("SELECT " + COLUMNS + " FROM unnest(?::bigint[], ?::bigint[]) AS r (s, e) CROSS JOIN LATERAL (SELECT e.*"
                        + " FROM events e WHERE " + singles + "AND e.start_at >= to_timestamp(r.s) - interval '4 hours' "
                        + "AND e.start_at < to_timestamp(r.e) AND e.end_at > to_timestamp(r.s) OFFSET 0) AS e "
                        + "LEFT JOIN appointment_events p ON p.connection_id = e.connection_id AND p.calendar_id = e.calendar_id "
                        + "AND p.external_id = e.external_id "
                        + "UNION ALL SELECT " + COLUMNS + FROM + "WHERE " + singles + "AND e.end_at - e.start_at > interval '4 hours' "
                        + "AND EXISTS (SELECT 1 FROM unnest(?::bigint[], ?::bigint[]) AS r (s, e) "
                        + "WHERE e.start_at < to_timestamp(r.e) AND e.end_at > to_timestamp(r.s))")
                .params(starts, ends, userId, userId, starts, ends).query(this::map).list();
    }

    /** The calendar's events among {@code externalIds} that are not cancelled (series masters as masters). */
    public List<StoredEvent> byIds(UUID connectionId, String calendarId, Collection<String> externalIds) {
        // driven by the ids: one key lookup each, whatever the calendar holds (with "external_id = ANY (?)" the generic
        // plan of a busy calendar scanned it whole); "IS NOT NULL" lets the pushed copy be found by its partial index
        return jdbc.sql("SELECT " + COLUMNS + " FROM unnest(?::text[]) AS ids (id) JOIN events e ON e.connection_id = ? "
                        + "AND e.calendar_id = ? AND e.external_id = ids.id LEFT JOIN appointment_events p ON p.connection_id = e.connection_id "
                        + "AND p.calendar_id = e.calendar_id AND p.external_id = e.external_id AND p.external_id IS NOT NULL "
                        + "WHERE e.status <> 'cancelled'")
                .params(externalIds.toArray(String[]::new), connectionId, calendarId).query(this::map).list();
    }

    /**
     * Series masters that start before {@code to}. The start is tested here, not in SQL: with it there, a generic plan
     * (prepared statements switch to one after five runs) read the user's events by (user_id, start_at) and filtered
     * thousands of them instead of the few masters of the partial index {@code events_series}.
     */
    List<StoredEvent> seriesStartingBefore(String userId, Instant to, UUID connectionId) {
        return jdbc.sql("SELECT " + COLUMNS + FROM + "WHERE e.user_id = ? AND e.recurrence IS NOT NULL AND e.status <> 'cancelled' "
                        + "AND (?::uuid IS NULL OR e.connection_id = ?::uuid)")
                .params(userId, connectionId, connectionId).query(this::map).list().stream()
                .filter(master -> master.start().isBefore(to)).toList();
    }

    /** Instances of series that replace (moved) or remove (cancelled) one occurrence. */
    List<StoredEvent> seriesExceptions(String userId, UUID connectionId) {
        return jdbc.sql("SELECT " + COLUMNS + FROM + "WHERE e.user_id = ? AND e.recurring_event_id IS NOT NULL "
                        + "AND (?::uuid IS NULL OR e.connection_id = ?::uuid)")
                .params(userId, connectionId, connectionId).query(this::map).list();
    }

    public int count(UUID connectionId) {
        return jdbc.sql("SELECT count(*) FROM events WHERE connection_id = ?").param(connectionId).query(Integer.class).single();
    }

    /**
     * A stored event as far as busy time goes: where it is (and, for an instance of a series, which occurrence it
     * replaces), so that a change records the times it leaves as well as those it takes.
     */
    private record Stored(String etag, Timestamp start, Timestamp end, Timestamp originalStart, boolean structural) {

        static Stored read(String etag, ResultSet rs) throws SQLException {
            return new Stored(etag, rs.getTimestamp("start_at"), rs.getTimestamp("end_at"), rs.getTimestamp("original_start_at"),
                    rs.getBoolean("structural"));
        }

        /** The row about to be written ({@link #row}'s columns). */
        static Stored of(Object[] row) {
            return new Stored(null, (Timestamp) row[8], (Timestamp) row[9], (Timestamp) row[19], row[17] != null || row[26] != null);
        }

        /**
         * Adds the times whose busy time this row decides: its own, and the start of the occurrence it replaces (the
         * occurrence starts exactly there, so a one-second range meets it whatever the series' length).
         */
        void touched(BusyChange change) {
            if (structural) {
                change.markEverything();
                return;
            }
            change.range(start.toInstant(), end.toInstant());
            if (originalStart != null) {
                change.range(originalStart.toInstant(), originalStart.toInstant());
            }
        }
    }

    /**
     * The stored events among the page's. Taken under a lock on the calendar, held to the commit, so that the times
     * read here are those this page replaces even if another writer of the calendar (an overlapping sync run, a
     * webhook) is at work: without it both could read the same old times, and the times the first one wrote would be
     * recorded by neither as left. Cheap: a lock in memory, one per page that writes, no row is touched.
     */
    private Map<String, Stored> stored(UUID connectionId, String calendarId, List<RemoteEvent> page) {
        jdbc.sql("SELECT 1 FROM pg_advisory_xact_lock(hashtextextended(?, 0))").param("events " + connectionId + " " + calendarId)
                .query(Integer.class).single();
        String[] ids = page.stream().map(RemoteEvent::externalId).toArray(String[]::new);
        Map<String, Stored> stored = new HashMap<>();
        jdbc.sql("SELECT external_id, etag, start_at, end_at, original_start_at, " + STRUCTURAL
                        + " FROM events WHERE connection_id = ? AND calendar_id = ? AND external_id = ANY (?)")
                .params(connectionId, calendarId, ids).query(rs -> {
                    stored.put(rs.getString(1), Stored.read(rs.getString(2), rs));
                });
        return stored;
    }

    private Object[] row(UUID connectionId, String userId, String calendarId, ZoneId calendarZone, RemoteEvent e, long generation,
            Timestamp now) {
        EventTime start = e.start() != null ? e.start() : e.originalStart();
        EventTime end = e.end() != null ? e.end() : start;
        if (start == null) {
            return null; // a cancelled instance without any time cannot take anything out of its series
        }
        Instant startAt = instant(start, calendarZone);
        Instant endAt = instant(end, calendarZone);
        String zone = start.timeZone() != null ? start.timeZone() : TimeZones.name(calendarZone);
        return new Object[] {connectionId, calendarId, e.externalId(), userId, e.status() == null ? "confirmed" : e.status(),
                e.title(), e.description(), e.location(), Timestamp.from(startAt), Timestamp.from(endAt.isBefore(startAt) ? startAt : endAt),
                start.isAllDay(), date(start.date()), date(end.date()), zone, e.transparent(), e.selfResponse(),
                e.attendees().isEmpty() ? null : json.writeValueAsString(e.attendees()), e.recurrenceRule(), e.recurringEventId(),
                e.originalStart() == null ? null : Timestamp.from(instant(e.originalStart(), calendarZone)), e.meetingUrl(),
                e.htmlLink(), e.etag(), generation, now, e.booking() == null ? null : json.writeValueAsString(e.booking()),
                e.booking() == null ? null : e.booking().calendarEventId()};
    }

    /** An all-day date starts at midnight in the calendar's zone. */
    static Instant instant(EventTime time, ZoneId calendarZone) {
        return time.isAllDay() ? time.date().atStartOfDay(calendarZone).toInstant() : time.instant();
    }

    private static Date date(LocalDate date) {
        return date == null ? null : Date.valueOf(date);
    }

    /**
     * The ids of the calendar copies that scheduling tools wrote of the user's bookings (Calendly's
     * {@code calendar_event.external_id}), each with the connection of its booking.
     */
    List<Map.Entry<String, UUID>> bookingCopies(String userId) {
        return jdbc.sql("SELECT calendar_copy_id, connection_id FROM events WHERE user_id = ? AND calendar_copy_id IS NOT NULL")
                .param(userId).query((rs, row) -> Map.entry(rs.getString(1), rs.getObject(2, UUID.class))).list();
    }

    /**
     * The id of the connection's stored booking named by {@code id}: its id as the events API shows it, or that id's
     * last path segment (a scheduling tool's ids are URIs, awkward in a URL path).
     */
    public Optional<String> bookingId(UUID connectionId, String id) {
        return jdbc.sql("""
                SELECT external_id FROM events WHERE connection_id = ? AND booking IS NOT NULL
                AND (external_id = ? OR right(external_id, length(?) + 1) = '/' || ?) ORDER BY external_id LIMIT 1""")
                .params(connectionId, id, id, id).query(String.class).optional();
    }

    private StoredEvent map(ResultSet rs, int row) throws SQLException {
        Date startDate = rs.getDate("start_date");
        Date endDate = rs.getDate("end_date");
        Timestamp originalStart = rs.getTimestamp("original_start_at");
        return new StoredEvent(rs.getObject("connection_id", UUID.class), rs.getString("calendar_id"), rs.getString("external_id"),
                rs.getString("status"), rs.getString("title"), rs.getString("description"), rs.getString("location"),
                rs.getTimestamp("start_at").toInstant(), rs.getTimestamp("end_at").toInstant(), rs.getBoolean("all_day"),
                startDate == null ? null : startDate.toLocalDate(), endDate == null ? null : endDate.toLocalDate(),
                rs.getString("time_zone"), rs.getBoolean("transparent"), rs.getString("self_response"), rs.getString("recurrence"),
                rs.getString("recurring_event_id"), originalStart == null ? null : originalStart.toInstant(),
                rs.getString("meeting_url"), rs.getString("html_link"), rs.getString("appointment_id"), booking(rs.getString("booking")));
    }

    private Booking booking(String stored) {
        return stored == null ? null : json.readValue(stored, Booking.class);
    }
}
