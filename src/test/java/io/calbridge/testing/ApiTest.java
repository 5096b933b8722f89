package io.calbridge.testing;

import io.calbridge.CalbridgeApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * calbridge running on a real port against the shared embedded PostgreSQL, end-user JWTs from mock-oauth2-server.
 * All subclasses share one application context (and so one fixed port); tests keep apart by user id.
 */
@SpringBootTest(classes = {CalbridgeApplication.class, TestProviders.class}, webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
public abstract class ApiTest {

    public static final String RETURN_URL = "https://app.example.com/connected";
    private static final int PORT = freePort();
    protected static final String BASE_URL = "http://localhost:" + PORT;
    private static final String TOKEN_KEY = TestKeys.tokenKey("test1");

    protected final Api api = new Api(BASE_URL);

    @Autowired
    protected JdbcClient jdbc;

    @DynamicPropertySource
    static void calbridgeProperties(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
        registry.add("calbridge.public-url", () -> BASE_URL);
        registry.add("calbridge.allowed-return-urls", () -> RETURN_URL);
        registry.add("spring.datasource.url", TestDatabase::sharedUrl);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
        registry.add("calbridge.token-keys", () -> TOKEN_KEY);
        registry.add("calbridge.api-keys", () -> TestKeys.API_KEY);
        registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri",
                () -> OAuthServers.server().issuerUrl(OAuthServers.APP).toString());
        GoogleEmulators.register(registry);
        // small pages, so that a few hundred events already take several; short waits between retries
        registry.add("calbridge.sync.page-size", () -> 200);
        registry.add("calbridge.sync.max-page-wait", () -> "PT1S");
        registry.add("calbridge.sync.retry-base", () -> "PT0.2S");
        registry.add("calbridge.sync.retry-max", () -> "PT2S");
        // test receivers of webhook notifications listen on localhost
        registry.add("calbridge.webhook.allowed-hosts", () -> "localhost");
        // webhooks: the schedule's steps in fractions of a second (its longest, 2 s, caps a Retry-After), a 2 s timeout
        registry.add("calbridge.webhook.retry-schedule", () -> "PT0.2S,PT0.2S,PT0.2S,PT0.2S,PT0.2S,PT0.5S,PT2S");
        registry.add("calbridge.webhook.timeout", () -> "PT2S");
        registry.add("calbridge.webhook.poll-interval", () -> "PT0.2S");
    }

    protected static String uniqueUser() {
        return "user-" + java.util.UUID.randomUUID();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
