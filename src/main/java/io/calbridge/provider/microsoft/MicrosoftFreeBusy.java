package io.calbridge.provider.microsoft;

import com.microsoft.graph.models.DateTimeTimeZone;
import com.microsoft.graph.models.Event;
import com.microsoft.graph.models.EventCollectionResponse;
import com.microsoft.graph.models.FreeBusyStatus;
import com.microsoft.graph.models.ScheduleInformation;
import com.microsoft.graph.models.ScheduleItem;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.calendar.getschedule.GetSchedulePostRequestBody;
import com.microsoft.graph.users.item.calendar.getschedule.GetSchedulePostResponse;
import io.calbridge.provider.BusyInterval;
import io.calbridge.provider.ProviderException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Free/busy for a set of calendars. A work or school account's default calendar is asked through
 * {@code POST /me/calendar/getSchedule} by its owner's address (what Outlook itself shows others), in chunks of
 * {@link #SCHEDULES_PER_QUERY} addresses and {@link #MAX_SPAN} of time. getSchedule is not offered for personal
 * accounts, and it only knows a mailbox's default calendar: personal accounts and other calendars are read from their
 * calendar view (paged), every event that is not free, cancelled or declined counting as busy.
 */
final class MicrosoftFreeBusy {

    /** getSchedule answers for a bounded number of schedules per request; 20 keeps well inside it. */
    static final int SCHEDULES_PER_QUERY = 20;
    /** getSchedule refuses periods longer than 62 days. */
    static final Duration MAX_SPAN = Duration.ofDays(60);
    static final int VIEW_PAGE_SIZE = 500;
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private final GraphApi api;

    MicrosoftFreeBusy(GraphApi api) {
        this.api = api;
    }

    /**
     * @param defaultCalendarOwners for a work account, its default calendar's id and owner address (empty for a
     *                              personal account): that calendar is asked through getSchedule
     */
    List<BusyInterval> busy(GraphServiceClient client, Map<String, String> defaultCalendarOwners, List<String> calendarIds,
            Instant from, Instant to) {
        List<BusyInterval> result = new ArrayList<>();
        Map<String, String> scheduled = new LinkedHashMap<>(); // owner address in lower case -> calendar id
        List<String> owners = new ArrayList<>(); // as Graph spells them
        for (String id : calendarIds) {
            String owner = defaultCalendarOwners.get(id);
            if (owner == null) {
                result.addAll(fromCalendarView(client, id, from, to));
            } else if (scheduled.putIfAbsent(owner.toLowerCase(Locale.ROOT), id) == null) {
                owners.add(owner);
            }
        }
        for (int i = 0; i < owners.size(); i += SCHEDULES_PER_QUERY) {
            List<String> chunk = owners.subList(i, Math.min(owners.size(), i + SCHEDULES_PER_QUERY));
            for (Instant start = from; start.isBefore(to); start = start.plus(MAX_SPAN)) {
                Instant end = start.plus(MAX_SPAN).isBefore(to) ? start.plus(MAX_SPAN) : to;
                result.addAll(fromSchedule(client, chunk, scheduled, start, end));
            }
        }
        return result;
    }

    private List<BusyInterval> fromSchedule(GraphServiceClient client, List<String> owners, Map<String, String> calendarByOwner,
            Instant from, Instant to) {
        GetSchedulePostRequestBody body = new GetSchedulePostRequestBody();
        body.setSchedules(new ArrayList<>(owners));
        body.setStartTime(utc(from));
        body.setEndTime(utc(to));
        body.setAvailabilityViewInterval(30);
        GetSchedulePostResponse answer = api.call("calendar.getSchedule", () -> client.me().calendar().getSchedule()
                .post(body, config -> GraphApi.prefer(config.headers, null)));
        List<BusyInterval> result = new ArrayList<>();
        if (answer == null || answer.getValue() == null) {
            return result;
        }
        for (ScheduleInformation schedule : answer.getValue()) {
            String owner = schedule.getScheduleId() == null ? null : schedule.getScheduleId().toLowerCase(Locale.ROOT);
            String calendarId = calendarByOwner.get(owner);
            if (calendarId == null) {
                continue;
            }
            if (schedule.getError() != null) {
                throw new ProviderException.Permanent("Microsoft Graph getSchedule could not answer for calendar " + calendarId + ": "
                        + schedule.getError().getResponseCode(), null);
            }
            if (schedule.getScheduleItems() == null) {
                continue;
            }
            for (ScheduleItem item : schedule.getScheduleItems()) {
                if (item.getStatus() == FreeBusyStatus.Free || item.getStatus() == FreeBusyStatus.Unknown) {
                    continue;
                }
                add(result, calendarId, item.getStart(), item.getEnd());
            }
        }
        return result;
    }

    private List<BusyInterval> fromCalendarView(GraphServiceClient client, String calendarId, Instant from, Instant to) {
        List<BusyInterval> result = new ArrayList<>();
        var view = client.me().calendars().byCalendarId(calendarId).calendarView();
        EventCollectionResponse page = api.call("calendarView.list", () -> view.get(config -> {
            GraphApi.prefer(config.headers, VIEW_PAGE_SIZE);
            config.queryParameters.startDateTime = from.toString();
            config.queryParameters.endDateTime = to.toString();
            config.queryParameters.select = new String[] {"start", "end", "showAs", "isCancelled", "responseStatus"};
        }));
        while (page != null) {
            if (page.getValue() != null) {
                for (Event event : page.getValue()) {
                    boolean free = event.getShowAs() == FreeBusyStatus.Free || Boolean.TRUE.equals(event.getIsCancelled())
                            || "declined".equals(MicrosoftEventMapper.response(event.getResponseStatus()));
                    if (!free) {
                        add(result, calendarId, event.getStart(), event.getEnd());
                    }
                }
            }
            String next = page.getOdataNextLink();
            if (next == null) {
                break;
            }
            page = api.call("calendarView.list", () -> view.withUrl(next).get(config -> GraphApi.prefer(config.headers, VIEW_PAGE_SIZE)));
        }
        return result;
    }

    private static void add(List<BusyInterval> result, String calendarId, DateTimeTimeZone start, DateTimeTimeZone end) {
        var from = MicrosoftEventMapper.time(start, false, null);
        var to = MicrosoftEventMapper.time(end, false, null);
        if (from != null && to != null && from.instant().isBefore(to.instant())) {
            result.add(new BusyInterval(calendarId, from.instant(), to.instant()));
        }
    }

    private static DateTimeTimeZone utc(Instant instant) {
        DateTimeTimeZone time = new DateTimeTimeZone();
        time.setDateTime(LOCAL.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC)));
        time.setTimeZone("UTC");
        return time;
    }
}
