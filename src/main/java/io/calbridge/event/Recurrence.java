package io.calbridge.event;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Expands an RFC 5545 series (RRULE + EXDATE, the subset calendars use: DAILY, WEEKLY with BYDAY, MONTHLY with
 * BYMONTHDAY or BYDAY like 2TU / -1FR, YEARLY; INTERVAL, COUNT, UNTIL) into occurrences within a window. Occurrences
 * keep their wall-clock time in the series' zone, so a 09:00 meeting stays at 09:00 across DST changes.
 */
public final class Recurrence {

    /** Safety net against rules that never reach the window (e.g. a daily series from 1970). */
    private static final int MAX_STEPS = 200_000;
    private static final DateTimeFormatter DATE = DateTimeFormatter.BASIC_ISO_DATE;
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");

    private final Map<String, String> rule = new HashMap<>();
    private final Set<Instant> exdates = new HashSet<>();
    private final Set<LocalDate> exdays = new HashSet<>();

    private Recurrence(String lines, ZoneId zone) {
        for (String line : lines.split("\\r?\\n")) {
            String upper = line.trim();
            if (upper.startsWith("RRULE:")) {
                for (String part : upper.substring(6).split(";")) {
                    String[] kv = part.split("=", 2);
                    if (kv.length == 2) {
                        rule.put(kv[0].toUpperCase(Locale.ROOT), kv[1].toUpperCase(Locale.ROOT));
                    }
                }
            } else if (upper.startsWith("EXDATE")) {
                parseExdates(upper, zone);
            }
        }
    }

    /** Occurrence starts of the series whose occurrence overlaps [from, to). */
    public static List<Instant> occurrences(String recurrence, Instant seriesStart, ZoneId zone, boolean allDay,
            Duration length, Instant from, Instant to) {
        return new Recurrence(recurrence, zone).expand(seriesStart.atZone(zone).toLocalDateTime(), zone, allDay, length, from, to);
    }

    /** Google's id of one occurrence: {@code base_20261123T090000Z}, or {@code base_20261123} for all-day series. */
    public static String occurrenceId(String seriesId, Instant start, ZoneId zone, boolean allDay) {
        return seriesId + "_" + (allDay ? start.atZone(zone).toLocalDate().format(DATE)
                : start.atOffset(ZoneOffset.UTC).format(DATE_TIME) + "Z");
    }

    private List<Instant> expand(LocalDateTime start, ZoneId zone, boolean allDay, Duration length, Instant from, Instant to) {
        List<Instant> result = new ArrayList<>();
        String freq = rule.getOrDefault("FREQ", "");
        int interval = Math.max(1, Integer.parseInt(rule.getOrDefault("INTERVAL", "1")));
        long count = rule.containsKey("COUNT") ? Long.parseLong(rule.get("COUNT")) : Long.MAX_VALUE;
        Instant until = until(zone);
        long produced = 0;
        long first = count == Long.MAX_VALUE ? firstPeriodThatCanReach(freq, start, interval, zone, length, from) : 0;
        for (long period = first; period < first + MAX_STEPS; period++) {
            List<LocalDateTime> candidates = candidates(freq, start, period * interval);
            if (candidates == null) {
                break;
            }
            for (LocalDateTime candidate : candidates) {
                if (candidate.isBefore(start)) {
                    continue;
                }
                Instant occurrence = candidate.atZone(zone).toInstant();
                if (produced >= count || (until != null && occurrence.isAfter(until)) || !occurrence.isBefore(to)) {
                    return result;
                }
                produced++;
                boolean excluded = allDay ? exdays.contains(candidate.toLocalDate()) : exdates.contains(occurrence);
                if (!excluded && occurrence.plus(length).isAfter(from)) {
                    result.add(occurrence);
                }
            }
        }
        return result;
    }

