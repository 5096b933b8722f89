package io.calbridge.availability;

import io.calbridge.connection.Connection;
import io.calbridge.connection.ConnectionService;
import io.calbridge.connection.ConnectionStatus;
import io.calbridge.sync.SyncJob;
import io.calbridge.sync.SyncQueue;
import io.calbridge.sync.SyncTrigger;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * {@code fresh: true}: an incremental sync of every connection of the users before answering, all at once, waiting
 * at most a short time. The syncs go through the sync queue with priority rather than being run here: the queue runs
 * one sync per connection at a time (a second, concurrent run could interleave with a full resync and lose events)
 * and records each run in the sync logs. A sync that is still running when the time is up finishes in the background.
 */
@Component
class FreshSync {

    private static final Logger log = LoggerFactory.getLogger(FreshSync.class);
    private static final Duration POLL = Duration.ofMillis(20);
    private static final int USER_ASKED = 1;
    private static final Set<String> GAVE_UP = Set.of("FAILED", "DEAD", "PARKED");

    private final ConnectionService connections;
    private final SyncTrigger trigger;
    private final SyncQueue queue;
    private final Duration timeout;

    FreshSync(ConnectionService connections, SyncTrigger trigger, SyncQueue queue, AvailabilityProperties properties) {
        this.connections = connections;
        this.trigger = trigger;
        this.queue = queue;
        this.timeout = properties.freshTimeout();
    }

    /** Whether every syncable connection of the users finished a sync that started after this call, in time. */
    boolean syncNow(List<String> userIds) {
        long deadline = System.nanoTime() + timeout.toNanos();
        // job id -> the run count ("wanted") that a sync begun after our request reaches
        Map<UUID, Long> awaited = new HashMap<>();
        for (String userId : userIds) {
            for (Connection connection : connections.list(userId)) {
                if (connection.status() != ConnectionStatus.ACTIVE || !connection.settings().syncEnabled()) {
                    continue; // a sync would be skipped anyway: what is stored is all there is
                }
                UUID job;
                try {
                    job = trigger.request(connection.id(), false, USER_ASKED);
                } catch (NoSuchElementException disconnectedMeanwhile) {
                    continue; // its events went with it
                }
                queue.find(job).ifPresent(j -> awaited.put(job, j.wanted()));
            }
        }
        while (!awaited.isEmpty()) {
            for (var iterator = awaited.entrySet().iterator(); iterator.hasNext(); ) {
                var entry = iterator.next();
                Optional<SyncJob> job = queue.find(entry.getKey());
                if (job.isEmpty() || job.get().done() >= entry.getValue()) {
                    iterator.remove();
                } else if (GAVE_UP.contains(job.get().status())) {
                    log.info("fresh availability: sync job {} is {}; answering from the store", entry.getKey(), job.get().status());
                    return false;
                }
            }
            if (awaited.isEmpty()) {
                break;
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            if (!sleep()) {
                return false;
            }
        }
        return true;
    }

    private static boolean sleep() {
        try {
            Thread.sleep(POLL.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
