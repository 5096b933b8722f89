package io.calbridge.emulator.google;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One immutable version of an event resource: a single event, a recurring series' master, or an exception (a moved
 * or cancelled instance, whose id is {@code {recurringEventId}_{originalStart}}). A change stores a new version.
 * The resource's JSON is rendered once per version and cached, so a page of 2,500 events is mostly byte copying.
 */
final class StoredEvent {

    /** Fields the server owns; a client's values for them are ignored. */
    static final Set<String> MANAGED = Set.of("kind", "etag", "id", "htmlLink", "created", "updated", "creator", "organizer",
            "iCalUID", "sequence", "recurringEventId", "originalStartTime", "hangoutLink", "start", "end", "recurrence", "status");
    /** Body fields rendered right after the header, in Google's order; the rest follow the times. */
    private static final List<String> EARLY = List.of("summary", "description", "location", "colorId");

    final String id;
    /** The client's fields (summary, attendees, conferenceData, ...); never changed once stored. */
    final ObjectNode body;
    final EventTime start;
    final EventTime end;
    final List<String> recurrence;
    final Recurrence rule;
    final String status;
    final String recurringEventId;
    final EventTime originalStart;
    final String iCalUID;
    final Instant created;
    final Instant updated;
    final int sequence;
    final long changeSeq;
    final long startMillis;
    final long endMillis;
    private volatile byte[] json;
    private volatile Long seriesEnd;

    StoredEvent(String id, ObjectNode body, EventTime start, EventTime end, List<String> recurrence, Recurrence rule, String status,
            String recurringEventId, EventTime originalStart, String iCalUID, Instant created, Instant updated, int sequence,
            long changeSeq, ZoneId calendarZone) {
        this.id = id;
        this.body = body;
        this.start = start;
        this.end = end;
        this.recurrence = recurrence;
        this.rule = rule;
        this.status = status;
        this.recurringEventId = recurringEventId;
        this.originalStart = originalStart;
        this.iCalUID = iCalUID;
        this.created = created;
        this.updated = updated;
        this.sequence = sequence;
        this.changeSeq = changeSeq;
        this.startMillis = start.toInstant(calendarZone).toEpochMilli();
        this.endMillis = end.toInstant(calendarZone).toEpochMilli();
    }

    boolean isMaster() {
        return rule != null;
    }

    boolean isCancelled() {
        return "cancelled".equals(status);
    }

    CalendarData.EventKey key() {
        return new CalendarData.EventKey(startMillis, id);
    }

    /** Google's etags are quoted numbers that change with every version; {@code updated} grows with each version. */
    String etag() {
        return "\"" + updated.toEpochMilli() * 1000 + "\"";
    }

    boolean isTransparent() {
        return "transparent".equals(Json.text(body, "transparency"));
    }

