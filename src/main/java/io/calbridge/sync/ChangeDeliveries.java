package io.calbridge.sync;

import io.calbridge.connection.ChangeDelivery;
import io.calbridge.connection.Connection;
import io.calbridge.provider.CalendarProvider;
import io.calbridge.provider.Capability;
import io.calbridge.provider.ProviderRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Whether a connection's changes come by push or by polling, from its push channels and why none opened. */
@Component
class ChangeDeliveries implements ChangeDelivery.Report {

    private final PushChannels channels;
    private final ProviderRegistry providers;
    private final SyncProperties properties;

    ChangeDeliveries(PushChannels channels, ProviderRegistry providers, SyncProperties properties) {
        this.channels = channels;
        this.providers = providers;
        this.properties = properties;
    }

    @Override
    public Map<UUID, ChangeDelivery> of(List<Connection> connections) {
        Map<UUID, PushChannels.PushState> states = channels.pushStates(connections.stream().map(Connection::id).toList());
        Map<UUID, ChangeDelivery> deliveries = new HashMap<>();
        for (Connection connection : connections) {
            PushChannels.PushState state = states.get(connection.id());
            deliveries.put(connection.id(), of(connection, state.watched(), state.failure()));
        }
        return deliveries;
    }

    private ChangeDelivery of(Connection connection, boolean watched, String failure) {
        CalendarProvider provider = providers.find(connection.provider()).orElse(null);
        if (provider == null || !provider.descriptor().can(Capability.PUSH_NOTIFICATIONS)) {
            return ChangeDelivery.polling(properties.pollInterval(), "the provider sends no push notifications");
        }
        if (!channels.reachable(provider)) {
            return ChangeDelivery.polling(properties.pollInterval(), "CALBRIDGE_PUBLIC_URL is not https, so the provider cannot reach it");
        }
        if (watched) {
            return ChangeDelivery.push(properties.pushPollInterval());
        }
        return ChangeDelivery.polling(properties.pollInterval(), failure != null
                ? "the provider refused a push channel (tried again after each sync): " + failure
                : "no push channel yet: one is opened after the next sync");
    }
}
