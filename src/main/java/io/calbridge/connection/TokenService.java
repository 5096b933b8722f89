package io.calbridge.connection;

import io.calbridge.connection.Connection.SealedTokens;
import io.calbridge.platform.crypto.SecretsOwner;
import io.calbridge.platform.crypto.TokenCipher;
import io.calbridge.platform.web.ApiProblem;
import io.calbridge.provider.ProviderException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Hands out valid access tokens for connections, refreshing them ahead of expiry. A refresh locks the connection's
 * row, so concurrent callers (on any instance) wait for the one refresh and then use its result. Provider calls go
 * through {@link #call}: a token the provider refuses (401, {@link ProviderException.Unauthorized}) is refreshed at
 * once, whatever its expiry says, because a user who revokes access kills it long before it expires.
 */
@Service
public class TokenService implements SecretsOwner {

    /** Refresh this long before the provider's expiry, so a token never runs out mid-request. */
    static final Duration REFRESH_AHEAD = Duration.ofMinutes(2);

    /** What a connection whose provider refuses even a fresh access token shows as {@code lastSyncOutcome}. */
    public static final String AUTH_FAILED = "AUTH_FAILED";

    private static final Logger log = LoggerFactory.getLogger(TokenService.class);

    private final ConnectionRepository connections;
    private final ConnectionRows rows;
    private final OAuthClients oauth;
    private final TokenCipher cipher;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    TokenService(ConnectionRepository connections, ConnectionRows rows, OAuthClients oauth, TokenCipher cipher,
            TransactionTemplate transactions, ApplicationEventPublisher events, Clock clock) {
        this.connections = connections;
        this.rows = rows;
        this.oauth = oauth;
        this.cipher = cipher;
        this.transactions = transactions;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Calls the provider with the connection's access token. If the provider refuses the token (401), it is refreshed
     * at once (unless another caller already replaced it) and the call is made once more:
     * <ul>
     * <li>{@code invalid_grant} on that refresh: {@link ProviderException.AuthRevoked}, the connection NEEDS_REAUTH;</li>
     * <li>the fresh token refused as well: {@link ProviderException.Unauthorized}, and the connection shows
     *     {@value #AUTH_FAILED} with the provider's answer as its last sync error, so it no longer looks healthy.</li>
     * </ul>
     * Provider-neutral: an adapter only has to report a refused token as {@code Unauthorized}.
     */
    public <T> T call(UUID connectionId, Function<String, T> providerCall) {
        String token = accessToken(connectionId);
        try {
            return providerCall.apply(token);
        } catch (ProviderException.Unauthorized refused) {
            log.info("the provider refused the access token of connection {}; refreshing it now", connectionId);
            String fresh = refreshNow(connectionId, token);
            try {
                return providerCall.apply(fresh);
            } catch (ProviderException.Unauthorized again) {
                String error = "the provider refused a freshly refreshed access token: " + again.getMessage();
                connections.recordAuthFailure(connectionId, AUTH_FAILED, error);
                log.warn("connection {}: {}", connectionId, error);
                throw new ProviderException.Unauthorized(error, again);
            }
        }
    }

    /** {@link #call} for a provider call that answers nothing. */
    public void run(UUID connectionId, Consumer<String> providerCall) {
        call(connectionId, token -> {
            providerCall.accept(token);
            return null;
        });
    }

    /**
     * Refreshes the connection's access token now because the provider refused {@code rejected}; if another caller
     * already replaced that token meanwhile, answers the replacement without a refresh of its own.
     *
     * @throws ProviderException.AuthRevoked when the provider refuses the refresh ({@code invalid_grant})
     * @throws ProviderException.Transient   when the token endpoint fails for now
     */
    public String refreshNow(UUID connectionId, String rejected) {
        return refresh(connectionId, row -> row.accessTokenCiphertext() != null
                && !Objects.equals(decryptAccess(row), rejected));
    }

    /**
     * A valid access token for the connection.
     *
     * @throws ProviderException.AuthRevoked when the connection needs the user to reconnect (nothing is retried then)
     * @throws ProviderException.Transient   when the token endpoint fails for now
     */
    public String accessToken(UUID connectionId) {
        ConnectionRows.AccessToken stored = rows.accessToken(connectionId).orElseThrow(() -> ApiProblem.notFound("connection"));
        if (stored.status() == ConnectionStatus.NEEDS_REAUTH) {
            throw new ProviderException.AuthRevoked("connection needs reauthorization", null);
        }
        if (fresh(stored.ciphertext(), stored.expiresAt())) {
            return cipher.decrypt(stored.ciphertext(), accessContext(connectionId));
        }
        return refresh(connectionId, this::fresh);
    }

    /** Refreshes under the row lock unless the locked row's token is {@code usable} (another caller refreshed meanwhile). */
    private String refresh(UUID connectionId, Predicate<Connection> usable) {
        RefreshOutcome outcome = transactions.execute(tx -> refreshLocked(connectionId, usable));
        if (outcome.revoked() != null) {
            throw outcome.revoked();
        }
        return outcome.accessToken();
    }

    /** Runs with the row locked; re-checks, because another caller may have refreshed while this one waited. */
    private RefreshOutcome refreshLocked(UUID connectionId, Predicate<Connection> usable) {
        Connection row = connections.lockById(connectionId).orElseThrow(() -> ApiProblem.notFound("connection"));
        if (row.status() == ConnectionStatus.NEEDS_REAUTH) {
            return RefreshOutcome.revoked(new ProviderException.AuthRevoked("connection needs reauthorization", null));
        }
        if (usable.test(row)) {
            return RefreshOutcome.token(decryptAccess(row));
        }
        String refreshToken = cipher.decrypt(row.refreshTokenCiphertext(), refreshContext(row.id()));
        if (refreshToken == null) {
            return markRevoked(row, "no refresh token stored; reconnect needed");
        }
        OAuth2AccessTokenResponse response;
        try {
            Instant issued = clock.instant();
            OAuth2AccessToken current = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "expired", issued.minusSeconds(2),
                    issued.minusSeconds(1));
            response = oauth.refresh(new OAuth2RefreshTokenGrantRequest(oauth.registration(row.provider()), current,
                    new OAuth2RefreshToken(refreshToken, null)));
        } catch (OAuth2AuthorizationException e) {
            if ("invalid_grant".equals(e.getError().getErrorCode())) {
                return markRevoked(row, "the provider revoked the grant (invalid_grant)");
            }
            throw new ProviderException.Transient("token refresh failed: " + e.getError().getErrorCode(), e);
        } catch (RuntimeException e) {
            throw new ProviderException.Transient("token refresh failed: " + e.getClass().getSimpleName(), e);
        }
        row.storeTokens(encrypt(row.id(), response), clock.instant());
        log.debug("refreshed access token of connection {}", row.id());
        return RefreshOutcome.token(response.getAccessToken().getTokenValue());
    }

    /** Under the row lock, and only for a row not yet NEEDS_REAUTH (see refreshLocked): the transition, told once. */
    private RefreshOutcome markRevoked(Connection row, String reason) {
        row.markNeedsReauth(reason, clock.instant());
        events.publishEvent(new ConnectionStatusChanged(row.id(), row.userId(), row.provider(), row.accountEmail(),
                ConnectionStatusChanged.Change.NEEDS_REAUTH, ConnectionStatus.NEEDS_REAUTH.name(), reason));
        log.info("connection {} needs reauthorization: {}", row.id(), reason);
        return RefreshOutcome.revoked(new ProviderException.AuthRevoked(reason, null));
    }

    /** Seals a token response for the connection's row; no refresh token in it (Google's refresh) keeps the old one. */
    SealedTokens encrypt(UUID connectionId, OAuth2AccessTokenResponse response) {
        OAuth2RefreshToken refresh = response.getRefreshToken();
        return new SealedTokens(
                cipher.encrypt(response.getAccessToken().getTokenValue(), accessContext(connectionId)),
                refresh == null ? null : cipher.encrypt(refresh.getTokenValue(), refreshContext(connectionId)),
                response.getAccessToken().getExpiresAt(),
                response.getAccessToken().getScopes().isEmpty() ? null : String.join(" ", response.getAccessToken().getScopes()));
    }

    /** The token to revoke at the provider on disconnect: the refresh token if any (it revokes the whole grant). */
    String revocableToken(UUID connectionId) {
        return connections.findById(connectionId).map(row -> {
            String refresh = cipher.decrypt(row.refreshTokenCiphertext(), refreshContext(row.id()));
            return refresh != null ? refresh : decryptAccess(row);
        }).orElse(null);
    }

    @Override
    public int reencryptAll(TokenCipher current) {
        int count = 0;
        for (UUID id : connections.findAllIds()) {
            try {
                if (Boolean.TRUE.equals(transactions.execute(tx -> connections.findById(id).map(row -> reseal(row, current)).orElse(false)))) {
                    count++;
                }
            } catch (OptimisticLockingFailureException changed) {
                log.info("connection {} changed during re-encryption; its new tokens are sealed with the current key already", id);
            }
        }
        return count;
    }

    /** Seals the row's tokens under the current key unless they are already; the version check guards the write. */
    private static boolean reseal(Connection row, TokenCipher current) {
        byte[] access = row.accessTokenCiphertext();
        byte[] refresh = row.refreshTokenCiphertext();
        if (current.isCurrent(access) && current.isCurrent(refresh)) {
            return false;
        }
        row.replaceCiphertexts(current.encrypt(current.decrypt(access, accessContext(row.id())), accessContext(row.id())),
                current.encrypt(current.decrypt(refresh, refreshContext(row.id())), refreshContext(row.id())));
        return true;
    }

    private boolean fresh(Connection row) {
        return fresh(row.accessTokenCiphertext(), row.tokenExpiresAt());
    }

    private boolean fresh(byte[] accessCiphertext, Instant expiresAt) {
        return accessCiphertext != null && (expiresAt == null || expiresAt.isAfter(clock.instant().plus(REFRESH_AHEAD)));
    }

    private String decryptAccess(Connection row) {
        return cipher.decrypt(row.accessTokenCiphertext(), accessContext(row.id()));
    }

    static String accessContext(UUID connectionId) {
        return "connections.access_token:" + connectionId;
    }

    static String refreshContext(UUID connectionId) {
        return "connections.refresh_token:" + connectionId;
    }

    private record RefreshOutcome(String accessToken, ProviderException.AuthRevoked revoked) {
        static RefreshOutcome token(String accessToken) {
            return new RefreshOutcome(accessToken, null);
        }

        static RefreshOutcome revoked(ProviderException.AuthRevoked revoked) {
            return new RefreshOutcome(null, revoked);
        }
    }
}
