package io.calbridge.availability;

import java.util.Arrays;
import java.util.List;

/**
 * A user's busy time as sorted, merged, disjoint intervals [start, end) in epoch seconds. Two primitive arrays instead
 * of objects: a month of a busy person (10,000 events) is ~160 KB, scanned linearly in microseconds.
 * Immutable once built.
 */
final class BusyTimeline {

    static final BusyTimeline EMPTY = new BusyTimeline(new long[0], new long[0]);

    private final long[] starts;
    private final long[] ends;

    private BusyTimeline(long[] starts, long[] ends) {
        this.starts = starts;
        this.ends = ends;
    }

    int size() {
        return starts.length;
    }

    long start(int index) {
        return starts[index];
    }

    long end(int index) {
        return ends[index];
    }

    /** Whether any busy time touches the inside of [from, to). */
    boolean overlaps(long from, long to) {
        int index = firstEndingAfter(from);
        return index < starts.length && starts[index] < to;
    }

    /** The first interval that ends after {@code instant} (or {@link #size()}); ends are sorted because intervals are disjoint. */
    int firstEndingAfter(long instant) {
        int index = Arrays.binarySearch(ends, instant);
        // an exact hit ends at the instant, so it is not "after"; equal ends cannot repeat in merged intervals
        return index >= 0 ? index + 1 : -index - 1;
    }

    /** Everything busy in any of the timelines. */
    static BusyTimeline union(List<BusyTimeline> timelines) {
        if (timelines.size() == 1) {
            return timelines.get(0);
        }
        Builder builder = new Builder();
        for (BusyTimeline timeline : timelines) {
            for (int i = 0; i < timeline.size(); i++) {
                builder.add(timeline.starts[i], timeline.ends[i]);
            }
        }
        return builder.build();
    }

    /**
     * The union of two lists of non-empty intervals, each sorted by start: one pass, taking the earlier start of the
     * two lists next and extending the current interval while the next one starts before or where it ends.
     */
    static BusyTimeline mergeSorted(long[] starts1, long[] ends1, long[] starts2, long[] ends2) {
        int total = starts1.length + starts2.length;
        if (total == 0) {
            return EMPTY;
        }
        long[] mergedStarts = new long[total];
        long[] mergedEnds = new long[total];
        int merged = 0;
        int a = 0;
        int b = 0;
        while (a < starts1.length || b < starts2.length) {
            boolean first = b == starts2.length || (a < starts1.length && starts1[a] <= starts2[b]);
            long start = first ? starts1[a] : starts2[b];
            long end = first ? ends1[a++] : ends2[b++];
            if (merged > 0 && start <= mergedEnds[merged - 1]) {
                mergedEnds[merged - 1] = Math.max(mergedEnds[merged - 1], end);
            } else {
                mergedStarts[merged] = start;
                mergedEnds[merged] = end;
                merged++;
            }
        }
        return new BusyTimeline(Arrays.copyOf(mergedStarts, merged), Arrays.copyOf(mergedEnds, merged));
    }

    /** The union of this timeline and non-empty intervals sorted by start. */
    BusyTimeline withSorted(long[] otherStarts, long[] otherEnds) {
        return mergeSorted(starts, ends, otherStarts, otherEnds);
    }

    /** Collects intervals in any order; empty or inverted ones are ignored. */
    static final class Builder {
        private long[] starts = new long[64];
        private long[] ends = new long[64];
        private int count;

        Builder add(long start, long end) {
            if (end <= start) {
                return this;
            }
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, count * 2);
                ends = Arrays.copyOf(ends, count * 2);
            }
            starts[count] = start;
            ends[count] = end;
            count++;
            return this;
        }

        /**
         * Merges overlapping and touching intervals. The union of intervals only depends on the multiset of starts and
         * the multiset of ends, so both can be sorted on their own (primitive sorts, no boxing) and swept like
         * parentheses: busy while more intervals have begun than ended.
         */
        BusyTimeline build() {
            if (count == 0) {
                return EMPTY;
            }
            long[] sortedStarts = Arrays.copyOf(starts, count);
            long[] sortedEnds = Arrays.copyOf(ends, count);
            Arrays.sort(sortedStarts);
            Arrays.sort(sortedEnds);
            long[] mergedStarts = new long[count];
            long[] mergedEnds = new long[count];
            int merged = 0;
            int open = 0;
            int s = 0;
            int e = 0;
            long currentStart = 0;
            while (e < count) {
                // at a tie a start goes first, so [a, b) and [b, c) become one interval [a, c)
                if (s < count && sortedStarts[s] <= sortedEnds[e]) {
                    if (open++ == 0) {
                        currentStart = sortedStarts[s];
                    }
                    s++;
                } else {
                    if (--open == 0) {
                        mergedStarts[merged] = currentStart;
                        mergedEnds[merged] = sortedEnds[e];
                        merged++;
                    }
                    e++;
                }
            }
            return new BusyTimeline(Arrays.copyOf(mergedStarts, merged), Arrays.copyOf(mergedEnds, merged));
        }
    }
}
