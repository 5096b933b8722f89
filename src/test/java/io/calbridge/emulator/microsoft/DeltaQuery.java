package io.calbridge.emulator.microsoft;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * calendarView and calendarView/delta over a calendar's stored events, expanding series into the window.
 * <p>A delta round's item list is computed once, on its first request, sorted by start, and kept on the server; its
 * pages ({@code $skiptoken}) index into that list, so 50,000 events page in constant time per page. The round ends
 * with a {@code $deltatoken} that carries the window, the mailbox change number the round saw and the mailbox's delta
 * epoch, and its sync-state chain and generation: {@code expireDeltaTokens} moves the epoch on, which makes every
 * earlier token answer 410 SyncStateNotFound, and so does a token more than {@link #GENERATIONS_KEPT} rounds old.
 * An incremental round lists the events changed after the token's change number: singles and exceptions in full (or
 * as removed when they left the window or were deleted), occurrences of a changed series as slim items, and
 * cancelled occurrences as removed. Series masters are never items, as at Graph.
 */
final class DeltaQuery {

    /** Graph's default calendarView/delta page without {@code Prefer: odata.maxpagesize}. */
    static final int DEFAULT_PAGE = 10;
    static final int MAX_PAGE = 1000;
    /** Rounds kept for their pages; an older round's skiptoken answers 410 as an expired sync state would. */
    private static final int ROUNDS_KEPT = 200;

    /** One item of a round: a stored event, an occurrence of a master, or a removal of a key. */
    record Item(StoredEvent event, Instant occurrenceStart, String removedKey, Instant sortKey) {
    }

    /** chain: the sync state a first round starts and its delta tokens continue; generation: the round's number in it. */
    private record Round(String mailboxId, String calendarKey, Instant from, Instant to, long seq, int epoch, String chain, int generation, List<Item> items) {
    }

    /** Exchange keeps a few generations of a sync state; a delta token older than that answers 410 (a restart forgets, and forgives). */
    static final int GENERATIONS_KEPT = 3;
    private final Map<String, Integer> highestGeneration = new java.util.concurrent.ConcurrentHashMap<>();

