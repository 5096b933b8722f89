package io.calbridge.emulator.google;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableMap;
import java.util.PriorityQueue;
import java.util.function.Supplier;
import tools.jackson.databind.node.ObjectNode;

/**
 * events.list. Two orders, both resumable from a cursor, so each page costs about its own size:
 * <ul>
 * <li>by start (the default, and orderBy=startTime): recurring masters first, then the (start, id) index; with
 * singleEvents the index is merged with the series' generated occurrences;</li>
 * <li>by change (syncToken, orderBy=updated, updatedMin): the change-log tail, each event once at its latest change;
 * with singleEvents a changed series contributes all its occurrences.</li>
 * </ul>
 * Series without an end (and no timeMax) are expanded to at most {@link #MAX_INSTANCES} occurrences, which bounds
 * the work where Google's own horizon is undocumented.
 */
final class EventLister {

    static final int MAX_INSTANCES = 1000;
    private static final long DONE = Long.MAX_VALUE;

    private final Store store;

    EventLister(Store store) {
        this.store = store;
    }

    /** Items collected for one page; the cursor of the last one; whether another item exists. */
    static final class Page {
        private final int limit;
        final List<byte[]> items = new ArrayList<>();
        String[] cursor;
        boolean more;

        Page(int limit) {
            this.limit = limit;
        }

        /** Adds an item, rendering it only if it fits; false once the page is full (and then {@link #more} is set). */
        boolean offer(Supplier<byte[]> render, String a, String b, String c) {
            if (items.size() == limit) {
                more = true;
                return false;
            }
            items.add(render.get());
            cursor = new String[] {a, b, c};
            return true;
        }
    }

    byte[] list(CalendarData calendar, ListQuery query) {
        calendar.lock.readLock().lock();
        try {
            long current = store.currentSequence();
            Tokens.Sync sync = query.syncToken() == null ? null : Tokens.parseSync(query.syncToken(), calendar, current);
            String mode = query.changeOrdered() ? "C" : "S";
            long snapshot = current;
            String[] cursor = null;
            if (query.pageToken() != null) {
                String[] fields = Tokens.parsePage(query.pageToken(), 7);
                try {
                    if (!fields[0].equals(mode) || Integer.parseInt(fields[1]) != calendar.number) {
                        throw GoogleApiException.invalid("Invalid page token value.");
                    }
                    snapshot = Long.parseLong(fields[2]);
                } catch (NumberFormatException e) {
                    throw GoogleApiException.invalid("Invalid page token value.");
                }
                cursor = new String[] {fields[4], fields[5], fields[6]};
            }
            Page page = new Page(query.maxResults());
            try {
                if (mode.equals("S")) {
                    byStart(calendar, query, page, cursor);
                } else {
                    long from = sync != null ? sync.sequence() : 0;
                    byChange(calendar, query, page, sync != null, snapshot, cursor != null ? cursor : new String[] {"", Long.toString(from), Long.toString(DONE)});
                }
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw GoogleApiException.invalid("Invalid page token value.");
            }
            String tokenField;
            if (page.more) {
                String[] c = page.cursor;
                tokenField = "\"nextPageToken\":\"" + Tokens.page(mode, Integer.toString(calendar.number), Long.toString(snapshot),
                        Integer.toString(calendar.epoch), c[0], c[1], c[2]) + "\"";
            } else {
                tokenField = "\"nextSyncToken\":\"" + Tokens.sync(calendar, snapshot) + "\"";
            }
            return envelope(calendar, tokenField, page.items);
        } finally {
            calendar.lock.readLock().unlock();
        }
    }

    // ---- order by start -----------------------------------------------------------------------------------

