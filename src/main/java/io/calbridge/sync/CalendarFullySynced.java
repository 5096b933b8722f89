package io.calbridge.sync;

import java.time.Instant;
import java.util.UUID;

/**
 * Published when a full sync of a calendar has finished (the first one, a forced one, or the resync after an expired
 * cursor): the store now holds exactly the calendar's events in [{@code windowStart}, {@code windowEnd}) as the
 * provider listed them from {@code started} on, so whatever is missing there is gone from the calendar. A full
 * listing does not report deletions the way an incremental one does; features that follow their own events learn
 * of deletions from this instead. Published inside the transaction that removed what the full sync did not see.
 */
public record CalendarFullySynced(UUID connectionId, String provider, String calendarId, Instant started, Instant windowStart, Instant windowEnd) {
}
