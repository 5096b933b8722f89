package io.calbridge.provider;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The port every calendar provider adapter implements. An adapter is handed a valid access token, talks to its
 * provider and maps the answer to these value types; it never touches calbridge's storage. Failures are
 * {@link ProviderException}s. Operations outside {@link ProviderDescriptor#capabilities()} fail with
 * {@link ProviderException.Permanent}.
 */
public interface CalendarProvider {

    ProviderDescriptor descriptor();

    default String id() {
        return descriptor().id();
    }

    /** The account the token belongs to. */
    AccountInfo account(String accessToken);

    List<CalendarInfo> calendars(String accessToken);

    /**
     * Whether a sync cursor keeps, for good, the window of the full sync that started it (Microsoft's
     * calendarView/delta: its delta link carries startDateTime/endDateTime), so that events entering the rolling
     * window later never reach it. calbridge then re-anchors the cursor with a full sync once the window has moved
     * far enough ({@code calbridge.sync.window-drift}). False where a cursor follows the whole calendar (Google's
     * syncToken: an incremental sync names no window).
     */
    default boolean cursorKeepsWindow() {
        return false;
    }

    /** One page of changes of one calendar; {@link ProviderException.CursorExpired} when the sync cursor is stale. */
    ChangePage changes(String accessToken, String calendarId, ChangeRequest request);

    /** Creates the event under its idempotency key; creating it again returns the existing event. */
    WrittenEvent createEvent(String accessToken, String calendarId, EventDraft draft);

    WrittenEvent updateEvent(String accessToken, String calendarId, String externalId, EventDraft draft);

    /** Deletes the event; an event already gone counts as deleted. */
    void deleteEvent(String accessToken, String calendarId, String externalId);

    List<BusyInterval> freeBusy(String accessToken, List<String> calendarIds, Instant from, Instant to);

    /** Subscribes to changes of a calendar, delivered to {@code webhookUrl}. */
    PushChannel watch(String accessToken, String calendarId, String webhookUrl, Instant requestedExpiry);

    void stopWatch(String accessToken, PushChannel channel);

    /**
     * Extends a live channel in place (for Graph this also reauthorizes it, as its {@code reauthorizationRequired}
     * asks); answers the new expiry, or empty where the provider's channels cannot be renewed (open a new one).
     *
     * @throws ProviderException.NotFound when the provider no longer knows the channel
     */
    default Optional<Instant> renewWatch(String accessToken, PushChannel channel, Instant requestedExpiry) {
        return Optional.empty();
    }

    /**
     * Cancels a booking of a scheduling tool (an event that carries a {@link Booking}) as its host, telling the
     * invitees why. Only where the provider can ({@link Capability#CANCEL_BOOKINGS}).
     */
    default void cancelBooking(String accessToken, String externalId, String reason) {
        throw new ProviderException.Permanent(id() + " has no bookings to cancel", null);
    }

    /**
     * How long after one push notification more of the same change may still arrive, so that the pull waits for them
     * and takes them all at once; empty: calbridge's {@code calbridge.sync.notification-delay} (Google and Graph notify
     * in bursts). A provider that sends one notification per change says so with a short wait.
     */
    default Optional<Duration> notificationBurst() {
        return Optional.empty();
    }

    /** Revokes the grant at the provider (refresh token preferred); providers without revocation do nothing. */
    void revoke(String token);

    /**
     * Reads a request to {@code /webhooks/{id}}: a handshake to answer, or notifications for calbridge to verify
     * against its stored channels. Reads only; makes no provider call.
     */
    default WebhookReading readWebhook(WebhookRequest request) {
        return new WebhookReading.Malformed(id() + " sends no push notifications");
    }
}