    private void byStart(CalendarData calendar, ListQuery query, Page page, String[] cursor) {
        String phase = cursor == null ? (query.singleEvents() ? "X" : "M") : cursor[0];
        if (phase.equals("M")) {
            NavigableMap<String, StoredEvent> masters = cursor == null ? calendar.masters : calendar.masters.tailMap(cursor[2], false);
            for (StoredEvent master : masters.values()) {
                if (includeMaster(calendar, master, query)
                        && !page.offer(() -> master.json(calendar, query.outZone()), "M", "0", master.id)) {
                    return;
                }
            }
            phase = "E";
            cursor = null;
        }
        CalendarData.EventKey after = cursor == null ? null : new CalendarData.EventKey(Long.parseLong(cursor[1]), cursor[2]);
        Iterator<StoredEvent> singles = singlesFrom(calendar, query, after);
        if (phase.equals("E")) {
            while (singles.hasNext()) {
                StoredEvent event = singles.next();
                if (includeSingle(calendar, event, query, false)
                        && !page.offer(() -> event.json(calendar, query.outZone()), "E", Long.toString(event.startMillis), event.id)) {
                    return;
                }
            }
            return;
        }
        // singleEvents: merge the index with every live series' occurrences, by (start, id)
        PriorityQueue<Source> sources = new PriorityQueue<>(Comparator.comparing((Source s) -> s.key));
        Source stored = new Source(null, null);
        stored.singles = singles;
        stored.advanceSingles(calendar, query);
        if (stored.key != null) {
            sources.add(stored);
        }
        for (StoredEvent master : calendar.masters.values()) {
            if (!master.isCancelled() && includeMaster(calendar, master, query)) {
                Source source = new Source(master, after);
                source.occurrences = master.rule.iterator();
                source.advanceOccurrences(calendar, query);
                if (source.key != null) {
                    sources.add(source);
                }
            }
        }
        while (!sources.isEmpty()) {
            Source source = sources.poll();
            CalendarData.EventKey key = source.key;
            Supplier<byte[]> render = source.master == null
                    ? () -> source.event.json(calendar, query.outZone())
                    : () -> source.master.instanceJson(calendar, source.occurrence, query.outZone());
            if (!page.offer(render, "X", Long.toString(key.startMillis()), key.id())) {
                return;
            }
            if (source.master == null) {
                source.advanceSingles(calendar, query);
            } else {
                source.advanceOccurrences(calendar, query);
            }
            if (source.key != null) {
                sources.add(source);
            }
        }
    }

    /** One input of the merge: the stored singles, or one series' generated occurrences. */
    private static final class Source {
        final StoredEvent master;
        final CalendarData.EventKey after;
        Iterator<StoredEvent> singles;
        Iterator<EventTime> occurrences;
        int inWindow;
        CalendarData.EventKey key;
        StoredEvent event;
        EventTime occurrence;

        Source(StoredEvent master, CalendarData.EventKey after) {
            this.master = master;
            this.after = after;
        }

        void advanceSingles(CalendarData calendar, ListQuery query) {
            key = null;
            while (singles.hasNext()) {
                StoredEvent next = singles.next();
                if (includeSingle(calendar, next, query, true)) {
                    event = next;
                    key = next.key();
                    return;
                }
            }
        }

        void advanceOccurrences(CalendarData calendar, ListQuery query) {
            key = null;
            while (occurrences.hasNext()) {
                EventTime next = occurrences.next();
                if (master.rule.isExcluded(next)) {
                    continue;
                }
                long start = next.toInstant(calendar.zone).toEpochMilli();
                if (start >= query.maxMillis()) {
                    return;
                }
                if (master.endFor(next).toInstant(calendar.zone).toEpochMilli() <= query.minMillis()) {
                    continue;
                }
                // counted before the cursor check, so every page agrees on where the cap falls
                if (query.timeMax() == null && ++inWindow > MAX_INSTANCES) {
                    return;
                }
                String id = master.id + "_" + next.instanceSuffix();
                if (calendar.byId.containsKey(id)) {
                    continue; // a stored exception stands for this occurrence and comes from the index
                }
                CalendarData.EventKey candidate = new CalendarData.EventKey(start, id);
                if (after == null || candidate.compareTo(after) > 0) {
                    key = candidate;
                    occurrence = next;
                    return;
                }
            }
        }
    }

