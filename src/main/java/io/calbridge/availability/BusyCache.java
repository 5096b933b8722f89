package io.calbridge.availability;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Users' busy time, least recently used first out once the total weight (roughly, intervals) passes the bound.
 * Entries are immutable; a lookup or an insert holds the lock for a few map operations only.
 */
final class BusyCache {

    private final LinkedHashMap<String, UserBusyTime> entries = new LinkedHashMap<>(256, 0.75f, true);
    private final long maxWeight;
    private long weight;

    BusyCache(long maxWeight) {
        this.maxWeight = maxWeight;
    }

    synchronized UserBusyTime get(String userId) {
        return entries.get(userId);
    }

    synchronized void put(String userId, UserBusyTime entry) {
        UserBusyTime previous = entries.put(userId, entry);
        weight += entry.weight() - (previous == null ? 0 : previous.weight());
        Iterator<Map.Entry<String, UserBusyTime>> eldest = entries.entrySet().iterator();
        // the newest entry stays even if it alone is over the bound: it is what the caller is about to use
        while (weight > maxWeight && entries.size() > 1 && eldest.hasNext()) {
            Map.Entry<String, UserBusyTime> next = eldest.next();
            if (next.getKey().equals(userId)) {
                continue;
            }
            weight -= next.getValue().weight();
            eldest.remove();
        }
    }

    synchronized int size() {
        return entries.size();
    }

    synchronized long weight() {
        return weight;
    }
}
