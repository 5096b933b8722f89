package io.calbridge.connection;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * How a connection's changes reach calbridge, as its view shows it: {@code PUSH} while the provider notifies (with a
 * safety-net pull every {@code pollInterval}), else {@code POLLING} every {@code pollInterval}, and why.
 */
public record ChangeDelivery(String mode, String reason, Duration pollInterval) {

    public static ChangeDelivery push(Duration safetyNet) {
        return new ChangeDelivery("PUSH", null, safetyNet);
    }

    public static ChangeDelivery polling(Duration every, String reason) {
        return new ChangeDelivery("POLLING", reason, every);
    }

    /** Told by the sync feature, which knows the push channels; the connections feature only shows it. */
    public interface Report {
        /** By connection id, for all of them in a few statements (a list view must not cost a query per connection). */
        Map<UUID, ChangeDelivery> of(List<Connection> connections);
    }
}