    private final Map<String, Round> rounds = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Round> eldest) {
            return size() > ROUNDS_KEPT;
        }
    };

    static GraphException windowRequired() {
        return GraphException.badRequest("ErrorInvalidParameter",
                "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.");
    }

    static GraphException syncStateGone(String detail) {
        return GraphException.graph(410, "SyncStateNotFound", "The sync state generation is not found; " + detail + ".");
    }

    /**
     * One delta page. query: the request's parameters (names compared case-insensitively); linkBase: the URL the
     * next/delta links start with ({@code .../calendarView/delta}).
     */
    ObjectNode page(Mailbox mailbox, Mailbox.Calendar calendar, Map<String, String> query, int pageSize, EventJson.View view, String linkBase) {
        try {
            return unchecked(mailbox, calendar, query, pageSize, view, linkBase);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw syncStateGone("token unreadable");
        }
    }

    private ObjectNode unchecked(Mailbox mailbox, Mailbox.Calendar calendar, Map<String, String> query, int pageSize, EventJson.View view, String linkBase) {
        String skip = param(query, "$skiptoken");
        String deltaToken = param(query, "$deltatoken");
        Round round;
        int offset;
        if (skip != null) {
            String[] parts = decode(skip).split("\\.", 2);
            synchronized (rounds) {
                round = rounds.get(parts[0]);
            }
            if (round == null || parts.length < 2 || !round.mailboxId().equals(mailbox.id) || !round.calendarKey().equals(calendar.key)) {
                throw syncStateGone("skiptoken=" + (round == null ? "unknown" : "other calendar"));
            }
            offset = Integer.parseInt(parts[1]);
        } else if (deltaToken != null) {
            String[] parts = decode(deltaToken).split("\\|");
            if (parts.length != 7 || !parts[0].equals(calendar.key)) {
                throw syncStateGone("generation=unknown");
            }
            int epoch = Integer.parseInt(parts[4]);
            String chain = parts[5];
            int generation = Integer.parseInt(parts[6]);
            int highest = highestGeneration.getOrDefault(chain, generation);
            if (highest - generation >= GENERATIONS_KEPT) {
                throw syncStateGone("generation=" + generation + ";[highest=" + highest + "]");
            }
            mailbox.lock.readLock().lock();
            try {
                if (epoch != mailbox.deltaEpoch) {
                    throw syncStateGone("generation=" + parts[3] + ";[highest=" + mailbox.seq + "]");
                }
                Instant from = Instant.ofEpochSecond(Long.parseLong(parts[1]));
                Instant to = Instant.ofEpochSecond(Long.parseLong(parts[2]));
                long since = Long.parseLong(parts[3]);
                round = new Round(mailbox.id, calendar.key, from, to, mailbox.seq, mailbox.deltaEpoch, chain, Math.max(highest, generation) + 1,
                        changes(mailbox, calendar, from, to, since));
            } finally {
                mailbox.lock.readLock().unlock();
            }
            offset = 0;
        } else {
            Instant from = Json.parseQueryTime(param(query, "startDateTime"));
            Instant to = Json.parseQueryTime(param(query, "endDateTime"));
            if (from == null || to == null) {
                throw windowRequired();
            }
            mailbox.lock.readLock().lock();
            try {
                round = new Round(mailbox.id, calendar.key, from, to, mailbox.seq, mailbox.deltaEpoch, Json.randomToken(9), 1,
                        instances(mailbox, calendar, from, to));
            } finally {
                mailbox.lock.readLock().unlock();
            }
            offset = 0;
        }
        String roundId = null;
        int end = Math.min(round.items().size(), offset + pageSize);
        ObjectNode out = Json.object();
        out.put("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#Collection(event)");
        ArrayNode value = Json.array();
        mailbox.lock.readLock().lock();
        try {
            for (int i = offset; i < end; i++) {
                value.add(render(mailbox, round.items().get(i), view));
            }
        } finally {
            mailbox.lock.readLock().unlock();
        }
        if (end < round.items().size()) {
            roundId = skip != null ? decode(skip).split("\\.", 2)[0] : Json.randomToken(12);
            synchronized (rounds) {
                rounds.put(roundId, round);
            }
            out.put("@odata.nextLink", linkBase + "?$skiptoken=" + encode(roundId + "." + end));
        } else {
            highestGeneration.merge(round.chain(), round.generation(), Math::max);
            out.put("@odata.deltaLink", linkBase + "?$deltatoken=" + encode(calendar.key + "|" + round.from().getEpochSecond() + "|"
                    + round.to().getEpochSecond() + "|" + round.seq() + "|" + round.epoch() + "|" + round.chain() + "|" + round.generation()));
        }
        out.set("value", value);
        return out;
    }

    private static ObjectNode render(Mailbox mailbox, Item item, EventJson.View view) {
        if (item.removedKey() != null) {
            return EventJson.removed(item.removedKey(), view.immutableIds());
        }
        StoredEvent e = item.event();
        if (item.occurrenceStart() != null) {
            if (e.deleted || e.cancelled.containsKey(item.occurrenceStart())) {
                return EventJson.removed(StoredEvent.occurrenceKey(e.key, item.occurrenceStart()), view.immutableIds());
            }
            return EventJson.slimOccurrence(e, item.occurrenceStart(), view);
        }
        return e.deleted ? EventJson.removed(e.key, view.immutableIds()) : EventJson.full(mailbox, e, view);
    }

    /** Every instance in the window (singles, exceptions, occurrences), sorted by start. Caller holds the read lock. */
    static List<Item> instances(Mailbox mailbox, Mailbox.Calendar calendar, Instant from, Instant to) {
        List<Item> items = new ArrayList<>();
        for (StoredEvent e : calendar.events.values()) {
            if (e.deleted) {
                continue;
            }
            if (StoredEvent.MASTER.equals(e.type)) {
                for (Instant start : occurrenceStarts(mailbox, calendar, e, from, to, false)) {
                    items.add(new Item(e, start, null, start));
                }
            } else if (e.overlaps(from, to)) {
                items.add(new Item(e, null, null, e.start));
            }
        }
        items.sort(Comparator.comparing(Item::sortKey));
        return items;
    }

    /** Original starts of a master's occurrences overlapping the window; without exceptions and, unless asked, without cancelled ones. */
    static List<Instant> occurrenceStarts(Mailbox mailbox, Mailbox.Calendar calendar, StoredEvent master, Instant from, Instant to, boolean withCancelled) {
        ZoneId zone = master.zoneId();
        java.time.Duration length = master.length();
        LocalDate first = LocalDateTime.ofInstant(from.minus(length), zone).toLocalDate().minusDays(1);
        LocalDate last = LocalDateTime.ofInstant(to, zone).toLocalDate().plusDays(1);
        List<Instant> result = new ArrayList<>();
        for (LocalDateTime local : master.recurrence.occurrences(master.localStart.toLocalTime(), first, last)) {
            Instant start = local.atZone(zone).toInstant();
            Instant end = start.plus(length);
            boolean overlaps = start.isBefore(to) && end.isAfter(from) || length.isZero() && !start.isBefore(from) && start.isBefore(to);
            if (!overlaps || !withCancelled && master.cancelled.containsKey(start)) {
                continue;
            }
            if (calendar.events.containsKey(StoredEvent.occurrenceKey(master.key, start))) {
                continue; // an exception (live or deleted) stands for it
            }
            result.add(start);
        }
        return result;
    }

    /** What changed after change number {@code since}, in change order. Caller holds the read lock. */
    private static List<Item> changes(Mailbox mailbox, Mailbox.Calendar calendar, Instant from, Instant to, long since) {
        List<Item> items = new ArrayList<>();
        List<long[]> order = new ArrayList<>();
        for (StoredEvent e : calendar.events.values()) {
            if (StoredEvent.MASTER.equals(e.type)) {
                if (e.seq > since) {
                    for (Instant start : occurrenceStarts(mailbox, calendar, e, from, to, true)) {
                        Long cancelledAt = e.cancelled.get(start);
                        items.add(e.deleted || cancelledAt != null ? new Item(null, null, StoredEvent.occurrenceKey(e.key, start), start)
                                : new Item(e, start, null, start));
                        order.add(new long[] {e.seq, items.size() - 1});
                    }
                } else {
                    for (Map.Entry<Instant, Long> cancelled : e.cancelled.entrySet()) {
                        Instant start = cancelled.getKey();
                        if (cancelled.getValue() > since && !calendar.events.containsKey(StoredEvent.occurrenceKey(e.key, start)) && start.isBefore(to) && start.plus(e.length()).isAfter(from)) {
                            items.add(new Item(null, null, StoredEvent.occurrenceKey(e.key, start), start));
                            order.add(new long[] {cancelled.getValue(), items.size() - 1});
                        }
                    }
                }
                continue;
            }
            if (e.seq <= since) {
                continue;
            }
            boolean inside = !e.deleted && e.overlaps(from, to);
            boolean wasInside = e.previousStart != null && e.previousStart.isBefore(to) && e.previousEnd.isAfter(from)
                    || e.deleted && e.overlaps(from, to);
            if (inside) {
                items.add(new Item(e, null, null, e.start));
            } else if (wasInside) {
                items.add(new Item(null, null, e.key, e.start));
            } else {
                continue;
            }
            order.add(new long[] {e.seq, items.size() - 1});
        }
        order.sort(Comparator.comparingLong(o -> o[0]));
        List<Item> sorted = new ArrayList<>(items.size());
        order.forEach(o -> sorted.add(items.get((int) o[1])));
        return sorted;
    }

    /** A query parameter by case-insensitive name ($skiptoken, startdatetime, ...). */
    static String param(Map<String, String> query, String name) {
        for (Map.Entry<String, String> entry : query.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(name)) {
                return entry.getValue();
            }
        }
        return null;
    }

    private static String encode(String value) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String token) {
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw syncStateGone("token unreadable");
        }
    }

    void reset() {
        synchronized (rounds) {
            rounds.clear();
        }
        highestGeneration.clear();
    }
}
