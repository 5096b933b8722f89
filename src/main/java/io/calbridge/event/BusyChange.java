package io.calbridge.event;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What one transaction changed of a user's busy time, as a writer describes it to {@link ChangeStamps#changed}: time
 * ranges whose busy time may differ, appointments that changed, or "everything" when the change cannot be bounded.
 * Ranges are whole seconds, widened outwards; the reader only needs them to cover every changed item.
 */
public final class BusyChange {

    /** More ranges than this in one transaction (a full sync's page, a dropped calendar) are recorded as everything. */
    static final int MAX_RANGES = 256;

    private boolean everything;
    private long[] starts = new long[8];
    private long[] ends = new long[8];
    private int count;
    private final Set<String> appointmentIds = new LinkedHashSet<>();

    /** A change that cannot be bounded: readers rebuild the user's busy time. */
    public static BusyChange everything() {
        BusyChange change = new BusyChange();
        change.everything = true;
        return change;
    }

    public static BusyChange none() {
        return new BusyChange();
    }

    /** The appointment changed (its new state is read by id). */
    public static BusyChange appointment(String appointmentId) {
        BusyChange change = new BusyChange();
        change.appointmentIds.add(appointmentId);
        return change;
    }

    /** Busy time in [start, end) may differ; an empty range still marks its instant (an item starting there). */
    public BusyChange range(Instant start, Instant end) {
        long from = start.getEpochSecond();
        long to = end.getNano() == 0 ? end.getEpochSecond() : end.getEpochSecond() + 1;
        if (count == starts.length) {
            starts = Arrays.copyOf(starts, count * 2);
            ends = Arrays.copyOf(ends, count * 2);
        }
        starts[count] = from;
        ends[count] = Math.max(to, from + 1);
        count++;
        return this;
    }

    public BusyChange markEverything() {
        everything = true;
        return this;
    }

    void add(BusyChange other) {
        everything |= other.everything;
        for (int i = 0; i < other.count; i++) {
            range(Instant.ofEpochSecond(other.starts[i]), Instant.ofEpochSecond(other.ends[i]));
        }
        appointmentIds.addAll(other.appointmentIds);
    }

    boolean isEverything() {
        return everything || merged()[0].length > MAX_RANGES;
    }

    /** The ranges sorted and merged where they overlap or touch: {starts, ends}. */
    long[][] merged() {
        return merge(Arrays.copyOf(starts, count), Arrays.copyOf(ends, count));
    }

    String[] appointmentIds() {
        return appointmentIds.toArray(String[]::new);
    }

    /** Sorts ranges by start and merges those that overlap or touch; returns {starts, ends}. */
    static long[][] merge(long[] starts, long[] ends) {
        int n = starts.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(starts[a], starts[b]));
        long[] mergedStarts = new long[n];
        long[] mergedEnds = new long[n];
        int merged = 0;
        for (int k = 0; k < n; k++) {
            int i = order[k];
            if (merged > 0 && starts[i] <= mergedEnds[merged - 1]) {
                mergedEnds[merged - 1] = Math.max(mergedEnds[merged - 1], ends[i]);
            } else {
                mergedStarts[merged] = starts[i];
                mergedEnds[merged] = ends[i];
                merged++;
            }
        }
        return new long[][] {Arrays.copyOf(mergedStarts, merged), Arrays.copyOf(mergedEnds, merged)};
    }
}
