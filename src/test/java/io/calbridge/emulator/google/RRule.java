package io.calbridge.emulator.google;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeSet;

/**
 * One RFC 5545 RRULE as Google Calendar clients write them: FREQ DAILY/WEEKLY/MONTHLY/YEARLY, INTERVAL, COUNT or
 * UNTIL, BYDAY (with ordinals such as -1FR for MONTHLY/YEARLY), BYMONTHDAY, BYMONTH, WKST. Anything else
 * (BYSETPOS, BYWEEKNO, BYHOUR, ...) is refused as an invalid rule rather than expanded wrongly.
 */
final class RRule {

    private enum Freq { DAILY, WEEKLY, MONTHLY, YEARLY }

    private record ByDay(int ordinal, DayOfWeek day) {
    }

    static final DateTimeFormatter BASIC_DATE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");
    /** A rule that matches nothing for this long (e.g. BYMONTHDAY=30 with BYMONTH=2) ends instead of spinning. */
    private static final int MAX_YEARS = 200;

    private Freq freq;
    private int interval = 1;
    private Integer count;
    private Instant untilInstant;
    private LocalDateTime untilLocal;
    private LocalDate untilDate;
    private final List<ByDay> byDay = new ArrayList<>();
    private final List<Integer> byMonthDay = new ArrayList<>();
    private final Set<Integer> byMonth = new HashSet<>();
    private DayOfWeek weekStart = DayOfWeek.MONDAY;

    private RRule() {
    }

    static RRule parse(String value) {
        RRule rule = new RRule();
        rule.parseParts(value);
        return rule;
    }

    static GoogleApiException invalid() {
        return GoogleApiException.invalid("Invalid recurrence rule.");
    }

    boolean isFinite() {
        return count != null || untilInstant != null || untilLocal != null || untilDate != null;
    }

    /** The dates of the occurrences, DTSTART's first (RFC 5545: it always counts), up to COUNT or UNTIL. */
    Iterator<LocalDate> dates(LocalDate startDate, LocalTime startTime, ZoneId zone, boolean allDay) {
        return new DateIterator(startDate, startTime, zone, allDay);
    }

