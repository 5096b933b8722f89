package io.calbridge.connection;

import io.calbridge.provider.CalendarInfo;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A user's connection to one external calendar account, as other features see it (never with its tokens). */
public record Connection(
        UUID id,
        String userId,
        String provider,
        String accountId,
        String accountEmail,
        ConnectionStatus status,
        ConnectionSettings settings,
        List<CalendarInfo> calendars,
        List<String> scopes,
        Instant tokenExpiresAt,
        String syncCursor,
        Instant lastSyncAt,
        String lastSyncOutcome,
        String lastSyncError,
        Instant createdAt,
        Instant updatedAt,
        long version) {
}
