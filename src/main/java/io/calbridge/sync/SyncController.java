package io.calbridge.sync;

import io.calbridge.connection.ConnectionService;
import io.calbridge.platform.security.CurrentUser;
import io.calbridge.platform.web.ApiProblem;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "sync", description = "The sync queue, its jobs and its logs")
class SyncController {

    private static final List<String> PROBLEM_STATUSES = List.of("FAILED", "DEAD", "PARKED");
    private static final List<String> STATUSES = List.of("PENDING", "RUNNING", "DONE", "FAILED", "DEAD", "PARKED");

    private final SyncTrigger trigger;
    private final SyncQueue queue;
    private final SyncDrainer drainer;
    private final SyncLogs logs;
    private final ConnectionService connections;
    private final CurrentUser currentUser;

    SyncController(SyncTrigger trigger, SyncQueue queue, SyncDrainer drainer, SyncLogs logs, ConnectionService connections,
            CurrentUser currentUser) {
        this.trigger = trigger;
        this.queue = queue;
        this.drainer = drainer;
        this.logs = logs;
        this.connections = connections;
        this.currentUser = currentUser;
    }

    record SyncRequest(Boolean full) {
    }

    record JobView(UUID id, String kind, UUID connectionId, String appointmentId, String status, int attempts, Instant nextRunAt,
            String errorReason, String lastError, Instant createdAt, Instant updatedAt) {
        static JobView of(SyncJob job) {
            return new JobView(job.id(), job.kind(), job.connectionId(), job.appointmentId(), job.status(), job.attempts(),
                    job.nextRunAt(), job.errorReason(), job.lastError(), job.createdAt(), job.updatedAt());
        }

        /** A finished job whose queue row went on to a newer job: as its logged runs tell it. */
        static JobView finished(UUID id, SyncLogs.FinishedJob job) {
            String status = "SUCCESS".equals(job.lastOutcome()) ? "DONE" : "DEAD";
            return new JobView(id, job.kind(), job.connectionId(), job.appointmentId(), status, job.runs(), null, null,
                    "DONE".equals(status) ? null : job.lastError(), job.firstStarted(), job.lastEnded());
        }
    }

    /** {@code coalesced}: the request joined a pull of the connection that had not finished yet, which covers it. */
    record SyncAccepted(UUID jobId, boolean coalesced) {
    }

    @PostMapping("/api/v1/connections/{id}/sync")
    @Operation(summary = "Sync the connection now, ahead of waiting jobs ({full: true} for a full resync): 202 {jobId, coalesced}; "
            + "a new job, or (coalesced: true) the connection's pull that was still waiting or running")
    @ApiResponse(responseCode = "202", description = "Queued: {jobId, coalesced}")
    @ApiResponse(responseCode = "404", description = "`not_found`: no such connection of the user's (a malformed id too)")
    ResponseEntity<SyncAccepted> syncNow(@PathVariable String id, @RequestBody(required = false) SyncRequest body) {
        UUID connectionId = ApiProblem.idOrNotFound(id, "connection");
        connections.get(currentUser.id(), connectionId);
        SyncQueue.Requested job = trigger.requestTelling(connectionId, body != null && Boolean.TRUE.equals(body.full()), 1);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(new SyncAccepted(job.jobId(), job.coalesced()));
    }

    @GetMapping("/api/v1/sync-jobs/{id}")
    @Operation(summary = "One queued job and its state")
    @ApiResponse(responseCode = "200", description = "The job")
    @ApiResponse(responseCode = "404", description = "`not_found`: no such sync job of the user's (a malformed id too)")
    JobView job(@PathVariable String id) {
        String userId = currentUser.id();
        UUID jobId = ApiProblem.idOrNotFound(id, "sync job");
        return queue.find(jobId).filter(job -> job.userId().equals(userId)).map(JobView::of)
                .or(() -> logs.finished(jobId).filter(job -> job.userId().equals(userId)).map(job -> JobView.finished(jobId, job)))
                .orElseThrow(() -> ApiProblem.notFound("sync job"));
    }

    @GetMapping("/api/v1/sync-logs")
    @Operation(summary = "Sync runs, newest first (limit 1-200, default 50)")
    @ApiResponse(responseCode = "200", description = "The runs, newest first")
    @ApiResponse(responseCode = "400", description = "`invalid_limit`, `invalid_parameter`")
    @ApiResponse(responseCode = "404", description = "`not_found`: no such connection of the user's (a malformed id too)")
    List<SyncLogs.Entry> syncLogs(@RequestParam(required = false) String connectionId, @RequestParam(defaultValue = "50") int limit) {
        if (limit < 1 || limit > 200) {
            throw ApiProblem.badRequest("invalid_limit", "limit must be between 1 and 200");
        }
        String userId = currentUser.id();
        UUID connection = null;
        if (connectionId != null) {
            connection = ApiProblem.idOrNotFound(connectionId, "connection");
            connections.get(userId, connection);
        }
        return logs.recent(userId, connection, limit);
    }

    @GetMapping("/api/v1/admin/sync-jobs")
    @Operation(summary = "Admin: jobs by status (default: FAILED, DEAD and PARKED ones)")
    @ApiResponse(responseCode = "200", description = "The jobs")
    @ApiResponse(responseCode = "400", description = "`invalid_status`, `invalid_limit`, `invalid_parameter`")
    List<JobView> problemJobs(@RequestParam(required = false) String status, @RequestParam(defaultValue = "100") int limit) {
        if (status != null && !STATUSES.contains(status)) {
            throw ApiProblem.badRequest("invalid_status", "status must be one of " + STATUSES);
        }
        if (limit < 1 || limit > 1000) {
            throw ApiProblem.badRequest("invalid_limit", "limit must be between 1 and 1000");
        }
        return queue.byStatus(status == null ? PROBLEM_STATUSES : List.of(status), limit).stream().map(JobView::of).toList();
    }

    @PostMapping("/api/v1/admin/sync-jobs/{id}/retry")
    @Operation(summary = "Admin: run a failed, dead or parked job again from a fresh start")
    @ApiResponse(responseCode = "202", description = "Queued again")
    @ApiResponse(responseCode = "404", description = "`not_found`: no such sync job")
    @ApiResponse(responseCode = "409", description = "`not_retryable`: only FAILED, DEAD or PARKED jobs can be retried")
    ResponseEntity<JobView> retry(@PathVariable String id) {
        UUID jobId = ApiProblem.idOrNotFound(id, "sync job");
        SyncJob job = queue.find(jobId).orElseThrow(() -> ApiProblem.notFound("sync job"));
        if (!queue.retryNow(jobId)) {
            throw ApiProblem.conflict("not_retryable", "only FAILED, DEAD or PARKED jobs can be retried; this one is " + job.status());
        }
        drainer.nudge();
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(JobView.of(queue.find(jobId).orElseThrow()));
    }

}
