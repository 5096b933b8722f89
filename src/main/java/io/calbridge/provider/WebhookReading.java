package io.calbridge.provider;

import java.util.List;

/** What an adapter made of a request to its webhook endpoint. Nothing in it is trusted until calbridge verified it. */
public sealed interface WebhookReading {

    /** A subscription handshake (Graph's {@code validationToken}): answered exactly so, and nothing else happens. */
    record Handshake(int status, String contentType, String body) implements WebhookReading {
    }

    /**
     * Notifications, each verified against the stored channel (id, secret token, resource) before anything follows.
     *
     * @param acceptedStatus what to answer when at least one verified (Google expects 200, Graph 202)
     */
    record Notifications(List<Notification> notifications, int acceptedStatus) implements WebhookReading {

        public Notifications {
            notifications = List.copyOf(notifications);
        }
    }

    /**
     * Signed by the provider, but the signature does not verify or is too old (Calendly's): answered 401, and nothing
     * in it is acted on.
     */
    record Rejected(String reason) implements WebhookReading {
    }

    /** A delivery this instance already took (a replay, or the provider's retry of one): answered {@code status}, nothing more. */
    record AlreadyTaken(int status) implements WebhookReading {
    }

    /** Not a notification of this provider (missing headers, a body that does not parse): answered 400. */
    record Malformed(String reason) implements WebhookReading {
    }

    /**
     * One notification about one channel.
     *
     * @param channelId  the provider's id of the channel (Google's channel id, Graph's subscription id)
     * @param token      the secret calbridge gave the channel when opening it, as the notification echoes it
     * @param resourceId what the channel watches as the provider names it, or {@code null} if the provider does not say
     * @param changedItem the provider's id of the item that changed, where its change listing may not show the change
     *                    (see {@link ChangeRequest#refresh()}); usually {@code null}
     */
    record Notification(String channelId, String token, String resourceId, Kind kind, String changedItem) {

        public Notification(String channelId, String token, String resourceId, Kind kind) {
            this(channelId, token, resourceId, kind, null);
        }
    }

    enum Kind {
        /** Something in the calendar changed: pull. */
        CHANGED,
        /** The channel just started (Google's {@code sync} message): nothing changed. */
        STARTED,
        /** The provider will stop delivering unless the channel is renewed now (Graph's {@code reauthorizationRequired}). */
        RENEW,
        /** The provider removed the channel (Graph's {@code subscriptionRemoved}): open a new one, then pull. */
        REMOVED,
        /** The provider dropped notifications (Graph's {@code missed}): pull. */
        MISSED
    }
}
