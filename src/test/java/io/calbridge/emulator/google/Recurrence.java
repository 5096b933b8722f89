package io.calbridge.emulator.google;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeSet;

/**
 * The recurrence of a recurring event: at most one RRULE ({@link RRule}) plus EXDATE and RDATE lines. Occurrences
 * are expanded in the event's own time zone, so a 09:00 meeting stays at 09:00 local time across daylight-saving
 * changes. DTSTART always counts as the first occurrence.
 */
final class Recurrence {

    private final EventTime dtstart;
    private final ZoneId zone;
    private final LocalDate startDate;
    private final LocalTime startTime;
    /** Null when the recurrence has only RDATEs. */
    private RRule rule;
    private final Set<Instant> excludedInstants = new HashSet<>();
    private final Set<LocalDate> excludedDates = new HashSet<>();
    private final TreeSet<EventTime> extraDates;

    private Recurrence(EventTime dtstart, ZoneId zone) {
        this.dtstart = dtstart;
        this.zone = zone;
        this.startDate = dtstart.isAllDay() ? dtstart.date() : LocalDate.ofInstant(dtstart.instant(), zone);
        this.startTime = dtstart.isAllDay() ? LocalTime.MIDNIGHT : LocalTime.ofInstant(dtstart.instant(), zone);
        this.extraDates = new TreeSet<>(order());
    }

    /** @throws GoogleApiException 400 for a rule this emulator (or Google) does not accept */
    static Recurrence parse(List<String> lines, EventTime start, ZoneId calendarZone) {
        Recurrence recurrence = new Recurrence(start, start.zone(calendarZone));
        int rules = 0;
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw invalid();
            }
            String[] head = line.substring(0, colon).split(";");
            String name = head[0].toUpperCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (name) {
                case "RRULE" -> {
                    if (++rules > 1) {
                        throw invalid();
                    }
                    recurrence.rule = RRule.parse(value);
                }
                case "EXDATE" -> recurrence.parseDates(head, value, true);
                case "RDATE" -> recurrence.parseDates(head, value, false);
                default -> throw invalid();
            }
        }
        return recurrence;
    }

    private static GoogleApiException invalid() {
        return RRule.invalid();
    }

    private void parseDates(String[] params, String value, boolean exclude) {
        ZoneId valueZone = zone;
        for (int i = 1; i < params.length; i++) {
            if (params[i].toUpperCase(Locale.ROOT).startsWith("TZID=")) {
                try {
                    valueZone = ZoneId.of(params[i].substring(5));
                } catch (DateTimeException e) {
                    throw invalid();
                }
            }
        }
        for (String item : value.split(",")) {
            try {
                if (item.endsWith("Z")) {
                    Instant instant = LocalDateTime.parse(item.substring(0, item.length() - 1), RRule.BASIC_DATE_TIME).toInstant(ZoneOffset.UTC);
                    add(exclude, null, instant);
                } else if (item.contains("T")) {
                    add(exclude, null, LocalDateTime.parse(item, RRule.BASIC_DATE_TIME).atZone(valueZone).toInstant());
                } else {
                    add(exclude, LocalDate.parse(item, DateTimeFormatter.BASIC_ISO_DATE), null);
                }
            } catch (DateTimeException e) {
                throw invalid();
            }
        }
    }

    private void add(boolean exclude, LocalDate date, Instant instant) {
        if (exclude) {
            if (date != null) {
                excludedDates.add(date);
            } else {
                excludedInstants.add(instant);
            }
        } else if (dtstart.isAllDay()) {
            extraDates.add(EventTime.allDay(date != null ? date : LocalDate.ofInstant(instant, zone)));
        } else {
            extraDates.add(at(date != null ? date : LocalDate.ofInstant(instant, zone), instant));
        }
    }

    private Comparator<EventTime> order() {
        return Comparator.comparing(t -> t.toInstant(zone));
    }

    boolean isFinite() {
        return rule == null || rule.isFinite();
    }

    /** Whether an EXDATE removes this occurrence (it is still produced by {@link #iterator()}). */
    boolean isExcluded(EventTime occurrence) {
        if (occurrence.isAllDay()) {
            return excludedDates.contains(occurrence.date());
        }
        return excludedInstants.contains(occurrence.instant()) || excludedDates.contains(LocalDate.ofInstant(occurrence.instant(), zone));
    }

    /** The original start times of all occurrences in ascending order, EXDATE'd ones included; lazily, as series may be endless. */
    Iterator<EventTime> iterator() {
        Iterator<LocalDate> dates = rule != null ? rule.dates(startDate, startTime, zone, dtstart.isAllDay()) : List.of(startDate).iterator();
        Iterator<EventTime> extra = extraDates.iterator();
        Comparator<EventTime> order = order();
        return new Iterator<>() {
            EventTime nextRule = dates.hasNext() ? at(dates.next(), null) : null;
            EventTime nextExtra = extra.hasNext() ? extra.next() : null;

            @Override
            public boolean hasNext() {
                return nextRule != null || nextExtra != null;
            }

            @Override
            public EventTime next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                EventTime result;
                int cmp = nextRule == null ? 1 : nextExtra == null ? -1 : order.compare(nextRule, nextExtra);
                if (cmp <= 0) {
                    result = nextRule;
                    nextRule = dates.hasNext() ? at(dates.next(), null) : null;
                    if (cmp == 0) {
                        nextExtra = extra.hasNext() ? extra.next() : null;
                    }
                } else {
                    result = nextExtra;
                    nextExtra = extra.hasNext() ? extra.next() : null;
                }
                return result;
            }
        };
    }

    private EventTime at(LocalDate date, Instant exact) {
        if (dtstart.isAllDay()) {
            return EventTime.allDay(date);
        }
        Instant instant = exact != null ? exact : LocalDateTime.of(date, startTime).atZone(zone).toInstant();
        return EventTime.timed(instant, dtstart.timeZone());
    }
}
