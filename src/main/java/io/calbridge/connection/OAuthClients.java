package io.calbridge.connection;

import io.calbridge.platform.CalbridgeProperties;
import io.calbridge.platform.web.ApiProblem;
import io.calbridge.provider.CalendarProvider;
import io.calbridge.provider.OAuthClient;
import io.calbridge.provider.ProviderRegistry;
import java.time.Duration;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.RestClientAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.RestClientRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.client.http.OAuth2ErrorResponseErrorHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/**
 * Spring Security's OAuth2 client machinery, fed from the provider adapters' {@link OAuthClient} settings: client
 * registrations and the token endpoint calls (code exchange with PKCE, refresh).
 */
@Component
class OAuthClients {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(20);

    private final ProviderRegistry providers;
    private final CalbridgeProperties properties;
    private final RestClientAuthorizationCodeTokenResponseClient codeExchange = new RestClientAuthorizationCodeTokenResponseClient();
    private final RestClientRefreshTokenTokenResponseClient refresh = new RestClientRefreshTokenTokenResponseClient();

    OAuthClients(ProviderRegistry providers, CalbridgeProperties properties) {
        this.providers = providers;
        this.properties = properties;
        RestClient tokenEndpoint = tokenEndpointClient();
        codeExchange.setRestClient(tokenEndpoint);
        refresh.setRestClient(tokenEndpoint);
    }

    /** The adapter of a configured provider: 404 for an unknown provider, 409 for one without an OAuth client. */
    CalendarProvider configuredProvider(String providerId) {
        CalendarProvider provider = providers.find(providerId).orElseThrow(() -> ApiProblem.notFound("provider '" + providerId + "'"));
        if (!provider.descriptor().configured()) {
            throw new ApiProblem(HttpStatus.CONFLICT, "provider_not_configured", "provider '" + providerId
                    + "' has no OAuth client configured on this calbridge");
        }
        return provider;
    }

    OAuthClient settings(String providerId) {
        return configuredProvider(providerId).descriptor().oauth().orElseThrow();
    }

    ClientRegistration registration(String providerId) {
        OAuthClient client = settings(providerId);
        return ClientRegistration.withRegistrationId(providerId)
                .clientId(client.clientId())
                .clientSecret(client.clientSecret())
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri(properties.oauthRedirectUri(providerId))
                .scope(client.scopes())
                .authorizationUri(client.authorizationUri())
                .tokenUri(client.tokenUri())
                .build();
    }

    OAuth2AccessTokenResponse exchange(OAuth2AuthorizationCodeGrantRequest request) {
        return codeExchange.getTokenResponse(request);
    }

    OAuth2AccessTokenResponse refresh(OAuth2RefreshTokenGrantRequest request) {
        return refresh.getTokenResponse(request);
    }

    private static RestClient tokenEndpointClient() {
        SimpleClientHttpRequestFactory factory = new SimpleClientHttpRequestFactory();
        factory.setConnectTimeout(CONNECT_TIMEOUT);
        factory.setReadTimeout(READ_TIMEOUT);
        return RestClient.builder()
                .requestFactory(factory)
                .messageConverters(converters -> {
                    converters.clear();
                    converters.addAll(List.of(new FormHttpMessageConverter(), new OAuth2AccessTokenResponseHttpMessageConverter()));
                })
                .defaultStatusHandler(new OAuth2ErrorResponseErrorHandler())
                .build();
    }
}
