package io.calbridge.provider;

import java.time.Instant;
import java.util.Set;

/**
 * What to fetch: with a {@code syncCursor}, the changes since then; without, a full sync of the window.
 * {@code pageCursor} continues a multi-page answer. {@code refresh}: items notifications named as changed (their
 * {@link WebhookReading.Notification#changedItem()}), to be read again on the first page even if the listing shows
 * them unchanged.
 */
public record ChangeRequest(String syncCursor, String pageCursor, Instant windowStart, Instant windowEnd, int pageSize, Set<String> refresh) {

    public ChangeRequest {
        refresh = refresh == null ? Set.of() : Set.copyOf(refresh);
    }

    public ChangeRequest(String syncCursor, String pageCursor, Instant windowStart, Instant windowEnd, int pageSize) {
        this(syncCursor, pageCursor, windowStart, windowEnd, pageSize, Set.of());
    }
}
