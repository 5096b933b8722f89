package io.calbridge.testing;

import io.calbridge.provider.AccountInfo;
import io.calbridge.provider.CalendarInfo;
import io.calbridge.provider.OAuthClient;
import io.calbridge.provider.ProviderDescriptor;
import io.calbridge.provider.ProviderException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;
import tools.jackson.databind.JsonNode;

/**
 * A provider whose authorization server is mock-oauth2-server (issuer {@value OAuthServers#PROVIDER}): it proves the
 * connect flow against a real OAuth server. The account is the token's subject, read from the userinfo endpoint;
 * it has no events (the calendar adapters are tested against their own emulators).
 */
public class MockOidcCalendarProvider extends AccountOnlyProvider {

    public static final String ID = "mockcal";

    private final MockOAuth2Server server = OAuthServers.server();
    private final RestClient http = RestClient.create();

    @Override
    public ProviderDescriptor descriptor() {
        OAuthClient client = new OAuthClient("calbridge-test-client", "test-secret",
                server.authorizationEndpointUrl(OAuthServers.PROVIDER).toString(),
                server.tokenEndpointUrl(OAuthServers.PROVIDER).toString(),
                server.revocationEndpointUrl(OAuthServers.PROVIDER).toString(),
                List.of("openid", "email", "calendar"), Map.of("access_type", "offline", "prompt", "consent"), true);
        return new ProviderDescriptor(ID, "Mock OIDC calendar", Set.of(), Optional.of(client), true);
    }

    @Override
    public AccountInfo account(String accessToken) {
        JsonNode info = userInfo(accessToken);
        return new AccountInfo(info.path("sub").asText(), info.path("email").asText(null));
    }

    @Override
    public List<CalendarInfo> calendars(String accessToken) {
        String email = userInfo(accessToken).path("email").asText("unknown@example.com");
        return List.of(new CalendarInfo(email, "Main", "#039be5", true, true, "Europe/Berlin"),
                new CalendarInfo("holidays", "Holidays", "#0b8043", false, false, "Europe/Berlin"));
    }

    @Override
    public void revoke(String token) {
        LinkedMultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("token", token);
        form.add("client_id", "calbridge-test-client");
        http.post().uri(server.revocationEndpointUrl(OAuthServers.PROVIDER).toString())
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).body(form).retrieve().toBodilessEntity();
    }

    private JsonNode userInfo(String accessToken) {
        try {
            String body = http.get().uri(server.userInfoUrl(OAuthServers.PROVIDER).toString())
                    .header("Authorization", "Bearer " + accessToken).retrieve().body(String.class);
            return Api.JSON.readTree(body);
        } catch (RestClientResponseException e) {
            HttpStatusCode status = e.getStatusCode();
            if (status.value() == 401) {
                throw new ProviderException.AuthRevoked("userinfo refused the token", e);
            }
            throw new ProviderException.Transient("userinfo failed with " + status.value(), e);
        }
    }
}
