package io.calbridge.emulator.microsoft;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Graph's patternedRecurrence: a pattern (daily, weekly, absoluteMonthly, relativeMonthly, absoluteYearly,
 * relativeYearly with interval, daysOfWeek, dayOfMonth, month, index, firstDayOfWeek) and a range (endDate, noEnd,
 * numbered). Occurrences fall on the master's local start time, in the range's recurrenceTimeZone (the start's zone).
 */
final class Recurrence {

    /** A guard against unbounded series: nothing is expanded more than this many days past the range start. */
    private static final int MAX_DAYS = 366 * 10;

    final String type;
    final int interval;
    final Set<DayOfWeek> daysOfWeek;
    final int dayOfMonth;
    final int month;
    final String index;
    final DayOfWeek firstDayOfWeek;
    final String rangeType;
    final LocalDate startDate;
    final LocalDate endDate;
    final int numberOfOccurrences;

    private Recurrence(String type, int interval, Set<DayOfWeek> daysOfWeek, int dayOfMonth, int month, String index, DayOfWeek firstDayOfWeek,
            String rangeType, LocalDate startDate, LocalDate endDate, int numberOfOccurrences) {
        this.type = type;
        this.interval = interval;
        this.daysOfWeek = daysOfWeek;
        this.dayOfMonth = dayOfMonth;
        this.month = month;
        this.index = index;
        this.firstDayOfWeek = firstDayOfWeek;
        this.rangeType = rangeType;
        this.startDate = startDate;
        this.endDate = endDate;
        this.numberOfOccurrences = numberOfOccurrences;
    }

    /** Reads Graph's JSON; a malformed rule is Graph's 400 (the caller's mistake). startDate defaults to the event's start date. */
    static Recurrence parse(JsonNode json, LocalDate eventStartDate) {
        JsonNode pattern = json.path("pattern");
        JsonNode range = json.path("range");
        String type = Json.text(pattern, "type");
        if (type == null || !List.of("daily", "weekly", "absolutemonthly", "relativemonthly", "absoluteyearly", "relativeyearly")
                .contains(type.toLowerCase(Locale.ROOT))) {
            throw GraphException.badRequest("ErrorInvalidRecurrence", "The recurrence pattern type is not valid: " + type);
        }
        int interval = pattern.path("interval").asInt(1);
        if (interval < 1) {
            throw GraphException.badRequest("ErrorInvalidRecurrence", "The recurrence interval must be at least 1.");
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (JsonNode day : pattern.path("daysOfWeek")) {
            days.add(dayOfWeek(day.asString()));
        }
        String lower = type.toLowerCase(Locale.ROOT);
        if ((lower.equals("weekly") || lower.startsWith("relative")) && days.isEmpty()) {
            throw GraphException.badRequest("ErrorInvalidRecurrence", "daysOfWeek is required for a " + type + " pattern.");
        }
        String firstDay = Json.text(pattern, "firstDayOfWeek");
        String rangeType = Json.text(range, "type");
        if (rangeType == null) {
            rangeType = "noEnd";
        }
        LocalDate start = date(Json.text(range, "startDate"), eventStartDate);
        LocalDate end = date(Json.text(range, "endDate"), null);
        int count = range.path("numberOfOccurrences").asInt(0);
        switch (rangeType.toLowerCase(Locale.ROOT)) {
            case "enddate" -> {
                if (end == null || end.isBefore(start)) {
                    throw GraphException.badRequest("ErrorInvalidRecurrence", "The recurrence range end date is not valid.");
                }
            }
            case "numbered" -> {
                if (count < 1) {
                    throw GraphException.badRequest("ErrorInvalidRecurrence", "numberOfOccurrences must be at least 1.");
                }
            }
            case "noend" -> {
            }
            default -> throw GraphException.badRequest("ErrorInvalidRecurrence", "The recurrence range type is not valid: " + rangeType);
        }
        return new Recurrence(lower, interval, days, pattern.path("dayOfMonth").asInt(start.getDayOfMonth()),
                pattern.path("month").asInt(start.getMonthValue()), Json.text(pattern, "index") == null ? "first" : Json.text(pattern, "index"),
                firstDay == null ? DayOfWeek.SUNDAY : dayOfWeek(firstDay), rangeType.toLowerCase(Locale.ROOT), start, end, count);
    }

    private static LocalDate date(String value, LocalDate fallback) {
        if (value == null || value.isBlank() || value.startsWith("0001-01-01")) {
            return fallback;
        }
        try {
            return LocalDate.parse(value.length() > 10 ? value.substring(0, 10) : value);
        } catch (java.time.format.DateTimeParseException e) {
            throw GraphException.badRequest("ErrorInvalidRecurrence", "Cannot read the date " + value + ".");
        }
    }

    private static DayOfWeek dayOfWeek(String name) {
        try {
            return DayOfWeek.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw GraphException.badRequest("ErrorInvalidRecurrence", "Not a day of the week: " + name);
        }
    }

    /** The local start times of occurrences whose date is within [from, to] (inclusive), in order. */
    List<LocalDateTime> occurrences(java.time.LocalTime startTime, LocalDate from, LocalDate to) {
        List<LocalDateTime> result = new ArrayList<>();
        LocalDate last = startDate.plusDays(MAX_DAYS);
        if (rangeType.equals("enddate") && endDate.isBefore(last)) {
            last = endDate;
        }
        if (to.isBefore(last)) {
            last = to;
        }
        boolean numbered = rangeType.equals("numbered");
        int seen = 0;
        // a numbered range must be counted from its start, so it is walked from there
        LocalDate day = numbered || from.isBefore(startDate) ? startDate : from;
        for (; !day.isAfter(last); day = day.plusDays(1)) {
            if (matches(day)) {
                seen++;
                if (numbered && seen > numberOfOccurrences) {
                    break;
                }
                if (!day.isBefore(from)) {
                    result.add(day.atTime(startTime));
                }
            }
        }
        return result;
    }

    boolean isOccurrence(LocalDate day) {
        if (day.isBefore(startDate) || !matches(day)) {
            return false;
        }
        if (rangeType.equals("enddate")) {
            return !day.isAfter(endDate);
        }
        if (rangeType.equals("numbered")) {
            int seen = 0;
            for (LocalDate d = startDate; !d.isAfter(day); d = d.plusDays(1)) {
                if (matches(d)) {
                    seen++;
                }
            }
            return seen <= numberOfOccurrences;
        }
        return !day.isAfter(startDate.plusDays(MAX_DAYS));
    }

    private boolean matches(LocalDate day) {
        return switch (type) {
            case "daily" -> ChronoUnit.DAYS.between(startDate, day) % interval == 0;
            case "weekly" -> daysOfWeek.contains(day.getDayOfWeek())
                    && ChronoUnit.WEEKS.between(weekStart(startDate), weekStart(day)) % interval == 0;
            case "absolutemonthly" -> day.getDayOfMonth() == Math.min(dayOfMonth, day.lengthOfMonth()) && monthsApart(day) % interval == 0;
            case "relativemonthly" -> monthsApart(day) % interval == 0 && relativeDayMatches(day);
            case "absoluteyearly" -> day.getMonthValue() == month && day.getDayOfMonth() == Math.min(dayOfMonth, day.lengthOfMonth())
                    && (day.getYear() - startDate.getYear()) % interval == 0;
            case "relativeyearly" -> day.getMonthValue() == month && (day.getYear() - startDate.getYear()) % interval == 0 && relativeDayMatches(day);
            default -> false;
        };
    }

    private long monthsApart(LocalDate day) {
        return (day.getYear() - startDate.getYear()) * 12L + day.getMonthValue() - startDate.getMonthValue();
    }

    private LocalDate weekStart(LocalDate day) {
        return day.with(TemporalAdjusters.previousOrSame(firstDayOfWeek));
    }

    private boolean relativeDayMatches(LocalDate day) {
        if (!daysOfWeek.contains(day.getDayOfWeek())) {
            return false;
        }
        int ordinal = (day.getDayOfMonth() - 1) / 7;
        return switch (index.toLowerCase(Locale.ROOT)) {
            case "first" -> ordinal == 0;
            case "second" -> ordinal == 1;
            case "third" -> ordinal == 2;
            case "fourth" -> ordinal == 3;
            case "last" -> day.plusDays(7).getMonthValue() != day.getMonthValue();
            default -> false;
        };
    }

    /** Graph's JSON for the rule, as GET returns it (every property present). */
    ObjectNode toJson(String recurrenceTimeZone) {
        ObjectNode root = Json.object();
        ObjectNode pattern = root.putObject("pattern");
        pattern.put("type", switch (type) {
            case "absolutemonthly" -> "absoluteMonthly";
            case "relativemonthly" -> "relativeMonthly";
            case "absoluteyearly" -> "absoluteYearly";
            case "relativeyearly" -> "relativeYearly";
            default -> type;
        });
        pattern.put("interval", interval);
        pattern.put("month", type.endsWith("yearly") ? month : 0);
        pattern.put("dayOfMonth", type.startsWith("absolute") ? dayOfMonth : 0);
        ArrayNode days = pattern.putArray("daysOfWeek");
        daysOfWeek.forEach(d -> days.add(d.name().toLowerCase(Locale.ROOT)));
        pattern.put("firstDayOfWeek", firstDayOfWeek.name().toLowerCase(Locale.ROOT));
        pattern.put("index", index);
        ObjectNode range = root.putObject("range");
        range.put("type", switch (rangeType) {
            case "enddate" -> "endDate";
            case "noend" -> "noEnd";
            default -> "numbered";
        });
        range.put("startDate", startDate.toString());
        range.put("endDate", endDate == null ? "0001-01-01" : endDate.toString());
        range.put("recurrenceTimeZone", recurrenceTimeZone);
        range.put("numberOfOccurrences", numberOfOccurrences);
        return root;
    }

    static ZoneId utc() {
        return ZoneId.of("UTC");
    }
}
