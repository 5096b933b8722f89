package io.calbridge.availability;

import io.calbridge.availability.WorkingHours.Window;
import java.util.Arrays;
import java.util.List;

/**
 * The pure part of availability: candidate slot starts on a grid inside open windows, and which of them a busy
 * timeline leaves free. Everything is in epoch seconds; nothing here reads a clock or a database.
 */
final class SlotFinder {

    private SlotFinder() {
    }

    /**
     * Slot starts on each window's grid (its start, then every {@code step}) whose slot [start, start + duration) lies
     * inside the window and inside [from, to), starting no earlier than {@code earliest}; ascending.
     */
    static long[] candidates(List<Window> windows, long from, long to, long earliest, long duration, long step) {
        long[] starts = new long[16];
        int count = 0;
        long lowest = Math.max(from, earliest);
        for (Window window : windows) {
            long first = window.start();
            if (first < lowest) {
                first += ceilDiv(lowest - first, step) * step;
            }
            long last = Math.min(window.end(), to) - duration;
            for (long start = first; start <= last; start += step) {
                if (count == starts.length) {
                    starts = Arrays.copyOf(starts, count * 2);
                }
                starts[count++] = start;
            }
        }
        long[] result = Arrays.copyOf(starts, count);
        // windows are ordered and disjoint, so the grid already ascends; the sort only guards the sweep's assumption
        Arrays.sort(result);
        return result;
    }

    /**
     * Which candidates are free: a slot is taken when it overlaps busy time widened by {@code bufferBefore} before and
     * {@code bufferAfter} after each busy interval. One linear sweep: candidates and intervals both ascend, and the
     * widened intervals still ascend (the same constants are added to every start and every end).
     */
    static boolean[] free(long[] candidates, long duration, BusyTimeline busy, long bufferBefore, long bufferAfter) {
        boolean[] free = new boolean[candidates.length];
        int index = candidates.length == 0 ? 0 : busy.firstEndingAfter(candidates[0] - bufferAfter);
        int size = busy.size();
        for (int c = 0; c < candidates.length; c++) {
            long start = candidates[c];
            while (index < size && busy.end(index) + bufferAfter <= start) {
                index++;
            }
            // later intervals start even later, so only this one can reach into the slot
            free[c] = index == size || busy.start(index) - bufferBefore >= start + duration;
        }
        return free;
    }

    private static long ceilDiv(long dividend, long divisor) {
        return -Math.floorDiv(-dividend, divisor);
    }
}
