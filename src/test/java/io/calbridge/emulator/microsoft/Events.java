package io.calbridge.emulator.microsoft;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writing events as Graph does: create (transactionId makes it idempotent per mailbox), update (an occurrence becomes
 * an exception), delete and cancel (an occurrence is cancelled on its master), with etag checks. Every change takes
 * a new mailbox change number (for delta) and tells the directory's listener (for subscriptions). Callers hold no
 * lock; each method takes the mailbox's write lock.
 */
final class Events {

    /** Properties a client may set, kept as sent. */
    private static final Set<String> FREE_FIELDS = Set.of("subject", "body", "location", "locations", "attendees", "categories", "importance",
            "sensitivity", "showAs", "isReminderOn", "reminderMinutesBeforeStart", "responseRequested", "allowNewTimeProposals", "hideAttendees");
    private static final Set<String> SHOW_AS = Set.of("free", "tentative", "busy", "oof", "workingElsewhere", "unknown");

    /** What an id names: a stored event, or an occurrence of a master (stored == master, originalStart set). */
    record Target(StoredEvent stored, StoredEvent master, Instant originalStart) {
        boolean isVirtualOccurrence() {
            return stored == null;
        }

        String key() {
            return stored != null ? stored.key : StoredEvent.occurrenceKey(master.key, originalStart);
        }
    }

    private final Directory directory;

    Events(Directory directory) {
        this.directory = directory;
    }

    /** Resolves an id within a mailbox (and calendar when given); null when it names nothing live. Caller holds a lock. */
    static Target find(Mailbox mailbox, String id, Mailbox.Calendar calendar) {
        String key = EventJson.key(id);
        if (key == null) {
            return null;
        }
        StoredEvent stored = mailbox.live(key);
        if (stored != null) {
            return calendar == null || stored.calendarId.equals(calendar.key) ? new Target(stored, null, null) : null;
        }
        if (!StoredEvent.isOccurrenceKey(key) || mailbox.events.containsKey(key)) {
            return null; // unknown, or a deleted exception
        }
        StoredEvent master = mailbox.live(StoredEvent.masterKeyOf(key));
        Instant originalStart = StoredEvent.originalStartOf(key);
        if (master == null || originalStart == null || !StoredEvent.MASTER.equals(master.type) || master.cancelled.containsKey(originalStart)
                || calendar != null && !master.calendarId.equals(calendar.key)) {
            return null;
        }
        LocalDateTime local = LocalDateTime.ofInstant(originalStart, master.zoneId());
        if (!local.toLocalTime().equals(master.localStart.toLocalTime()) || !master.recurrence.isOccurrence(local.toLocalDate())) {
            return null;
        }
        return new Target(null, master, originalStart);
    }

    // ---- create -------------------------------------------------------------------------------------------------

    /** Creates an event from Graph JSON; with a transactionId seen before in the mailbox, returns that event instead. */
    StoredEvent create(Mailbox mailbox, Mailbox.Calendar calendar, ObjectNode json) {
        mailbox.lock.writeLock().lock();
        StoredEvent event;
        try {
            String transactionId = Json.text(json, "transactionId");
            if (transactionId != null) {
                StoredEvent existing = mailbox.events.get(mailbox.transactionIds.getOrDefault(transactionId, ""));
                if (existing != null && !existing.deleted) {
                    return existing;
                }
            }
            Instant now = directory.now();
            event = new StoredEvent(Mailbox.newKey());
            event.calendarId = calendar.key;
            event.fields = Json.object();
            event.created = now;
            event.transactionId = transactionId;
            event.iCalUId = "040000008200E00074C5B7101A82E008000000" + Json.randomToken(24).replace('-', '0').replace('_', '1').toUpperCase(java.util.Locale.ROOT);
            event.organizerName = mailbox.displayName;
            event.organizerAddress = mailbox.mail != null ? mailbox.mail : mailbox.userPrincipalName;
            apply(mailbox, event, json, true);
            event.type = event.recurrence != null ? StoredEvent.MASTER : StoredEvent.SINGLE;
            stamp(mailbox, event, now);
            mailbox.put(event);
            if (transactionId != null) {
                mailbox.transactionIds.put(transactionId, event.key);
            }
        } finally {
            mailbox.lock.writeLock().unlock();
        }
        directory.listener.changed(mailbox, calendar, "created", EventJson.id(event.key, false));
        return event;
    }

    /** The change key Exchange gives an event right after it processed a new one: the create's etag is stale at once. */
    static void processAfterCreate(Mailbox mailbox, StoredEvent event) {
        mailbox.lock.writeLock().lock();
        try {
            event.changeKey = newChangeKey();
        } finally {
            mailbox.lock.writeLock().unlock();
        }
    }