    /** The (start, id) index from the window's possible first event, or just after the cursor; stops at timeMax. */
    private static Iterator<StoredEvent> singlesFrom(CalendarData calendar, ListQuery query, CalendarData.EventKey after) {
        CalendarData.EventKey from = query.timeMin() == null ? null
                : new CalendarData.EventKey(query.timeMin().toEpochMilli() - calendar.maxDurationMillis, "");
        boolean inclusive = true;
        if (after != null && (from == null || after.compareTo(from) >= 0)) {
            from = after;
            inclusive = false;
        }
        Iterator<StoredEvent> tail = (from == null ? calendar.byStart : calendar.byStart.tailMap(from, inclusive)).values().iterator();
        long max = query.maxMillis();
        return new Iterator<>() {
            StoredEvent next = step();

            private StoredEvent step() {
                if (tail.hasNext()) {
                    StoredEvent event = tail.next();
                    return event.startMillis < max ? event : null;
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public StoredEvent next() {
                StoredEvent result = next;
                next = step();
                return result;
            }
        };
    }

    private static boolean includeMaster(CalendarData calendar, StoredEvent master, ListQuery query) {
        if (master.isCancelled() && !query.deletedShown()) {
            return false;
        }
        if (master.startMillis >= query.maxMillis() || master.seriesEndMillis(calendar.zone) <= query.minMillis()) {
            return false;
        }
        return (query.updatedMin() == null || !master.updated.isBefore(query.updatedMin())) && query.matches(master);
    }

    /**
     * Google's showDeleted rule: cancelled instances of a live series are listed even without showDeleted when
     * singleEvents is false (the client needs them to hide those occurrences of the master); otherwise cancelled
     * events need showDeleted (or updatedMin).
     */
    private static boolean includeSingle(CalendarData calendar, StoredEvent event, ListQuery query, boolean singleEvents) {
        if (event.endMillis <= query.minMillis() || event.startMillis >= query.maxMillis()) {
            return false;
        }
        if (event.isCancelled() && !query.deletedShown()) {
            if (singleEvents || event.recurringEventId == null) {
                return false;
            }
            StoredEvent master = calendar.byId.get(event.recurringEventId);
            if (master == null || master.isCancelled()) {
                return false;
            }
        }
        return (query.updatedMin() == null || !event.updated.isBefore(query.updatedMin())) && query.matches(event);
    }

    // ---- order by change ----------------------------------------------------------------------------------

    /**
     * The change-log tail after the cursor, up to the first page's snapshot. In an incremental sync every change is
     * returned, deleted events as cancelled stubs; a changed series with singleEvents returns each occurrence
     * (EXDATE'd ones, and all of a deleted series, as cancelled stubs) so instance-based clients converge.
     */
    private void byChange(CalendarData calendar, ListQuery query, Page page, boolean sync, long snapshot, String[] cursor) {
        long cursorSequence = Long.parseLong(cursor[1]);
        long cursorSub = Long.parseLong(cursor[2]);
        for (StoredEvent event : calendar.changes.subMap(cursorSequence, true, snapshot, true).values()) {
            boolean resuming = event.changeSeq == cursorSequence;
            if (resuming && cursorSub == DONE) {
                continue;
            }
            String sequence = Long.toString(event.changeSeq);
            if (query.singleEvents() && event.isMaster()) {
                if ((sync || includeMaster(calendar, event, query))
                        && !expandChanged(calendar, event, query, sync, resuming ? cursorSub : Long.MIN_VALUE, page, sequence)) {
                    return;
                }
            } else if (sync || (event.isMaster() ? includeMaster(calendar, event, query) : includeSingle(calendar, event, query, query.singleEvents()))) {
                if (!page.offer(() -> event.json(calendar, query.outZone()), "", sequence, Long.toString(DONE))) {
                    return;
                }
            }
        }
    }

    private static boolean expandChanged(CalendarData calendar, StoredEvent master, ListQuery query, boolean sync, long after, Page page,
            String sequence) {
        int count = 0;
        for (Iterator<EventTime> it = master.rule.iterator(); it.hasNext(); ) {
            EventTime occurrence = it.next();
            long start = occurrence.toInstant(calendar.zone).toEpochMilli();
            if (start >= query.maxMillis() || (query.timeMax() == null && ++count > MAX_INSTANCES)) {
                return true;
            }
            String id = master.id + "_" + occurrence.instanceSuffix();
            if (start <= after || calendar.byId.containsKey(id)
                    || master.endFor(occurrence).toInstant(calendar.zone).toEpochMilli() <= query.minMillis()) {
                continue; // a stored exception has its own change-log entry
            }
            Supplier<byte[]> render;
            if (master.isCancelled() || master.rule.isExcluded(occurrence)) {
                if (!sync) {
                    continue;
                }
                render = () -> Json.bytes(StoredEvent.cancelledStub(id, master.etag(), master.id, occurrence, query.outZone()));
            } else {
                render = () -> master.instanceJson(calendar, occurrence, query.outZone());
            }
            if (!page.offer(render, "", sequence, Long.toString(start))) {
                return false;
            }
        }
        return true;
    }

    // ---- the response -------------------------------------------------------------------------------------

    /** The events collection; items are joined as ready-made JSON so a page is mostly a byte copy. */
    static byte[] envelope(CalendarData calendar, String tokenField, List<byte[]> items) {
        ObjectNode head = Json.object();
        head.put("kind", "calendar#events");
        head.put("etag", calendar.etag());
        head.put("summary", calendar.summary);
        head.put("description", "");
        head.put("updated", Json.timestamp(calendar.updated));
        head.put("timeZone", calendar.zone.getId());
        head.put("accessRole", "owner");
        head.putArray("defaultReminders").addObject().put("method", "popup").put("minutes", 10);
        byte[] headBytes = Json.bytes(head);
        int size = headBytes.length + 64 + items.size();
        for (byte[] item : items) {
            size += item.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.write(headBytes, 0, headBytes.length - 1); // without the closing brace
        if (tokenField != null) {
            out.writeBytes(("," + tokenField).getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(",\"items\":[".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(items.get(i));
        }
        out.writeBytes("]}".getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
