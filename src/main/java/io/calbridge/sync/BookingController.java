package io.calbridge.sync;

import io.calbridge.connection.Connection;
import io.calbridge.connection.ConnectionService;
import io.calbridge.connection.TokenService;
import io.calbridge.event.EventStore;
import io.calbridge.platform.security.CurrentUser;
import io.calbridge.platform.web.ApiProblem;
import io.calbridge.provider.CalendarProvider;
import io.calbridge.provider.Capability;
import io.calbridge.provider.ProviderException;
import io.calbridge.provider.ProviderRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Bookings of a scheduling tool (Calendly), canceled by the app on its user's behalf: the provider cancels as the host
 * and tells the invitees; then a pull brings the local copy along (the provider's webhook would too).
 */
@RestController
@Tag(name = "connections")
class BookingController {

    private final ConnectionService connections;
    private final ProviderRegistry providers;
    private final TokenService tokens;
    private final EventStore events;
    private final SyncTrigger trigger;
    private final CurrentUser currentUser;

    BookingController(ConnectionService connections, ProviderRegistry providers, TokenService tokens, EventStore events,
            SyncTrigger trigger, CurrentUser currentUser) {
        this.connections = connections;
        this.providers = providers;
        this.tokens = tokens;
        this.events = events;
        this.trigger = trigger;
        this.currentUser = currentUser;
    }

    /** {@code reason}: told to the invitees by the provider. */
    record CancelRequest(@Size(max = 500) String reason) {
    }

    record Canceled(String eventId, String status) {
    }

    @PostMapping("/api/v1/connections/{id}/bookings/{eventId}/cancel")
    @Operation(summary = "Cancel a booking (Calendly) as its host, telling the invitees the reason; the local copy follows at once")
    @ApiResponse(responseCode = "202", description = "Canceled at the provider: {eventId, status: canceled}; the events API "
            + "drops it after the pull that follows")
    @ApiResponse(responseCode = "400", description = "`validation_failed`: a reason longer than 500 characters")
    @ApiResponse(responseCode = "404", description = "`not_found`: no such connection of the user's, or no such booking of it "
            + "(`eventId` is the id the events API shows, or its last path segment)")
    @ApiResponse(responseCode = "409", description = "`bookings_not_supported`: the connection's provider has no bookings; "
            + "`cancel_refused`: the provider refused (already canceled, say); `needs_reauth`")
    ResponseEntity<Canceled> cancel(@PathVariable String id, @PathVariable String eventId,
            @Valid @RequestBody(required = false) CancelRequest body) {
        Connection connection = connections.get(currentUser.id(), ApiProblem.idOrNotFound(id, "connection"));
        CalendarProvider provider = providers.find(connection.provider()).filter(p -> p.descriptor().can(Capability.CANCEL_BOOKINGS))
                .orElseThrow(() -> new ApiProblem(HttpStatus.CONFLICT, "bookings_not_supported",
                        "provider '" + connection.provider() + "' has no bookings to cancel"));
        String externalId = events.bookingId(connection.id(), eventId).orElseThrow(() -> ApiProblem.notFound("booking"));
        try {
            tokens.run(connection.id(), token -> provider.cancelBooking(token, externalId, body == null ? null : body.reason()));
        } catch (ProviderException.Permanent refused) {
            throw new ApiProblem(HttpStatus.CONFLICT, "cancel_refused", "the provider refused to cancel the booking: " + refused.getMessage());
        }
        trigger.request(connection.userId(), connection.id());
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(new Canceled(externalId, "canceled"));
    }
}
