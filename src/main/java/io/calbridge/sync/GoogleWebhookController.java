package io.calbridge.sync;

import io.calbridge.platform.web.ApiProblem;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Google's push notifications: verified by channel id, channel token and resource id; answered at once, the sync
 * runs in the background (coalesced).
 */
@RestController
@Tag(name = "webhooks")
class GoogleWebhookController {

    private final PushChannels channels;
    private final SyncTrigger trigger;

    GoogleWebhookController(PushChannels channels, SyncTrigger trigger) {
        this.channels = channels;
        this.trigger = trigger;
    }

    @PostMapping("/webhooks/google")
    @Operation(summary = "Google Calendar push notification (X-Goog-* headers)")
    @ApiResponse(responseCode = "200", description = "Taken: a sync of the channel's connection follows")
    @ApiResponse(responseCode = "403", description = "`unknown_channel`: no such channel, or a wrong token or resource id")
    ResponseEntity<Void> notify(@RequestHeader(name = "X-Goog-Channel-ID", required = false) String channelId,
            @RequestHeader(name = "X-Goog-Channel-Token", required = false) String token,
            @RequestHeader(name = "X-Goog-Resource-ID", required = false) String resourceId,
            @RequestHeader(name = "X-Goog-Resource-State", required = false) String state) {
        PushChannels.Notified notified = channels.verify("google", channelId, token, resourceId)
                .orElseThrow(() -> new ApiProblem(HttpStatus.FORBIDDEN, "unknown_channel", "no such channel, or a wrong token"));
        if (!"sync".equals(state)) {
            trigger.notified(notified.userId(), notified.connectionId());
        }
        return ResponseEntity.ok().build();
    }
}
