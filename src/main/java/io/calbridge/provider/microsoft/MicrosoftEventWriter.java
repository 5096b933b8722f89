package io.calbridge.provider.microsoft;

import com.microsoft.graph.models.AttendeeType;
import com.microsoft.graph.models.BodyType;
import com.microsoft.graph.models.Calendar;
import com.microsoft.graph.models.DateTimeTimeZone;
import com.microsoft.graph.models.EmailAddress;
import com.microsoft.graph.models.Event;
import com.microsoft.graph.models.ItemBody;
import com.microsoft.graph.models.Location;
import com.microsoft.graph.models.OnlineMeetingProviderType;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import io.calbridge.provider.Attendee;
import io.calbridge.provider.EventDraft;
import io.calbridge.provider.EventTime;
import io.calbridge.provider.ProviderException;
import io.calbridge.provider.TimeZones;
import io.calbridge.provider.WrittenEvent;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Writes calbridge's events into an Outlook calendar.
 *
 * <p>Create sends a {@code transactionId} derived from the draft's idempotency key: Graph keeps it to recognise a
 * repeated POST, so a retry after a lost reply gets the event the first POST made instead of a duplicate. Update is a
 * PATCH of the fields calbridge owns, without {@code If-Match}: calbridge's version is the truth, and a change key
 * from before Graph rotated it would only earn a 412. Delete treats an event already gone as deleted.
 *
 * <p>Times go out in the draft's own IANA zone, which Graph accepts beside Windows names, and in UTC where the draft
 * has only an offset. A Teams link ({@code isOnlineMeeting}, {@code teamsForBusiness}) is asked for only where the
 * calendar's {@code allowedOnlineMeetingProviders} contains it; personal accounts do not, and their events get no link
 * ({@link WrittenEvent#meetingUrl()} stays {@code null}) but a reason ({@link WrittenEvent#meetingLinkUnavailable()})
 * the appointment shows. Every attempt builds its Graph objects afresh: the SDK's
 * backing store sends a model object only once (a second send would serialise as {@code {}}).
 */
final class MicrosoftEventWriter {

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    private static final Pattern HTML = Pattern.compile("(?is).*<(p|br|div|a|b|i|ul|ol|li|span|strong|em|html|table)\\b.*");

    /** Why an event has no Teams link: the calendar does not offer Teams (personal accounts never do). */
    static final String TEAMS_NOT_ALLOWED = "personal Microsoft accounts (and work accounts without Teams) cannot have Teams "
            + "meetings: this Outlook calendar does not offer teamsForBusiness";
    /** Graph took the Teams request but answered without a join URL (it may add one later). */
    static final String TEAMS_LINK_MISSING = "Microsoft Graph answered without a Teams join link";

    private final GraphApi api;

    MicrosoftEventWriter(GraphApi api) {
        this.api = api;
    }

    /** Graph's {@code transactionId} for an idempotency key: a name-based UUID, the same for the same key. */
    static String transactionId(String idempotencyKey) {
        return UUID.nameUUIDFromBytes(("calbridge-event:" + idempotencyKey).getBytes(StandardCharsets.UTF_8)).toString();
    }

    WrittenEvent create(String accessToken, String calendarId, EventDraft draft) {
        if (draft.idempotencyKey() == null || draft.idempotencyKey().isBlank()) {
            throw new ProviderException.Permanent("an event draft needs an idempotency key", null);
        }
        GraphServiceClient client = api.client(accessToken);
        boolean teams = draft.requestMeetingLink() && teamsAllowed(client, calendarId);
        Event event = toGraph(draft, teams);
        event.setTransactionId(transactionId(draft.idempotencyKey()));
        Event created = api.call("events.create", () -> client.me().calendars().byCalendarId(calendarId).events()
                .post(event, config -> GraphApi.prefer(config.headers, null)));
        if (created != null && created.getId() != null && !holds(created, draft, teams)) {
            // Graph answers a repeated transactionId with the event the first POST made, as it is: that attempt's reply
            // was lost, and this retry carries newer content, which the event must get
            return update(accessToken, calendarId, created.getId(), draft);
        }
        return written(created, draft.requestMeetingLink(), teams);
    }

    /**
     * Whether an event Graph answered holds the draft's content: false only where the answer shows other content than
     * sent (a field it leaves out is no evidence). Graph answers a POST with the whole event, so a replayed create
     * shows its older subject, times, location, body or attendees.
     */
    static boolean holds(Event event, EventDraft draft, boolean teams) {
        if (event.getSubject() != null && !event.getSubject().equals(draft.title())) {
            return false;
        }
        if (differs(event.getStart(), draft.start()) || differs(event.getEnd(), draft.end())) {
            return false;
        }
        if (event.getLocation() != null && event.getLocation().getDisplayName() != null
                && !plain(event.getLocation().getDisplayName()).equals(plain(draft.location()))) {
            return false;
        }
        if (event.getBody() != null && event.getBody().getContent() != null
                && !plain(event.getBody().getContent()).equals(plain(draft.description()))) {
            return false;
        }
        if (event.getAttendees() != null) {
            Set<String> held = new HashSet<>();
            event.getAttendees().forEach(a -> held.add(a.getEmailAddress() == null ? null : lower(a.getEmailAddress().getAddress())));
            Set<String> wanted = new HashSet<>();
            attendees(draft.attendees()).forEach(a -> wanted.add(lower(a.getEmailAddress().getAddress())));
            if (!held.equals(wanted)) {
                return false;
            }
        }
        return !teams || !Boolean.FALSE.equals(event.getIsOnlineMeeting());
    }

    /** Whether a time Graph shows is another instant (or date, all day) than the draft's; an absent or unreadable one is not. */
    private static boolean differs(DateTimeTimeZone held, EventTime wanted) {
        if (held == null || held.getDateTime() == null) {
            return false;
        }
        ZoneId zone = MicrosoftTimeZones.zone(held.getTimeZone());
        try {
            LocalDateTime local = LocalDateTime.parse(held.getDateTime().trim());
            if (wanted.isAllDay()) {
                return !local.toLocalDate().equals(wanted.date());
            }
            return zone != null && !local.atZone(zone).toInstant().equals(wanted.instant());
        } catch (DateTimeException e) {
            return false;
        }
    }

    /** Text as a reader sees it: Graph gives a text body back as an HTML document (with a style block in its head). */
    private static String plain(String text) {
        if (text == null) {
            return "";
        }
        return text.replaceAll("(?is)<(head|style|script)\\b.*?</\\1>", " ").replaceAll("(?s)<[^>]*>", " ").replace("&nbsp;", " ")
                .replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
                .replaceAll("\\s+", " ").strip();
    }

    private static String lower(String address) {
        return address == null ? null : address.toLowerCase(Locale.ROOT);
    }

    WrittenEvent update(String accessToken, String calendarId, String externalId, EventDraft draft) {
        GraphServiceClient client = api.client(accessToken);
        boolean teams = draft.requestMeetingLink() && teamsAllowed(client, calendarId);
        Event patch = toGraph(draft, teams);
        Event updated = api.call("events.update", () -> client.me().calendars().byCalendarId(calendarId).events().byEventId(externalId)
                .patch(patch, config -> GraphApi.prefer(config.headers, null)));
        return written(updated, draft.requestMeetingLink(), teams);
    }

    void delete(String accessToken, String calendarId, String externalId) {
        GraphServiceClient client = api.client(accessToken);
        try {
            api.run("events.delete", () -> client.me().calendars().byCalendarId(calendarId).events().byEventId(externalId)
                    .delete(config -> GraphApi.prefer(config.headers, null)));
        } catch (ProviderException.NotFound gone) {
            // deleted already
        }
    }

    /** Whether the calendar can hold Teams meetings (work and school accounts with Teams; never personal ones). */
    boolean teamsAllowed(GraphServiceClient client, String calendarId) {
        Calendar calendar = api.call("calendars.get", () -> client.me().calendars().byCalendarId(calendarId)
                .get(config -> config.queryParameters.select = new String[] {"id", "allowedOnlineMeetingProviders"}));
        return calendar != null && calendar.getAllowedOnlineMeetingProviders() != null
                && calendar.getAllowedOnlineMeetingProviders().contains(OnlineMeetingProviderType.TeamsForBusiness);
    }

    /** A new Graph event with the fields calbridge owns. */
    static Event toGraph(EventDraft draft, boolean teams) {
        Event event = new Event();
        event.setSubject(draft.title());
        ItemBody body = new ItemBody();
        String description = draft.description() == null ? "" : draft.description();
        body.setContentType(HTML.matcher(description).matches() ? BodyType.Html : BodyType.Text);
        body.setContent(description);
        event.setBody(body);
        Location location = new Location();
        location.setDisplayName(draft.location() == null ? "" : draft.location());
        event.setLocation(location);
        boolean allDay = draft.start().isAllDay() && draft.end().isAllDay();
        event.setIsAllDay(allDay);
        event.setStart(toGraph(draft.start()));
        event.setEnd(toGraph(draft.end()));
        event.setAttendees(attendees(draft.attendees()));
        if (!draft.reminderMinutes().isEmpty()) {
            // Graph holds one reminder per event: the earliest (most minutes before) of those asked for
            event.setIsReminderOn(true);
            event.setReminderMinutesBeforeStart(Collections.max(draft.reminderMinutes()));
        }
        if (teams) {
            event.setIsOnlineMeeting(true);
            event.setOnlineMeetingProvider(OnlineMeetingProviderType.TeamsForBusiness);
        }
        return event;
    }

    /** A time in the event's IANA zone (Graph takes those), else in UTC; a date as midnight, UTC. */
    static DateTimeTimeZone toGraph(EventTime time) {
        DateTimeTimeZone result = new DateTimeTimeZone();
        if (time.isAllDay()) {
            result.setDateTime(LOCAL.format(time.date().atStartOfDay()));
            result.setTimeZone("UTC");
            return result;
        }
        ZoneId zone = TimeZones.isIanaName(time.timeZone()) ? ZoneId.of(time.timeZone()) : ZoneOffset.UTC;
        result.setDateTime(LOCAL.format(time.instant().atZone(zone).toLocalDateTime()));
        result.setTimeZone(zone == ZoneOffset.UTC ? "UTC" : zone.getId());
        return result;
    }

    private static List<com.microsoft.graph.models.Attendee> attendees(List<Attendee> wanted) {
        List<com.microsoft.graph.models.Attendee> result = new ArrayList<>();
        for (Attendee attendee : wanted) {
            if (attendee.email() == null || attendee.email().isBlank()) {
                continue; // Graph addresses attendees by email
            }
            EmailAddress address = new EmailAddress();
            address.setAddress(attendee.email());
            address.setName(attendee.name());
            com.microsoft.graph.models.Attendee graph = new com.microsoft.graph.models.Attendee();
            graph.setEmailAddress(address);
            graph.setType(AttendeeType.Required);
            result.add(graph);
        }
        return result;
    }

    /** wanted: the draft asked for a meeting link; teams: the calendar allows Teams, so one was asked of Graph. */
    static WrittenEvent written(Event event, boolean wanted, boolean teams) {
        if (event == null || event.getId() == null) {
            throw new ProviderException.Permanent("Microsoft Graph answered a write without the event's id", null);
        }
        Object etag = event.getAdditionalData() == null ? null : event.getAdditionalData().get(MicrosoftEventMapper.ETAG);
        String meetingUrl = MicrosoftEventMapper.meetingUrl(event);
        return new WrittenEvent(event.getId(), meetingUrl, etag instanceof String s ? s : event.getChangeKey(),
                wanted && meetingUrl == null ? (teams ? TEAMS_LINK_MISSING : TEAMS_NOT_ALLOWED) : null);
    }
}
