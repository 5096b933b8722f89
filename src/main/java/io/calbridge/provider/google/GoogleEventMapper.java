package io.calbridge.provider.google;

import com.google.api.client.util.DateTime;
import com.google.api.services.calendar.model.ConferenceData;
import com.google.api.services.calendar.model.ConferenceSolutionKey;
import com.google.api.services.calendar.model.CreateConferenceRequest;
import com.google.api.services.calendar.model.EntryPoint;
import com.google.api.services.calendar.model.Event;
import com.google.api.services.calendar.model.EventAttendee;
import com.google.api.services.calendar.model.EventDateTime;
import com.google.api.services.calendar.model.EventReminder;
import io.calbridge.provider.Attendee;
import io.calbridge.provider.EventDraft;
import io.calbridge.provider.EventTime;
import io.calbridge.provider.RemoteEvent;
import io.calbridge.provider.TimeZones;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Google's event resource to and from the port's value types.
 *
 * <p>Reading is tolerant, as the real API demands: every field may be missing. An incremental sync reports a deleted
 * event, or a cancelled instance of a series, with little more than {@code id} and {@code status} (plus
 * {@code recurringEventId} and {@code originalStartTime} for an instance); such an item maps to a cancelled
 * {@link RemoteEvent} with no times. Recurring masters keep their {@code RRULE}/{@code EXDATE}/{@code RDATE} lines
 * (joined with {@code '\n'}); calbridge expands them itself.
 *
 * <p>Times: a timed start or end is an instant with the event's own {@code timeZone}; without one, the calendar's zone
 * (from the list answer), and without that, the offset the time was written with. An all-day event carries dates,
 * its end exclusive, exactly as Google sends them.
 *
 * <p>Writing sets only the fields calbridge owns (title, description, location, start, end, attendees, a Meet
 * request); everything else on an existing event (reminders, colour, guests' answers) is left as the user has it.
 */
final class GoogleEventMapper {

    static final String CONFIRMED = "confirmed";
    static final String CANCELLED = "cancelled";
    static final String MEET = "hangoutsMeet";

    private GoogleEventMapper() {
    }

    /**
     * @param calendarZone the calendar's time zone from the list answer, for times that carry none; may be null
     */
    static RemoteEvent toRemote(Event event, String calendarId, String calendarZone) {
        List<Attendee> attendees = attendees(event);
        return new RemoteEvent(
                event.getId(),
                calendarId,
                status(event.getStatus()),
                event.getSummary(),
                event.getDescription(),
                event.getLocation(),
                time(event.getStart(), calendarZone),
                time(event.getEnd(), calendarZone),
                "transparent".equalsIgnoreCase(event.getTransparency()),
                selfResponse(event, attendees),
                attendees,
                recurrence(event.getRecurrence()),
                event.getRecurringEventId(),
                time(event.getOriginalStartTime(), calendarZone),
                meetingUrl(event),
                event.getHtmlLink(),
                event.getEtag());
    }

    /** A start or end; {@code null} when absent or unreadable (a cancelled item carries none). */
    static EventTime time(EventDateTime time, String fallbackZone) {
        if (time == null) {
            return null;
        }
        if (time.getDateTime() != null) {
            DateTime value = time.getDateTime();
            String zone = firstNonBlank(time.getTimeZone(), fallbackZone);
            if (zone == null) {
                zone = TimeZones.name(ZoneOffset.ofTotalSeconds(value.getTimeZoneShift() * 60));
            }
            return EventTime.at(Instant.ofEpochMilli(value.getValue()), zone);
        }
        if (time.getDate() != null) {
            try {
                return EventTime.allDay(LocalDate.parse(time.getDate().toStringRfc3339().substring(0, 10)));
            } catch (DateTimeException | IndexOutOfBoundsException e) {
                return null;
            }
        }
        return null;
    }

    /**
     * Google's event time for one of ours: an RFC 3339 time in the event's own offset, or a date. Google takes only
     * IANA names as {@code timeZone}: an event in an offset ({@code +05:30}) is sent as that offset alone.
     */
    static EventDateTime toGoogle(EventTime time) {
        if (time.isAllDay()) {
            return new EventDateTime().setDate(new DateTime(time.date().toString()));
        }
        int offsetMinutes = offsetSeconds(time.instant(), time.timeZone()) / 60;
        EventDateTime result = new EventDateTime().setDateTime(new DateTime(time.instant().toEpochMilli(), offsetMinutes));
        if (TimeZones.isIanaName(time.timeZone())) {
            result.setTimeZone(time.timeZone());
        }
        return result;
    }

    /** The Meet (or other video) link: {@code hangoutLink}, else the first video entry point of the conference. */
    static String meetingUrl(Event event) {
        if (event.getHangoutLink() != null && !event.getHangoutLink().isBlank()) {
            return event.getHangoutLink();
        }
        ConferenceData conference = event.getConferenceData();
        if (conference == null || conference.getEntryPoints() == null) {
            return null;
        }
        return conference.getEntryPoints().stream()
                .filter(entry -> "video".equals(entry.getEntryPointType()))
                .map(EntryPoint::getUri)
                .filter(uri -> uri != null && !uri.isBlank())
                .findFirst().orElse(null);
    }

    /** A new event with a client-chosen id. */
    static Event newEvent(String id, EventDraft draft) {
        Event event = new Event().setId(id);
        applyDraft(event, draft);
        return event;
    }

    /**
     * Writes the fields calbridge owns onto {@code event} (fetched or new) and returns it: title, description,
     * location, start, end, attendees (the draft's list replaces the event's; a known guest keeps their answer), and
     * a Meet request when the draft asks for a link and the event has no conference yet, and the draft's reminders as
     * popup overrides when it has any.
     */
    static Event applyDraft(Event event, EventDraft draft) {
        event.setSummary(draft.title())
                .setDescription(draft.description())
                .setLocation(draft.location())
                .setStart(toGoogle(draft.start()))
                .setEnd(toGoogle(draft.end()));
        if (!draft.attendees().isEmpty() || (event.getAttendees() != null && !event.getAttendees().isEmpty())) {
            event.setAttendees(draftAttendees(draft.attendees(), event.getAttendees()));
        }
        if (!draft.reminderMinutes().isEmpty()) {
            // popups, the reminder every Google client shows; none given leaves the event's own (the calendar's default)
            event.setReminders(new Event.Reminders().setUseDefault(false).setOverrides(draft.reminderMinutes().stream()
                    .map(minutes -> new EventReminder().setMethod("popup").setMinutes(minutes)).toList()));
        }
        if (draft.requestMeetingLink() && event.getConferenceData() == null) {
            event.setConferenceData(new ConferenceData().setCreateRequest(new CreateConferenceRequest()
                    .setRequestId(draft.idempotencyKey())
                    .setConferenceSolutionKey(new ConferenceSolutionKey().setType(MEET))));
        }
        return event;
    }

    private static List<EventAttendee> draftAttendees(List<Attendee> wanted, List<EventAttendee> existing) {
        Map<String, EventAttendee> known = existing == null ? Map.of() : existing.stream()
                .filter(a -> a.getEmail() != null)
                .collect(Collectors.toMap(a -> a.getEmail().toLowerCase(Locale.ROOT), Function.identity(), (a, b) -> a));
        List<EventAttendee> result = new ArrayList<>();
        for (Attendee attendee : wanted) {
            if (attendee.email() == null || attendee.email().isBlank()) {
                continue; // Google requires an email for every attendee
            }
            EventAttendee previous = known.get(attendee.email().toLowerCase(Locale.ROOT));
            EventAttendee google = new EventAttendee().setEmail(attendee.email()).setDisplayName(attendee.name());
            if (previous != null && previous.getResponseStatus() != null) {
                google.setResponseStatus(previous.getResponseStatus());
            }
            result.add(google);
        }
        return result;
    }

    private static String status(String status) {
        return status == null || status.isBlank() ? CONFIRMED : status;
    }

    private static List<Attendee> attendees(Event event) {
        if (event.getAttendees() == null) {
            return List.of();
        }
        return event.getAttendees().stream()
                .map(a -> new Attendee(a.getDisplayName(), a.getEmail(), a.getResponseStatus(), Boolean.TRUE.equals(a.getSelf())))
                .toList();
    }

    /**
     * The calendar owner's own answer: the {@code self} attendee's; with no such attendee, an event the owner
     * organizes counts as accepted; otherwise unknown.
     */
    private static String selfResponse(Event event, List<Attendee> attendees) {
        for (Attendee attendee : attendees) {
            if (attendee.self()) {
                return attendee.response() == null ? "needsAction" : attendee.response();
            }
        }
        if (event.getOrganizer() != null && Boolean.TRUE.equals(event.getOrganizer().getSelf())) {
            return "accepted";
        }
        return null;
    }

    private static String recurrence(List<String> lines) {
        if (lines == null || lines.isEmpty()) {
            return null;
        }
        return String.join("\n", lines);
    }

    private static int offsetSeconds(Instant instant, String zone) {
        if (zone == null || zone.isBlank()) {
            return 0;
        }
        try {
            return ZoneId.of(zone).getRules().getOffset(instant).getTotalSeconds();
        } catch (DateTimeException unknownZone) {
            return 0; // the instant is what counts; Google checks the zone name itself
        }
    }

    private static String firstNonBlank(String first, String second) {
        if (first != null && !first.isBlank()) {
            return first;
        }
        return second == null || second.isBlank() ? null : second;
    }
}
