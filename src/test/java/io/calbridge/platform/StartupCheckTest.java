package io.calbridge.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.CalbridgeApplication;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.TestKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The check before start-up, in-process, with settings given as environment variables exactly as ops write them.
 * PackagedJarIT shows, with the real jar, that such a problem is all the process prints.
 */
class StartupCheckTest {

    /** Settings that pass every check before the database's; the database is reached only where a case says so. */
    private static final Map<String, Object> PLAUSIBLE = Map.of(
            "SPRING_DATASOURCE_URL", "jdbc:postgresql://127.0.0.1:1/calbridge",
            "CALBRIDGE_TOKEN_KEYS", TestKeys.tokenKey("k1"));

    static Stream<Arguments> badSettings() {
        String shortKey = "k1:" + Base64.getEncoder().encodeToString(new byte[16]);
        return Stream.of(
                Arguments.of(Map.of("SPRING_DATASOURCE_URL", ""), "no database configured; set SPRING_DATASOURCE_URL"),
                Arguments.of(Map.of("CALBRIDGE_TOKEN_KEYS", " "), "no token encryption key configured; set CALBRIDGE_TOKEN_KEYS"),
                Arguments.of(Map.of("CALBRIDGE_TOKEN_KEYS", "abc"), "CALBRIDGE_TOKEN_KEYS entries must be id:base64"),
                Arguments.of(Map.of("CALBRIDGE_TOKEN_KEYS", shortKey), "CALBRIDGE_TOKEN_KEYS key 'k1' must be 32 bytes, is 16"),
                Arguments.of(Map.of("CALBRIDGE_TOKEN_KEYS", "k1:not*base64"), "CALBRIDGE_TOKEN_KEYS key 'k1' is not valid base64"),
                Arguments.of(Map.of("CALBRIDGE_TOKEN_KEYS", "ENC(bm90IGVuY3J5cHRlZA==)"),
                        "CALBRIDGE_TOKEN_KEYS is an ENC(...) value that cannot be decrypted: check JASYPT_ENCRYPTOR_PASSWORD"),
                Arguments.of(Map.of("CALBRIDGE_SYNC_INTERVAL", "abc"), "CALBRIDGE_SYNC_INTERVAL=abc is not a duration"),
                Arguments.of(Map.of("CALBRIDGE_SYNC_INTERVAL", "PT0S"), "CALBRIDGE_SYNC_INTERVAL=PT0S must be a positive duration"),
                Arguments.of(Map.of("CALBRIDGE_SYNC_LEASE", "5 minutes"), "CALBRIDGE_SYNC_LEASE=5 minutes is not a duration"),
                Arguments.of(Map.of("CALBRIDGE_SYNC_RETRY_BASE", "-PT1S"), "CALBRIDGE_SYNC_RETRY_BASE=PT-1S must be a positive duration"),
                Arguments.of(Map.of("CALBRIDGE_SYNC_NOTIFICATION_DELAY", "-1s"),
                        "CALBRIDGE_SYNC_NOTIFICATION_DELAY=PT-1S must not be a negative duration"),
                Arguments.of(Map.of("CALBRIDGE_SYNC_WORKERS", "many"), "CALBRIDGE_SYNC_WORKERS=many is not a whole number"),
                Arguments.of(Map.of("CALBRIDGE_SYNC_WORKERS", "0"), "CALBRIDGE_SYNC_WORKERS=0 must be greater than or equal to 1"),
                Arguments.of(Map.of("CALBRIDGE_SYNC_PAGE_SIZE", "5000"), "CALBRIDGE_SYNC_PAGE_SIZE=5000 must be less than or equal to 2500"),
                Arguments.of(Map.of("CALBRIDGE_AVAILABILITY_FRESH_TIMEOUT", "-PT1S"),
                        "CALBRIDGE_AVAILABILITY_FRESH_TIMEOUT=PT-1S must not be a negative duration"),
                Arguments.of(Map.of("CALBRIDGE_AVAILABILITY_CACHE_MAX_INTERVALS", "lots"),
                        "CALBRIDGE_AVAILABILITY_CACHE_MAX_INTERVALS=lots is not a whole number"),
                Arguments.of(Map.of("CALBRIDGE_MAX_REQUEST_BYTES", "0"), "CALBRIDGE_MAX_REQUEST_BYTES=0 must be greater than 0"),
                Arguments.of(Map.of("CALBRIDGE_ADMIN_ROLE", " "), "CALBRIDGE_ADMIN_ROLE=  must not be blank"),
                Arguments.of(Map.of("CALBRIDGE_PUBLIC_URL", "calbridge.example.com"),
                        "CALBRIDGE_PUBLIC_URL=calbridge.example.com is not an http(s) URL with a host"),
                Arguments.of(Map.of("CALBRIDGE_PUBLIC_URL", "http://exa mple.com"),
                        "CALBRIDGE_PUBLIC_URL=http://exa%20mple.com is not an http(s) URL with a host"),
                Arguments.of(Map.of("CALBRIDGE_ALLOWED_RETURN_URLS", "https://app.example.com/,javascript:alert(1)"),
                        "CALBRIDGE_ALLOWED_RETURN_URLS=javascript:alert(1) is not an http(s) URL with a host"),
                Arguments.of(Map.of("GOOGLE_TOKEN_URI", "ftp://tokens.example.com"), "GOOGLE_TOKEN_URI=ftp://tokens.example.com is not an http(s) URL"),
                Arguments.of(Map.of("GOOGLE_READ_TIMEOUT", "soon"), "GOOGLE_READ_TIMEOUT=soon is not a duration"),
                Arguments.of(Map.of("GOOGLE_SANDBOX", "perhaps"), "GOOGLE_SANDBOX=perhaps is neither true nor false"),
                Arguments.of(Map.of("SPRING_DATASOURCE_URL", "jdbc:mysql://127.0.0.1/calbridge"),
                        "SPRING_DATASOURCE_URL=jdbc:mysql://127.0.0.1/calbridge is not a PostgreSQL JDBC URL"),
                Arguments.of(Map.of("SPRING_DATASOURCE_URL", "jdbc:postgresql://127.0.0.1:" + closedPort() + "/calbridge?password=hunter2"),
                        "cannot reach the database at SPRING_DATASOURCE_URL=jdbc:postgresql://127.0.0.1:"),
                Arguments.of(Map.of("SPRING_DATASOURCE_URL", "jdbc:postgresql://no-such-host.invalid/calbridge"),
                        "cannot reach the database at SPRING_DATASOURCE_URL=jdbc:postgresql://no-such-host.invalid/calbridge: unknown host"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSettings")
    void badSettingThenOneProblemNamingTheVariable(Map<String, Object> bad, String expected) {
        Optional<String> problem = StartupCheck.problem(environment(bad), CalbridgeApplication.class.getPackageName());

        assertThat(problem).hasValueSatisfying(line -> assertThat(line).startsWith(expected).doesNotContain("hunter2").doesNotContain("\n"));
    }

    @Test
    void unreachableDatabaseSaysConnectionRefusedAndHidesThePassword() {
        Map<String, Object> bad = Map.of("SPRING_DATASOURCE_URL", "jdbc:postgresql://127.0.0.1:" + closedPort() + "/calbridge",
                "SPRING_DATASOURCE_PASSWORD", "hunter2");

        Optional<String> problem = StartupCheck.problem(environment(bad), CalbridgeApplication.class.getPackageName());

        assertThat(problem).hasValueSatisfying(line -> assertThat(line).endsWith(": Connection refused").doesNotContain("hunter2"));
    }

    @Test
    void reachableDatabaseAndValidSettingsPassEveryCheck() {
        Map<String, Object> good = new HashMap<>();
        good.put("SPRING_DATASOURCE_URL", TestDatabase.sharedUrl());
        good.put("SPRING_DATASOURCE_USERNAME", "postgres");
        good.put("SPRING_DATASOURCE_PASSWORD", "");
        good.put("CALBRIDGE_SYNC_INTERVAL", "30s");
        good.put("CALBRIDGE_PUBLIC_URL", "https://calbridge.example.com/");
        good.put("CALBRIDGE_ALLOWED_RETURN_URLS", "https://app.example.com/,http://localhost:3000/");
        good.put("GOOGLE_TOKEN_URI", "http://127.0.0.1:${server.port:8095}/token"); // placeholders resolve first

        assertThat(StartupCheck.problem(environment(good), CalbridgeApplication.class.getPackageName())).isEmpty();
    }

    /** Only the given variables (on top of the plausible ones): nothing from the build's own environment. */
    private static ConfigurableEnvironment environment(Map<String, Object> variables) {
        Map<String, Object> all = new HashMap<>(PLAUSIBLE);
        all.putAll(variables);
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        env.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, all));
        return env;
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
