package io.calbridge.provider.microsoft;

import com.microsoft.graph.models.DateTimeTimeZone;
import com.microsoft.graph.models.EmailAddress;
import com.microsoft.graph.models.Event;
import com.microsoft.graph.models.EventType;
import com.microsoft.graph.models.FreeBusyStatus;
import com.microsoft.graph.models.ResponseStatus;
import com.microsoft.graph.models.ResponseType;
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
import java.util.Map;

/**
 * Graph's event resource (as the delta of a calendar view sends it) to the port's {@link RemoteEvent}.
 *
 * <p>Graph expands series for a calendar view: every single instance, occurrence and exception arrives as its own
 * item with its own id, and is stored as a standalone event ({@code recurrenceRule} and {@code recurringEventId}
 * stay {@code null}); a cancelled occurrence arrives as {@code @removed}. An occurrence carries only
 * {@code id}, {@code type}, {@code seriesMasterId}, {@code start} and {@code end}: its other fields are taken from the
 * series master (see {@link #completedFrom}).
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

    /** Whether a delta item is a removal: the key alone tells; its value is an untyped object ({@code {"reason": ...}}). */
    static boolean removed(Event event) {
        Map<String, Object> extra = event.getAdditionalData();
        return extra != null && extra.containsKey(REMOVED);
    }

    /**
     * An instance of a series that came with its times only (an occurrence; Graph stores no item for it): it needs its
     * series master's fields. An exception is stored on its own and arrives complete.
     */
    static boolean needsMaster(Event event) {
        return event.getSeriesMasterId() != null && event.getSubject() == null && event.getType() != EventType.Exception;
    }

    static RemoteEvent removedEvent(String externalId, String calendarId) {
        return new RemoteEvent(externalId, calendarId, CANCELLED, null, null, null, null, null, false, null, List.of(), null, null,
                null, null, null, null);
    }

    static RemoteEvent toRemote(Event event, String calendarId) {
        return toRemote(event, null, calendarId);
    }

    /**
     * @param master the series master for an occurrence that carries only its times, or {@code null}: fields the item
     *               lacks are taken from it
     */
    static RemoteEvent toRemote(Event event, Event master, String calendarId) {
        if (removed(event)) {
            return removedEvent(event.getId(), calendarId);
        }
        Event fields = master == null ? event : master;
        boolean allDay = Boolean.TRUE.equals(first(event.getIsAllDay(), fields.getIsAllDay()));
        String startZone = first(event.getOriginalStartTimeZone(), fields.getOriginalStartTimeZone());
        String endZone = first(event.getOriginalEndTimeZone(), fields.getOriginalEndTimeZone(), startZone);
        boolean cancelled = Boolean.TRUE.equals(first(event.getIsCancelled(), fields.getIsCancelled()));
        FreeBusyStatus showAs = first(event.getShowAs(), fields.getShowAs());
        ResponseStatus own = first(event.getResponseStatus(), fields.getResponseStatus());
        List<com.microsoft.graph.models.Attendee> graphAttendees = first(event.getAttendees(), fields.getAttendees());
        String etag = first(text(event.getAdditionalData() == null ? null : event.getAdditionalData().get(ETAG)), event.getChangeKey());
        return new RemoteEvent(
                event.getId(),
                calendarId,
                cancelled ? CANCELLED : CONFIRMED,
                first(event.getSubject(), fields.getSubject()),
                description(event.getBody() != null ? event : fields),
                location(event.getLocation() != null ? event : fields),
                time(event.getStart(), allDay, startZone),
                time(event.getEnd(), allDay, endZone),
                showAs == FreeBusyStatus.Free,
                response(own),
                attendees(graphAttendees),
                null,
                null,
                null,
                meetingUrl(event.getOnlineMeeting() != null || event.getOnlineMeetingUrl() != null ? event : fields),
                first(event.getWebLink(), fields.getWebLink()),
                etag);
    }

    /**
     * A start or end. {@code dateTime} is local to the zone named beside it (UTC as the adapter asks); the event's
     * own zone, if Graph names one that maps to IANA, is kept as the time's zone. All-day: the date, which is the
     * local date at midnight, also when Graph presented the midnight in another zone.
     */
    static EventTime time(DateTimeTimeZone time, boolean allDay, String originalZone) {
        if (time == null || time.getDateTime() == null) {
            return null;
        }
        LocalDateTime local;
        try {
            local = LocalDateTime.parse(time.getDateTime().trim().replace(' ', 'T').replaceFirst("Z$", ""));
        } catch (DateTimeException e) {
            return null;
        }
        ZoneId given = MicrosoftTimeZones.zone(time.getTimeZone());
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
        if (status == null || status.getResponse() == null) {
            return null;
        }
        ResponseType response = status.getResponse();
        if (response == ResponseType.Declined) {
            return "declined";
        }
        if (response == ResponseType.Accepted) {
            return "accepted";
        }
        if (response == ResponseType.TentativelyAccepted) {
            return "tentative";
        }
        if (response == ResponseType.NotResponded) {
            return "needsAction";
        }
        return null; // none, organizer
    }

    private static List<Attendee> attendees(List<com.microsoft.graph.models.Attendee> graph) {
        List<Attendee> result = new ArrayList<>();
        if (graph == null) {
            return result;
        }
        for (com.microsoft.graph.models.Attendee attendee : graph) {
            EmailAddress address = attendee.getEmailAddress();
            if (address == null || (address.getAddress() == null && address.getName() == null)) {
                continue;
            }
            String response = response(attendee.getStatus());
            result.add(new Attendee(address.getName(), address.getAddress(), response == null ? "needsAction" : response, false));
        }
        return result;
    }

    /** The body's text; HTML as Graph sends it (calbridge shows descriptions as given, as for Google). */
    private static String description(Event event) {
        if (event.getBody() == null || event.getBody().getContent() == null || event.getBody().getContent().isBlank()) {
            return null;
        }
        return event.getBody().getContent();
    }

    private static String location(Event event) {
        if (event.getLocation() == null || event.getLocation().getDisplayName() == null || event.getLocation().getDisplayName().isBlank()) {
            return null;
        }
        return event.getLocation().getDisplayName();
    }

    /** The Teams (or other) join link: {@code onlineMeeting.joinUrl}, else the older {@code onlineMeetingUrl}. */
    static String meetingUrl(Event event) {
        if (event.getOnlineMeeting() != null && event.getOnlineMeeting().getJoinUrl() != null
                && !event.getOnlineMeeting().getJoinUrl().isBlank()) {
            return event.getOnlineMeeting().getJoinUrl();
        }
        String legacy = event.getOnlineMeetingUrl();
        return legacy == null || legacy.isBlank() ? null : legacy;
    }

    private static String text(Object value) {
        return value instanceof String s && !s.isBlank() ? s : null;
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
