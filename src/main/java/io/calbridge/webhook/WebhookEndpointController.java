package io.calbridge.webhook;

import io.calbridge.platform.web.ApiExamples;
import io.calbridge.platform.web.ApiProblem;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The app's webhook endpoints: admin only (an API key, or a JWT with the admin role), not about any one user. */
@RestController
@RequestMapping(WebhookEndpointController.PATH)
@Tag(name = "webhooks", description = WebhookEndpointController.TAG_DESCRIPTION)
class WebhookEndpointController {

    static final String PATH = "/api/v1/webhook-endpoints";
    static final int MAX_DESCRIPTION = 1000;
    static final String TAG_DESCRIPTION = """
            Change notifications to the app (Standard Webhooks): calbridge POSTs a JSON body `{type, timestamp, data}` \
            (schema `WebhookNotification`) to every enabled endpoint subscribed to its `type`, with the headers \
            `webhook-id` (the notification's id, the same on every attempt: the app's idempotency key), \
            `webhook-timestamp` (epoch seconds of the attempt) and `webhook-signature` (`v1,<base64 HMAC-SHA256 of \
            "id.timestamp.body">` under the endpoint's secret; during a rotation's grace period two space-separated \
            entries, the new secret's first). Event types: `calendar.events.changed`, `appointment.sync.succeeded`, \
            `appointment.sync.failed`, `appointment.remote_change`, `connection.connected`, `connection.needs_reauth`, \
            `connection.restored`, `connection.disconnected`. Endpoint URLs are https and must not point at loopback, \
            private, link-local or other internal addresses unless the host is listed in CALBRIDGE_WEBHOOK_ALLOWED_HOSTS. \
            Admin only: an API key, or a JWT with the admin role.""";

    private final WebhookEndpoints endpoints;
    private final WebhookUrlPolicy urls;

    WebhookEndpointController(WebhookEndpoints endpoints, WebhookUrlPolicy urls) {
        this.endpoints = endpoints;
        this.urls = urls;
    }

