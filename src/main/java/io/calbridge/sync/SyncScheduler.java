package io.calbridge.sync;

import io.calbridge.connection.Connection;
import io.calbridge.connection.ConnectionService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Pulls each active connection on a period: short without live push channels, long (a safety net) with them.
 */
@Component
class SyncScheduler {

    private final ConnectionService connections;
    private final PushChannels pushChannels;
    private final SyncTrigger trigger;
    private final SyncProperties properties;
    private final Clock clock;

    SyncScheduler(ConnectionService connections, PushChannels pushChannels, SyncTrigger trigger, SyncProperties properties,
            Clock clock) {
        this.connections = connections;
        this.pushChannels = pushChannels;
        this.trigger = trigger;
        this.properties = properties;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "PT1M", initialDelayString = "PT1M")
    void pullDueConnections() {
        Instant now = clock.instant();
        Set<UUID> pushed = pushChannels.connectionsWithLiveChannels();
        for (Connection connection : connections.activeConnections()) {
            if (!connection.settings().syncEnabled()) {
                continue;
            }
            Duration period = pushed.contains(connection.id()) ? properties.pushPollInterval() : properties.pollInterval();
            if (connection.lastSyncAt() == null || connection.lastSyncAt().plus(period).isBefore(now)) {
                trigger.request(connection.userId(), connection.id());
            }
        }
    }
}
