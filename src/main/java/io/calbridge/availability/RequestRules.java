package io.calbridge.availability;

import io.calbridge.availability.AvailabilityRequests.HoursRange;
import io.calbridge.availability.AvailabilityRequests.Preferences;
import io.calbridge.availability.WorkingHours.Range;
import io.calbridge.platform.web.ApiProblem;
import io.calbridge.platform.web.InstantBounds;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns the request's scheduling fields into checked values; every mistake is a 400 problem with its own code. */
final class RequestRules {

    static final int MIN_DURATION = 5;
    static final int MAX_DURATION = 1440;
    static final int MAX_BUFFER = 1440;
    static final int MAX_NOTICE = 525_600;
    static final int DEFAULT_STEP_CAP = 30;
    static final Duration MAX_RANGE = Duration.ofDays(90);
    static final int MAX_USERS = 20;
    static final int MAX_RANGES_PER_DAY = 12;
    static final int MAX_OVERRIDES = 400;
    private static final int MAX_USER_ID_LENGTH = 255;
    private static final Pattern TIME = Pattern.compile("([01][0-9]|2[0-3]):([0-5][0-9])|24:00");

    private RequestRules() {
    }

    static <T> T required(T value, String field) {
        if (value == null) {
            throw ApiProblem.badRequest("missing_field", "'" + field + "' is required");
        }
        return value;
    }

    /** Keeps date arithmetic far from the ends of the calendar: a time 5 years away is a typo, not a question. */
    static Instant withinReach(Instant instant, String field, Instant now) {
        return InstantBounds.withinReach(instant, field, now);
    }

    static ZoneId zone(String id) {
        try {
            return ZoneId.of(required(id, "timeZone"));
        } catch (DateTimeException e) {
            throw ApiProblem.badRequest("invalid_time_zone", "timeZone must be an IANA zone like Europe/Berlin, not '" + id + "'");
        }
    }

    static int duration(Integer minutes, String field) {
        int value = required(minutes, field);
        if (value < MIN_DURATION || value > MAX_DURATION) {
            throw ApiProblem.badRequest("invalid_duration", field + " must be between 5 and 1440 minutes");
        }
        return value;
    }

    /** The slot grid; by default the duration, at most 30 minutes, so long meetings may still start on the half hour. */
    static int step(Integer minutes, int durationMinutes) {
        if (minutes == null) {
            return Math.min(durationMinutes, DEFAULT_STEP_CAP);
        }
        if (minutes < MIN_DURATION || minutes > MAX_DURATION) {
            throw ApiProblem.badRequest("invalid_slot_step", "slotStepMinutes must be between 5 and 1440");
        }
        return minutes;
    }

    static int buffer(Integer minutes, String field) {
        if (minutes == null) {
            return 0;
        }
        if (minutes < 0 || minutes > MAX_BUFFER) {
            throw ApiProblem.badRequest("invalid_buffer", field + " must be between 0 and 1440 minutes");
        }
        return minutes;
    }

    static int notice(Integer minutes) {
        if (minutes == null) {
            return 0;
        }
        if (minutes < 0 || minutes > MAX_NOTICE) {
            throw ApiProblem.badRequest("invalid_minimum_notice", "minimumNoticeMinutes must be between 0 and 525600 (365 days)");
        }
        return minutes;
    }

    /** The users asked about, in order, without repeats; {@code null} when the request names none. */
    static List<String> userIds(List<String> userIds) {
        if (userIds == null) {
            return null;
        }
        if (userIds.isEmpty()) {
            throw ApiProblem.badRequest("invalid_user_ids", "userIds must name at least one user (or be left out)");
        }
        if (userIds.size() > MAX_USERS) {
            throw ApiProblem.badRequest("too_many_users", "at most " + MAX_USERS + " userIds per request");
        }
        LinkedHashSet<String> distinct = new LinkedHashSet<>();
        for (String id : userIds) {
            if (id == null || id.isBlank() || id.length() > MAX_USER_ID_LENGTH || id.chars().anyMatch(Character::isISOControl)) {
                throw ApiProblem.badRequest("invalid_user_ids", "every user id must be 1-255 printable characters");
            }
            distinct.add(id);
        }
        return List.copyOf(distinct);
    }

    static WorkingHours workingHours(Map<String, List<HoursRange>> weekly, Map<String, List<HoursRange>> overrides) {
        WorkingHours hours = WorkingHours.DEFAULT;
        if (weekly != null) {
            Map<DayOfWeek, List<Range>> week = new EnumMap<>(DayOfWeek.class);
            weekly.forEach((name, ranges) -> week.put(weekday(name, "workingHours", "invalid_working_hours"),
                    ranges("workingHours." + name, ranges, "invalid_working_hours")));
            hours = hours.withWeekly(week);
        }
        if (overrides != null) {
            if (overrides.size() > MAX_OVERRIDES) {
                throw ApiProblem.badRequest("invalid_date_overrides", "at most " + MAX_OVERRIDES + " dateOverrides");
            }
            Map<LocalDate, List<Range>> dates = new HashMap<>();
            overrides.forEach((date, ranges) -> dates.put(date(date), ranges("dateOverrides." + date, ranges, "invalid_date_overrides")));
            hours = hours.withOverrides(dates);
        }
        return hours;
    }

