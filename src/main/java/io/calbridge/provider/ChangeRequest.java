package io.calbridge.provider;

import java.time.Instant;

/**
 * What to fetch: with a {@code syncCursor}, the changes since then; without, a full sync of the window.
 * {@code pageCursor} continues a multi-page answer.
 */
public record ChangeRequest(String syncCursor, String pageCursor, Instant windowStart, Instant windowEnd, int pageSize) {
}