    /** Reads settable properties from JSON into the event; creating requires start and end. */
    private void apply(Mailbox mailbox, StoredEvent event, ObjectNode json, boolean creating) {
        for (String field : FREE_FIELDS) {
            if (json.has(field)) {
                JsonNode value = json.get(field);
                if (value.isNull()) {
                    event.fields.remove(field);
                } else {
                    event.fields.set(field, value.deepCopy());
                }
            }
        }
        String showAs = Json.text(json, "showAs");
        if (showAs != null && !SHOW_AS.contains(showAs)) {
            throw GraphException.badRequest("RequestBodyRead", "Cannot convert the literal '" + showAs + "' to the expected type 'microsoft.graph.freeBusyStatus'.");
        }
        boolean allDay = json.has("isAllDay") ? json.get("isAllDay").asBoolean(false) : event.allDay;
        JsonNode start = json.get("start");
        JsonNode end = json.get("end");
        if (creating && (start == null || end == null || start.isNull() || end.isNull())) {
            throw GraphException.badRequest("ErrorInvalidRequest", "Your request can't be completed. The event must have a start and an end time.");
        }
        if (start != null || end != null || allDay != event.allDay) {
            String startZone = zoneName(start, event.zone);
            String endZone = zoneName(end, event.endZone == null ? startZone : event.endZone);
            LocalDateTime localStart = start == null ? event.localStart : local(start);
            LocalDateTime localEnd = end == null ? event.localEnd : local(end);
            ZoneId startId = WindowsZones.zone(startZone);
            ZoneId endId = WindowsZones.zone(endZone);
            Instant startInstant = localStart.atZone(startId).toInstant();
            Instant endInstant = localEnd.atZone(endId).toInstant();
            if (endInstant.isBefore(startInstant)) {
                throw GraphException.badRequest("ErrorInvalidRequest", "Your request can't be completed. The end time must be after the start time.");
            }
            if (allDay && (!localStart.toLocalTime().equals(LocalTime.MIDNIGHT) || !localEnd.toLocalTime().equals(LocalTime.MIDNIGHT)
                    || !localEnd.isAfter(localStart))) {
                throw GraphException.badRequest("ErrorInvalidRequest",
                        "Your request can't be completed. If isAllDay is true, the start and end must be at midnight and at least a day apart.");
            }
            event.previousStart = event.start;
            event.previousEnd = event.end;
            event.allDay = allDay;
            event.zone = startZone;
            event.endZone = endZone;
            event.localStart = localStart;
            event.localEnd = localEnd;
            event.start = startInstant;
            event.end = endInstant;
        }
        if (json.has("recurrence")) {
            JsonNode recurrence = json.get("recurrence");
            if (recurrence.isNull()) {
                event.recurrence = null;
            } else if (!StoredEvent.EXCEPTION.equals(event.type)) {
                event.recurrence = Recurrence.parse(recurrence, event.localStart.toLocalDate());
            }
        }
        if (json.has("isOnlineMeeting") || json.has("onlineMeetingProvider")) {
            boolean online = json.path("isOnlineMeeting").asBoolean(event.isOnlineMeeting);
            String provider = Json.text(json, "onlineMeetingProvider");
            onlineMeeting(mailbox, event, online, provider);
        }
    }

    /** Teams links exist for work accounts only; a personal account gets no online meeting. */
    private static void onlineMeeting(Mailbox mailbox, StoredEvent event, boolean online, String provider) {
        if (!online) {
            event.isOnlineMeeting = false;
            event.onlineMeetingProvider = "unknown";
            event.joinUrl = null;
            return;
        }
        String chosen = provider == null || provider.equals("unknown") ? (mailbox.personal ? "unknown" : "teamsForBusiness") : provider;
        if (mailbox.personal || !chosen.equals("teamsForBusiness")) {
            event.isOnlineMeeting = false;
            event.onlineMeetingProvider = "unknown";
            event.joinUrl = null;
            return;
        }
        event.isOnlineMeeting = true;
        event.onlineMeetingProvider = "teamsForBusiness";
        if (event.joinUrl == null) {
            event.joinUrl = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_" + Json.randomToken(36) + "%40thread.v2/0?context=%7b%22Tid%22%3a%22"
                    + mailbox.tenantId + "%22%2c%22Oid%22%3a%22" + mailbox.id + "%22%7d";
        }
    }

    private static String zoneName(JsonNode time, String fallback) {
        if (time == null || time.isNull()) {
            return fallback;
        }
        String zone = Json.text(time, "timeZone");
        if (zone == null) {
            zone = fallback == null ? "UTC" : fallback;
        }
        if (WindowsZones.zone(zone) == null) {
            throw GraphException.badRequest("TimeZoneNotSupportedException",
                    "A valid TimeZone value must be specified. The following TimeZone value is not supported: '" + zone + "'.");
        }
        return WindowsZones.storedName(zone);
    }

