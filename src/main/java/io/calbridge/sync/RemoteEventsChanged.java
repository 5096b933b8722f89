package io.calbridge.sync;

import io.calbridge.provider.RemoteEvent;
import java.util.List;
import java.util.UUID;

/** Published for every stored page of inbound changes, so that features can notice changes to their own events. */
public record RemoteEventsChanged(UUID connectionId, String calendarId, List<RemoteEvent> events) {
}
