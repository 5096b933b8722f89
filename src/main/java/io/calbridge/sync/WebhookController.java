package io.calbridge.sync;

import io.calbridge.platform.web.ApiProblem;
import io.calbridge.provider.CalendarProvider;
import io.calbridge.provider.ProviderRegistry;
import io.calbridge.provider.WebhookReading;
import io.calbridge.provider.WebhookReading.Notification;
import io.calbridge.provider.WebhookRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Push notifications of every provider. The provider's adapter reads the request; this answers a handshake as the
 * adapter says, and acts on a notification only once its channel, secret token and resource match a stored channel.
 * The answer comes at once: the pull runs in the background (coalesced), a channel is reopened in the background.
 */
@RestController
@Tag(name = "webhooks")
class WebhookController {

    private final ProviderRegistry providers;
    private final PushChannels channels;
    private final SyncTrigger trigger;

    WebhookController(ProviderRegistry providers, PushChannels channels, SyncTrigger trigger) {
        this.providers = providers;
        this.channels = channels;
        this.trigger = trigger;
    }

    @PostMapping("/webhooks/{provider}")
    @Operation(summary = "A provider's push notification (Google's X-Goog-* headers; Graph's validation handshake and notifications; Calendly's signed deliveries)")
    @ApiResponse(responseCode = "200", description = "Taken (Google), or a subscription handshake answered (Graph: the validation token echoed as text/plain)")
    @ApiResponse(responseCode = "202", description = "Taken (Graph): a sync of the channel's connection follows")
    @ApiResponse(responseCode = "400", description = "`malformed_notification`: not a notification this provider sends")
    @ApiResponse(responseCode = "401", description = "`invalid_signature`: a signed delivery (Calendly's) whose signature does not verify or is older than the tolerance")
    @ApiResponse(responseCode = "403", description = "`unknown_channel`: no such channel, or a wrong token or resource id")
    @ApiResponse(responseCode = "404", description = "`not_found`: no such provider")
    ResponseEntity<String> receive(@PathVariable String provider, @RequestHeader HttpHeaders headers,
            @RequestParam MultiValueMap<String, String> query, @RequestBody(required = false) byte[] body) {
        CalendarProvider adapter = providers.find(provider).orElseThrow(() -> ApiProblem.notFound("provider"));
        WebhookReading reading = adapter.readWebhook(new WebhookRequest(firstValues(headers), query.toSingleValueMap(), body));
        if (reading instanceof WebhookReading.Handshake handshake) {
            return ResponseEntity.status(handshake.status()).contentType(MediaType.parseMediaType(handshake.contentType()))
                    .body(handshake.body());
        }
        if (reading instanceof WebhookReading.AlreadyTaken taken) {
            return ResponseEntity.status(taken.status()).build();
        }
        if (reading instanceof WebhookReading.Rejected rejected) {
            throw new ApiProblem(HttpStatus.UNAUTHORIZED, "invalid_signature", rejected.reason());
        }
        if (reading instanceof WebhookReading.Malformed malformed) {
            throw ApiProblem.badRequest("malformed_notification", malformed.reason());
        }
        WebhookReading.Notifications notifications = (WebhookReading.Notifications) reading;
        boolean anyVerified = false;
        for (Notification notification : notifications.notifications()) {
            anyVerified |= act(adapter, notification);
        }
        if (!anyVerified) {
            throw new ApiProblem(HttpStatus.FORBIDDEN, "unknown_channel", "no such channel, or a wrong token");
        }
        return ResponseEntity.status(notifications.acceptedStatus()).build();
    }

    /** Acts on one notification if it verifies; answers whether it did. */
    private boolean act(CalendarProvider provider, Notification notification) {
        return channels.verify(provider.id(), notification.channelId(), notification.token(), notification.resourceId())
                .map(notified -> {
                    if (notification.kind() == WebhookReading.Kind.RENEW) {
                        channels.renewLater(notification.channelId());
                    } else if (notification.kind() == WebhookReading.Kind.REMOVED) {
                        channels.reopenLater(notification.channelId());
                    }
                    // a channel's first message (STARTED) says only that it works: nothing changed
                    if (notification.kind() != WebhookReading.Kind.STARTED) {
                        trigger.notified(notified.userId(), notified.connectionId(), provider, notification.changedItem());
                    }
                    return true;
                })
                .orElse(false);
    }

    private static Map<String, String> firstValues(HttpHeaders headers) {
        Map<String, String> first = new HashMap<>();
        headers.forEach((name, values) -> {
            if (!values.isEmpty()) {
                first.putIfAbsent(name.toLowerCase(Locale.ROOT), values.get(0));
            }
        });
        return first;
    }
}
