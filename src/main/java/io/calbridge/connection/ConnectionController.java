package io.calbridge.connection;

import io.calbridge.connection.ConnectionService.SettingsPatch;
import io.calbridge.connection.ConnectionService.TestResult;
import io.calbridge.platform.security.CurrentUser;
import io.calbridge.platform.web.ApiProblem;
import io.calbridge.provider.CalendarInfo;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.time.Instant;
import java.util.List;
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

    ConnectionController(ConnectionService connections, CurrentUser currentUser) {
        this.connections = connections;
        this.currentUser = currentUser;
    }

    @GetMapping
    @Operation(summary = "The user's connections")
    List<ConnectionView> list() {
        return connections.list(currentUser.id()).stream().map(ConnectionView::of).toList();
    }

    @GetMapping("/{id}")
    @Operation(summary = "One connection")
    ConnectionView get(@PathVariable String id) {
        return ConnectionView.of(connections.get(currentUser.id(), ApiProblem.idOrNotFound(id, "connection")));
    }

    @PatchMapping("/{id}")
    @Operation(summary = "Change settings; absent fields stay, \"\" as writeCalendarId means the primary calendar")
    ConnectionView patch(@PathVariable String id, @Valid @RequestBody SettingsPatch patch) {
        return ConnectionView.of(connections.updateSettings(currentUser.id(), ApiProblem.idOrNotFound(id, "connection"), patch));
    }

    @GetMapping("/{id}/calendars")
    @Operation(summary = "The account's calendars, read from the provider now")
    List<CalendarInfo> calendars(@PathVariable String id) {
        return connections.refreshCalendars(currentUser.id(), ApiProblem.idOrNotFound(id, "connection"));
    }

    @PostMapping("/{id}/test")
    @Operation(summary = "One cheap provider call: does the connection work?")
    TestResult test(@PathVariable String id) {
        return connections.test(currentUser.id(), ApiProblem.idOrNotFound(id, "connection"));
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Disconnect: revoke at the provider where possible and delete the tokens")
    ResponseEntity<Void> disconnect(@PathVariable String id) {
        connections.disconnect(currentUser.id(), ApiProblem.idOrNotFound(id, "connection"));
        return ResponseEntity.status(HttpStatus.NO_CONTENT).build();
    }


    record ConnectionView(UUID id, String provider, String accountId, String accountEmail, ConnectionStatus status,
            ConnectionSettings settings, List<CalendarInfo> calendars, List<String> scopes, Instant lastSyncAt,
            String lastSyncOutcome, String lastSyncError, Instant createdAt, Instant updatedAt) {

        static ConnectionView of(Connection c) {
            return new ConnectionView(c.id(), c.provider(), c.accountId(), c.accountEmail(), c.status(), c.settings(),
                    c.calendars(), c.scopes(), c.lastSyncAt(), c.lastSyncOutcome(), c.lastSyncError(), c.createdAt(),
                    c.updatedAt());
        }
    }
}
