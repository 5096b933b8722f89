package io.calbridge.connection;

import io.calbridge.connection.ConnectionService.SettingsPatch;
import io.calbridge.connection.ConnectionService.TestResult;
import io.calbridge.platform.security.CurrentUser;
import io.calbridge.platform.web.ApiProblem;
import io.calbridge.provider.CalendarInfo;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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

@RestController
@RequestMapping("/api/v1/connections")
@Tag(name = "connections", description = "The user's connected calendar accounts")
class ConnectionController {

    private final ConnectionService connections;
    private final CurrentUser currentUser;
    private final ChangeDelivery.Report changes;

    ConnectionController(ConnectionService connections, CurrentUser currentUser, ChangeDelivery.Report changes) {
        this.connections = connections;
        this.currentUser = currentUser;
        this.changes = changes;
    }

    @GetMapping
    @Operation(summary = "The user's connections")
    @ApiResponse(responseCode = "200", description = "The user's connections")
    List<ConnectionView> list() {
        return views(connections.list(currentUser.id()));
    }

    @GetMapping("/{id}")
    @Operation(summary = "One connection")
    @ApiResponse(responseCode = "200", description = "The connection")
    @ApiResponse(responseCode = "404", description = "`not_found`: no such connection of the user's (a malformed id too)")
    ConnectionView get(@PathVariable String id) {
        return view(connections.get(currentUser.id(), ApiProblem.idOrNotFound(id, "connection")));
    }

    @PatchMapping("/{id}")
    @Operation(summary = "Change settings; absent fields stay, \"\" as writeCalendarId means the primary calendar")
    @ApiResponse(responseCode = "200", description = "The connection with its new settings")
    @ApiResponse(responseCode = "400", description = "`invalid_settings`, `validation_failed`")
    @ApiResponse(responseCode = "404", description = "`not_found`: no such connection of the user's (a malformed id too)")
    @ApiResponse(responseCode = "409", description = "`concurrent_update`: it changed meanwhile, read it again")
    ConnectionView patch(@PathVariable String id, @Valid @RequestBody SettingsPatch patch) {
        return view(connections.updateSettings(currentUser.id(), ApiProblem.idOrNotFound(id, "connection"), patch));
    }

    @GetMapping("/{id}/calendars")
    @Operation(summary = "The account's calendars, read from the provider now")
    @ApiResponse(responseCode = "200", description = "The account's calendars")
    @ApiResponse(responseCode = "404", description = "`not_found`: no such connection of the user's (a malformed id too); "
            + "`not_found_at_provider`")
    @ApiResponse(responseCode = "409", description = "`needs_reauth`: the provider no longer accepts the grant, reconnect; "
            + "`provider_unavailable`, `provider_not_configured`: its provider is not (fully) set up here")
    @ApiResponse(responseCode = "502", description = "`provider_error`: the provider failed")
    @ApiResponse(responseCode = "503", description = "`provider_rate_limited`: the provider is rate limiting; retry after "
            + "Retry-After seconds")
    List<CalendarInfo> calendars(@PathVariable String id) {
        return connections.refreshCalendars(currentUser.id(), ApiProblem.idOrNotFound(id, "connection"));
    }

    @PostMapping("/{id}/test")
    @Operation(summary = "One cheap provider call: does the connection work?")
    @ApiResponse(responseCode = "200", description = "Whether one provider call worked (provider faults are reported here, not "
            + "as errors)")
    @ApiResponse(responseCode = "404", description = "`not_found`: no such connection of the user's (a malformed id too)")
    @ApiResponse(responseCode = "409", description = "`provider_unavailable`, `provider_not_configured`: its provider is not "
            + "(fully) set up here")
    TestResult test(@PathVariable String id) {
        return connections.test(currentUser.id(), ApiProblem.idOrNotFound(id, "connection"));
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Disconnect: revoke at the provider where possible and delete the tokens")
    @ApiResponse(responseCode = "204", description = "Disconnected: revoked at the provider where possible, tokens deleted")
    @ApiResponse(responseCode = "404", description = "`not_found`: no such connection of the user's (a malformed id too)")
    ResponseEntity<Void> disconnect(@PathVariable String id) {
        connections.disconnect(currentUser.id(), ApiProblem.idOrNotFound(id, "connection"));
        return ResponseEntity.status(HttpStatus.NO_CONTENT).build();
    }

    private List<ConnectionView> views(List<Connection> list) {
        Map<UUID, ChangeDelivery> deliveries = changes.of(list);
        return list.stream().map(c -> new ConnectionView(c.id(), c.provider(), c.accountId(), c.accountEmail(), c.status(), c.settings(),
                c.calendars(), c.scopes(), c.lastSyncAt(), c.lastSyncOutcome(), c.lastSyncError(), deliveries.get(c.id()), c.createdAt(),
                c.updatedAt())).toList();
    }

    private ConnectionView view(Connection connection) {
        return views(List.of(connection)).get(0);
    }

    /** {@code changes}: whether the provider's changes arrive by push or by polling, and why. */
    record ConnectionView(UUID id, String provider, String accountId, String accountEmail, ConnectionStatus status,
            ConnectionSettings settings, List<CalendarInfo> calendars, List<String> scopes, Instant lastSyncAt,
            String lastSyncOutcome, String lastSyncError, ChangeDelivery changes, Instant createdAt, Instant updatedAt) {
    }
}
