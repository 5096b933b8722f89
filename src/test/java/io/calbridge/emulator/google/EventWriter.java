package io.calbridge.emulator.google;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * events.insert / patch / update / delete / get with Google's rules, used by the API and by the control surface
 * ("changes from Google's side" go through the same code, so they bump the change log and notify watchers alike).
 */
final class EventWriter {

    /** Google: ids are base32hex ([a-v0-9]), 5 to 1024 characters. */
    private static final Pattern CLIENT_ID = Pattern.compile("[a-v0-9]{5,1024}");
    private static final Set<String> STATUSES = Set.of("confirmed", "tentative", "cancelled");
    private static final DateTimeFormatter INSTANCE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    /** What an event id names: a stored version, or a generated occurrence of a stored series. */
    record Found(StoredEvent stored, StoredEvent master, EventTime occurrence) {
        String etag() {
            return stored != null ? stored.etag() : master.etag();
        }
    }

    private final Store store;

    EventWriter(Store store) {
        this.store = store;
    }

    StoredEvent insert(CalendarData calendar, ObjectNode body, int conferenceDataVersion) {
        String id = Json.text(body, "id");
        if (id != null && !CLIENT_ID.matcher(id).matches()) {
            throw GoogleApiException.invalid("Invalid resource id value.");
        }
        StoredEvent event;
        calendar.lock.writeLock().lock();
        try {
            if (id == null) {
                id = Store.randomId(26);
            } else if (calendar.byId.containsKey(id)) {
                // also for a deleted event: Google never lets an id be reused
                throw GoogleApiException.duplicate();
            }
            String iCalUID = Json.text(body, "iCalUID");
            event = build(calendar, id, body, null, iCalUID != null ? iCalUID : id + "@google.com", null, null, conferenceDataVersion, null);
            calendar.put(event);
        } finally {
            calendar.lock.writeLock().unlock();
        }
        store.changed(calendar);
        return event;
    }

    /** PATCH (merge) when {@code replace} is false, PUT (replace) when true. An instance id makes an exception. */
    StoredEvent modify(CalendarData calendar, String eventId, ObjectNode request, boolean replace, int conferenceDataVersion, String ifMatch) {
        StoredEvent event;
        calendar.lock.writeLock().lock();
        try {
            Found found = find(calendar, eventId);
            checkMatch(found, ifMatch);
            StoredEvent previous = found.stored();
            StoredEvent master = found.master();
            ObjectNode base = previous != null ? previous.clientView(calendar.zone) : instanceView(master, found.occurrence(), calendar);
            ObjectNode view = replace ? request.deepCopy() : merge(base, request);
            String seriesId = previous != null ? previous.recurringEventId : master.id;
            EventTime originalStart = previous != null ? previous.originalStart : found.occurrence();
            StoredEvent template = previous != null ? previous : master;
            event = build(calendar, eventId, view, previous, template.iCalUID, seriesId, originalStart, conferenceDataVersion, template);
            calendar.put(event);
        } finally {
            calendar.lock.writeLock().unlock();
        }
        store.changed(calendar);
        return event;
    }

    /** Marks the event cancelled (a series: with its exceptions); an occurrence gets a cancelled exception. */
    void delete(CalendarData calendar, String eventId, String ifMatch) {
        calendar.lock.writeLock().lock();
        try {
            Found found = find(calendar, eventId);
            checkMatch(found, ifMatch);
            if (found.stored() != null && found.stored().isCancelled()) {
                throw GoogleApiException.deleted();
            }
            List<StoredEvent> toCancel = new ArrayList<>();
            if (found.stored() != null) {
                toCancel.add(found.stored());
                if (found.stored().isMaster()) {
                    for (StoredEvent other : calendar.byId.values()) {
                        if (eventId.equals(other.recurringEventId) && !other.isCancelled()) {
                            toCancel.add(other);
                        }
                    }
                }
                for (StoredEvent event : toCancel) {
                    calendar.put(withStatus(calendar, event, "cancelled"));
                }
            } else {
                ObjectNode view = instanceView(found.master(), found.occurrence(), calendar);
                view.put("status", "cancelled");
                calendar.put(build(calendar, eventId, view, null, found.master().iCalUID, found.master().id, found.occurrence(), 0, found.master()));
            }
        } finally {
            calendar.lock.writeLock().unlock();
        }
        store.changed(calendar);
    }

