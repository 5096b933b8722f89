package io.calbridge.connection;

import io.calbridge.connection.OAuthFlow.AuthorizationStart;
import io.calbridge.connection.OAuthFlow.Outcome;
import io.calbridge.platform.security.CurrentUser;
import io.calbridge.platform.web.ApiExamples;
import io.calbridge.platform.web.Problems;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

@RestController
@Tag(name = "connections")
class OAuthController {

    private final OAuthFlow flow;
    private final CurrentUser currentUser;

    OAuthController(OAuthFlow flow, CurrentUser currentUser) {
        this.flow = flow;
        this.currentUser = currentUser;
    }

    /** {@code syncExistingAppointments}: the new (or reconnected) connection's setting; absent leaves it as it is (off when new). */
    record AuthorizeRequest(String returnUrl, Boolean syncExistingAppointments) {
    }

    @PostMapping("/api/v1/connections/{provider}/authorize")
    @Operation(summary = "Start connecting an account: send the user's browser to authorizationUrl")
    @ApiExamples(request = "authorize-request", response = "authorize-response")
    @ApiResponse(responseCode = "200", description = "Where to send the browser, and until when")
    @ApiResponse(responseCode = "400", description = "`return_url_not_allowed`: returnUrl is not under "
            + "CALBRIDGE_ALLOWED_RETURN_URLS")
    @ApiResponse(responseCode = "404", description = "`not_found`: no such provider")
    @ApiResponse(responseCode = "409", description = "`provider_not_configured`: the provider has no OAuth client here")
    AuthorizationStart authorize(@PathVariable String provider, @RequestBody(required = false) AuthorizeRequest body) {
        String userId = currentUser.id();
        return flow.start(userId, provider, body == null ? null : body.returnUrl(), body == null ? null : body.syncExistingAppointments());
    }

    @GetMapping("/oauth/{provider}/callback")
    @Operation(summary = "The provider sends the browser here; redirects to the returnUrl, or answers JSON without one")
    @ApiResponse(responseCode = "200", description = "Without a returnUrl: {connectionId, status: connected}")
    @ApiResponse(responseCode = "302", description = "To returnUrl?connectionId=…&status=connected, or "
            + "returnUrl?status=error&error=<code>")
    @ApiResponse(responseCode = "400", description = "Without a returnUrl: `missing_state`, `invalid_state`, `wrong_provider`, "
            + "`state_expired`, `access_denied` (or the provider's other error), `missing_code`, `token_exchange_failed`")
    @ApiResponse(responseCode = "404", description = "`not_found`: no such provider")
    @ApiResponse(responseCode = "409", description = "`provider_not_configured`")
    @ApiResponse(responseCode = "502", description = "`token_exchange_failed`, `account_lookup_failed`: the provider failed")
    ResponseEntity<?> callback(@PathVariable String provider, @RequestParam(required = false) String code,
            @RequestParam(required = false) String state, @RequestParam(required = false) String error) {
        Outcome outcome = flow.complete(provider, code, state, error);
        if (outcome.returnUrl() != null) {
            UriComponentsBuilder target = UriComponentsBuilder.fromUriString(outcome.returnUrl());
            if (outcome.ok()) {
                target.queryParam("connectionId", outcome.connectionId()).queryParam("status", "connected");
            } else {
                target.queryParam("status", "error").queryParam("error", outcome.error());
            }
            // the return URL passed ReturnUrlPolicy as a valid, encoded URI; what is added needs no encoding
            URI location = target.build(true).toUri();
            return ResponseEntity.status(HttpStatus.FOUND).location(location).build();
        }
        if (outcome.ok()) {
            return ResponseEntity.ok(Map.of("connectionId", outcome.connectionId(), "status", "connected"));
        }
        return ResponseEntity.status(outcome.status()).body(Problems.of(outcome.status(), outcome.error(), outcome.detail()));
    }
}
