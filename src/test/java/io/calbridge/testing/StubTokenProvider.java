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

/**
 * A provider whose token endpoint is {@link TokenEndpointStub}; its API accepts only access tokens the stub issued,
 * so a call succeeds only with a valid (refreshed) token, and reports a refused one as any adapter must: 401,
 * {@link ProviderException.Unauthorized}. Without PKCE and revocation, like some providers.
 */
public class StubTokenProvider extends AccountOnlyProvider {

    public static final String ID = "stubcal";

    private final TokenEndpointStub stub = TokenEndpointStub.instance();

    @Override
    public ProviderDescriptor descriptor() {
        OAuthClient client = new OAuthClient("stub-client", "stub-secret", stub.url("/authorize"), stub.url("/token"), null,
                List.of("calendar"), Map.of(), false);
        return new ProviderDescriptor(ID, "Stub token endpoint", Set.of(), Optional.of(client), true);
    }

    @Override
    public AccountInfo account(String accessToken) {
        check(accessToken);
        return new AccountInfo("stub-account", "stub@example.com");
    }

    @Override
    public List<CalendarInfo> calendars(String accessToken) {
        check(accessToken);
        return List.of(new CalendarInfo("primary", "Stub", null, true, true, "UTC"));
    }

    @Override
    public void revoke(String token) {
        stub.revoke(token);
    }

    private void check(String accessToken) {
        if (!stub.isValid(accessToken)) {
            throw new ProviderException.Unauthorized("stub API answered 401: the access token was refused", null);
        }
    }
}
