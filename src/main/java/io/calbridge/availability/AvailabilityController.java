package io.calbridge.availability;

import io.calbridge.availability.AvailabilityRequests.ConflictsRequest;
import io.calbridge.availability.AvailabilityRequests.SlotsRequest;
import io.calbridge.availability.AvailabilityResponses.Conflicts;
import io.calbridge.availability.AvailabilityResponses.Slots;
import io.calbridge.platform.security.CurrentUser;
import io.calbridge.platform.web.ApiExamples;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/availability")
@Tag(name = "availability", description = "Free slots and conflict checks across all of a user's calendars and the app's appointments, "
        + "answered from calbridge's synced store in milliseconds")
class AvailabilityController {

    private final AvailabilityService availability;
    private final ConflictService conflicts;
    private final CurrentUser currentUser;
    private final UserScope userScope;

    AvailabilityController(AvailabilityService availability, ConflictService conflicts, CurrentUser currentUser, UserScope userScope) {
        this.availability = availability;
        this.conflicts = conflicts;
        this.currentUser = currentUser;
        this.userScope = userScope;
    }

    @PostMapping
    @Operation(summary = "Free slots in [from, to) (at most 90 days)", description = """
            Busy time is every event of every connected calendar that is not cancelled, not transparent ("free") and not \
            declined (tentative counts as busy), recurring series included, plus the app's confirmed appointments; an event \
            calbridge pushed for an appointment counts once. Working hours (default Monday-Friday 09:00-17:00) and date \
            overrides are wall-clock times in timeZone, so a 09:00 slot stays 09:00 across DST changes. Slots start at each \
            working range's start and then every slotStepMinutes (default: the duration, at most 30), lie wholly inside \
            working hours and [from, to), start at least minimumNoticeMinutes from now and keep bufferBeforeMinutes free \
            before and bufferAfterMinutes free after every busy item. With userIds and mode ALL a slot suits everyone; \
            with mode ANY it suits someone and lists who. Unknown user ids have no busy time. With rank: true each slot \
            carries a score (0-1) and its reasons (code, weight, value), and slots come back best first (ties by start): \
            score = 0.20 preferred_hours + 0.20 habitual_time (weekday x hour of the users' meetings of the last 8 weeks) \
            + 0.15 keeps_free_blocks + 0.10 buffer_room + 0.10 soon + 0.25 zone_comfort (09:00-17:00 in each of \
            preferences.participantZones); the README explains each part.""")
    @ApiExamples(request = "availability-request", response = "availability-response")
    @ApiResponse(responseCode = "200", description = "The free slots in timeZone, ascending; with rank best first")
    @ApiResponse(responseCode = "400", description = "`missing_field`, `invalid_range`, `range_too_long`, `invalid_time_zone`, "
            + "`invalid_duration`, `invalid_slot_step`, `invalid_buffer`, `invalid_minimum_notice`, `invalid_working_hours`, "
            + "`invalid_date_overrides`, `invalid_user_ids`, `too_many_users`, `invalid_preferences`")
    @ApiResponse(responseCode = "403", description = "`forbidden_user_ids`: an end user named someone else in userIds")
    Slots slots(@RequestBody SlotsRequest request) {
        return availability.slots(userScope.of(request.userIds()), request);
    }

    @PostMapping("/conflicts")
    @Operation(summary = "Whether a proposed time clashes, and the nearest free alternatives of the same length", description = """
            Conflicts are the busy items that overlap [start, end) or lie within bufferMinutes of it (overlap: false), \
            each with its source (a connection's calendar, or an appointment) and, on the caller's own items only, its \
            title. Alternatives are free times of the same length inside working hours, on the slot grid, with the buffer \
            kept on both sides: up to alternativesPerSide before start and as many after it, searched 14 days each way.""")
    @ApiExamples(request = "conflicts-request", response = "conflicts-response")
    @ApiResponse(responseCode = "200", description = "The clashes and the nearest free alternatives")
    @ApiResponse(responseCode = "400", description = "`missing_field`, `invalid_range`, `invalid_duration`, `invalid_time_zone`, "
            + "`invalid_slot_step`, `invalid_buffer`, `invalid_minimum_notice`, `invalid_working_hours`, "
            + "`invalid_date_overrides`, `invalid_user_ids`, `too_many_users`, `invalid_alternatives`")
    @ApiResponse(responseCode = "403", description = "`forbidden_user_ids`: an end user named someone else in userIds")
    Conflicts conflicts(@RequestBody ConflictsRequest request) {
        return conflicts.check(userScope.of(request.userIds()), currentUser.idIfNamed(), request);
    }
}
