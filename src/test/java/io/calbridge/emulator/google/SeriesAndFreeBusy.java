package io.calbridge.emulator.google;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** events.instances (one series' occurrences, exceptions in place) and freebusy.query. */
final class SeriesAndFreeBusy {

    private final Store store;

    SeriesAndFreeBusy(Store store) {
        this.store = store;
    }

    byte[] instances(CalendarData calendar, String eventId, Map<String, String> params) {
        int maxResults = ListQuery.pageSize(params);
        boolean showDeleted = ListQuery.bool(params, "showDeleted");
        Instant timeMin = ListQuery.instant(params, "timeMin");
        Instant timeMax = ListQuery.instant(params, "timeMax");
        ZoneId outZone = ListQuery.zone(params, calendar.zone);
        String originalStart = params.get("originalStart");
        long min = timeMin == null ? Long.MIN_VALUE : timeMin.toEpochMilli();
        long max = timeMax == null ? Long.MAX_VALUE : timeMax.toEpochMilli();
        calendar.lock.readLock().lock();
        try {
            StoredEvent master = calendar.byId.get(eventId);
            if (master == null) {
                throw GoogleApiException.notFound();
            }
            if (master.isCancelled()) {
                throw GoogleApiException.deleted();
            }
            long after = Long.MIN_VALUE;
            if (params.get("pageToken") != null) {
                String[] fields = Tokens.parsePage(params.get("pageToken"), 3);
                try {
                    if (!fields[0].equals("I") || Integer.parseInt(fields[1]) != calendar.number) {
                        throw GoogleApiException.invalid("Invalid page token value.");
                    }
                    after = Long.parseLong(fields[2]);
                } catch (NumberFormatException e) {
                    throw GoogleApiException.invalid("Invalid page token value.");
                }
            }
            EventLister.Page page = new EventLister.Page(maxResults);
            if (master.isMaster()) {
                int count = 0;
                for (Iterator<EventTime> it = master.rule.iterator(); it.hasNext(); ) {
                    EventTime occurrence = it.next();
                    long start = occurrence.toInstant(calendar.zone).toEpochMilli();
                    if (start >= max || (timeMax == null && ++count > EventLister.MAX_INSTANCES)) {
                        break;
                    }
                    if (master.rule.isExcluded(occurrence) || start <= after || (originalStart != null && !sameStart(occurrence, originalStart))) {
                        continue;
                    }
                    StoredEvent exception = calendar.byId.get(master.id + "_" + occurrence.instanceSuffix());
                    byte[] item;
                    if (exception != null) {
                        if ((exception.isCancelled() && !showDeleted) || exception.endMillis <= min || exception.startMillis >= max) {
                            continue;
                        }
                        item = exception.json(calendar, outZone);
                    } else {
                        if (master.endFor(occurrence).toInstant(calendar.zone).toEpochMilli() <= min) {
                            continue;
                        }
                        item = master.instanceJson(calendar, occurrence, outZone);
                    }
                    if (!page.offer(() -> item, "I", Integer.toString(calendar.number), Long.toString(start))) {
                        break;
                    }
                }
            }
            String token = page.more ? "\"nextPageToken\":\"" + Tokens.page(page.cursor) + "\"" : null;
            return EventLister.envelope(calendar, token, page.items);
        } finally {
            calendar.lock.readLock().unlock();
        }
    }

    private static boolean sameStart(EventTime occurrence, String wanted) {
        if (occurrence.isAllDay()) {
            return occurrence.date().equals(Json.parseDate(wanted));
        }
        Instant instant = Json.parseRfc3339(wanted);
        return occurrence.instant().equals(instant);
    }

    /**
     * Busy periods of opaque, non-cancelled events (not declined by the owner), series expanded, clipped to the
     * window and merged where they overlap. A calendar the caller cannot see gets {@code errors: [notFound]}.
     */
    byte[] freeBusy(Store.Account account, ObjectNode body) {
        String timeMinText = Json.text(body, "timeMin");
        String timeMaxText = Json.text(body, "timeMax");
        if (timeMinText == null || timeMaxText == null) {
            throw GoogleApiException.required("Missing " + (timeMinText == null ? "timeMin" : "timeMax") + " parameter.");
        }
        Instant timeMin = Json.parseRfc3339(timeMinText);
        Instant timeMax = Json.parseRfc3339(timeMaxText);
        if (timeMin == null || timeMax == null) {
            throw GoogleApiException.invalid("Invalid Value");
        }
        if (!timeMax.isAfter(timeMin)) {
            throw GoogleApiException.badRequest("timeRangeEmpty", "The specified time range is empty.");
        }
        ZoneId outZone = ListQuery.zone(body.has("timeZone") ? Map.of("timeZone", Json.text(body, "timeZone")) : Map.of(), ZoneOffset.UTC);
        ObjectNode result = Json.object();
        result.put("kind", "calendar#freeBusy");
        result.put("timeMin", Json.timestamp(timeMin));
        result.put("timeMax", Json.timestamp(timeMax));
        ObjectNode calendars = result.putObject("calendars");
        for (JsonNode item : body.path("items")) {
            String id = Json.text(item, "id");
            if (id == null) {
                continue;
            }
            ObjectNode entry = calendars.putObject(id);
            CalendarData calendar;
            try {
                calendar = store.resolve(account, id);
            } catch (GoogleApiException e) {
                entry.putArray("errors").addObject().put("domain", "global").put("reason", "notFound");
                entry.putArray("busy");
                continue;
            }
            ArrayNode busy = entry.putArray("busy");
            for (long[] interval : busy(calendar, timeMin.toEpochMilli(), timeMax.toEpochMilli())) {
                busy.addObject()
                        .put("start", Json.dateTime(Instant.ofEpochMilli(interval[0]), outZone))
                        .put("end", Json.dateTime(Instant.ofEpochMilli(interval[1]), outZone));
            }
        }
        return Json.bytes(result);
    }

    private static List<long[]> busy(CalendarData calendar, long min, long max) {
        List<long[]> intervals = new ArrayList<>();
        calendar.lock.readLock().lock();
        try {
            for (StoredEvent event : calendar.byStart.tailMap(new CalendarData.EventKey(min - calendar.maxDurationMillis, ""), true).values()) {
                if (event.startMillis >= max) {
                    break;
                }
                if (blocks(event) && event.endMillis > min) {
                    intervals.add(new long[] {Math.max(min, event.startMillis), Math.min(max, event.endMillis)});
                }
            }
            for (StoredEvent master : calendar.masters.values()) {
                if (!blocks(master)) {
                    continue;
                }
                for (Iterator<EventTime> it = master.rule.iterator(); it.hasNext(); ) {
                    EventTime occurrence = it.next();
                    long start = occurrence.toInstant(calendar.zone).toEpochMilli();
                    if (start >= max) {
                        break;
                    }
                    long end = master.endFor(occurrence).toInstant(calendar.zone).toEpochMilli();
                    if (end <= min || master.rule.isExcluded(occurrence) || calendar.byId.containsKey(master.id + "_" + occurrence.instanceSuffix())) {
                        continue; // exceptions were counted from the index above
                    }
                    intervals.add(new long[] {Math.max(min, start), Math.min(max, end)});
                }
            }
        } finally {
            calendar.lock.readLock().unlock();
        }
        intervals.sort(Comparator.comparingLong(i -> i[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] interval : intervals) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && interval[0] <= last[1]) {
                last[1] = Math.max(last[1], interval[1]);
            } else {
                merged.add(interval);
            }
        }
        return merged;
    }

    private static boolean blocks(StoredEvent event) {
        return !event.isCancelled() && !event.isTransparent() && !event.isDeclinedBySelf();
    }
}