    /** Declined by the calendar's owner: Google leaves such events out of free/busy. */
    boolean isDeclinedBySelf() {
        JsonNode attendees = body.get("attendees");
        if (attendees != null && attendees.isArray()) {
            for (JsonNode attendee : attendees) {
                if (attendee.path("self").asBoolean(false) && "declined".equals(Json.text(attendee, "responseStatus"))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The end of the occurrence starting at {@code occurrenceStart}: the series' duration added to it. */
    EventTime endFor(EventTime occurrenceStart) {
        if (occurrenceStart.isAllDay()) {
            long days = ChronoUnit.DAYS.between(start.date(), end.date());
            return EventTime.allDay(occurrenceStart.date().plusDays(days));
        }
        Duration duration = Duration.between(start.instant(), end.instant());
        return EventTime.timed(occurrenceStart.instant().plus(duration), end.timeZone());
    }

    /** End of the last occurrence of a finite series (expanded once per version), or Long.MAX_VALUE. */
    long seriesEndMillis(ZoneId calendarZone) {
        Long cached = seriesEnd;
        if (cached == null) {
            long last = Long.MAX_VALUE;
            if (rule.isFinite()) {
                last = endMillis;
                for (Iterator<EventTime> it = rule.iterator(); it.hasNext(); ) {
                    last = Math.max(last, endFor(it.next()).toInstant(calendarZone).toEpochMilli());
                }
            }
            seriesEnd = cached = last;
        }
        return cached;
    }

    // ---- rendering -------------------------------------------------------------------------------------------

    /** The resource as the API returns it, in the calendar's zone; cached per version. */
    byte[] json(CalendarData calendar) {
        byte[] cached = json;
        if (cached == null) {
            json = cached = renderVersion(calendar, calendar.zone);
        }
        return cached;
    }

    byte[] json(CalendarData calendar, ZoneId outZone) {
        return outZone.equals(calendar.zone) ? json(calendar) : renderVersion(calendar, outZone);
    }

    private byte[] renderVersion(CalendarData calendar, ZoneId outZone) {
        if (isCancelled()) {
            return Json.bytes(cancelledStub(id, etag(), recurringEventId, originalStart, outZone));
        }
        return write(calendar, outZone, id, start, end, recurringEventId, originalStart, true);
    }

    /** A generated (not stored) occurrence of this series. */
    byte[] instanceJson(CalendarData calendar, EventTime occurrence, ZoneId outZone) {
        return write(calendar, outZone, id + "_" + occurrence.instanceSuffix(), occurrence, endFor(occurrence), id, occurrence, false);
    }

    /** Streams the resource in Google's field order; a page of 2,500 first renderings must not dominate a sync. */
    private byte[] write(CalendarData calendar, ZoneId outZone, String eventId, EventTime from, EventTime to, String seriesId,
            EventTime original, boolean withRecurrence) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(768);
        try (JsonGenerator g = Json.MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringProperty("kind", "calendar#event");
            g.writeStringProperty("etag", etag());
            g.writeStringProperty("id", eventId);
            g.writeStringProperty("status", status);
            g.writeStringProperty("htmlLink", htmlLink(calendar, eventId));
            g.writeStringProperty("created", Json.timestamp(created));
            g.writeStringProperty("updated", Json.timestamp(updated));
            for (String field : EARLY) {
                JsonNode value = body.get(field);
                if (value != null) {
                    g.writeName(field);
                    writeValue(g, value);
                }
            }
            g.writeName("creator");
            g.writeStartObject();
            g.writeStringProperty("email", calendar.ownerEmail);
            g.writeBooleanProperty("self", true);
            g.writeEndObject();
            g.writeName("organizer");
            g.writeStartObject();
            g.writeStringProperty("email", calendar.primary ? calendar.ownerEmail : calendar.id);
            if (!calendar.primary) {
                g.writeStringProperty("displayName", calendar.summary);
            }
            g.writeBooleanProperty("self", true);
            g.writeEndObject();
            writeTime(g, "start", from, outZone);
            writeTime(g, "end", to, outZone);
            if (withRecurrence && recurrence != null) {
                g.writeName("recurrence");
                g.writeStartArray();
                for (String line : recurrence) {
                    g.writeString(line);
                }
                g.writeEndArray();
            }
            if (seriesId != null) {
                g.writeStringProperty("recurringEventId", seriesId);
                writeTime(g, "originalStartTime", original, outZone);
            }
            g.writeStringProperty("iCalUID", iCalUID);
            g.writeNumberProperty("sequence", sequence);
            for (var field : body.properties()) {
                if (!EARLY.contains(field.getKey())) {
                    g.writeName(field.getKey());
                    writeValue(g, field.getValue());
                }
            }
            if (!body.has("reminders")) {
                g.writeName("reminders");
                g.writeStartObject();
                g.writeBooleanProperty("useDefault", true);
                g.writeEndObject();
            }
            if (!body.has("eventType")) {
                g.writeStringProperty("eventType", "default");
            }
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /** Strings directly: writeTree sets up a serialization context per call, which dominated first renderings. */
    private static void writeValue(JsonGenerator g, JsonNode value) {
        if (value.isString()) {
            g.writeString(value.stringValue());
        } else {
            g.writeTree(value);
        }
    }

    private static void writeTime(JsonGenerator g, String name, EventTime time, ZoneId outZone) {
        g.writeName(name);
        g.writeStartObject();
        if (time.isAllDay()) {
            g.writeStringProperty("date", time.date().toString());
        } else {
            g.writeStringProperty("dateTime", Json.dateTime(time.instant(), outZone));
            if (time.timeZone() != null) {
                g.writeStringProperty("timeZone", time.timeZone());
            }
        }
        g.writeEndObject();
    }

    /**
     * A cancelled event as Google returns it in incremental sync: only id and status are guaranteed; a cancelled
     * exception also names its series and original start, so clients can remove that one occurrence.
     */
    static ObjectNode cancelledStub(String id, String etag, String recurringEventId, EventTime originalStart, ZoneId outZone) {
        ObjectNode node = Json.object();
        node.put("kind", "calendar#event");
        node.put("etag", etag);
        node.put("id", id);
        node.put("status", "cancelled");
        if (recurringEventId != null) {
            node.put("recurringEventId", recurringEventId);
            node.set("originalStartTime", originalStart.toJson(outZone));
        }
        return node;
    }

    /** The fields a client sees and may send back: the base a patch is merged onto. */
    ObjectNode clientView(ZoneId zone) {
        ObjectNode view = body.deepCopy();
        view.set("start", start.toJson(zone));
        view.set("end", end.toJson(zone));
        view.put("status", status);
        if (recurrence != null) {
            ArrayNode lines = view.putArray("recurrence");
            recurrence.forEach(lines::add);
        }
        return view;
    }

    static String htmlLink(CalendarData calendar, String eventId) {
        String eid = Base64.getUrlEncoder().withoutPadding().encodeToString((eventId + " " + calendar.id).getBytes(StandardCharsets.UTF_8));
        return calendar.baseUrl + "/calendar/event?eid=" + eid;
    }
}
