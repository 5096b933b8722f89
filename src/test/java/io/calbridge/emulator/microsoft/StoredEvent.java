package io.calbridge.emulator.microsoft;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.node.ObjectNode;

/**
 * One stored event of a mailbox: a single instance, a series master (with its rule and cancelled occurrences) or an
 * exception (a changed occurrence, stored under its occurrence's id). Deleted events stay as tombstones so that delta
 * can report them. Guarded by the mailbox's lock.
 */
final class StoredEvent {

    static final String SINGLE = "singleInstance";
    static final String MASTER = "seriesMaster";
    static final String EXCEPTION = "exception";
    static final String OCCURRENCE = "occurrence";

    /** The id without its prefix: random for singles and masters, {@code {masterKey}_{epochSecond}} for exceptions and occurrences. */
    final String key;
    String calendarId;
    String type;
    /** Client-settable properties kept as sent: subject, body, location, attendees, showAs, categories, importance, ... */
    ObjectNode fields;
    /** Local start and end in {@link #zone} (the zone the event was written in); all-day events are midnight to midnight. */
    LocalDateTime localStart;
    LocalDateTime localEnd;
    String zone;
    String endZone;
    boolean allDay;
    Instant start;
    Instant end;
    Recurrence recurrence;
    /** Master only: original start of a cancelled (deleted) occurrence → the change number of its cancellation. */
    final Map<Instant, Long> cancelled = new TreeMap<>();
    String seriesMasterKey;
    Instant originalStart;
    String transactionId;
    String iCalUId;
    String changeKey;
    Instant created;
    Instant modified;
    boolean deleted;
    /** The mailbox change number of the last change; delta reports events changed after a token's number. */
    long seq;
    /** Where the event was before its last change (null for a new one): delta reports a move out of a window as a removal. */
    Instant previousStart;
    Instant previousEnd;
    String organizerName;
    String organizerAddress;
    boolean isOrganizer = true;
    String response = "organizer";
    Instant responseTime;
    boolean isOnlineMeeting;
    String onlineMeetingProvider = "unknown";
    String joinUrl;

    StoredEvent(String key) {
        this.key = key;
    }

    boolean overlaps(Instant from, Instant to) {
        return start.isBefore(to) && end.isAfter(from) || start.equals(end) && !start.isBefore(from) && start.isBefore(to);
    }

    Duration length() {
        return Duration.between(start, end);
    }

    ZoneId zoneId() {
        ZoneId id = WindowsZones.zone(zone);
        return id == null ? ZoneId.of("UTC") : id;
    }

    /** An occurrence's key: the master's key and the occurrence's original start. */
    static String occurrenceKey(String masterKey, Instant originalStart) {
        return masterKey + "_" + originalStart.getEpochSecond();
    }

    static boolean isOccurrenceKey(String key) {
        return key.indexOf('_') > 0;
    }

    static String masterKeyOf(String occurrenceKey) {
        return occurrenceKey.substring(0, occurrenceKey.indexOf('_'));
    }

    static Instant originalStartOf(String occurrenceKey) {
        try {
            return Instant.ofEpochSecond(Long.parseLong(occurrenceKey.substring(occurrenceKey.indexOf('_') + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
