package io.calbridge.connection;

import java.util.UUID;

/** Published while a connection is being disconnected, before its tokens are deleted (e.g. to stop push channels). */
public record ConnectionRemoving(UUID connectionId, String userId, String provider) {
}
