package io.calbridge.appointment;

import io.calbridge.appointment.BackfillService.Backfilled;
import io.calbridge.platform.security.CurrentUser;
import io.calbridge.platform.web.ApiExamples;
import io.calbridge.platform.web.ApiProblem;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The user's existing appointments into a (newly) connected calendar, and how far that got. */
@RestController
@RequestMapping("/api/v1/connections/{id}/backfill")
@Tag(name = "connections")
class BackfillController {

    private final BackfillService backfills;
    private final CurrentUser currentUser;

    BackfillController(BackfillService backfills, CurrentUser currentUser) {
        this.backfills = backfills;
        this.currentUser = currentUser;
    }

    /** {@code from}: appointments ending after it are covered; absent means now. */
    record BackfillRequest(Instant from) {
    }

    @PostMapping
    @Operation(summary = "Queue pushes of the user's confirmed appointments ending after `from` (default now) that this calendar "
            + "does not hold yet at their current version; asking again queues nothing new")
    @ApiExamples(request = "backfill-request", response = "backfill-response")
    @ApiResponse(responseCode = "202", description = "Queued: {from, queued, alreadySynced, skipped}; follow it with GET")
    @ApiResponse(responseCode = "400", description = "`invalid_range`: from is not within 5 years of now; `malformed_body`: from "
            + "is not an RFC 3339 instant")
    @ApiResponse(responseCode = "404", description = "`not_found`: no such connection of the user's (a malformed id too)")
    @ApiResponse(responseCode = "409", description = "`read_only_provider`: its provider takes no events (Calendly); `sync_off`: "
            + "syncEnabled is off or the connection is disabled")
    ResponseEntity<Backfilled> backfill(@PathVariable String id, @RequestBody(required = false) BackfillRequest body) {
        Backfilled done = backfills.backfill(currentUser.id(), ApiProblem.idOrNotFound(id, "connection"),
                body == null ? null : body.from());
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(done);
    }

    @GetMapping
    @Operation(summary = "The last backfill's progress over the appointments it covered")
    @ApiExamples(response = "backfill-progress")
    @ApiResponse(responseCode = "200", description = "{from, requestedAt, total, synced, pending, failed, skipped}")
    @ApiResponse(responseCode = "404", description = "`not_found`: no such connection of the user's (a malformed id too); "
            + "`no_backfill`: none was asked for it")
    Backfills.Progress progress(@PathVariable String id) {
        return backfills.progress(currentUser.id(), ApiProblem.idOrNotFound(id, "connection"));
    }
}
