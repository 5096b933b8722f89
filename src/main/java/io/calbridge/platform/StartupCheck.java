package io.calbridge.platform;

import java.util.Optional;
import org.springframework.core.env.Environment;

/** Settings without which the service must not start. */
public final class StartupCheck {

    private StartupCheck() {
    }

    public static Optional<String> problem(Environment env) {
        if (!hasText(env.getProperty("spring.datasource.url"))) {
            return Optional.of("no database configured; set SPRING_DATASOURCE_URL (and _USERNAME, _PASSWORD) to a PostgreSQL database");
        }
        if (!hasText(env.getProperty("calbridge.token-keys"))) {
            return Optional.of("no token encryption key configured; set CALBRIDGE_TOKEN_KEYS to id:base64 of 32 random bytes (openssl rand -base64 32)");
        }
        return Optional.empty();
    }

    private static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }
}