    /** Caller holds a lock of the calendar. */
    Found find(CalendarData calendar, String eventId) {
        StoredEvent stored = calendar.byId.get(eventId);
        if (stored != null) {
            return new Found(stored, null, null);
        }
        int underscore = eventId.lastIndexOf('_');
        if (underscore > 0) {
            StoredEvent master = calendar.byId.get(eventId.substring(0, underscore));
            EventTime occurrence = master != null && master.isMaster() && !master.isCancelled()
                    ? occurrence(master, eventId.substring(underscore + 1)) : null;
            if (occurrence != null) {
                return new Found(null, master, occurrence);
            }
        }
        throw GoogleApiException.notFound();
    }

    /** The occurrence an instance-id suffix names, if the series really has it (EXDATE'd ones it has not). */
    private static EventTime occurrence(StoredEvent master, String suffix) {
        EventTime wanted;
        try {
            if (master.start.isAllDay()) {
                wanted = EventTime.allDay(LocalDate.parse(suffix, DateTimeFormatter.BASIC_ISO_DATE));
            } else {
                wanted = EventTime.timed(LocalDateTime.parse(suffix, INSTANCE_TIME).toInstant(ZoneOffset.UTC), master.start.timeZone());
            }
        } catch (DateTimeParseException e) {
            return null;
        }
        Instant target = wanted.isAllDay() ? null : wanted.instant();
        for (Iterator<EventTime> it = master.rule.iterator(); it.hasNext(); ) {
            EventTime candidate = it.next();
            int cmp = target != null ? candidate.instant().compareTo(target) : candidate.date().compareTo(wanted.date());
            if (cmp == 0) {
                return master.rule.isExcluded(candidate) ? null : candidate;
            }
            if (cmp > 0) {
                return null;
            }
        }
        return null;
    }

    private static void checkMatch(Found found, String ifMatch) {
        if (ifMatch != null && !ifMatch.equals("*") && !ifMatch.equals(found.etag())) {
            throw GoogleApiException.conditionNotMet();
        }
    }

    /** What a client sees of a generated occurrence: the series' fields at this occurrence's times. */
    private static ObjectNode instanceView(StoredEvent master, EventTime occurrence, CalendarData calendar) {
        ObjectNode view = master.clientView(calendar.zone);
        view.remove("recurrence");
        view.set("start", occurrence.toJson(calendar.zone));
        view.set("end", master.endFor(occurrence).toJson(calendar.zone));
        return view;
    }

    private StoredEvent withStatus(CalendarData calendar, StoredEvent event, String status) {
        return new StoredEvent(event.id, event.body, event.start, event.end, event.recurrence, event.rule, status, event.recurringEventId,
                event.originalStart, event.iCalUID, event.created, store.nextUpdated(event.updated), event.sequence + 1,
                store.nextSequence(), calendar.zone);
    }

