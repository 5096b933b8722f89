package io.calbridge.sync;

import io.calbridge.connection.Connection;
import io.calbridge.connection.ConnectionRemoving;
import io.calbridge.connection.ConnectionService;
import io.calbridge.connection.TokenService;
import io.calbridge.platform.CalbridgeProperties;
import io.calbridge.platform.crypto.Hashes;
import io.calbridge.provider.CalendarProvider;
import io.calbridge.provider.Capability;
import io.calbridge.provider.ProviderException;
import io.calbridge.provider.ProviderRegistry;
import io.calbridge.provider.PushChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Push-notification channels per synced calendar: opened after a sync where the provider can reach us (an https
 * public URL, or a sandbox provider on this machine), renewed before they expire, stopped on disconnect.
 * A failure here never fails a sync: polling is the safety net.
 */
@Component
class PushChannels {

    private static final Logger log = LoggerFactory.getLogger(PushChannels.class);
    private static final Duration LIFETIME = Duration.ofDays(7);
    private static final Duration RENEW_BEFORE = Duration.ofDays(1);

    private final NotificationChannels channels;
    private final JdbcClient jdbc;
    private final TokenService tokens;
    private final ConnectionService connections;
    private final ProviderRegistry providers;
    private final CalbridgeProperties properties;
    private final Clock clock;
    /** One reopening at a time; they are rare (a provider's lifecycle message) and each is a provider call or two. */
    private final ExecutorService reopening = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "push-channel-reopen");
        thread.setDaemon(true);
        return thread;
    });

    PushChannels(NotificationChannels channels, JdbcClient jdbc, TokenService tokens, ConnectionService connections,
            ProviderRegistry providers, CalbridgeProperties properties, Clock clock) {
        this.channels = channels;
        this.jdbc = jdbc;
        this.tokens = tokens;
        this.connections = connections;
        this.providers = providers;
        this.properties = properties;
        this.clock = clock;
    }

    /** Opens a channel for the calendar unless a live one exists; renews (or replaces) one that expires soon. */
    void ensureWatching(Connection connection, CalendarProvider provider, String calendarId) {
        ensureWatching(connection, provider, calendarId, null);
    }

    /**
     * As {@link #ensureWatching(Connection, CalendarProvider, String)}, for a caller that already read when the
     * calendar's latest channel expires ({@code knownExpiresAt}, null if unknown or none): a channel that stays live
     * long enough needs no query.
     */
    void ensureWatching(Connection connection, CalendarProvider provider, String calendarId, Instant knownExpiresAt) {
        if (!provider.descriptor().can(Capability.PUSH_NOTIFICATIONS) || !reachable(provider)) {
            return;
        }
        Instant now = clock.instant();
        if (knownExpiresAt != null && knownExpiresAt.isAfter(now.plus(RENEW_BEFORE))) {
            return;
        }
        List<NotificationChannel> existing = channels.findByConnectionIdAndCalendarId(connection.id(), calendarId);
        if (existing.stream().anyMatch(c -> c.expiresAt().isAfter(now.plus(RENEW_BEFORE)))) {
            return;
        }
        // the calendar's one channel, still live, is renewed in place where the provider can (no gap, no second channel)
        if (existing.size() == 1 && existing.get(0).expiresAt().isAfter(now)) {
            renewOrReopen(connection, provider, existing.get(0));
        } else {
            open(connection, provider, calendarId, existing);
        }
    }

    /** Opens a new channel for the calendar, then stops {@code replaced}. */
    private void open(Connection connection, CalendarProvider provider, String calendarId, List<NotificationChannel> replaced) {
        Instant now = clock.instant();
        try {
            PushChannel opened = tokens.call(connection.id(), token -> provider.watch(token, calendarId,
                    properties.publicUrl() + "/webhooks/" + provider.id(), now.plus(LIFETIME)));
            channels.save(new NotificationChannel(opened.channelId(), connection.id(), provider.id(), calendarId, opened.resourceId(),
                    Hashes.sha256Hex(opened.token()), opened.expiresAt() != null ? opened.expiresAt() : now.plus(LIFETIME), now));
            replaced.forEach(old -> stop(provider, old));
            recordFailure(connection.id(), calendarId, null);
        } catch (ProviderException e) {
            log.warn("could not open a push channel for {} / {}: {}", connection.id(), calendarId, e.toString());
            recordFailure(connection.id(), calendarId, e.getMessage());
        }
    }

    /** Why the calendar has no channel (null: it has one), shown on the connection; tried again after each sync. */
    private void recordFailure(UUID connectionId, String calendarId, String reason) {
        jdbc.sql("""
                UPDATE calendar_sync_state SET push_error = ?::text, push_error_at = now()
                WHERE connection_id = ? AND calendar_id = ? AND push_error IS DISTINCT FROM ?::text""")
                .params(reason, connectionId, calendarId, reason).update();
    }

    /**
     * Per connection: whether it has a channel that has not expired, and the latest reason a channel could not be
     * opened (null when none failed); one statement for all.
     */
    record PushState(boolean watched, String failure) {
    }

    Map<UUID, PushState> pushStates(Collection<UUID> connectionIds) {
        Map<UUID, PushState> states = new HashMap<>();
        jdbc.sql("""
                SELECT ids.id,
                       EXISTS (SELECT 1 FROM push_channels p WHERE p.connection_id = ids.id AND p.expires_at > ?),
                       (SELECT s.push_error FROM calendar_sync_state s WHERE s.connection_id = ids.id AND s.push_error IS NOT NULL
                        ORDER BY s.push_error_at DESC LIMIT 1)
                FROM unnest(?::uuid[]) AS ids (id)""")
                .params(Timestamp.from(clock.instant()), connectionIds.toArray(UUID[]::new))
                .query(rs -> {
                    states.put(rs.getObject(1, UUID.class), new PushState(rs.getBoolean(2), rs.getString(3)));
                });
        return states;
    }

    /** Whose a verified notification is: the connection and the user who owns it. */
    record Notified(UUID connectionId, String userId) {
    }

    /**
     * The connection (and its owner) a notification is for, if channel and token match, and the resource too where the
     * notification names one (the adapter leaves it null only for providers that never do).
     */
    Optional<Notified> verify(String provider, String channelId, String token, String resourceId) {
        if (channelId == null || token == null) {
            return Optional.empty();
        }
        // one SQL statement, not the entity: every notification asks it, and most are for a change calbridge just made
        return jdbc.sql("""
                SELECT c.connection_id, o.user_id, c.resource_id, c.token_hash FROM push_channels c
                JOIN connections o ON o.id = c.connection_id WHERE c.channel_id = ? AND c.provider = ?""")
                .params(channelId, provider)
                .query((rs, row) -> new Stored(new Notified(rs.getObject(1, UUID.class), rs.getString(2)), rs.getString(3), rs.getString(4)))
                .optional()
                .filter(stored -> {
                    boolean tokenMatches = MessageDigest.isEqual(stored.tokenHash().getBytes(StandardCharsets.US_ASCII),
                            Hashes.sha256Hex(token).getBytes(StandardCharsets.US_ASCII));
                    // a provider that does not name the watched resource in its notifications (Graph) leaves it null
                    return tokenMatches && (resourceId == null || stored.resourceId() == null || stored.resourceId().equals(resourceId));
                })
                .map(Stored::notified);
    }

    private record Stored(Notified notified, String resourceId, String tokenHash) {
    }

    /** Connections with at least one channel that has not expired. */
    Set<UUID> connectionsWithLiveChannels() {
        return Set.copyOf(channels.connectionsWithChannelsLiveAt(clock.instant()));
    }

    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT2M")
    void renewExpiring() {
        for (NotificationChannel channel : channels.findByExpiresAtBefore(clock.instant().plus(RENEW_BEFORE))) {
            connections.find(channel.connectionId()).ifPresent(connection -> providers.find(channel.provider())
                    .ifPresent(provider -> ensureWatching(connection, provider, channel.calendarId())));
        }
    }

    /**
     * The provider removed the channel (Graph's {@code subscriptionRemoved}): a new one replaces it, in the background
     * (the notification is answered at once; opening a channel may itself involve a handshake with this service).
     */
    void reopenLater(String channelId) {
        inBackground(channelId, "reopen", (connection, provider, channel) -> open(connection, provider, channel.calendarId(), List.of(channel)));
    }

    /**
     * The provider asked for the channel to be renewed (Graph's {@code reauthorizationRequired}): renewed in place
     * where the provider can, else (or if the provider no longer knows it) replaced by a new one; in the background.
     */
    void renewLater(String channelId) {
        inBackground(channelId, "renew", this::renewOrReopen);
    }

    private interface ChannelWork {
        void run(Connection connection, CalendarProvider provider, NotificationChannel channel);
    }

    /** One channel's work on the reopening thread, with its connection and provider; nothing if either is gone. */
    private void inBackground(String channelId, String what, ChannelWork work) {
        reopening.execute(() -> {
            try {
                channels.findById(channelId).ifPresent(channel -> connections.find(channel.connectionId())
                        .ifPresent(connection -> providers.find(channel.provider())
                                .ifPresent(provider -> work.run(connection, provider, channel))));
            } catch (RuntimeException e) {
                log.warn("could not {} push channel {} (polling covers the calendar meanwhile): {}", what, channelId, e.toString());
            }
        });
    }

    private void renewOrReopen(Connection connection, CalendarProvider provider, NotificationChannel channel) {
        PushChannel current = new PushChannel(channel.channelId(), channel.resourceId(), channel.calendarId(), null, channel.expiresAt());
        Optional<Instant> renewed;
        try {
            renewed = tokens.call(connection.id(), token -> provider.renewWatch(token, current, clock.instant().plus(LIFETIME)));
        } catch (ProviderException.NotFound gone) {
            // dead at the provider (Calendly's disabled subscription): gone here too, whether or not a new one opens
            stop(provider, channel);
            open(connection, provider, channel.calendarId(), List.of());
            return;
        } catch (ProviderException e) {
            log.warn("could not renew push channel {}: {}; opening a new one", channel.channelId(), e.toString());
            renewed = Optional.empty();
        }
        if (renewed.isPresent()) {
            channel.renewedUntil(renewed.get());
            channels.save(channel);
        } else {
            open(connection, provider, channel.calendarId(), List.of(channel));
        }
    }

    @EventListener
    void stopAll(ConnectionRemoving removing) {
        providers.find(removing.provider()).ifPresent(provider -> channels.findByConnectionId(removing.connectionId())
                .forEach(channel -> stop(provider, channel)));
    }

    private void stop(CalendarProvider provider, NotificationChannel channel) {
        try {
            PushChannel stopped = new PushChannel(channel.channelId(), channel.resourceId(), channel.calendarId(), null,
                    channel.expiresAt());
            tokens.run(channel.connectionId(), token -> provider.stopWatch(token, stopped));
        } catch (ProviderException e) {
            log.info("stopping push channel {} failed (it expires by itself): {}", channel.channelId(), e.toString());
        }
        channels.deleteById(channel.channelId());
    }

    /** Whether the provider can reach this calbridge: an https public URL, or a sandbox provider on this machine. */
    boolean reachable(CalendarProvider provider) {
        return "https".equalsIgnoreCase(properties.publicUrl().getScheme()) || provider.descriptor().sandbox();
    }

}
