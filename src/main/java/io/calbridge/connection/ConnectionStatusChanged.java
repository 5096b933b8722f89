package io.calbridge.connection;

import java.util.UUID;

/**
 * Published inside the transaction that changes a connection's standing: {@code CONNECTED} (a new connection stored by
 * the OAuth callback), {@code RESTORED} (ACTIVE again after NEEDS_REAUTH or DISABLED, by a reconnect),
 * {@code NEEDS_REAUTH} (on the transition only, never again while it already needs it), {@code DISCONNECTED} (deleted).
 * {@code status} is the connection's status afterwards ({@code DISCONNECTED} once deleted); {@code accountEmail} is the
 * user's own account.
 */
public record ConnectionStatusChanged(UUID connectionId, String userId, String provider, String accountEmail, Change change,
        String status, String reason) {

    public enum Change {
        CONNECTED, RESTORED, NEEDS_REAUTH, DISCONNECTED
    }
}
