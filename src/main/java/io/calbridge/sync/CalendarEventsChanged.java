package io.calbridge.sync;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Published, inside the transaction that stores them, when inbound sync changed the local copy of a calendar: the ids
 * (as the events API shows them) of the events created, updated and deleted by one stored page, or by the removal of
 * what a full sync did not see, or of a calendar no longer read. [{@code windowStart}, {@code windowEnd}) is the sync
 * window the changes lie in. Never published for a page that changed nothing.
 */
public record CalendarEventsChanged(UUID connectionId, String userId, String provider, String calendarId, List<String> created,
        List<String> updated, List<String> deleted, Instant windowStart, Instant windowEnd) {
}
