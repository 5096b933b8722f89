package io.calbridge.sync;

import java.time.Instant;
import java.util.UUID;

/**
 * A row of the sync queue: a PUSH brings one appointment to one connection's calendar, a PULL syncs a connection's
 * calendars inbound. {@code wanted} rises with each request (the appointment's version for a PUSH); a run that
 * succeeds reaches {@code done}. Several requests before a run collapse into that one run.
 */
public record SyncJob(
        UUID id,
        String kind,
        String userId,
        UUID connectionId,
        String appointmentId,
        String status,
        long wanted,
        long done,
        boolean fullSync,
        int priority,
        int attempts,
        Instant nextRunAt,
        String lastError,
        String errorReason,
        Instant createdAt,
        Instant updatedAt) {

    public static final String PUSH = "PUSH";
    public static final String PULL = "PULL";
}
