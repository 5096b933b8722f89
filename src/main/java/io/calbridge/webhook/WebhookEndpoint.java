package io.calbridge.webhook;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An endpoint of the app that receives change notifications, as stored, without its secrets.
 *
 * @param disabledReason why calbridge disabled it (410 Gone, failing too long); null while enabled or when an admin
 *                       disabled it
 * @param failingSince   when its deliveries began failing without a success since; null while they succeed
 */
record WebhookEndpoint(UUID id, String url, List<String> eventTypes, String description, boolean enabled,
        String disabledReason, Instant failingSince, Instant createdAt, Instant updatedAt) {
}
