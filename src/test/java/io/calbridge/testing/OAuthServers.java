package io.calbridge.testing;

import no.nav.security.mock.oauth2.MockOAuth2Server;

/**
 * One mock-oauth2-server per test JVM, a real OAuth2/OIDC server over HTTP. Issuer {@value #PROVIDER} stands in for a
 * calendar provider's authorization server, issuer {@value #APP} for the app's identity provider (end-user JWTs).
 */
public final class OAuthServers {

    public static final String PROVIDER = "provider";
    public static final String APP = "app";

    private static MockOAuth2Server server;

    private OAuthServers() {
    }

    public static synchronized MockOAuth2Server server() {
        if (server == null) {
            server = new MockOAuth2Server();
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown));
        }
        return server;
    }

    /** A JWT of the app's identity provider for {@code userId}. */
    public static String userJwt(String userId) {
        return server().issueToken(APP, userId, "calbridge").serialize();
    }
}
