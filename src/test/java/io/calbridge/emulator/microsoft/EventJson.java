package io.calbridge.emulator.microsoft;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Graph's event JSON for stored events, virtual occurrences and delta's slim occurrence items. Times are shown in
 * the zone of {@code Prefer: outlook.timezone} (UTC without it); all-day events stay midnight to midnight in any zone.
 */
final class EventJson {

    static final String PLAIN_PREFIX = "AAMkAG";
    static final String IMMUTABLE_PREFIX = "AAkALg";
    private static final String NO_TIME = "0001-01-01T00:00:00Z";

    /** How a request wants ids and times shown. */
    record View(String zoneName, ZoneId zone, boolean immutableIds) {
        static final View DEFAULT = new View("UTC", ZoneId.of("UTC"), false);
    }

    private EventJson() {
    }

    static String id(String key, boolean immutable) {
        return (immutable ? IMMUTABLE_PREFIX : PLAIN_PREFIX) + key + "=";
    }

    /** The key inside an id of either kind, or null when it is not one of this emulator's ids. */
    static String key(String id) {
        if (id == null || id.length() < 8 || !id.endsWith("=") || !(id.startsWith(PLAIN_PREFIX) || id.startsWith(IMMUTABLE_PREFIX))) {
            return null;
        }
        return id.substring(PLAIN_PREFIX.length(), id.length() - 1);
    }

    static String etag(String changeKey) {
        return "W/\"" + changeKey + "\"";
    }

    /** A stored event (single, master or exception) as Graph shows it. */
    static ObjectNode full(Mailbox mailbox, StoredEvent e, View view) {
        return render(mailbox, e, e, e.start, e.end, e.localStart, e.localEnd, e.key, e.type, view);
    }

    /** A virtual occurrence of a master, at its original start. */
    static ObjectNode occurrence(Mailbox mailbox, StoredEvent master, Instant originalStart, View view) {
        Instant end = originalStart.plus(master.length());
        LocalDateTime localStart = LocalDateTime.ofInstant(originalStart, master.zoneId());
        LocalDateTime localEnd = localStart.plus(java.time.Duration.between(master.localStart, master.localEnd));
        return render(mailbox, master, master, originalStart, end, localStart, localEnd, StoredEvent.occurrenceKey(master.key, originalStart),
                StoredEvent.OCCURRENCE, view);
    }

    /** Delta's occurrence item: only id, type, seriesMasterId, start and end (the client reads the rest from the master). */
    static ObjectNode slimOccurrence(StoredEvent master, Instant originalStart, View view) {
        ObjectNode out = Json.object();
        out.put("@odata.type", "#microsoft.graph.event");
        out.put("id", id(StoredEvent.occurrenceKey(master.key, originalStart), view.immutableIds()));
        out.put("type", StoredEvent.OCCURRENCE);
        out.put("seriesMasterId", id(master.key, view.immutableIds()));
        LocalDateTime localStart = LocalDateTime.ofInstant(originalStart, master.zoneId());
        LocalDateTime localEnd = localStart.plus(java.time.Duration.between(master.localStart, master.localEnd));
        out.set("start", time(master.allDay, originalStart, localStart, view));
        out.set("end", time(master.allDay, originalStart.plus(master.length()), localEnd, view));
        return out;
    }

    static ObjectNode removed(String key, boolean immutable) {
        ObjectNode out = Json.object();
        out.put("@odata.type", "#microsoft.graph.event");
        out.put("id", id(key, immutable));
        out.putObject("@removed").put("reason", "deleted");
        return out;
    }

    private static ObjectNode time(boolean allDay, Instant instant, LocalDateTime local, View view) {
        ObjectNode out = Json.object();
        out.put("dateTime", Json.graphLocal(allDay ? local : LocalDateTime.ofInstant(instant, view.zone())));
        out.put("timeZone", view.zoneName());
        return out;
    }