    private static DayOfWeek weekday(String name, String field, String code) {
        try {
            return DayOfWeek.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest(code, field + " keys are weekdays MONDAY..SUNDAY, not '" + name + "'");
        }
    }

    /** Checked ranking inputs: preferred hours ({@code null}: none given) and the participants' zones (never empty). */
    record Ranking(WorkingHours preferredHours, List<ZoneId> participantZones) {
    }

    static Ranking preferences(Preferences preferences, ZoneId requestZone) {
        if (preferences == null) {
            return new Ranking(null, List.of(requestZone));
        }
        WorkingHours preferred = null;
        if (preferences.preferredHours() != null) {
            Map<DayOfWeek, List<Range>> week = new EnumMap<>(DayOfWeek.class);
            preferences.preferredHours().forEach((name, ranges) -> week.put(weekday(name, "preferences.preferredHours", "invalid_preferences"),
                    ranges("preferences.preferredHours." + name, ranges, "invalid_preferences")));
            preferred = new WorkingHours(week, Map.of());
        }
        List<ZoneId> zones = List.of(requestZone);
        Map<String, String> given = preferences.participantZones();
        if (given != null) {
            if (given.isEmpty() || given.size() > MAX_USERS) {
                throw ApiProblem.badRequest("invalid_preferences",
                        "preferences.participantZones names 1-" + MAX_USERS + " participants (or is left out)");
            }
            LinkedHashSet<ZoneId> distinct = new LinkedHashSet<>();
            given.forEach((participant, zone) -> distinct.add(participantZone(participant, zone)));
            zones = List.copyOf(distinct);
        }
        return new Ranking(preferred, zones);
    }

    private static ZoneId participantZone(String participant, String zone) {
        if (participant.isBlank() || participant.length() > MAX_USER_ID_LENGTH) {
            throw ApiProblem.badRequest("invalid_preferences", "preferences.participantZones keys are 1-255 characters");
        }
        try {
            if (zone == null) {
                throw new DateTimeException("no zone");
            }
            return ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw ApiProblem.badRequest("invalid_preferences",
                    "preferences.participantZones." + participant + " must be an IANA zone like America/New_York, not '" + zone + "'");
        }
    }

    private static LocalDate date(String value) {
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiProblem.badRequest("invalid_date_overrides", "dateOverrides keys are dates YYYY-MM-DD, not '" + value + "'");
        }
    }

    /** A day's ranges, sorted; each must end after it starts, and they must not overlap (touching is fine). */
    private static List<Range> ranges(String field, List<HoursRange> given, String code) {
        if (given == null) {
            throw ApiProblem.badRequest(code, field + " must be a list of {start, end} ranges ([] for none)");
        }
        if (given.size() > MAX_RANGES_PER_DAY) {
            throw ApiProblem.badRequest(code, field + " has more than " + MAX_RANGES_PER_DAY + " ranges");
        }
        List<Range> ranges = new ArrayList<>();
        for (HoursRange range : given) {
            if (range == null) {
                throw ApiProblem.badRequest(code, field + " holds a null range");
            }
            int start = minute(field, range.start(), code);
            int end = minute(field, range.end(), code);
            if (start == WorkingHours.MINUTES_PER_DAY || end <= start) {
                throw ApiProblem.badRequest(code, field + ": a range must end after it starts (" + range.start() + "-" + range.end() + ")");
            }
            ranges.add(new Range(start, end));
        }
        ranges.sort(Comparator.comparingInt(Range::startMinute));
        for (int i = 1; i < ranges.size(); i++) {
            if (ranges.get(i).startMinute() < ranges.get(i - 1).endMinute()) {
                throw ApiProblem.badRequest(code, field + ": ranges overlap");
            }
        }
        return ranges;
    }

    private static int minute(String field, String time, String code) {
        Matcher matcher = time == null ? null : TIME.matcher(time);
        if (matcher == null || !matcher.matches()) {
            throw ApiProblem.badRequest(code, field + ": times are \"HH:mm\" from 00:00 to 24:00, not '" + time + "'");
        }
        return time.equals("24:00") ? WorkingHours.MINUTES_PER_DAY : Integer.parseInt(matcher.group(1)) * 60 + Integer.parseInt(matcher.group(2));
    }
}
