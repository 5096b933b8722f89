package io.calbridge.availability;

import io.calbridge.availability.AvailabilityResponses.AppointmentConflicts;
import io.calbridge.platform.security.CurrentUser;
import io.calbridge.platform.web.ApiProblem;
import io.calbridge.platform.web.InstantBounds;
import io.calbridge.provider.TimeZones;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The conflicts the user already has: their appointments that clash with their calendars or with each other. */
@RestController
@Tag(name = "availability")
class AppointmentConflictsController {

    private static final Duration DEFAULT_RANGE = Duration.ofDays(30);
    private static final Duration MAX_RANGE = Duration.ofDays(92);

    private final ConflictService conflicts;
    private final CurrentUser currentUser;
    private final Clock clock;

    AppointmentConflictsController(ConflictService conflicts, CurrentUser currentUser, Clock clock) {
        this.conflicts = conflicts;
        this.currentUser = currentUser;
        this.clock = clock;
    }

    @GetMapping("/api/v1/conflicts")
    @Operation(summary = "The user's confirmed appointments in [from, to) (default: the next 30 days) that overlap busy calendar "
            + "events or each other, each with the clashing items (titles for the owner only) and the nearest free alternatives")
    @ApiResponse(responseCode = "200", description = "The clashing appointments, by start; none when all is well")
    @ApiResponse(responseCode = "400", description = "`invalid_parameter` (from or to not RFC 3339 with offset), `invalid_range` "
            + "(to not after from, more than 92 days, or beyond 5 years from now), `invalid_time_zone`")
    AppointmentConflicts list(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(required = false) String timeZone) {
        String userId = currentUser.id();
        Instant now = clock.instant();
        Instant start = from == null ? now : InstantBounds.parameter("from", from, now);
        Instant end = to == null ? start.plus(DEFAULT_RANGE) : InstantBounds.parameter("to", to, now);
        if (!end.isAfter(start) || Duration.between(start, end).compareTo(MAX_RANGE) > 0) {
            throw ApiProblem.badRequest("invalid_range", "'to' must be after 'from', at most 92 days later");
        }
        ZoneId zone = timeZone == null ? ZoneOffset.UTC : RequestRules.zone(timeZone);
        boolean owner = currentUser.idIfNamed().map(userId::equals).orElse(false);
        return new AppointmentConflicts(start.toString(), end.toString(), TimeZones.name(zone),
                conflicts.ofAppointments(userId, owner, start, end, zone));
    }
}
