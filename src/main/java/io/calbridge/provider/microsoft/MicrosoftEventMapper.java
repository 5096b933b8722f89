package io.calbridge.provider.microsoft;

import com.microsoft.graph.models.DateTimeTimeZone;
import com.microsoft.graph.models.Event;
import com.microsoft.graph.models.ResponseStatus;
import io.calbridge.provider.Attendee;
import io.calbridge.provider.EventTime;
import io.calbridge.provider.RemoteEvent;
import io.calbridge.provider.TimeZones;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Graph's event resource, as the delta of a calendar view sends it (JSON, read by Jackson: see
 * {@link MicrosoftCalendarProvider#changes}), to the port's {@link RemoteEvent}.
 *
 * <p>Graph expands series for a calendar view: every single instance, occurrence and exception arrives as its own
 * item with its own id, and is stored as a standalone event ({@code recurrenceRule} and {@code recurringEventId}
 * stay {@code null}); a cancelled occurrence arrives as {@code @removed}. An occurrence carries only
 * {@code id}, {@code type}, {@code seriesMasterId}, {@code start} and {@code end}: its other fields are taken from the
 * series master (see {@link #needsMaster}).
 *
 * <p>Reading is tolerant: every field may be missing. {@code showAs} free is transparent, every other value busy;
 * {@code isCancelled} is cancelled; the owner's {@code responseStatus} becomes {@code selfResponse}. Times: the
 * adapter asks for UTC ({@code Prefer: outlook.timezone="UTC"}), so {@code start}/{@code end} give the instant, while
 * {@code originalStartTimeZone}/{@code originalEndTimeZone} name the event's own zone (Windows names, mapped to IANA
 * by {@link MicrosoftTimeZones}). An all-day event runs midnight to midnight: its dates, the end exclusive.
 */
final class MicrosoftEventMapper {

    static final String CONFIRMED = "confirmed";
    static final String CANCELLED = "cancelled";
    /** Graph's marker on a delta item that left the view (deleted, cancelled occurrence, moved out of the window). */
    static final String REMOVED = "@removed";
    static final String ETAG = "@odata.etag";

    private MicrosoftEventMapper() {
    }

    /**
     * An instance of a series that came with its times only (an occurrence; Graph stores no item for it): it needs its
     * series master's fields. An exception is stored on its own and arrives complete.
     */
    static boolean needsMaster(JsonNode item) {
        return text(item, "seriesMasterId") != null && !item.has("subject") && !"exception".equals(text(item, "type"));
    }

    static RemoteEvent removedEvent(String externalId, String calendarId) {
        return new RemoteEvent(externalId, calendarId, CANCELLED, null, null, null, null, null, false, null, List.of(), null, null,
                null, null, null, null);
    }

    static RemoteEvent toRemote(JsonNode item, String calendarId) {
        return toRemote(item, null, calendarId);
    }

    /**
     * @param master the series master for an occurrence that carries only its times, or {@code null}: fields the item
     *               lacks are taken from it
     */
    static RemoteEvent toRemote(JsonNode item, JsonNode master, String calendarId) {
        String id = text(item, "id");
        if (item.has(REMOVED)) {
            return removedEvent(id, calendarId);
        }
        JsonNode fields = master == null ? item : master;
        boolean allDay = bool(field(item, fields, "isAllDay"));
        String startZone = text(field(item, fields, "originalStartTimeZone"));
        String endZone = first(text(field(item, fields, "originalEndTimeZone")), startZone);
        String etag = first(text(item, ETAG), text(item, "changeKey"));
        return new RemoteEvent(
                id,
                calendarId,
                bool(field(item, fields, "isCancelled")) ? CANCELLED : CONFIRMED,
                text(field(item, fields, "subject")),
                blankless(text(field(item, fields, "body").path("content"))),
                blankless(text(field(item, fields, "location").path("displayName"))),
                time(item.path("start"), allDay, startZone),
                time(item.path("end"), allDay, endZone),
                "free".equals(text(field(item, fields, "showAs"))),
                response(text(field(item, fields, "responseStatus").path("response"))),
                attendees(field(item, fields, "attendees")),
                null,
                null,
                null,
                meetingUrl(text(field(item, fields, "onlineMeeting").path("joinUrl")), text(field(item, fields, "onlineMeetingUrl"))),
                text(field(item, fields, "webLink")),
                etag);
    }

    private static EventTime time(JsonNode time, boolean allDay, String originalZone) {
        return time(text(time, "dateTime"), text(time, "timeZone"), allDay, originalZone);
    }

    /** A start or end as the SDK's model holds it (free/busy reads the calendar view through the SDK). */
    static EventTime time(DateTimeTimeZone time, boolean allDay, String originalZone) {
        return time == null ? null : time(time.getDateTime(), time.getTimeZone(), allDay, originalZone);
    }

    /**
     * A start or end. {@code dateTime} is local to the zone named beside it (UTC as the adapter asks); the event's
     * own zone, if Graph names one that maps to IANA, is kept as the time's zone. All-day: the date, which is the
     * local date at midnight, also when Graph presented the midnight in another zone.
     */
    private static EventTime time(String dateTime, String timeZone, boolean allDay, String originalZone) {
        if (dateTime == null) {
            return null;
        }
        LocalDateTime local;
        try {
            local = LocalDateTime.parse(dateTime.trim().replace(' ', 'T').replaceFirst("Z$", ""));
        } catch (DateTimeException e) {
            return null;
        }
        ZoneId given = MicrosoftTimeZones.zone(timeZone);
        if (given == null) {
            given = ZoneOffset.UTC; // Graph's own default for times
        }
        ZoneId own = MicrosoftTimeZones.zone(originalZone);
        if (allDay) {
            if (local.toLocalTime().equals(LocalTime.MIDNIGHT) || own == null) {
                return EventTime.allDay(local.toLocalDate());
            }
            return EventTime.allDay(local.atZone(given).withZoneSameInstant(own).toLocalDate());
        }
        return EventTime.at(local.atZone(given).toInstant(), TimeZones.name(own != null ? own : given));
    }

    /** The owner's answer in calbridge's words; {@code null} when there is none to tell (no meeting, organizer). */
    static String response(ResponseStatus status) {
        return status == null || status.getResponse() == null ? null : response(status.getResponse().getValue());
    }

    /** Graph's {@code responseType} value ({@code tentativelyAccepted}, ...) in calbridge's words. */
    private static String response(String graphResponse) {
        if (graphResponse == null) {
            return null;
        }
        return switch (graphResponse) {
            case "declined" -> "declined";
            case "accepted" -> "accepted";
            case "tentativelyAccepted" -> "tentative";
            case "notResponded" -> "needsAction";
            default -> null; // none, organizer
        };
    }

    private static List<Attendee> attendees(JsonNode attendees) {
        List<Attendee> result = new ArrayList<>();
        for (JsonNode attendee : attendees) {
            String name = text(attendee.path("emailAddress"), "name");
            String address = text(attendee.path("emailAddress"), "address");
            if (name == null && address == null) {
                continue;
            }
            String response = response(text(attendee.path("status"), "response"));
            result.add(new Attendee(name, address, response == null ? "needsAction" : response, false));
        }
        return result;
    }

    /** The Teams (or other) join link: {@code onlineMeeting.joinUrl}, else the older {@code onlineMeetingUrl}. */
    static String meetingUrl(Event event) {
        return meetingUrl(event.getOnlineMeeting() == null ? null : event.getOnlineMeeting().getJoinUrl(), event.getOnlineMeetingUrl());
    }

    private static String meetingUrl(String joinUrl, String legacy) {
        return first(blankless(joinUrl), blankless(legacy));
    }

    /** The item's field, else the series master's (an occurrence carries its times only). */
    private static JsonNode field(JsonNode item, JsonNode fields, String name) {
        JsonNode own = item.path(name);
        return own.isMissingNode() || own.isNull() ? fields.path(name) : own;
    }

    /** A field's text; null when it is absent, null or not a string. */
    static String text(JsonNode node, String name) {
        return text(node.path(name));
    }

    private static String text(JsonNode value) {
        return value.isString() ? value.asString() : null;
    }

    private static boolean bool(JsonNode value) {
        return value.isBoolean() && value.booleanValue();
    }

    private static String blankless(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    @SafeVarargs
    private static <T> T first(T... values) {
        for (T value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }
}