    private void parseParts(String value) {
        for (String part : value.split(";")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw invalid();
            }
            String key = part.substring(0, eq).toUpperCase(Locale.ROOT);
            String val = part.substring(eq + 1).toUpperCase(Locale.ROOT);
            try {
                switch (key) {
                    case "FREQ" -> freq = Freq.valueOf(val);
                    case "INTERVAL" -> interval = Integer.parseInt(val);
                    case "COUNT" -> count = Integer.parseInt(val);
                    case "UNTIL" -> parseUntil(val);
                    case "BYDAY" -> {
                        for (String day : val.split(",")) {
                            String code = day.substring(day.length() - 2);
                            String ordinal = day.substring(0, day.length() - 2);
                            byDay.add(new ByDay(ordinal.isEmpty() ? 0 : Integer.parseInt(ordinal.replace("+", "")), weekday(code)));
                        }
                    }
                    case "BYMONTHDAY" -> {
                        for (String day : val.split(",")) {
                            byMonthDay.add(Integer.parseInt(day));
                        }
                    }
                    case "BYMONTH" -> {
                        for (String month : val.split(",")) {
                            byMonth.add(Integer.parseInt(month));
                        }
                    }
                    case "WKST" -> weekStart = weekday(val);
                    default -> throw invalid(); // BYSETPOS, BYWEEKNO, BYYEARDAY, BYHOUR... are not supported here
                }
            } catch (IllegalArgumentException | StringIndexOutOfBoundsException | DateTimeException e) {
                throw invalid();
            }
        }
        boolean ordinals = byDay.stream().anyMatch(d -> d.ordinal() != 0);
        if (freq == null || interval < 1 || (count != null && count < 1) || (count != null && (untilInstant != null || untilLocal != null || untilDate != null))
                || (ordinals && freq != Freq.MONTHLY && freq != Freq.YEARLY)
                || (freq == Freq.YEARLY && !byDay.isEmpty() && byMonth.isEmpty())) {
            throw invalid();
        }
    }

    private void parseUntil(String value) {
        if (value.endsWith("Z")) {
            untilInstant = LocalDateTime.parse(value.substring(0, value.length() - 1), BASIC_DATE_TIME).toInstant(ZoneOffset.UTC);
        } else if (value.contains("T")) {
            untilLocal = LocalDateTime.parse(value, BASIC_DATE_TIME);
        } else {
            untilDate = LocalDate.parse(value, DateTimeFormatter.BASIC_ISO_DATE);
        }
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
            default -> throw new IllegalArgumentException(code);
        };
    }

    private final class DateIterator implements Iterator<LocalDate> {
        private final LocalDate startDate;
        private final LocalTime startTime;
        private final ZoneId zone;
        private final boolean allDay;
        private final ArrayDeque<LocalDate> buffer = new ArrayDeque<>();
        private long period;
        private int produced;
        private boolean started;
        private boolean done;
        private LocalDate next;

        DateIterator(LocalDate startDate, LocalTime startTime, ZoneId zone, boolean allDay) {
            this.startDate = startDate;
            this.startTime = startTime;
            this.zone = zone;
            this.allDay = allDay;
        }

        @Override
        public boolean hasNext() {
            if (next == null && !done) {
                next = advance();
            }
            return next != null;
        }

        @Override
        public LocalDate next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            LocalDate date = next;
            next = null;
            return date;
        }

        private LocalDate advance() {
            if (!started) {
                started = true;
                produced = 1;
                if (count != null && count == 1) {
                    done = true;
                }
                return startDate;
            }
            while (buffer.isEmpty()) {
                if (periodStart(period).getYear() > startDate.getYear() + MAX_YEARS) {
                    done = true;
                    return null;
                }
                fill(period++);
            }
            LocalDate date = buffer.poll();
            if (beyondUntil(date)) {
                done = true;
                return null;
            }
            produced++;
            if (count != null && produced >= count) {
                done = true;
            }
            return date;
        }

        private LocalDate periodStart(long p) {
            long step = p * interval;
            return switch (freq) {
                case DAILY -> startDate.plusDays(step);
                case WEEKLY -> startDate.with(TemporalAdjusters.previousOrSame(weekStart)).plusWeeks(step);
                case MONTHLY -> startDate.withDayOfMonth(1).plusMonths(step);
                case YEARLY -> startDate.withDayOfYear(1).plusYears(step);
            };
        }

        private void fill(long p) {
            LocalDate base = periodStart(p);
            TreeSet<LocalDate> candidates = new TreeSet<>();
            switch (freq) {
                case DAILY -> candidates.add(base);
                case WEEKLY -> {
                    if (byDay.isEmpty()) {
                        candidates.add(base.plusDays(offset(startDate.getDayOfWeek())));
                    }
                    byDay.forEach(d -> candidates.add(base.plusDays(offset(d.day()))));
                }
                case MONTHLY -> monthDates(YearMonth.from(base), candidates);
                case YEARLY -> {
                    if (byMonth.isEmpty()) {
                        monthDates(YearMonth.of(base.getYear(), startDate.getMonth()), candidates);
                    } else {
                        byMonth.forEach(m -> monthDates(YearMonth.of(base.getYear(), m), candidates));
                    }
                }
            }
            for (LocalDate date : candidates) {
                if (date.isAfter(startDate) && matchesFilters(date)) {
                    buffer.add(date);
                }
            }
        }

        private int offset(DayOfWeek day) {
            return (day.getValue() - weekStart.getValue() + 7) % 7;
        }

        private void monthDates(YearMonth month, TreeSet<LocalDate> into) {
            if (!byDay.isEmpty()) {
                for (ByDay d : byDay) {
                    List<LocalDate> days = new ArrayList<>();
                    for (LocalDate day = month.atDay(1).with(TemporalAdjusters.nextOrSame(d.day())); !day.isAfter(month.atEndOfMonth()); day = day.plusWeeks(1)) {
                        days.add(day);
                    }
                    if (d.ordinal() == 0) {
                        into.addAll(days);
                    } else {
                        int index = d.ordinal() > 0 ? d.ordinal() - 1 : days.size() + d.ordinal();
                        if (index >= 0 && index < days.size()) {
                            into.add(days.get(index));
                        }
                    }
                }
            } else if (!byMonthDay.isEmpty()) {
                for (int md : byMonthDay) {
                    int day = md > 0 ? md : month.lengthOfMonth() + md + 1;
                    if (day >= 1 && day <= month.lengthOfMonth()) {
                        into.add(month.atDay(day));
                    }
                }
            } else if (startDate.getDayOfMonth() <= month.lengthOfMonth()) {
                into.add(month.atDay(startDate.getDayOfMonth()));
            }
        }

        private boolean matchesFilters(LocalDate date) {
            if (!byMonth.isEmpty() && !byMonth.contains(date.getMonthValue())) {
                return false;
            }
            if (freq == Freq.DAILY && !byDay.isEmpty() && byDay.stream().noneMatch(d -> d.day() == date.getDayOfWeek())) {
                return false;
            }
            if ((freq == Freq.DAILY || freq == Freq.WEEKLY || !byDay.isEmpty()) && !byMonthDay.isEmpty()) {
                int length = date.lengthOfMonth();
                return byMonthDay.stream().anyMatch(md -> (md > 0 ? md : length + md + 1) == date.getDayOfMonth());
            }
            return true;
        }

        private boolean beyondUntil(LocalDate date) {
            if (untilDate != null) {
                return date.isAfter(untilDate);
            }
            if (untilLocal != null) {
                return LocalDateTime.of(date, startTime).isAfter(untilLocal);
            }
            if (untilInstant != null) {
                if (allDay) {
                    return date.isAfter(LocalDate.ofInstant(untilInstant, zone));
                }
                return LocalDateTime.of(date, startTime).atZone(zone).toInstant().isAfter(untilInstant);
            }
            return false;
        }
    }
}
