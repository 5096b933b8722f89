package io.calbridge.connection;

import io.calbridge.connection.ConnectionRepository.EncryptedTokens;
import io.calbridge.connection.ConnectionRepository.TokenRow;
import io.calbridge.platform.crypto.SecretsOwner;
import io.calbridge.platform.crypto.TokenCipher;
import io.calbridge.platform.web.ApiProblem;
import io.calbridge.provider.ProviderException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Hands out valid access tokens for connections, refreshing them ahead of expiry. A refresh locks the connection's
 * row, so concurrent callers (on any instance) wait for the one refresh and then use its result.
 */
@Service
public class TokenService implements SecretsOwner {

    /** Refresh this long before the provider's expiry, so a token never runs out mid-request. */
    static final Duration REFRESH_AHEAD = Duration.ofMinutes(2);

    private static final Logger log = LoggerFactory.getLogger(TokenService.class);

    private final ConnectionRepository connections;
    private final OAuthClients oauth;
    private final TokenCipher cipher;
    private final TransactionTemplate transactions;
    private final Clock clock;

    TokenService(ConnectionRepository connections, OAuthClients oauth, TokenCipher cipher, TransactionTemplate transactions,
            Clock clock) {
        this.connections = connections;
        this.oauth = oauth;
        this.cipher = cipher;
        this.transactions = transactions;
        this.clock = clock;
    }

    /**
     * A valid access token for the connection.
     *
     * @throws ProviderException.AuthRevoked when the connection needs the user to reconnect (nothing is retried then)
     * @throws ProviderException.Transient   when the token endpoint fails for now
     */
    public String accessToken(UUID connectionId) {
        TokenRow row = connections.tokens(connectionId).orElseThrow(() -> ApiProblem.notFound("connection"));
        if (row.status() == ConnectionStatus.NEEDS_REAUTH) {
            throw new ProviderException.AuthRevoked("connection needs reauthorization", null);
        }
        if (fresh(row)) {
            return cipher.decrypt(row.access(), accessContext(row.id()));
        }
        RefreshOutcome outcome = transactions.execute(tx -> refreshLocked(connectionId));
        if (outcome.revoked() != null) {
            throw outcome.revoked();
        }
        return outcome.accessToken();
    }

    /** Runs with the row locked; re-checks, because another caller may have refreshed while this one waited. */
    private RefreshOutcome refreshLocked(UUID connectionId) {
        TokenRow row = connections.lockTokens(connectionId).orElseThrow(() -> ApiProblem.notFound("connection"));
        if (row.status() == ConnectionStatus.NEEDS_REAUTH) {
            return RefreshOutcome.revoked(new ProviderException.AuthRevoked("connection needs reauthorization", null));
        }
        if (fresh(row)) {
            return RefreshOutcome.token(cipher.decrypt(row.access(), accessContext(row.id())));
        }
        String refreshToken = cipher.decrypt(row.refresh(), refreshContext(row.id()));
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
        EncryptedTokens tokens = encrypt(row.id(), response);
        connections.storeRefreshedTokens(row.id(), tokens, clock.instant());
        log.debug("refreshed access token of connection {}", row.id());
        return RefreshOutcome.token(response.getAccessToken().getTokenValue());
    }

    private RefreshOutcome markRevoked(TokenRow row, String reason) {
        connections.markNeedsReauth(row.id(), reason, clock.instant());
        log.info("connection {} needs reauthorization: {}", row.id(), reason);
        return RefreshOutcome.revoked(new ProviderException.AuthRevoked(reason, null));
    }

    /** Seals a token response for the connection's row; no refresh token in it (Google's refresh) keeps the old one. */
    EncryptedTokens encrypt(UUID connectionId, OAuth2AccessTokenResponse response) {
        OAuth2RefreshToken refresh = response.getRefreshToken();
        return new EncryptedTokens(
                cipher.encrypt(response.getAccessToken().getTokenValue(), accessContext(connectionId)),
                refresh == null ? null : cipher.encrypt(refresh.getTokenValue(), refreshContext(connectionId)),
                response.getAccessToken().getExpiresAt(),
                response.getAccessToken().getScopes().isEmpty() ? null : String.join(" ", response.getAccessToken().getScopes()));
    }

    /** The token to revoke at the provider on disconnect: the refresh token if any (it revokes the whole grant). */
    String revocableToken(UUID connectionId) {
        return connections.tokens(connectionId).map(row -> {
            String refresh = cipher.decrypt(row.refresh(), refreshContext(row.id()));
            return refresh != null ? refresh : cipher.decrypt(row.access(), accessContext(row.id()));
        }).orElse(null);
    }

    @Override
    public int reencryptAll(TokenCipher current) {
        int count = 0;
        for (TokenRow row : connections.allTokens()) {
            if (current.isCurrent(row.access()) && current.isCurrent(row.refresh())) {
                continue;
            }
            byte[] access = current.encrypt(current.decrypt(row.access(), accessContext(row.id())), accessContext(row.id()));
            byte[] refresh = current.encrypt(current.decrypt(row.refresh(), refreshContext(row.id())), refreshContext(row.id()));
            if (connections.replaceCiphertexts(row.id(), row.version(), access, refresh)) {
                count++;
            } else {
                log.info("connection {} changed during re-encryption; its new tokens are sealed with the current key already", row.id());
            }
        }
        return count;
    }

    private boolean fresh(TokenRow row) {
        return row.access() != null && (row.expiresAt() == null || row.expiresAt().isAfter(clock.instant().plus(REFRESH_AHEAD)));
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