    /**
     * Validates a client view and makes the next version from it. {@code template} is the version (or series) the
     * new one continues: it gives created, sequence and conference data kept when conferenceDataVersion is 0.
     */
    private StoredEvent build(CalendarData calendar, String id, ObjectNode view, StoredEvent previous, String iCalUID, String seriesId,
            EventTime originalStart, int conferenceDataVersion, StoredEvent template) {
        String status = view.has("status") && !view.get("status").isNull() ? Json.text(view, "status") : "confirmed";
        if (status == null || !STATUSES.contains(status)) {
            throw GoogleApiException.invalid("Invalid Value");
        }
        EventTime start = EventTime.parse(view.get("start"), "start");
        EventTime end = EventTime.parse(view.get("end"), "end");
        if (start.isAllDay() != end.isAllDay()) {
            throw GoogleApiException.invalid("Start and end times must either both be date or both be dateTime.");
        }
        if (!end.toInstant(calendar.zone).isAfter(start.toInstant(calendar.zone))) {
            throw GoogleApiException.badRequest("timeRangeEmpty", "The specified time range is empty.");
        }
        List<String> recurrence = recurrenceLines(view.get("recurrence"));
        Recurrence rule = null;
        if (recurrence != null) {
            if (seriesId != null) {
                throw GoogleApiException.invalid("Invalid recurrence rule.");
            }
            if (!start.isAllDay() && (start.timeZone() == null || end.timeZone() == null)) {
                // Google needs the zone to expand a series: 09:00 must stay 09:00 across DST
                throw GoogleApiException.required("Missing time zone definition for " + (start.timeZone() == null ? "start" : "end") + " time.");
            }
            rule = Recurrence.parse(recurrence, start, calendar.zone);
        }
        ObjectNode body = view.deepCopy();
        body.remove(StoredEvent.MANAGED);
        validateOptional(body);
        normalizeAttendees(body, calendar);
        normalizeReminders(body);
        JsonNode previousConference = template != null ? template.body.get("conferenceData") : null;
        Conference.apply(body, previousConference, conferenceDataVersion);
        Instant created = previous != null ? previous.created : template != null ? template.created : store.now();
        int sequence = previous != null ? previous.sequence + 1 : template != null ? template.sequence + 1 : 0;
        Instant updated = store.nextUpdated(previous != null ? previous.updated : null);
        return new StoredEvent(id, body, start, end, recurrence, rule, status, seriesId, originalStart, iCalUID, created, updated,
                sequence, store.nextSequence(), calendar.zone);
    }

