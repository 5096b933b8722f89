package io.calbridge.availability;

import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** The JSON bodies availability accepts. Checked by {@link RequestRules}, which answers every mistake with a 400. */
public final class AvailabilityRequests {

    private AvailabilityRequests() {
    }

    public enum Mode {
        /** a slot where everyone is free */
        ALL,
        /** a slot where at least one is free, with who */
        ANY
    }

    @Schema(description = "Wall-clock hours in the request's timeZone, \"HH:mm\" 24-hour; end \"24:00\" is midnight at the end of the day")
    public record HoursRange(
            @Schema(example = "09:00", requiredMode = RequiredMode.REQUIRED) String start,
            @Schema(example = "17:00", requiredMode = RequiredMode.REQUIRED) String end) {
    }

    @Schema(description = "Free slots of one user (the caller) or of several (userIds, services and admins only)")
    public record SlotsRequest(
            @Schema(description = "Start of the range, RFC 3339 with offset", example = "2027-03-01T00:00:00+01:00",
                    requiredMode = RequiredMode.REQUIRED) OffsetDateTime from,
            @Schema(description = "End of the range (exclusive), at most 90 days after from", example = "2027-03-15T00:00:00+01:00",
                    requiredMode = RequiredMode.REQUIRED) OffsetDateTime to,
            @Schema(description = "Length of a slot, 5-1440", example = "30", requiredMode = RequiredMode.REQUIRED) Integer durationMinutes,
            @Schema(description = "IANA zone: working hours are read in it, slots are written in it", example = "Europe/Berlin",
                    requiredMode = RequiredMode.REQUIRED) String timeZone,
            @Schema(description = "Ranges per weekday (MONDAY..SUNDAY, any case); a weekday left out is not a working day. "
                    + "Default: MONDAY-FRIDAY 09:00-17:00",
                    example = "{\"MONDAY\":[{\"start\":\"09:00\",\"end\":\"12:00\"},{\"start\":\"13:00\",\"end\":\"17:00\"}]}")
            Map<String, List<HoursRange>> workingHours,
            @Schema(description = "Per date (YYYY-MM-DD), ranges that replace the weekday's hours that day; [] is a day off",
                    example = "{\"2027-03-05\":[],\"2027-03-06\":[{\"start\":\"10:00\",\"end\":\"14:00\"}]}")
            Map<String, List<HoursRange>> dateOverrides,
            @Schema(description = "Minutes kept free before every busy item, 0-1440 (default 0)", example = "10") Integer bufferBeforeMinutes,
            @Schema(description = "Minutes kept free after every busy item, 0-1440 (default 0)", example = "10") Integer bufferAfterMinutes,
            @Schema(description = "No slot starts sooner than this after now, 0-525600 (default 0)", example = "240")
            Integer minimumNoticeMinutes,
            @Schema(description = "Distance between slot starts, 5-1440; slots start at each working range's start and then every step. "
                    + "Default: the duration, at most 30", example = "30") Integer slotStepMinutes,
            @Schema(description = "Whose availability (1-20 user ids); default the caller. Services and admins may name anyone, "
                    + "an end user only themselves") List<String> userIds,
            @Schema(description = "With several users: ALL (everyone free, default) or ANY (someone free; each slot lists who)")
            Mode mode,
            @Schema(description = "Sync the users' calendars first (incremental, waits at most 3 s)", example = "false") Boolean fresh,
            @Schema(description = "Score each slot (0-1, with its reasons) and answer best first; default false: no scores, "
                    + "ascending", example = "true") Boolean rank,
            @Schema(description = "What ranking weighs besides the store (checked even without rank)") Preferences preferences) {
    }

    @Schema(description = "Inputs of ranking: the participants' preferred hours and their time zones")
    public record Preferences(
            @Schema(description = "Ranges per weekday (MONDAY..SUNDAY), wall-clock in the request's timeZone; slots inside them "
                    + "rank higher. Default: every slot counts as preferred",
                    example = "{\"TUESDAY\":[{\"start\":\"10:00\",\"end\":\"12:00\"}]}")
            Map<String, List<HoursRange>> preferredHours,
            @Schema(description = "Per participant (any name, at most 20), an IANA zone; slots far outside 09:00-17:00 there rank lower. "
                    + "Default: just the request's timeZone", example = "{\"alice\":\"Europe/Berlin\",\"bob\":\"America/New_York\"}")
            Map<String, String> participantZones) {
    }

    @Schema(description = "Does a proposed time clash? With the nearest free alternatives of the same length")
    public record ConflictsRequest(
            @Schema(description = "Proposed start, RFC 3339 with offset", example = "2027-03-02T10:00:00+01:00",
                    requiredMode = RequiredMode.REQUIRED) OffsetDateTime start,
            @Schema(description = "Proposed end; 5-1440 minutes after start", example = "2027-03-02T10:30:00+01:00",
                    requiredMode = RequiredMode.REQUIRED) OffsetDateTime end,
            @Schema(description = "Busy items this close before or after count as conflicts too, 0-1440 (default 0)", example = "10")
            Integer bufferMinutes,
            @Schema(description = "IANA zone of working hours and of the answer; default: the offset of start", example = "Europe/Berlin")
            String timeZone,
            @Schema(description = "As for availability; alternatives lie inside them") Map<String, List<HoursRange>> workingHours,
            @Schema(description = "As for availability") Map<String, List<HoursRange>> dateOverrides,
            @Schema(description = "Alternatives start no sooner than this after now (default 0)") Integer minimumNoticeMinutes,
            @Schema(description = "Grid of alternative starts, as for availability (default: the length, at most 30)")
            Integer slotStepMinutes,
            @Schema(description = "How many alternatives before and how many after, 0-5 (default 1)", example = "1")
            Integer alternativesPerSide,
            @Schema(description = "Check several users at once (services and admins); alternatives suit all of them")
            List<String> userIds,
            @Schema(description = "Sync the users' calendars first (incremental, waits at most 3 s)") Boolean fresh) {
    }
}
