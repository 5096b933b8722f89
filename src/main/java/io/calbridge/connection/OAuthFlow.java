package io.calbridge.connection;

import io.calbridge.connection.Connection.Account;
import io.calbridge.connection.OAuthStateStore.PendingAuthorization;
import io.calbridge.platform.web.ApiProblem;
import io.calbridge.provider.AccountInfo;
import io.calbridge.provider.CalendarInfo;
import io.calbridge.provider.CalendarProvider;
import io.calbridge.provider.OAuthClient;
import io.calbridge.provider.ProviderException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationExchange;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationResponse;
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** The OAuth connect flow, the same for every provider: authorize, then the callback stores the connection. */
@Service
class OAuthFlow {

    private static final Logger log = LoggerFactory.getLogger(OAuthFlow.class);

    private final OAuthClients clients;
    private final OAuthStateStore states;
    private final ReturnUrlPolicy returnUrls;
    private final ConnectionRepository connections;
    private final TokenService tokens;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    OAuthFlow(OAuthClients clients, OAuthStateStore states, ReturnUrlPolicy returnUrls, ConnectionRepository connections,
            TokenService tokens, TransactionTemplate transactions, ApplicationEventPublisher events, Clock clock) {
        this.clients = clients;
        this.states = states;
        this.returnUrls = returnUrls;
        this.connections = connections;
        this.tokens = tokens;
        this.transactions = transactions;
        this.events = events;
        this.clock = clock;
    }

    record AuthorizationStart(String authorizationUrl, Instant expiresAt) {
    }

    /** Where the callback leads: the stored connection, or an error code the user's browser is sent back with. */
    record Outcome(UUID connectionId, String error, String detail, String returnUrl, HttpStatus status) {
        boolean ok() {
            return error == null;
        }
    }

    /** {@code syncExistingAppointments}: the connection's setting to apply when it is stored; null leaves it as it is. */
    AuthorizationStart start(String userId, String providerId, String returnUrl, Boolean syncExistingAppointments) {
        OAuthClient client = clients.settings(providerId);
        if (returnUrl != null && !returnUrls.isAllowed(returnUrl)) {
            throw ApiProblem.badRequest("return_url_not_allowed",
                    "returnUrl must be an http(s) URL under one of CALBRIDGE_ALLOWED_RETURN_URLS");
        }
        String state = randomToken(32);
        String verifier = client.pkce() ? randomToken(48) : null;
        Instant expiresAt = states.save(state, userId, providerId, returnUrl, verifier, syncExistingAppointments);
        return new AuthorizationStart(authorizationRequest(clients.registration(providerId), client, state, verifier)
                .getAuthorizationRequestUri(), expiresAt);
    }

    Outcome complete(String providerId, String code, String state, String providerError) {
        if (state == null || state.isBlank()) {
            return new Outcome(null, "missing_state", "the callback has no state parameter", null, HttpStatus.BAD_REQUEST);
        }
        PendingAuthorization pending = states.consume(state).orElse(null);
        if (pending == null) {
            return new Outcome(null, "invalid_state", "unknown or already used state", null, HttpStatus.BAD_REQUEST);
        }
        String back = pending.returnUrl();
        if (!pending.provider().equals(providerId)) {
            return new Outcome(null, "wrong_provider", "this state was issued for another provider", back, HttpStatus.BAD_REQUEST);
        }
        if (!pending.expiresAt().isAfter(clock.instant())) {
            return new Outcome(null, "state_expired", "the authorization took longer than 10 minutes; start again", back,
                    HttpStatus.BAD_REQUEST);
        }
        if (providerError != null) {
            String error = "access_denied".equals(providerError) ? "access_denied" : "provider_error";
            return new Outcome(null, error, "the provider answered " + error, back, HttpStatus.BAD_REQUEST);
        }
        if (code == null || code.isBlank()) {
            return new Outcome(null, "missing_code", "the callback has no code parameter", back, HttpStatus.BAD_REQUEST);
        }
        CalendarProvider provider;
        ClientRegistration registration;
        try {
            provider = clients.configuredProvider(providerId);
            registration = clients.registration(providerId);
        } catch (ApiProblem e) {
            return new Outcome(null, e.code(), e.getMessage(), back, e.status());
        }
        OAuth2AccessTokenResponse response;
        try {
            OAuth2AuthorizationRequest request = authorizationRequest(registration, provider.descriptor().oauth().orElseThrow(),
                    state, pending.pkceVerifier());
            OAuth2AuthorizationResponse authorizationResponse = OAuth2AuthorizationResponse.success(code)
                    .redirectUri(registration.getRedirectUri()).state(state).build();
            response = clients.exchange(new OAuth2AuthorizationCodeGrantRequest(registration,
                    new OAuth2AuthorizationExchange(request, authorizationResponse)));
        } catch (OAuth2AuthorizationException e) {
            log.info("token exchange with {} refused: {}", providerId, e.getError().getErrorCode());
            return new Outcome(null, "token_exchange_failed", "the provider refused the authorization code", back, HttpStatus.BAD_REQUEST);
        } catch (RuntimeException e) {
            log.warn("token exchange with {} failed: {}", providerId, e.getClass().getSimpleName());
            return new Outcome(null, "token_exchange_failed", "the provider's token endpoint failed", back, HttpStatus.BAD_GATEWAY);
        }
        String accessToken = response.getAccessToken().getTokenValue();
        AccountInfo account;
        List<CalendarInfo> calendars;
        try {
            account = provider.account(accessToken);
            calendars = calendarsIfAvailable(provider, accessToken);
        } catch (ProviderException e) {
            log.warn("account lookup at {} failed: {}", providerId, e.toString());
            return new Outcome(null, "account_lookup_failed", "the provider did not say which account this is", back,
                    HttpStatus.BAD_GATEWAY);
        }
        Connection stored = store(pending.userId(), providerId, new Account(account.accountId(), account.email(), calendars), response,
                pending.syncExistingAppointments());
        UUID connectionId = stored.id();
        events.publishEvent(new ConnectionConnected(connectionId, pending.userId(), providerId));
        if (stored.settings().syncExistingAppointments()) {
            try {
                events.publishEvent(new BackfillWanted(connectionId, pending.userId()));
            } catch (RuntimeException e) {
                // the connection stands; the backlog can still be asked for (POST …/backfill)
                log.warn("backfill of new connection {} failed: {}", connectionId, e.toString());
            }
        }
        return new Outcome(connectionId, null, null, back, HttpStatus.OK);
    }

