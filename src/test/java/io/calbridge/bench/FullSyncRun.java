package io.calbridge.bench;

import io.calbridge.connection.ConnectionService;
import io.calbridge.testing.RunningCalbridge;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.UUID;

/** What the full-sync benchmarks measure of this JVM, and their wait for a connection's first sync. */
final class FullSyncRun {

    private FullSyncRun() {
    }

    static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** The peak covers the whole JVM: calbridge, and the emulator holding the 50,000 events too. */
    static void resetPeakHeap() {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    static long peakHeapBytes() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(pool -> pool.getType() == MemoryType.HEAP)
                .mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
    }

    /** Polls (every 5 ms, not to blur the figure) until the connection's first sync succeeded; fails if it failed. */
    static void awaitFirstSync(RunningCalbridge app, UUID connection) throws InterruptedException {
        ConnectionService connections = app.context().getBean(ConnectionService.class);
        while (!"SUCCESS".equals(connections.find(connection).orElseThrow().lastSyncOutcome())) {
            if ("FAILED".equals(connections.find(connection).orElseThrow().lastSyncOutcome())) {
                throw new IllegalStateException("full sync failed: " + connections.find(connection).orElseThrow().lastSyncError());
            }
            Thread.sleep(5);
        }
    }
}
