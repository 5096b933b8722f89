package io.calbridge.provider;

import java.time.Instant;

/**
 * A live push-notification subscription. {@code token} is the secret the provider echoes on each notification,
 * by which calbridge verifies it.
 */
public record PushChannel(String channelId, String resourceId, String calendarId, String token, Instant expiresAt) {

    @Override
    public String toString() {
        return "PushChannel[channelId=" + channelId + ", calendarId=" + calendarId + ", expiresAt=" + expiresAt + "]";
    }
}