    /** Calendars are shown with the connection, but a failure to list them must not fail the connect. */
    private static List<CalendarInfo> calendarsIfAvailable(CalendarProvider provider, String accessToken) {
        try {
            return provider.calendars(accessToken);
        } catch (ProviderException.AuthRevoked e) {
            throw e;
        } catch (ProviderException e) {
            log.info("could not list calendars of a new {} connection yet: {}", provider.id(), e.toString());
            return List.of();
        }
    }

    /**
     * New account: a new connection. Known account: the same connection, reconnected, its settings kept but for
     * {@code syncExistingAppointments} where the authorize request named it.
     */
    private Connection store(String userId, String providerId, Account account, OAuth2AccessTokenResponse response,
            Boolean syncExisting) {
        try {
            return transactions.execute(tx -> upsert(userId, providerId, account, response, syncExisting));
        } catch (DataIntegrityViolationException raced) {
            // another callback for the same account inserted first: update that one
            return transactions.execute(tx -> upsert(userId, providerId, account, response, syncExisting));
        }
    }

    private Connection upsert(String userId, String providerId, Account account, OAuth2AccessTokenResponse response,
            Boolean syncExisting) {
        Instant now = clock.instant();
        Connection existing = connections.findByUserIdAndProviderAndAccountId(userId, providerId, account.accountId()).orElse(null);
        if (existing != null) {
            ConnectionStatus before = existing.status();
            existing.reconnect(account, tokens.encrypt(existing.id(), response), now);
            if (syncExisting != null) {
                existing.changeSettings(existing.settings().withSyncExistingAppointments(syncExisting), now);
            }
            if (before != ConnectionStatus.ACTIVE) {
                // told in this transaction, so it commits with the reconnect; reconnecting an ACTIVE one changes nothing to tell
                events.publishEvent(new ConnectionStatusChanged(existing.id(), userId, providerId, account.email(),
                        ConnectionStatusChanged.Change.RESTORED, ConnectionStatus.ACTIVE.name(), "reconnected (was " + before + ")"));
            }
            return existing;
        }
        UUID id = UUID.randomUUID();
        Connection created = new Connection(id, userId, providerId, account, tokens.encrypt(id, response), now);
        if (syncExisting != null) {
            created.changeSettings(created.settings().withSyncExistingAppointments(syncExisting), now);
        }
        // flushed at once: a second callback that inserted the same account first fails here, as a DataIntegrityViolation
        Connection saved = connections.saveAndFlush(created);
        events.publishEvent(new ConnectionStatusChanged(id, userId, providerId, account.email(), ConnectionStatusChanged.Change.CONNECTED,
                ConnectionStatus.ACTIVE.name(), null));
        return saved;
    }

    private static OAuth2AuthorizationRequest authorizationRequest(ClientRegistration registration, OAuthClient client,
            String state, String verifier) {
        Map<String, Object> parameters = new HashMap<>(client.extraAuthorizationParameters());
        Map<String, Object> attributes = new HashMap<>();
        if (verifier != null) {
            parameters.put(PkceParameterNames.CODE_CHALLENGE, s256(verifier));
            parameters.put(PkceParameterNames.CODE_CHALLENGE_METHOD, "S256");
            attributes.put(PkceParameterNames.CODE_VERIFIER, verifier);
        }
        return OAuth2AuthorizationRequest.authorizationCode()
                .authorizationUri(registration.getProviderDetails().getAuthorizationUri())
                .clientId(registration.getClientId())
                .redirectUri(registration.getRedirectUri())
                .scopes(registration.getScopes())
                .state(state)
                .additionalParameters(parameters)
                .attributes(attributes)
                .build();
    }

    private String randomToken(int bytes) {
        byte[] value = new byte[bytes];
        random.nextBytes(value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }

    private static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
