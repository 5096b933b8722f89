package io.calbridge.provider;

import java.util.List;

/**
 * One page of changes since a cursor. Either {@code nextPageCursor} (more pages follow) or {@code syncCursor}
 * (the cursor for the next incremental sync, given on the last page) is set.
 */
public record ChangePage(List<RemoteEvent> events, String nextPageCursor, String syncCursor) {

    public ChangePage {
        events = List.copyOf(events);
    }

    public boolean last() {
        return nextPageCursor == null;
    }
}
