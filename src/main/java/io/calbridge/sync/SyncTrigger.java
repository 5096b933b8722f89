package io.calbridge.sync;

import io.calbridge.connection.ConnectionConnected;
import io.calbridge.connection.ConnectionService;
import io.calbridge.provider.CalendarProvider;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Asks for inbound syncs through the queue. The queue keeps one pull job per connection, so a burst of push
 * notifications collapses into one run (and one more if it arrives while that run is under way).
 */
@Component
public class SyncTrigger {

    private final SyncQueue queue;
    private final SyncDrainer drainer;
    private final ConnectionService connections;
    private final TransactionTemplate transactions;
    private final SyncProperties properties;
    private final RefreshHints hints;
    private final Clock clock;
    /** Per connection, when this instance drains next for a notified pull. */
    private final Map<UUID, Instant> wakeUps = new ConcurrentHashMap<>();

    SyncTrigger(SyncQueue queue, SyncDrainer drainer, ConnectionService connections, TransactionTemplate transactions,
            SyncProperties properties, RefreshHints hints, Clock clock) {
        this.hints = hints;
        this.queue = queue;
        this.drainer = drainer;
        this.connections = connections;
        this.transactions = transactions;
        this.properties = properties;
        this.clock = clock;
    }

    /** An incremental sync of the connection now; returns the pull job's id. */
    public UUID request(String userId, UUID connectionId) {
        UUID job = queue.requestPull(userId, connectionId, false, 0).jobId();
        drainer.nudge();
        return job;
    }

    /** {@code full}: a full resync; {@code priority} above 0 goes before waiting jobs. */
    public UUID request(UUID connectionId, boolean full, int priority) {
        return requestTelling(connectionId, full, priority).jobId();
    }

    /** As {@link #request(UUID, boolean, int)}, saying whether the request joined a pull that had not finished yet. */
    SyncQueue.Requested requestTelling(UUID connectionId, boolean full, int priority) {
        String userId = connections.find(connectionId).orElseThrow().userId();
        SyncQueue.Requested requested = queue.requestPull(userId, connectionId, full, priority);
        drainer.nudge();
        return requested;
    }

    /**
     * The provider notified a change: a pull after {@code calbridge.sync.notification-delay}, so that the changes of a
     * burst (each with its own notification) arrive in one pull rather than in one each.
     */
    public void notified(String userId, UUID connectionId, CalendarProvider provider, String changedItem) {
        if (changedItem != null) {
            hints.add(connectionId, changedItem);
        }
        Duration configured = properties.notificationDelay();
        Duration delay = provider.notificationBurst().filter(burst -> burst.compareTo(configured) < 0).orElse(configured);
        queue.requestPull(userId, connectionId, false, 0, delay);
        Instant now = clock.instant();
        Instant wakeUp = wakeUps.get(connectionId);
        if (wakeUp == null || wakeUp.isBefore(now)) {
            // one drain when the first notification's pull falls due; the burst's later notifications join that pull
            wakeUps.put(connectionId, now.plus(delay));
            drainer.nudgeAfter(delay);
        }
    }

    /** A new or reconnected account: what waited for it runs again, and the first sync starts. */
    @EventListener
    void connected(ConnectionConnected connected) {
        transactions.executeWithoutResult(tx -> {
            queue.unpark(connected.connectionId());
            queue.requestPull(connected.userId(), connected.connectionId(), false, 1);
        });
        drainer.nudge();
    }
}
