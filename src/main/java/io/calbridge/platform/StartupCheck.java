package io.calbridge.platform;

import com.ulisesbocchio.jasyptspringboot.encryptor.DefaultLazyEncryptor;
import com.ulisesbocchio.jasyptspringboot.resolver.DefaultPropertyResolver;
import io.calbridge.platform.crypto.TokenCipher;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import java.io.IOException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.BindMethod;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.bind.PlaceholdersResolver;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;
import org.springframework.validation.annotation.Validated;
import org.springframework.validation.beanvalidation.SpringValidatorAdapter;

/**
 * Settings without which, or with which, the service must not start. Checked as soon as the environment is known,
 * before the banner and before anything connects or listens, so that a mistake ends the start with one line naming
 * the variable and what is wrong with it, instead of a page of stack trace: a missing or unreachable database, token
 * keys that are not {@code id:base64} of 32 bytes, and any {@code @ConfigurationProperties} value that does not bind
 * (a duration {@code abc}) or breaks its constraints (a public URL that is not http(s)).
 */
public final class StartupCheck {

    /** How long the database may take to accept a connection and a login before it counts as unreachable. */
    private static final Duration DATABASE_TIMEOUT = Duration.ofSeconds(10);

    private StartupCheck() {
    }

    /**
     * The first problem, or empty. {@code basePackage} is where the {@code @ConfigurationProperties} records are found.
     */
    public static Optional<String> problem(ConfigurableEnvironment env, String basePackage) {
        PlainValues values = new PlainValues(env);
        return missingSetting(env)
                .or(() -> unbindableSetting(env, values, basePackage))
                .or(() -> malformedTokenKeys(values))
                .or(() -> unreachableDatabase(values));
    }

    private static Optional<String> missingSetting(ConfigurableEnvironment env) {
        if (!hasText(env.getProperty("spring.datasource.url"))) {
            return Optional.of("no database configured; set SPRING_DATASOURCE_URL (and _USERNAME, _PASSWORD) to a PostgreSQL database");
        }
        if (!hasText(env.getProperty("calbridge.token-keys"))) {
            return Optional.of("no token encryption key configured; set CALBRIDGE_TOKEN_KEYS to id:base64 of 32 random bytes (openssl rand -base64 32)");
        }
        return Optional.empty();
    }

    // ---- configuration properties: bound and validated as the context will, but first ---------------------------

    private static Optional<String> unbindableSetting(ConfigurableEnvironment env, PlainValues values, String basePackage) {
        Binder binder = new Binder(ConfigurationPropertySources.get(env), values);
        try (ValidatorFactory validation = Validation.buildDefaultValidatorFactory()) {
            BindHandler validating = new ValidationBindHandler(new SpringValidatorAdapter(validation.getValidator()));
            for (Class<?> type : configurationPropertiesTypes(basePackage)) {
                String prefix = MergedAnnotations.from(type).get(ConfigurationProperties.class).getString("prefix");
                BindHandler handler = type.isAnnotationPresent(Validated.class) ? validating : BindHandler.DEFAULT;
                try {
                    binder.bindOrCreate(prefix, Bindable.of(type).withBindMethod(BindMethod.VALUE_OBJECT), handler);
                } catch (BindException e) {
                    return Optional.of(describe(e));
                }
            }
        }
        return Optional.empty();
    }

    private static List<Class<?>> configurationPropertiesTypes(String basePackage) {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        List<Class<?>> types = new ArrayList<>();
        for (BeanDefinition candidate : scanner.findCandidateComponents(basePackage)) {
            types.add(ClassUtils.resolveClassName(candidate.getBeanClassName(), StartupCheck.class.getClassLoader()));
        }
        return types;
    }

    private static String describe(BindException e) {
        if (e.getCause() instanceof BindValidationException invalid) {
            ObjectError error = invalid.getValidationErrors().getAllErrors().get(0);
            String object = invalid.getValidationErrors().getName().toString();
            if (error instanceof FieldError field) {
                return setting(object + "." + DataObjectPropertyName.toDashedForm(field.getField()), field.getRejectedValue())
                        + " " + field.getDefaultMessage();
            }
            return variable(object) + ": " + error.getDefaultMessage();
        }
        String property = e.getName().toString();
        Object value = e.getProperty() == null ? null : e.getProperty().getValue();
        if (causedByDecryption(e)) {
            return variable(property) + " is an ENC(...) value that cannot be decrypted: check JASYPT_ENCRYPTOR_PASSWORD";
        }
        Class<?> type = e.getTarget().getType().resolve(Object.class);
        return setting(property, value) + " " + expected(type, String.valueOf(rootCause(e).getMessage()));
    }

