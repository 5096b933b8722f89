package io.calbridge.sync;

import io.calbridge.provider.RemoteEvent;
import java.util.List;
import java.util.UUID;

/**
 * Published for every stored page of inbound changes, so that features can notice changes to their own events; inside
 * the page's transaction, so what a listener writes commits with the page.
 */
public record RemoteEventsChanged(UUID connectionId, String provider, String calendarId, List<RemoteEvent> events) {
}
