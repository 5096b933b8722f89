package io.calbridge.testing;

import io.calbridge.CalbridgeApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** A calbridge started and stopped by the test itself, for what needs restarts or its own configuration. */
public record RunningCalbridge(ConfigurableApplicationContext context, Api api) implements AutoCloseable {

    /** On its own free port and the given database; {@code overrides} win over the test defaults. */
    public static RunningCalbridge start(String database, Map<String, Object> overrides) {
        return start(database, overrides, new Class<?>[0]);
    }

    /** As {@link #start(String, Map)}, with more configuration of the test's own ({@code extraSources}). */
    public static RunningCalbridge start(String database, Map<String, Object> overrides, Class<?>... extraSources) {
        int port = freePort();
        Map<String, Object> properties = new HashMap<>();
        properties.put("server.port", port);
        properties.put("calbridge.public-url", "http://localhost:" + port);
        properties.put("spring.datasource.url", TestDatabase.url(database));
        properties.put("spring.datasource.username", "postgres");
        properties.put("spring.datasource.password", "");
        properties.put("calbridge.api-keys", TestKeys.API_KEY);
        properties.put("spring.security.oauth2.resourceserver.jwt.issuer-uri", OAuthServers.server().issuerUrl(OAuthServers.APP).toString());
        properties.putAll(overrides);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(CalbridgeApplication.class, TestProviders.class)
                .sources(extraSources).properties(properties).run();
        return new RunningCalbridge(context, new Api("http://localhost:" + port));
    }

    @Override
    public void close() {
        context.close();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