    private static String expected(Class<?> type, String detail) {
        if (type == Duration.class) {
            return "is not a duration: write it as ISO-8601 (PT2M, PT30S) or with a unit (2m, 30s, 500ms)";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "is not a whole number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "is neither true nor false";
        }
        if (type == java.net.URI.class || type == java.net.URL.class) {
            return "is not a URL";
        }
        return "cannot be read as " + type.getSimpleName() + ": " + detail;
    }

    private static boolean causedByDecryption(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            String name = cause.getClass().getName();
            if (name.startsWith("org.jasypt.") || name.startsWith("com.ulisesbocchio.")
                    || String.valueOf(cause.getMessage()).contains("jasypt.encryptor")) {
                return true;
            }
        }
        return false;
    }

    // ---- token keys -----------------------------------------------------------------------------------------

    private static Optional<String> malformedTokenKeys(PlainValues values) {
        try {
            TokenCipher.fromSpec(values.get("calbridge.token-keys"));
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage()); // names CALBRIDGE_TOKEN_KEYS and the key id, never key material
        } catch (RuntimeException e) {
            return Optional.of("CALBRIDGE_TOKEN_KEYS is an ENC(...) value that cannot be decrypted: check JASYPT_ENCRYPTOR_PASSWORD");
        }
    }

    // ---- the database ---------------------------------------------------------------------------------------

    private static Optional<String> unreachableDatabase(PlainValues values) {
        String url;
        Properties login = new Properties();
        try {
            url = values.get("spring.datasource.url").trim();
            putIfPresent(login, "user", values.get("spring.datasource.username"));
            putIfPresent(login, "password", values.get("spring.datasource.password"));
        } catch (RuntimeException e) {
            return Optional.of("SPRING_DATASOURCE_* holds an ENC(...) value that cannot be decrypted: check JASYPT_ENCRYPTOR_PASSWORD");
        }
        String shown = "SPRING_DATASOURCE_URL=" + withoutPassword(url);
        if (!url.startsWith("jdbc:postgresql:")) {
            return Optional.of(shown + " is not a PostgreSQL JDBC URL (jdbc:postgresql://host:5432/database)");
        }
        // PostgreSQL's driver takes both in seconds: a host that drops packets, or accepts and never answers, must
        // not hold the start for minutes
        login.setProperty("connectTimeout", Long.toString(DATABASE_TIMEOUT.toSeconds()));
        login.setProperty("loginTimeout", Long.toString(DATABASE_TIMEOUT.toSeconds()));
        try (Connection connection = DriverManager.getConnection(url, login)) {
            return Optional.empty();
        } catch (SQLException e) {
            return Optional.of("cannot reach the database at " + shown + ": " + reason(e));
        }
    }

    private static void putIfPresent(Properties properties, String name, String value) {
        if (value != null) {
            properties.setProperty(name, value);
        }
    }

    /** A network fault says it best itself ("Connection refused"); the driver's own words otherwise ("password ... failed"). */
    private static String reason(SQLException e) {
        Throwable root = rootCause(e);
        if (root instanceof UnknownHostException) {
            return "unknown host " + root.getMessage();
        }
        String message = root instanceof IOException && root.getMessage() != null ? root.getMessage() : e.getMessage();
        return String.valueOf(message).lines().findFirst().orElse("").trim();
    }

    private static String withoutPassword(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    // ---- naming -------------------------------------------------------------------------------------------------

    /** {@code calbridge.sync-interval} as its environment variable, {@code CALBRIDGE_SYNC_INTERVAL}. */
    static String variable(String property) {
        return property.replaceAll("\\[\\d+]", "").replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /** {@code NAME=value}, or just {@code NAME} for a secret, whose value is never shown. */
    private static String setting(String property, Object value) {
        String name = variable(property);
        boolean secret = name.matches(".*(SECRET|PASSWORD|KEYS?)$");
        return secret || value == null ? name : name + "=" + value;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }

    /**
     * Values as the application will see them: placeholders resolved, and {@code ENC(...)} values decrypted as
     * jasypt will do once the context runs (with {@code JASYPT_ENCRYPTOR_PASSWORD}).
     */
    private static final class PlainValues implements PlaceholdersResolver {

        private final ConfigurableEnvironment env;
        private final PlaceholdersResolver placeholders;
        private final DefaultPropertyResolver decrypting;

        PlainValues(ConfigurableEnvironment env) {
            this.env = env;
            this.placeholders = new PropertySourcesPlaceholdersResolver(env);
            this.decrypting = new DefaultPropertyResolver(new DefaultLazyEncryptor(env), env);
        }

        String get(String property) {
            String value = env.getProperty(property); // placeholders resolved
            return value == null ? null : decrypting.resolvePropertyValue(value);
        }

        @Override
        public Object resolvePlaceholders(Object value) {
            Object resolved = placeholders.resolvePlaceholders(value);
            return resolved instanceof String text ? decrypting.resolvePropertyValue(text) : resolved;
        }
    }
}