    private static LocalDateTime local(JsonNode time) {
        LocalDateTime local = Json.parseLocal(Json.text(time, "dateTime"));
        if (local == null) {
            throw GraphException.badRequest("ErrorInvalidRequest", "Your request can't be completed. The dateTime '" + Json.text(time, "dateTime") + "' is not valid.");
        }
        return local;
    }

    private static void stamp(Mailbox mailbox, StoredEvent event, Instant now) {
        event.modified = now;
        event.changeKey = newChangeKey();
        event.seq = mailbox.nextSeq();
    }

    static String newChangeKey() {
        return "DwAAABYAAAA" + Mailbox.newKey();
    }

    // ---- update -------------------------------------------------------------------------------------------------

    /** PATCH: ifMatch (an etag or "*", or null) must match the current etag; an occurrence becomes an exception. */
    StoredEvent update(Mailbox mailbox, Mailbox.Calendar calendar, String id, ObjectNode json, String ifMatch) {
        StoredEvent event;
        Mailbox.Calendar changed;
        mailbox.lock.writeLock().lock();
        try {
            Target target = find(mailbox, id, calendar);
            if (target == null) {
                throw GraphException.notFound();
            }
            checkEtag(target.isVirtualOccurrence() ? target.master() : target.stored(), ifMatch);
            Instant now = directory.now();
            if (target.isVirtualOccurrence()) {
                event = exceptionFrom(target.master(), target.originalStart());
                json.remove("recurrence");
            } else {
                event = target.stored();
            }
            boolean wasMaster = StoredEvent.MASTER.equals(event.type);
            apply(mailbox, event, json, false);
            if (StoredEvent.SINGLE.equals(event.type) && event.recurrence != null) {
                event.type = StoredEvent.MASTER;
            } else if (wasMaster && event.recurrence == null) {
                event.type = StoredEvent.SINGLE;
            }
            stamp(mailbox, event, now);
            mailbox.put(event);
            if (wasMaster) {
                // a change of the series reaches its exceptions' delta items too
                for (StoredEvent other : mailbox.calendar(event.calendarId).events.values()) {
                    if (event.key.equals(other.seriesMasterKey) && !other.deleted) {
                        other.seq = mailbox.nextSeq();
                    }
                }
            }
            changed = mailbox.calendar(event.calendarId);
        } finally {
            mailbox.lock.writeLock().unlock();
        }
        directory.listener.changed(mailbox, changed, "updated", EventJson.id(event.key, false));
        return event;
    }

    private static StoredEvent exceptionFrom(StoredEvent master, Instant originalStart) {
        StoredEvent e = new StoredEvent(StoredEvent.occurrenceKey(master.key, originalStart));
        e.type = StoredEvent.EXCEPTION;
        e.calendarId = master.calendarId;
        e.fields = master.fields.deepCopy();
        e.seriesMasterKey = master.key;
        e.originalStart = originalStart;
        e.allDay = master.allDay;
        e.zone = master.zone;
        e.endZone = master.endZone;
        e.localStart = LocalDateTime.ofInstant(originalStart, master.zoneId());
        e.localEnd = e.localStart.plus(Duration.between(master.localStart, master.localEnd));
        e.start = originalStart;
        e.end = originalStart.plus(master.length());
        e.previousStart = e.start;
        e.previousEnd = e.end;
        e.created = master.created;
        e.iCalUId = master.iCalUId;
        e.organizerName = master.organizerName;
        e.organizerAddress = master.organizerAddress;
        e.isOrganizer = master.isOrganizer;
        e.response = master.response;
        e.responseTime = master.responseTime;
        e.isOnlineMeeting = master.isOnlineMeeting;
        e.onlineMeetingProvider = master.onlineMeetingProvider;
        e.joinUrl = master.joinUrl;
        return e;
    }

    private static void checkEtag(StoredEvent event, String ifMatch) {
        if (ifMatch == null || ifMatch.equals("*")) {
            return;
        }
        String current = EventJson.etag(event.changeKey);
        if (!ifMatch.trim().equals(current) && !ifMatch.trim().equals("\"" + event.changeKey + "\"") && !ifMatch.trim().equals(event.changeKey)) {
            throw GraphException.graph(412, "ErrorIrresolvableConflict", "The send or update operation could not be performed because the change key passed"
                    + " in the request does not match the current change key for the item.");
        }
    }

    // ---- delete / cancel ----------------------------------------------------------------------------------------

