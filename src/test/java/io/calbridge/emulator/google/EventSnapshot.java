package io.calbridge.emulator.google;

import java.util.List;

/**
 * One stored event as the emulator holds it (no recurrence expansion): a single event, a series' master, or an
 * exception (moved or cancelled occurrence). {@code start}/{@code end} are Google's {@code dateTime} (RFC 3339, in
 * the calendar's zone) or, when {@code allDay}, the {@code date}. {@code json} is the resource as events.get returns it.
 */
public record EventSnapshot(String id, String status, String summary, String start, String end, boolean allDay, String recurringEventId,
        List<String> recurrence, int sequence, String etag, String json) {

    public boolean cancelled() {
        return "cancelled".equals(status);
    }
}
