package io.calbridge.provider;

import java.util.List;
import java.util.Map;

/**
 * How to obtain a user's consent and tokens from a provider.
 *
 * @param extraAuthorizationParameters e.g. Google's {@code access_type=offline} and {@code prompt=consent}
 * @param pkce whether the provider takes a PKCE S256 challenge
 * @param revocationUri where tokens are revoked; {@code null} when the provider has no such endpoint
 */
public record OAuthClient(
        String clientId,
        String clientSecret,
        String authorizationUri,
        String tokenUri,
        String revocationUri,
        List<String> scopes,
        Map<String, String> extraAuthorizationParameters,
        boolean pkce) {

    public OAuthClient {
        scopes = List.copyOf(scopes);
        extraAuthorizationParameters = Map.copyOf(extraAuthorizationParameters);
    }

    @Override
    public String toString() {
        return "OAuthClient[clientId=" + clientId + ", authorizationUri=" + authorizationUri + ", tokenUri=" + tokenUri + "]";
    }
}
