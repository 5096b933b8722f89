package io.calbridge.scheduling;

import io.calbridge.availability.UserScope;
import io.calbridge.platform.security.CurrentUser;
import io.calbridge.platform.web.ApiExamples;
import io.calbridge.platform.web.ApiProblem;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/meetings")
@Tag(name = "meetings", description = "Find the best time for several users and book it, in one call")
class MeetingController {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final String REPLAYED = "Idempotent-Replayed";
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");

    private final MeetingService meetings;
    private final UserScope userScope;
    private final CurrentUser currentUser;

    MeetingController(MeetingService meetings, UserScope userScope, CurrentUser currentUser) {
        this.meetings = meetings;
        this.userScope = userScope;
        this.currentUser = currentUser;
    }

    @PostMapping
    @Operation(summary = "Book the best free time of all userIds in [from, to): an appointment for each", description = """
            The candidates are those of POST /api/v1/availability with rank: true and mode ALL (same fields, same formula). \
            The best one that is still free when the users' booking locks are held is booked: an appointment for each user, \
            id "meeting-" + meetingId, in one transaction; their calendars receive it through the queue. With conference \
            AUTO the organizer's (the first user's) calendar makes the Meet or Teams link, which is then added to the \
            others' events ("Join: <link>" in the description): one link per meeting. Two bookings that share a user never get overlapping times, on any \
            instance. With an Idempotency-Key (1-255 visible ASCII characters, the caller's own), a retry answers the first \
            booking again (200, Idempotent-Replayed: true) and the same key with another body is refused.""")
    @ApiExamples(request = "meeting-request", response = "meeting-response")
    @ApiResponse(responseCode = "201", description = "Booked: the time, each user's appointment, the next best times")
    @ApiResponse(responseCode = "200", description = "A retry with the same Idempotency-Key: the first booking's answer",
            headers = @Header(name = REPLAYED, description = "true"))
    @ApiResponse(responseCode = "400", description = "`missing_field`, `invalid_range`, `range_too_long`, `invalid_time_zone`, "
            + "`invalid_duration`, `invalid_slot_step`, `invalid_buffer`, `invalid_minimum_notice`, `invalid_working_hours`, "
            + "`invalid_date_overrides`, `invalid_user_ids`, `too_many_users`, `invalid_preferences`, `invalid_alternatives`, "
            + "`invalid_reminders`, `invalid_idempotency_key`, `validation_failed`")
    @ApiResponse(responseCode = "403", description = "`forbidden_user_ids`: an end user named someone else in userIds")
    @ApiResponse(responseCode = "409", description = "`no_free_slot`: no free time for all of them in the range, or every one "
            + "found was booked meanwhile")
    @ApiResponse(responseCode = "422", description = "`idempotency_key_reused`: the key was used for another request")
    ResponseEntity<MeetingAnswer> book(@Valid @RequestBody MeetingRequest request,
            @Parameter(description = "Makes a retried request answer the first booking instead of booking again")
            @RequestHeader(name = IDEMPOTENCY_KEY, required = false) String idempotencyKey) {
        if (idempotencyKey != null && !KEY.matcher(idempotencyKey).matches()) {
            throw ApiProblem.badRequest("invalid_idempotency_key", "Idempotency-Key must be 1-255 visible ASCII characters");
        }
        MeetingService.Outcome outcome = meetings.book(userScope.of(request.userIds()), request, currentUser.caller(), idempotencyKey);
        if (outcome.replayed()) {
            return ResponseEntity.ok().header(REPLAYED, "true").body(outcome.answer());
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(outcome.answer());
    }
}