    private static List<String> recurrenceLines(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw GoogleApiException.invalid("Invalid recurrence rule.");
        }
        List<String> lines = new ArrayList<>();
        for (JsonNode line : node) {
            if (!line.isString()) {
                throw GoogleApiException.invalid("Invalid recurrence rule.");
            }
            lines.add(line.stringValue());
        }
        return lines.isEmpty() ? null : List.copyOf(lines);
    }

    private static void validateOptional(ObjectNode body) {
        String transparency = Json.text(body, "transparency");
        if (body.has("transparency") && !body.get("transparency").isNull()
                && !"opaque".equals(transparency) && !"transparent".equals(transparency)) {
            throw GoogleApiException.invalid("Invalid Value");
        }
        String colorId = Json.text(body, "colorId");
        if (colorId != null && !colorId.matches("[1-9]|1[01]")) {
            throw GoogleApiException.invalid("Invalid Value");
        }
        // JSON nulls mean "clear" in a patch; once merged they are simply absent
        List<String> nulls = new ArrayList<>();
        body.properties().forEach(field -> {
            if (field.getValue().isNull()) {
                nulls.add(field.getKey());
            }
        });
        body.remove(nulls);
    }

    /**
     * Google's rules for an event's own reminders, stored and returned as given: overrides only with
     * {@code useDefault: false}, at most 5, method email or popup, minutes 0-40320. (Without any, Google shows
     * {@code useDefault: true}; the emulator leaves the field out, as its recorded answers were made without it.)
     */
    private static void normalizeReminders(ObjectNode body) {
        JsonNode reminders = body.get("reminders");
        if (reminders == null || reminders.isNull()) {
            return;
        }
        if (!reminders.isObject()) {
            throw GoogleApiException.invalid("Invalid Value");
        }
        boolean useDefault = reminders.path("useDefault").asBoolean(false);
        JsonNode overrides = reminders.path("overrides");
        if (overrides.isMissingNode() || overrides.isNull()) {
            return;
        }
        if (!overrides.isArray()) {
            throw GoogleApiException.invalid("Invalid Value");
        }
        if (useDefault && !overrides.isEmpty()) {
            throw GoogleApiException.badRequest("cannotUseDefaultRemindersAndSpecifyOverride",
                    "Cannot specify both default reminders and overrides at the same time.");
        }
        if (overrides.size() > 5) {
            throw GoogleApiException.badRequest("tooManyReminders", "Too many reminders.");
        }
        for (JsonNode override : overrides) {
            String method = Json.text(override, "method");
            JsonNode minutes = override.path("minutes");
            if (!"email".equals(method) && !"popup".equals(method)) {
                throw GoogleApiException.required("Missing reminder method.");
            }
            if (!minutes.isIntegralNumber() || minutes.asInt() < 0 || minutes.asInt() > 40_320) {
                throw GoogleApiException.invalid("Invalid reminder minutes.");
            }
        }
    }

    /** Marks the calendar's owner as {@code self} (and organizer), and defaults responseStatus as Google does. */
    private static void normalizeAttendees(ObjectNode body, CalendarData calendar) {
        JsonNode attendees = body.get("attendees");
        if (attendees == null) {
            return;
        }
        if (!attendees.isArray()) {
            throw GoogleApiException.invalid("Invalid attendee.");
        }
        ArrayNode normalized = Json.array();
        for (JsonNode attendee : attendees) {
            String email = Json.text(attendee, "email");
            if (!attendee.isObject() || email == null || email.isBlank()) {
                throw GoogleApiException.required("Missing attendee email.");
            }
            ObjectNode copy = ((ObjectNode) attendee).deepCopy();
            boolean self = email.equalsIgnoreCase(calendar.ownerEmail);
            copy.remove(List.of("self", "organizer"));
            if (self && calendar.primary) {
                copy.put("organizer", true);
            }
            if (self) {
                copy.put("self", true);
            }
            if (Json.text(copy, "responseStatus") == null) {
                copy.put("responseStatus", self && calendar.primary ? "accepted" : "needsAction");
            }
            normalized.add(copy);
        }
        body.set("attendees", normalized);
    }

    /** RFC 7386-style merge as Google's patch: objects merge, arrays and scalars replace, null clears. */
    static ObjectNode merge(ObjectNode target, ObjectNode patch) {
        for (var field : patch.properties()) {
            JsonNode value = field.getValue();
            JsonNode existing = target.get(field.getKey());
            if (value.isNull()) {
                target.remove(field.getKey());
            } else if (value.isObject() && existing != null && existing.isObject()) {
                merge((ObjectNode) existing, (ObjectNode) value);
            } else {
                target.set(field.getKey(), value.deepCopy());
            }
        }
        return target;
    }

    /** Many simple timed events at once, without JSON parsing: seeding 50,000 takes well under a second. */
    List<String> seed(CalendarData calendar, int count, Instant firstStart, Duration step, Duration length, String summaryPrefix) {
        List<String> ids = new ArrayList<>(count);
        calendar.lock.writeLock().lock();
        try {
            Instant now = store.now();
            for (int i = 0; i < count; i++) {
                String id = Store.randomId(26);
                if (calendar.byId.containsKey(id)) {
                    i--;
                    continue;
                }
                Instant start = firstStart.plus(step.multipliedBy(i));
                ObjectNode body = Json.object();
                body.put("summary", summaryPrefix + " " + (i + 1));
                StoredEvent event = new StoredEvent(id, body, EventTime.timed(start, null), EventTime.timed(start.plus(length), null), null, null,
                        "confirmed", null, null, id + "@google.com", now, now, 0, store.nextSequence(), calendar.zone);
                calendar.put(event);
                ids.add(id);
            }
        } finally {
            calendar.lock.writeLock().unlock();
        }
        store.changed(calendar);
        return ids;
    }
}
