package io.calbridge.connection;

import java.util.UUID;

/** Published after a connection is stored by the OAuth callback (new or reconnected): time for a first sync. */
public record ConnectionConnected(UUID connectionId, String userId, String provider) {
}
