package io.calbridge.emulator.google;

import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import tools.jackson.databind.node.ObjectNode;

/**
 * One calendar and its events, with the indexes that keep every list request proportional to its page:
 * <ul>
 * <li>{@link #byStart}: single events and exceptions ordered by (start, id), for time-ordered pages and windows;</li>
 * <li>{@link #masters}: recurring series by id, expanded on demand;</li>
 * <li>{@link #changes}: the change log, each event once under the sequence number of its latest change, so
 * "everything changed since sync token N" is a tail of this map.</li>
 * </ul>
 * Guarded by {@link #lock}: list pages read under the read lock, changes write under the write lock.
 */
final class CalendarData {

    record EventKey(long startMillis, String id) implements Comparable<EventKey> {
        @Override
        public int compareTo(EventKey other) {
            int byStart = Long.compare(startMillis, other.startMillis);
            return byStart != 0 ? byStart : id.compareTo(other.id);
        }
    }

    /** A small number identifying the calendar inside sync and page tokens. */
    final int number;
    final String id;
    final String ownerEmail;
    final boolean primary;
    final ZoneId zone;
    final String summary;
    final String colorId;
    final String baseUrl;
    /** The opaque id of this calendar's events collection in push notifications; stable across channels. */
    final String resourceId;

    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    final Map<String, StoredEvent> byId = new HashMap<>();
    final TreeMap<EventKey, StoredEvent> byStart = new TreeMap<>();
    final TreeMap<String, StoredEvent> masters = new TreeMap<>();
    final TreeMap<Long, StoredEvent> changes = new TreeMap<>();
    /** The longest single event so far: a window query starts its scan this much before timeMin. Only grows. */
    long maxDurationMillis;
    /** Bumped by "expire sync tokens": a token of an older epoch answers 410. */
    int epoch;
    /** Read without the lock by calendars.get and calendarList (a slightly stale value is harmless there). */
    volatile Instant updated;

    CalendarData(int number, String id, String ownerEmail, boolean primary, ZoneId zone, String summary, String colorId, String baseUrl,
            String resourceId, Instant created) {
        this.number = number;
        this.id = id;
        this.ownerEmail = ownerEmail;
        this.primary = primary;
        this.zone = zone;
        this.summary = summary;
        this.colorId = colorId;
        this.baseUrl = baseUrl;
        this.resourceId = resourceId;
        this.updated = created;
    }

    /** Stores a new version of an event, replacing the old one in every index. Caller holds the write lock. */
    void put(StoredEvent event) {
        StoredEvent old = byId.put(event.id, event);
        if (old != null) {
            changes.remove(old.changeSeq);
            if (old.isMaster()) {
                masters.remove(old.id);
            } else {
                byStart.remove(old.key());
            }
        }
        changes.put(event.changeSeq, event);
        if (event.isMaster()) {
            masters.put(event.id, event);
        } else {
            byStart.put(event.key(), event);
            maxDurationMillis = Math.max(maxDurationMillis, event.endMillis - event.startMillis);
        }
        if (event.updated.isAfter(updated)) {
            updated = event.updated;
        }
    }

    String etag() {
        return "\"" + updated.toEpochMilli() * 1000 + "\"";
    }

    ObjectNode calendarJson() {
        ObjectNode node = Json.object();
        node.put("kind", "calendar#calendar");
        node.put("etag", etag());
        node.put("id", id);
        node.put("summary", summary);
        node.put("timeZone", zone.getId());
        node.putObject("conferenceProperties").putArray("allowedConferenceSolutionTypes").add("hangoutsMeet");
        return node;
    }

    ObjectNode listEntryJson() {
        ObjectNode node = Json.object();
        node.put("kind", "calendar#calendarListEntry");
        node.put("etag", etag());
        node.put("id", id);
        node.put("summary", summary);
        node.put("timeZone", zone.getId());
        node.put("colorId", colorId);
        node.put("backgroundColor", Colors.background(colorId));
        node.put("foregroundColor", "#000000");
        node.put("selected", true);
        node.put("accessRole", "owner");
        node.putArray("defaultReminders").addObject().put("method", "popup").put("minutes", 10);
        node.putObject("conferenceProperties").putArray("allowedConferenceSolutionTypes").add("hangoutsMeet");
        if (primary) {
            node.put("primary", true);
        }
        return node;
    }

    /** Google's calendar palette (colors.get, "calendar" section), for the ids this emulator hands out. */
    static final class Colors {
        private static final String[] BACKGROUNDS = {"#ac725e", "#d06b64", "#f83a22", "#fa573c", "#ff7537", "#ffad46", "#42d692",
                "#16a765", "#7bd148", "#b3dc6c", "#fbe983", "#fad165", "#92e1c0", "#9fe1e7", "#9fc6e7", "#4986e7", "#9a9cff",
                "#b99aff", "#c2c2c2", "#cabdbf", "#cca6ac", "#f691b2", "#cd74e6", "#a47ae2"};

        private Colors() {
        }

        static String background(String colorId) {
            int index = Integer.parseInt(colorId) - 1;
            return BACKGROUNDS[Math.floorMod(index, BACKGROUNDS.length)];
        }

        static String idFor(int calendarNumber, boolean primary) {
            // primary calendars get Google's default blue (14), others a spread of distinct colours
            return primary ? "14" : Integer.toString(calendarNumber % BACKGROUNDS.length + 1);
        }
    }
}
