package io.calbridge.sync;

import io.calbridge.event.EventStore.PageResult;
import io.calbridge.provider.RemoteEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Published, inside the transaction that stores a page, when it created or removed bookings of a scheduling tool
 * (events that carry a {@link io.calbridge.provider.Booking}): each new booking, each cancellation, and each reschedule
 * as one change (the new booking naming the one it replaced; the replaced one's cancellation is not a change of its own).
 *
 * @param includeClientDetails whether the connection lets the invitees' names, emails and answers leave calbridge
 */
public record BookingsChanged(UUID connectionId, String userId, String provider, String calendarId, boolean includeClientDetails,
        List<Change> changes) {

    public enum Kind {
        CREATED, CANCELED, RESCHEDULED
    }

    /** {@code event} as the provider reported it; {@code replaced} the booking a reschedule replaced, else null. */
    public record Change(Kind kind, RemoteEvent event, String replaced) {
    }

    /** The booking changes among a stored page's events, in the page's order; empty when there are none. */
    static List<Change> of(List<RemoteEvent> events, PageResult stored) {
        Set<String> created = Set.copyOf(stored.createdIds());
        Set<String> deleted = Set.copyOf(stored.deletedIds());
        List<Change> changes = new ArrayList<>();
        for (RemoteEvent event : events) {
            if (event.booking() == null) {
                continue;
            }
            if (created.contains(event.externalId())) {
                String replaced = event.booking().rescheduledFrom();
                changes.add(new Change(replaced == null ? Kind.CREATED : Kind.RESCHEDULED, event, replaced));
            } else if (deleted.contains(event.externalId()) && !rescheduledAway(event)) {
                changes.add(new Change(Kind.CANCELED, event, null));
            }
        }
        return changes;
    }

    /** Canceled because every invitee moved it: the new booking tells that as a reschedule. */
    private static boolean rescheduledAway(RemoteEvent event) {
        return !event.booking().invitees().isEmpty() && event.booking().invitees().stream().allMatch(i -> i.rescheduled());
    }
}