    private static ObjectNode render(Mailbox mailbox, StoredEvent e, StoredEvent source, Instant start, Instant end, LocalDateTime localStart,
            LocalDateTime localEnd, String key, String type, View view) {
        ObjectNode f = source.fields;
        ObjectNode out = Json.object();
        out.put("@odata.etag", etag(e.changeKey));
        out.put("id", id(key, view.immutableIds()));
        out.put("createdDateTime", Json.timestamp(e.created));
        out.put("lastModifiedDateTime", Json.timestamp(e.modified));
        out.put("changeKey", e.changeKey);
        out.set("categories", f.has("categories") ? f.get("categories") : Json.array());
        if (e.transactionId != null) {
            out.put("transactionId", e.transactionId);
        } else {
            out.putNull("transactionId");
        }
        out.put("originalStartTimeZone", e.zone);
        out.put("originalEndTimeZone", e.endZone);
        out.put("iCalUId", e.iCalUId);
        out.put("uid", e.iCalUId);
        out.put("reminderMinutesBeforeStart", f.path("reminderMinutesBeforeStart").asInt(15));
        out.put("isReminderOn", f.path("isReminderOn").asBoolean(true));
        out.put("hasAttachments", false);
        String subject = Json.text(f, "subject");
        out.put("subject", subject == null ? "" : subject);
        String content = Json.text(f.path("body"), "content");
        out.put("bodyPreview", preview(content, Json.text(f.path("body"), "contentType")));
        out.put("importance", textOr(f, "importance", "normal"));
        out.put("sensitivity", textOr(f, "sensitivity", "normal"));
        out.put("isAllDay", e.allDay);
        out.put("isCancelled", false);
        out.put("isOrganizer", e.isOrganizer);
        out.put("responseRequested", f.path("responseRequested").asBoolean(true));
        if (StoredEvent.OCCURRENCE.equals(type) || StoredEvent.EXCEPTION.equals(type)) {
            out.put("seriesMasterId", id(StoredEvent.OCCURRENCE.equals(type) ? e.key : e.seriesMasterKey, view.immutableIds()));
        } else {
            out.putNull("seriesMasterId");
        }
        out.put("showAs", textOr(f, "showAs", "busy"));
        out.put("type", type);
        // ids hold only letters, digits, '_' and '=': '=' is the one character to escape (URLEncoder is slow on 50,000 events)
        out.put("webLink", mailboxBase(mailbox) + "?itemid=" + id(key, false).replace("=", "%3D") + "&exvsurl=1&path=/calendar/item");
        out.putNull("onlineMeetingUrl");
        out.put("isOnlineMeeting", e.isOnlineMeeting);
        out.put("onlineMeetingProvider", e.onlineMeetingProvider);
        out.put("allowNewTimeProposals", f.path("allowNewTimeProposals").asBoolean(true));
        out.put("isDraft", false);
        out.put("hideAttendees", f.path("hideAttendees").asBoolean(false));
        ObjectNode responseStatus = out.putObject("responseStatus");
        responseStatus.put("response", e.response);
        responseStatus.put("time", e.responseTime == null ? NO_TIME : Json.timestamp(e.responseTime));
        ObjectNode body = out.putObject("body");
        body.put("contentType", textOr(f.path("body"), "contentType", "html"));
        body.put("content", content == null ? "" : content);
        out.set("start", time(e.allDay, start, localStart, view));
        out.set("end", time(e.allDay, end, localEnd, view));
        ObjectNode location = out.putObject("location");
        location.put("displayName", Json.text(f.path("location"), "displayName") == null ? "" : Json.text(f.path("location"), "displayName"));
        location.put("locationType", "default");
        location.put("uniqueIdType", "unknown");
        out.set("locations", f.has("locations") ? f.get("locations") : Json.array());
        if (StoredEvent.MASTER.equals(type) && e.recurrence != null) {
            out.set("recurrence", e.recurrence.toJson(e.zone));
        } else {
            out.putNull("recurrence");
        }
        out.set("attendees", attendees(f.get("attendees")));
        ObjectNode organizer = out.putObject("organizer").putObject("emailAddress");
        organizer.put("name", e.organizerName);
        organizer.put("address", e.organizerAddress);
        if (e.joinUrl != null) {
            out.putObject("onlineMeeting").put("joinUrl", e.joinUrl);
        } else {
            out.putNull("onlineMeeting");
        }
        return out;
    }

    private static ArrayNode attendees(JsonNode given) {
        ArrayNode out = Json.array();
        if (given == null || !given.isArray()) {
            return out;
        }
        for (JsonNode attendee : given) {
            ObjectNode a = Json.object();
            a.put("type", textOr(attendee, "type", "required"));
            ObjectNode status = a.putObject("status");
            status.put("response", textOr(attendee.path("status"), "response", "none"));
            status.put("time", textOr(attendee.path("status"), "time", NO_TIME));
            ObjectNode email = a.putObject("emailAddress");
            email.put("name", textOr(attendee.path("emailAddress"), "name", textOr(attendee.path("emailAddress"), "address", "")));
            email.put("address", textOr(attendee.path("emailAddress"), "address", ""));
            out.add(a);
        }
        return out;
    }

    private static String textOr(JsonNode node, String field, String fallback) {
        String value = Json.text(node, field);
        return value == null ? fallback : value;
    }

    private static String preview(String content, String contentType) {
        if (content == null) {
            return "";
        }
        String text = "text".equalsIgnoreCase(contentType) ? content : content.replaceAll("<[^>]*>", " ");
        text = text.replaceAll("\\s+", " ").trim();
        return text.length() > 255 ? text.substring(0, 255) : text;
    }

    private static String mailboxBase(Mailbox mailbox) {
        return mailbox.personal ? "https://outlook.live.com/owa/" : "https://outlook.office365.com/owa/";
    }
}
