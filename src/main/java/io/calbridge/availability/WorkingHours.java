package io.calbridge.availability;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * When someone takes meetings, in their own time zone: ranges per weekday, replaced on single dates by overrides (an
 * empty list is a day off). Ranges are wall-clock times, turned into instants day by day, so a 09:00 start stays
 * 09:00 local across DST changes.
 */
final class WorkingHours {

    /** Minutes from local midnight; {@code endMinute} 1440 means midnight at the end of the day. */
    record Range(int startMinute, int endMinute) {
        Range {
            if (startMinute < 0 || endMinute > MINUTES_PER_DAY || endMinute <= startMinute) {
                throw new IllegalArgumentException("invalid range " + startMinute + "-" + endMinute);
            }
        }
    }

    /** An open window [start, end) in epoch seconds; slots are laid out on a grid from its start. */
    record Window(long start, long end) {
    }

    static final int MINUTES_PER_DAY = 1440;

    /** Monday to Friday, 09:00 to 17:00. */
    static final WorkingHours DEFAULT = new WorkingHours(defaultWeek(), Map.of());

    private final Map<DayOfWeek, List<Range>> weekly;
    private final Map<LocalDate, List<Range>> overrides;

    /** Ranges of a day must be sorted and must not overlap (the request parser checks and sorts them). */
    WorkingHours(Map<DayOfWeek, List<Range>> weekly, Map<LocalDate, List<Range>> overrides) {
        this.weekly = new EnumMap<>(DayOfWeek.class);
        weekly.forEach((day, ranges) -> this.weekly.put(day, List.copyOf(ranges)));
        this.overrides = Map.copyOf(overrides);
    }

    WorkingHours withOverrides(Map<LocalDate, List<Range>> dateOverrides) {
        return new WorkingHours(weekly, dateOverrides);
    }

    WorkingHours withWeekly(Map<DayOfWeek, List<Range>> week) {
        return new WorkingHours(week, overrides);
    }

    List<Range> on(LocalDate date) {
        List<Range> override = overrides.get(date);
        return override != null ? override : weekly.getOrDefault(date.getDayOfWeek(), List.of());
    }

    /**
     * The open windows overlapping [from, to), in order, not clipped: a window keeps its real start, so slots stay
     * on the same grid whatever the query's bounds. A range that DST skips entirely (02:00-03:00 on a spring-forward
     * night) yields nothing.
     */
    List<Window> windows(ZoneId zone, Instant from, Instant to) {
        List<Window> windows = new ArrayList<>();
        // a day's ranges reach into the next local day at most up to its midnight, so start one day early
        LocalDate last = to.atZone(zone).toLocalDate();
        for (LocalDate date = from.atZone(zone).toLocalDate().minusDays(1); !date.isAfter(last); date = date.plusDays(1)) {
            for (Range range : on(date)) {
                long start = at(date, range.startMinute(), zone);
                long end = at(date, range.endMinute(), zone);
                if (end > start && end > from.getEpochSecond() && start < to.getEpochSecond()) {
                    windows.add(new Window(start, end));
                }
            }
        }
        return windows;
    }

    /** Whether [start, end) lies inside one open window. */
    boolean contains(ZoneId zone, long start, long end) {
        for (Window window : windows(zone, Instant.ofEpochSecond(start), Instant.ofEpochSecond(end))) {
            if (window.start() <= start && end <= window.end()) {
                return true;
            }
        }
        return false;
    }

    /** A wall-clock minute of a date as an instant; a time DST skips moves forward by the gap, as calendars do. */
    private static long at(LocalDate date, int minute, ZoneId zone) {
        if (minute == MINUTES_PER_DAY) {
            return date.plusDays(1).atStartOfDay(zone).toEpochSecond();
        }
        return date.atTime(LocalTime.ofSecondOfDay(minute * 60L)).atZone(zone).toEpochSecond();
    }

    private static Map<DayOfWeek, List<Range>> defaultWeek() {
        Map<DayOfWeek, List<Range>> week = new EnumMap<>(DayOfWeek.class);
        for (DayOfWeek day : List.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY, DayOfWeek.FRIDAY)) {
            week.put(day, List.of(new Range(9 * 60, 17 * 60)));
        }
        return week;
    }
}