    @Schema(name = "WebhookEndpointRequest")
    record EndpointRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, maxLength = WebhookUrlPolicy.MAX_LENGTH,
                    example = "https://app.example.com/webhooks/calbridge",
                    description = "https; plain http and internal addresses only to a host in CALBRIDGE_WEBHOOK_ALLOWED_HOSTS")
            String url,
            @ArraySchema(schema = @Schema(allowableValues = {EventTypes.CALENDAR_EVENTS_CHANGED, EventTypes.APPOINTMENT_SYNC_SUCCEEDED,
                    EventTypes.APPOINTMENT_SYNC_FAILED, EventTypes.APPOINTMENT_REMOTE_CHANGE, EventTypes.APPOINTMENT_CONFLICT_DETECTED,
                    EventTypes.CONNECTION_CONNECTED,
                    EventTypes.CONNECTION_NEEDS_REAUTH, EventTypes.CONNECTION_RESTORED, EventTypes.CONNECTION_DISCONNECTED,
                    EventTypes.BOOKING_CREATED, EventTypes.BOOKING_CANCELED, EventTypes.BOOKING_RESCHEDULED}),
                    arraySchema = @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "at least one, each once"),
                    uniqueItems = true, minItems = 1)
            List<String> eventTypes,
            @Schema(maxLength = MAX_DESCRIPTION) String description,
            @Schema(description = "default true") Boolean enabled) {
    }

    @Schema(name = "WebhookEndpointPatch", description = "Absent fields stay as they are; \"\" as description clears it")
    record EndpointPatch(
            @Schema(maxLength = WebhookUrlPolicy.MAX_LENGTH) String url,
            @ArraySchema(schema = @Schema(allowableValues = {EventTypes.CALENDAR_EVENTS_CHANGED, EventTypes.APPOINTMENT_SYNC_SUCCEEDED,
                    EventTypes.APPOINTMENT_SYNC_FAILED, EventTypes.APPOINTMENT_REMOTE_CHANGE, EventTypes.APPOINTMENT_CONFLICT_DETECTED,
                    EventTypes.CONNECTION_CONNECTED,
                    EventTypes.CONNECTION_NEEDS_REAUTH, EventTypes.CONNECTION_RESTORED, EventTypes.CONNECTION_DISCONNECTED,
                    EventTypes.BOOKING_CREATED, EventTypes.BOOKING_CANCELED, EventTypes.BOOKING_RESCHEDULED}),
                    uniqueItems = true, minItems = 1)
            List<String> eventTypes,
            @Schema(maxLength = MAX_DESCRIPTION) String description,
            @Schema(description = "true re-enables a disabled endpoint and clears disabledReason and failingSince") Boolean enabled) {
    }

    @Schema(name = "WebhookEndpoint")
    record EndpointView(UUID id, String url, List<String> eventTypes, String description, boolean enabled,
            @Schema(description = "why calbridge disabled it (410 Gone, failing too long); null while enabled or when disabled by hand")
            String disabledReason,
            @Schema(description = "since when deliveries fail without a success in between; null while they succeed")
            Instant failingSince,
            Instant createdAt, Instant updatedAt) {
        static EndpointView of(WebhookEndpoint e) {
            return new EndpointView(e.id(), e.url(), e.eventTypes(), e.description(), e.enabled(), e.disabledReason(),
                    e.failingSince(), e.createdAt(), e.updatedAt());
        }
    }

    @Schema(name = "WebhookEndpointCreated", description = "The endpoint and its signing secret, shown only this once")
    record CreatedView(UUID id, String url, List<String> eventTypes, String description, boolean enabled, String disabledReason,
            Instant failingSince, Instant createdAt, Instant updatedAt,
            @Schema(description = "whsec_ and base64: verify deliveries with it (any Standard Webhooks library)") String secret) {
        static CreatedView of(WebhookEndpoints.Created created) {
            WebhookEndpoint e = created.endpoint();
            return new CreatedView(e.id(), e.url(), e.eventTypes(), e.description(), e.enabled(), e.disabledReason(),
                    e.failingSince(), e.createdAt(), e.updatedAt(), created.secret());
        }

        @Override
        public String toString() {
            return "CreatedView[id=" + id + "]";
        }
    }

    @Schema(name = "WebhookSecretRotated")
    record RotatedView(
            @Schema(description = "the new secret, shown only this once; it signs from now on") String secret,
            @Schema(description = "until then the previous secret signs too, beside the new one") Instant previousSecretValidUntil) {
        @Override
        public String toString() {
            return "RotatedView[previousSecretValidUntil=" + previousSecretValidUntil + "]";
        }
    }

    @PostMapping
    @Operation(summary = "Register an endpoint: 201 with its signing secret, which is shown only here (and on rotation)")
    @ApiExamples(request = "webhook-endpoint-request", response = "webhook-endpoint-created")
    @ApiResponse(responseCode = "201", description = "Registered, with its secret")
    @ApiResponse(responseCode = "400", description = "`invalid_url`: not https, internal address, malformed, or the host does not "
            + "resolve; `invalid_event_types`: missing, empty, unknown or repeated; `invalid_description`: over 1000 characters")
    ResponseEntity<CreatedView> create(@RequestBody EndpointRequest request) {
        URI url = urls.check(request.url());
        List<String> eventTypes = checkedEventTypes(request.eventTypes());
        String description = checkedDescription(request.description());
        WebhookEndpoints.Created created = endpoints.create(url.toString(), eventTypes,
                description == null || description.isEmpty() ? null : description, request.enabled() == null || request.enabled());
        return ResponseEntity.status(HttpStatus.CREATED).location(URI.create(PATH + "/" + created.endpoint().id()))
                .body(CreatedView.of(created));
    }

    @GetMapping
    @Operation(summary = "The endpoints, oldest first (without their secrets)")
    @ApiExamples(response = "webhook-endpoints-response")
    @ApiResponse(responseCode = "200", description = "The endpoints")
    List<EndpointView> list() {
        return endpoints.list().stream().map(EndpointView::of).toList();
    }

    @GetMapping("/{id}")
    @Operation(summary = "One endpoint (without its secret); disabledReason says why calbridge disabled it")
    @ApiResponse(responseCode = "200", description = "The endpoint")
    @ApiResponse(responseCode = "404", description = "`not_found`: no such webhook endpoint (a malformed id too)")
    EndpointView get(@PathVariable String id) {
        return EndpointView.of(endpoints.find(ApiProblem.idOrNotFound(id, "webhook endpoint"))
                .orElseThrow(() -> ApiProblem.notFound("webhook endpoint")));
    }

    @PatchMapping("/{id}")
    @Operation(summary = "Change url, eventTypes, description or enabled; enabling again clears disabledReason and failingSince")
    @ApiResponse(responseCode = "200", description = "The endpoint as changed")
    @ApiResponse(responseCode = "400", description = "`invalid_url`, `invalid_event_types`, `invalid_description`: as on create")
    @ApiResponse(responseCode = "404", description = "`not_found`: no such webhook endpoint (a malformed id too)")
    EndpointView patch(@PathVariable String id, @RequestBody EndpointPatch patch) {
        UUID endpointId = ApiProblem.idOrNotFound(id, "webhook endpoint");
        URI url = patch.url() == null ? null : urls.check(patch.url());
        List<String> eventTypes = patch.eventTypes() == null ? null : checkedEventTypes(patch.eventTypes());
        String description = checkedDescription(patch.description());
        return EndpointView.of(endpoints.update(endpointId, new WebhookEndpoints.Changes(url == null ? null : url.toString(), eventTypes,
                description, patch.enabled())));
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Delete the endpoint, with its deliveries")
    @ApiResponse(responseCode = "204", description = "Deleted, with its deliveries")
    @ApiResponse(responseCode = "404", description = "`not_found`: no such webhook endpoint (a malformed id too)")
    ResponseEntity<Void> delete(@PathVariable String id) {
        if (!endpoints.delete(ApiProblem.idOrNotFound(id, "webhook endpoint"))) {
            throw ApiProblem.notFound("webhook endpoint");
        }
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{id}/rotate-secret")
    @Operation(summary = "A new signing secret (shown only here); the previous one keeps signing beside it for a grace period "
            + "(CALBRIDGE_WEBHOOK_ROTATION_GRACE, default 24 h)")
    @ApiExamples(response = "webhook-secret-rotated")
    @ApiResponse(responseCode = "200", description = "The new secret, and until when the previous one signs too")
    @ApiResponse(responseCode = "404", description = "`not_found`: no such webhook endpoint (a malformed id too)")
    RotatedView rotateSecret(@PathVariable String id) {
        WebhookEndpoints.Rotated rotated = endpoints.rotate(ApiProblem.idOrNotFound(id, "webhook endpoint"));
        return new RotatedView(rotated.secret(), rotated.previousSecretValidUntil());
    }

    /** At least one known type, each once; in the order given. */
    private static List<String> checkedEventTypes(List<String> eventTypes) {
        if (eventTypes == null) {
            throw invalidEventTypes("eventTypes is required: the event types to receive, e.g. [\"" + EventTypes.CALENDAR_EVENTS_CHANGED + "\"]");
        }
        if (eventTypes.isEmpty()) {
            throw invalidEventTypes("eventTypes must name at least one event type");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < eventTypes.size(); i++) {
            String type = eventTypes.get(i);
            if (!EventTypes.SUBSCRIBABLE.contains(type)) {
                // the caller's value is not echoed: it may be long or odd
                throw invalidEventTypes("eventTypes[" + i + "] is not an event type; the types are " + String.join(", ", EventTypes.SUBSCRIBABLE));
            }
            if (!seen.add(type)) {
                throw invalidEventTypes("eventTypes lists " + type + " more than once");
            }
        }
        return List.copyOf(eventTypes);
    }

    private static String checkedDescription(String description) {
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw ApiProblem.badRequest("invalid_description", "description is longer than " + MAX_DESCRIPTION + " characters");
        }
        return description;
    }

    private static ApiProblem invalidEventTypes(String detail) {
        return ApiProblem.badRequest("invalid_event_types", detail);
    }
}
