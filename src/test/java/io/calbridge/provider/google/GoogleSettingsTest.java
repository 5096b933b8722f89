package io.calbridge.provider.google;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The environment variables of CONTRACT.md bind to the adapter's settings, with Google's real endpoints as defaults. */
class GoogleSettingsTest {

    @Test
    void withNothingSetTheSettingsAreGooglesRealEndpointsAndNoClient() {
        GoogleSettings settings = bind(Map.of());

        assertThat(settings.configured()).isFalse();
        assertThat(settings.authUri()).isEqualTo("https://accounts.google.com/o/oauth2/v2/auth");
        assertThat(settings.tokenUri()).isEqualTo("https://oauth2.googleapis.com/token");
        assertThat(settings.revokeUri()).isEqualTo("https://oauth2.googleapis.com/revoke");
        assertThat(settings.apiBaseUrl()).isEqualTo("https://www.googleapis.com/");
        assertThat(settings.sandbox()).isFalse();
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.readTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings).isEqualTo(GoogleSettings.defaults());
    }

    @Test
    void environmentVariablesOfTheContractBindEachSetting() {
        GoogleSettings settings = bind(Map.of(
                "GOOGLE_CLIENT_ID", "1234-abc.apps.googleusercontent.com",
                "GOOGLE_CLIENT_SECRET", "test-client-secret",
                "GOOGLE_AUTH_URI", "http://127.0.0.1:9000/o/oauth2/v2/auth",
                "GOOGLE_TOKEN_URI", "http://127.0.0.1:9000/token",
                "GOOGLE_REVOKE_URI", "http://127.0.0.1:9000/revoke",
                "GOOGLE_API_BASE_URL", "http://127.0.0.1:9000",
                "GOOGLE_SANDBOX", "true",
                "GOOGLE_READ_TIMEOUT", "5s"));

        assertThat(settings.configured()).isTrue();
        assertThat(settings.clientId()).isEqualTo("1234-abc.apps.googleusercontent.com");
        assertThat(settings.clientSecret()).isEqualTo("test-client-secret");
        assertThat(settings.authUri()).isEqualTo("http://127.0.0.1:9000/o/oauth2/v2/auth");
        assertThat(settings.tokenUri()).isEqualTo("http://127.0.0.1:9000/token");
        assertThat(settings.revokeUri()).isEqualTo("http://127.0.0.1:9000/revoke");
        assertThat(settings.apiBaseUrl()).as("a trailing slash is added").isEqualTo("http://127.0.0.1:9000/");
        assertThat(settings.sandbox()).isTrue();
        assertThat(settings.readTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.toString()).doesNotContain("test-client-secret");
    }

    @Test
    void blankClientIdMeansNotConfigured() {
        assertThat(bind(Map.of("GOOGLE_CLIENT_ID", " ")).configured()).isFalse();
    }

    private static GoogleSettings bind(Map<String, Object> environment) {
        MutablePropertySources sources = new MutablePropertySources();
        sources.addFirst(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment));
        return new Binder(ConfigurationPropertySources.from(sources))
                .bindOrCreate("google", Bindable.of(GoogleSettings.class));
    }
}
