package io.calbridge.connection;

public enum ConnectionStatus {
    /** Tokens work; syncing. */
    ACTIVE,
    /** The provider refused the refresh token (revoked or expired grant); only a reconnect helps. */
    NEEDS_REAUTH,
    /** Switched off; nothing is synced. */
    DISABLED
}
