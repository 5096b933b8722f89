package io.calbridge.provider.microsoft;

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

/** The environment variables of CONTRACT.md bind to the adapter's settings, with Microsoft's real endpoints as defaults. */
class MicrosoftSettingsTest {

    @Test
    void withNothingSetTheSettingsAreMicrosoftsRealEndpointsForTenantCommonAndNoClient() {
        MicrosoftSettings settings = bind(Map.of());

        assertThat(settings.configured()).isFalse();
        assertThat(settings.tenantId()).isEqualTo("common");
        assertThat(settings.authUri()).isEqualTo("https://login.microsoftonline.com/common/oauth2/v2.0/authorize");
        assertThat(settings.tokenUri()).isEqualTo("https://login.microsoftonline.com/common/oauth2/v2.0/token");
        assertThat(settings.graphBaseUrl()).isEqualTo("https://graph.microsoft.com/v1.0");
        assertThat(settings.graphHost()).isEqualTo("graph.microsoft.com");
        assertThat(settings.sandbox()).isFalse();
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.readTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings).isEqualTo(MicrosoftSettings.defaults());
    }

    @Test
    void aTenantIdNamesTheDefaultEndpoints() {
        MicrosoftSettings settings = bind(Map.of("MICROSOFT_TENANT_ID", "84841066-274d-4ec0-a5c1-276be684bdd3"));

        assertThat(settings.authUri()).isEqualTo("https://login.microsoftonline.com/84841066-274d-4ec0-a5c1-276be684bdd3/oauth2/v2.0/authorize");
        assertThat(settings.tokenUri()).isEqualTo("https://login.microsoftonline.com/84841066-274d-4ec0-a5c1-276be684bdd3/oauth2/v2.0/token");
    }

    @Test
    void environmentVariablesOfTheContractBindEachSetting() {
        MicrosoftSettings settings = bind(Map.of(
                "MICROSOFT_CLIENT_ID", "24d3b144-21ae-4080-943f-7067b395b913",
                "MICROSOFT_CLIENT_SECRET", "test-client-secret",
                "MICROSOFT_TENANT_ID", "organizations",
                "MICROSOFT_AUTH_URI", "http://127.0.0.1:9100/common/oauth2/v2.0/authorize",
                "MICROSOFT_TOKEN_URI", "http://127.0.0.1:9100/common/oauth2/v2.0/token",
                "MICROSOFT_GRAPH_BASE_URL", "http://127.0.0.1:9100/v1.0/",
                "MICROSOFT_SANDBOX", "true",
                "MICROSOFT_CONNECT_TIMEOUT", "2s",
                "MICROSOFT_READ_TIMEOUT", "5s"));

        assertThat(settings.configured()).isTrue();
        assertThat(settings.clientId()).isEqualTo("24d3b144-21ae-4080-943f-7067b395b913");
        assertThat(settings.clientSecret()).isEqualTo("test-client-secret");
        assertThat(settings.tenantId()).isEqualTo("organizations");
        assertThat(settings.authUri()).isEqualTo("http://127.0.0.1:9100/common/oauth2/v2.0/authorize");
        assertThat(settings.tokenUri()).isEqualTo("http://127.0.0.1:9100/common/oauth2/v2.0/token");
        assertThat(settings.graphBaseUrl()).as("no trailing slash").isEqualTo("http://127.0.0.1:9100/v1.0");
        assertThat(settings.graphHost()).isEqualTo("127.0.0.1");
        assertThat(settings.sandbox()).isTrue();
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.readTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.toString()).doesNotContain("test-client-secret");
    }

    @Test
    void blankClientIdMeansNotConfigured() {
        assertThat(bind(Map.of("MICROSOFT_CLIENT_ID", " ")).configured()).isFalse();
    }

    private static MicrosoftSettings bind(Map<String, Object> environment) {
        MutablePropertySources sources = new MutablePropertySources();
        sources.addFirst(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment));
        return new Binder(ConfigurationPropertySources.from(sources))
                .bindOrCreate("microsoft", Bindable.of(MicrosoftSettings.class));
    }
}
