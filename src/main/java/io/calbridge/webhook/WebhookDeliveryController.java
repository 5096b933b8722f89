package io.calbridge.webhook;

import io.calbridge.platform.web.ApiProblem;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Operations on the deliveries of webhooks to the app: what was sent and how it went, a replay, a test message. */
@RestController
@Tag(name = "webhooks") // described on WebhookEndpointController
class WebhookDeliveryController {

    private static final List<String> STATUSES = List.of("PENDING", "DELIVERED", "FAILED");

    private final WebhookDeliveries deliveries;
    private final Outbox outbox;
    private final WebhookDeliverer deliverer;

    WebhookDeliveryController(WebhookDeliveries deliveries, Outbox outbox, WebhookDeliverer deliverer) {
        this.deliveries = deliveries;
        this.outbox = outbox;
        this.deliverer = deliverer;
    }

    record TestAccepted(String messageId) {
    }

    @GetMapping("/api/v1/webhook-endpoints/{id}/deliveries")
    @Operation(summary = "Admin: the endpoint's deliveries, newest first (status PENDING, also while being sent, DELIVERED or FAILED; limit 1-200, "
            + "default 50), each with its attempts: when, the answer's status code (null: none came), latency, error; and when "
            + "the next attempt is due")
    @ApiResponse(responseCode = "200", description = "The deliveries")
    @ApiResponse(responseCode = "400", description = "`invalid_status`, `invalid_limit`")
    @ApiResponse(responseCode = "404", description = "`not_found`: no such webhook endpoint (a malformed id too)")
    List<WebhookDeliveries.DeliveryView> list(@PathVariable String id, @RequestParam(required = false) String status,
            @RequestParam(defaultValue = "50") int limit) {
        UUID endpointId = endpoint(id);
        if (status != null && !STATUSES.contains(status)) {
            throw ApiProblem.badRequest("invalid_status", "status must be one of " + STATUSES);
        }
        if (limit < 1 || limit > 200) {
            throw ApiProblem.badRequest("invalid_limit", "limit must be between 1 and 200");
        }
        return deliveries.list(endpointId, status, limit);
    }

    @PostMapping("/api/v1/webhook-endpoints/{id}/deliveries/{deliveryId}/replay")
    @Operation(summary = "Admin: send a FAILED or DELIVERED delivery again, now, with the same webhook-id and body (a fresh "
            + "count of attempts)")
    @ApiResponse(responseCode = "202", description = "Queued again: the delivery")
    @ApiResponse(responseCode = "404", description = "`not_found`: no such webhook endpoint, or no such delivery of it (a malformed id too)")
    @ApiResponse(responseCode = "409", description = "`not_replayable`: the delivery is still PENDING")
    ResponseEntity<WebhookDeliveries.DeliveryView> replay(@PathVariable String id, @PathVariable String deliveryId) {
        UUID endpointId = endpoint(id);
        UUID delivery = ApiProblem.idOrNotFound(deliveryId, "webhook delivery");
        WebhookDeliveries.DeliveryView before = deliveries.find(endpointId, delivery)
                .orElseThrow(() -> ApiProblem.notFound("webhook delivery"));
        if (!deliveries.replay(endpointId, delivery)) {
            throw ApiProblem.conflict("not_replayable", "only FAILED or DELIVERED deliveries can be replayed; this one is " + before.status());
        }
        deliverer.wake();
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(deliveries.find(endpointId, delivery).orElseThrow());
    }

    @PostMapping("/api/v1/webhook-endpoints/{id}/test")
    @Operation(summary = "Admin: send a `webhook.test` notification to this endpoint only, whatever it subscribed to; 202 with its "
            + "webhook-id (follow it in the deliveries)")
    @ApiResponse(responseCode = "202", description = "Queued: {messageId}")
    @ApiResponse(responseCode = "404", description = "`not_found`: no such webhook endpoint (a malformed id too)")
    ResponseEntity<TestAccepted> test(@PathVariable String id) {
        UUID endpointId = ApiProblem.idOrNotFound(id, "webhook endpoint");
        String messageId = outbox.addTest(endpointId);
        if (messageId == null) {
            throw ApiProblem.notFound("webhook endpoint");
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(new TestAccepted(messageId));
    }

    private UUID endpoint(String id) {
        UUID endpointId = ApiProblem.idOrNotFound(id, "webhook endpoint");
        if (!deliveries.endpointExists(endpointId)) {
            throw ApiProblem.notFound("webhook endpoint");
        }
        return endpointId;
    }
}