    /** DELETE (and, for the organizer, cancel): a series goes with its exceptions; an occurrence is cancelled on its master. */
    void delete(Mailbox mailbox, Mailbox.Calendar calendar, String id, String ifMatch, boolean organizerOnly) {
        List<String> removedIds = new ArrayList<>();
        Mailbox.Calendar changed;
        mailbox.lock.writeLock().lock();
        try {
            Target target = find(mailbox, id, calendar);
            if (target == null) {
                throw GraphException.notFound();
            }
            StoredEvent subject = target.isVirtualOccurrence() ? target.master() : target.stored();
            if (organizerOnly && !subject.isOrganizer) {
                throw GraphException.badRequest("ErrorAccessDenied", "Your request can't be completed. You need to be an organizer to cancel a meeting.");
            }
            checkEtag(subject, ifMatch);
            Instant now = directory.now();
            changed = mailbox.calendar(subject.calendarId);
            if (target.isVirtualOccurrence()) {
                target.master().cancelled.put(target.originalStart(), mailbox.nextSeq());
            } else if (StoredEvent.EXCEPTION.equals(subject.type)) {
                StoredEvent master = mailbox.events.get(subject.seriesMasterKey);
                if (master != null) {
                    master.cancelled.put(subject.originalStart, mailbox.nextSeq());
                }
                tombstone(mailbox, subject, now);
            } else {
                tombstone(mailbox, subject, now);
                if (StoredEvent.MASTER.equals(subject.type)) {
                    for (StoredEvent other : changed.events.values()) {
                        if (subject.key.equals(other.seriesMasterKey) && !other.deleted) {
                            tombstone(mailbox, other, now);
                        }
                    }
                }
            }
            removedIds.add(EventJson.id(target.key(), false));
        } finally {
            mailbox.lock.writeLock().unlock();
        }
        removedIds.forEach(removed -> directory.listener.changed(mailbox, changed, "deleted", removed));
    }

    private static void tombstone(Mailbox mailbox, StoredEvent event, Instant now) {
        event.deleted = true;
        event.previousStart = event.start;
        event.previousEnd = event.end;
        event.modified = now;
        event.seq = mailbox.nextSeq();
        if (event.transactionId != null) {
            mailbox.transactionIds.remove(event.transactionId);
        }
    }

    // ---- seeding ------------------------------------------------------------------------------------------------

    /** count timed single events, one every step, each lasting length; returns their ids. Fast: one lock, no JSON parsing. */
    List<String> seed(Mailbox mailbox, Mailbox.Calendar calendar, int count, Instant firstStart, Duration step, Duration length, String subject) {
        List<String> ids = new ArrayList<>(count);
        Instant now = directory.now();
        ZoneId zone = WindowsZones.zone(mailbox.timeZone);
        mailbox.lock.writeLock().lock();
        try {
            for (int i = 0; i < count; i++) {
                StoredEvent e = new StoredEvent(Mailbox.newKey());
                e.calendarId = calendar.key;
                e.type = StoredEvent.SINGLE;
                e.fields = Json.object();
                e.fields.put("subject", subject + " " + (i + 1));
                e.start = firstStart.plus(step.multipliedBy(i));
                e.end = e.start.plus(length);
                e.zone = mailbox.timeZone;
                e.endZone = mailbox.timeZone;
                e.localStart = LocalDateTime.ofInstant(e.start, zone);
                e.localEnd = LocalDateTime.ofInstant(e.end, zone);
                e.created = now;
                e.iCalUId = "040000008200E00074C5B7101A82E00800000000" + e.key.toUpperCase(java.util.Locale.ROOT);
                e.organizerName = mailbox.displayName;
                e.organizerAddress = mailbox.mail != null ? mailbox.mail : mailbox.userPrincipalName;
                stamp(mailbox, e, now);
                mailbox.put(e);
                ids.add(EventJson.id(e.key, false));
            }
        } finally {
            mailbox.lock.writeLock().unlock();
        }
        if (count > 0) {
            directory.listener.changed(mailbox, calendar, "created", ids.get(ids.size() - 1));
        }
        return ids;
    }

    /** Marks an event as an invitation from someone else with the user's answer (accepted, declined, tentativelyAccepted, notResponded). */
    void makeInvitation(Mailbox mailbox, String id, String organizerName, String organizerAddress, String response) {
        mailbox.lock.writeLock().lock();
        try {
            Target target = find(mailbox, id, null);
            if (target == null || target.isVirtualOccurrence()) {
                throw new IllegalArgumentException("no stored event " + id);
            }
            StoredEvent e = target.stored();
            e.isOrganizer = false;
            e.organizerName = organizerName;
            e.organizerAddress = organizerAddress;
            e.response = response;
            e.responseTime = directory.now();
            stamp(mailbox, e, directory.now());
        } finally {
            mailbox.lock.writeLock().unlock();
        }
    }

    static LocalDate today(Directory directory, Mailbox mailbox) {
        return LocalDate.ofInstant(directory.now(), WindowsZones.zone(mailbox.timeZone));
    }
}
