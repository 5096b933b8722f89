package io.calbridge.sync;

import io.calbridge.connection.ConnectionConnected;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Runs syncs in the background, coalesced per connection: requests that arrive while a connection syncs collapse
 * into one more run after it, so a burst of push notifications costs one or two syncs, not one each.
 */
@Component
public class SyncTrigger implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(SyncTrigger.class);

    private final InboundSync sync;
    private final ExecutorService workers = Executors.newFixedThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "inbound-sync");
        thread.setDaemon(true);
        return thread;
    });
    /** Connections with a run queued or in progress; {@code true}: run once more when it ends. */
    private final ConcurrentHashMap<UUID, Boolean> pending = new ConcurrentHashMap<>();

    SyncTrigger(InboundSync sync) {
        this.sync = sync;
    }

    /** Asks for an incremental sync of the connection soon. */
    public void request(UUID connectionId) {
        if (pending.putIfAbsent(connectionId, false) == null) {
            workers.submit(() -> run(connectionId));
        } else {
            pending.put(connectionId, true);
        }
    }

    @EventListener
    void firstSync(ConnectionConnected connected) {
        request(connected.connectionId());
    }

    private void run(UUID connectionId) {
        do {
            try {
                sync.sync(connectionId, false);
            } catch (RuntimeException e) {
                log.error("sync of connection {} failed unexpectedly", connectionId, e);
            }
            // a request that came in meanwhile set true: run again; otherwise the entry goes
        } while (!pending.remove(connectionId, false) && pending.replace(connectionId, true, false));
    }

    @Override
    public void destroy() {
        workers.shutdownNow();
    }
}