    /**
     * For daily and weekly rules, the first period whose occurrences may overlap {@code from}: every occurrence of an
     * earlier one falls on a local date at least the series' length and two days before {@code from}'s (DST and zone
     * offsets are hours), so it ends before {@code from}. Skipping them gives the same occurrences as stepping from
     * the series' start, which for a daily series a few years old took thousands of steps per read. Not with COUNT (the
     * count runs from the start) nor for other frequencies: there it is 0.
     */
    private static long firstPeriodThatCanReach(String freq, LocalDateTime start, int interval, ZoneId zone, Duration length,
            Instant from) {
        LocalDate safe = from.atZone(zone).toLocalDate().minusDays(length.toDays() + 2);
        return switch (freq) {
            case "DAILY" -> Math.max(0, ChronoUnit.DAYS.between(start.toLocalDate(), safe) / interval);
            case "WEEKLY" -> Math.max(0, ChronoUnit.DAYS.between(start.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)),
                    safe) / 7 / interval);
            default -> 0;
        };
    }

    /** The occurrences of the n-th period after the start, in order; {@code null} for an unknown frequency. */
    private List<LocalDateTime> candidates(String freq, LocalDateTime start, long n) {
        LocalTime time = start.toLocalTime();
        switch (freq) {
            case "DAILY":
                return List.of(start.plusDays(n));
            case "WEEKLY": {
                LocalDate weekStart = start.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).plusWeeks(n);
                List<DayOfWeek> days = byDay().isEmpty() ? List.of(start.getDayOfWeek())
                        : byDay().stream().map(d -> weekday(d.substring(d.length() - 2))).sorted().toList();
                return days.stream().map(d -> weekStart.plusDays(d.getValue() - 1L).atTime(time)).toList();
            }
            case "MONTHLY": {
                LocalDate month = start.toLocalDate().withDayOfMonth(1).plusMonths(n);
                List<LocalDate> dates = new ArrayList<>();
                if (rule.containsKey("BYMONTHDAY")) {
                    for (String day : rule.get("BYMONTHDAY").split(",")) {
                        int d = Integer.parseInt(day);
                        int actual = d > 0 ? d : month.lengthOfMonth() + d + 1;
                        if (actual >= 1 && actual <= month.lengthOfMonth()) {
                            dates.add(month.withDayOfMonth(actual));
                        }
                    }
                } else if (!byDay().isEmpty()) {
                    for (String spec : byDay()) {
                        LocalDate date = nthWeekday(month, spec);
                        if (date != null) {
                            dates.add(date);
                        }
                    }
                } else if (start.getDayOfMonth() <= month.lengthOfMonth()) {
                    dates.add(month.withDayOfMonth(start.getDayOfMonth()));
                }
                return dates.stream().sorted().map(d -> d.atTime(time)).toList();
            }
            case "YEARLY": {
                LocalDate date = start.toLocalDate().plusYears(n);
                return date.getDayOfMonth() == start.getDayOfMonth() ? List.of(date.atTime(time)) : List.of();
            }
            default:
                return null;
        }
    }

    private List<String> byDay() {
        String days = rule.get("BYDAY");
        return days == null ? List.of() : List.of(days.split(","));
    }

    /** {@code 2TU}: the second Tuesday; {@code -1FR}: the last Friday; {@code MO}: the first Monday. */
    private static LocalDate nthWeekday(LocalDate month, String spec) {
        DayOfWeek day = weekday(spec.substring(spec.length() - 2));
        String ordinal = spec.substring(0, spec.length() - 2);
        int n = ordinal.isEmpty() ? 1 : Integer.parseInt(ordinal.replace("+", ""));
        LocalDate date = n > 0 ? month.with(TemporalAdjusters.dayOfWeekInMonth(n, day))
                : month.with(TemporalAdjusters.lastInMonth(day)).minusWeeks(-n - 1L);
        return date.getMonth() == month.getMonth() ? date : null;
    }

    private static DayOfWeek weekday(String code) {
        return switch (code) {
            case "MO" -> DayOfWeek.MONDAY;
            case "TU" -> DayOfWeek.TUESDAY;
            case "WE" -> DayOfWeek.WEDNESDAY;
            case "TH" -> DayOfWeek.THURSDAY;
            case "FR" -> DayOfWeek.FRIDAY;
            case "SA" -> DayOfWeek.SATURDAY;
            case "SU" -> DayOfWeek.SUNDAY;
            default -> throw new IllegalArgumentException("unknown weekday " + code);
        };
    }

    private Instant until(ZoneId zone) {
        String value = rule.get("UNTIL");
        if (value == null) {
            return null;
        }
        if (value.length() == 8) {
            return LocalDate.parse(value, DATE).plusDays(1).atStartOfDay(zone).toInstant().minusNanos(1);
        }
        LocalDateTime local = LocalDateTime.parse(value.replace("Z", ""), DATE_TIME);
        return value.endsWith("Z") ? local.toInstant(ZoneOffset.UTC) : local.atZone(zone).toInstant();
    }

    /** {@code EXDATE;TZID=Europe/Berlin:20261124T090000,...}, {@code EXDATE:20261124T080000Z}, {@code EXDATE;VALUE=DATE:20261124}. */
    private void parseExdates(String line, ZoneId seriesZone) {
        int colon = line.lastIndexOf(':');
        String params = line.substring(0, colon);
        ZoneId zone = seriesZone;
        int tzid = params.indexOf("TZID=");
        if (tzid >= 0) {
            zone = ZoneId.of(params.substring(tzid + 5).split(";")[0]);
        }
        for (String value : line.substring(colon + 1).split(",")) {
            if (value.length() == 8) {
                exdays.add(LocalDate.parse(value, DATE));
                continue;
            }
            LocalDateTime local = LocalDateTime.parse(value.replace("Z", ""), DATE_TIME);
            Instant instant = value.endsWith("Z") ? local.toInstant(ZoneOffset.UTC) : local.atZone(zone).toInstant();
            exdates.add(instant.truncatedTo(ChronoUnit.SECONDS));
            exdays.add(local.toLocalDate());
        }
    }
}
