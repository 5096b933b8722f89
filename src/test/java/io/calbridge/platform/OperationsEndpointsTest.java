package io.calbridge.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.ApiTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class OperationsEndpointsTest extends ApiTest {

    @Test
    void healthIsPublicAndIncludesTheDatabase() {
        Response health = api.get("/actuator/health", Caller.anonymous());

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("status").asText()).isEqualTo("UP");
        assertThat(health.json().path("components").path("db").path("status").asText()).isEqualTo("UP");
    }

    @Test
    void prometheusNeedsAnAdminAndServesMetrics() {
        assertThat(api.get("/actuator/prometheus", Caller.anonymous()).status()).isEqualTo(401);
        assertThat(api.get("/actuator/prometheus", Caller.user(uniqueUser())).status()).isEqualTo(403);

        Response metrics = api.get("/actuator/prometheus", Caller.serviceWithoutUser());

        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes", "hikaricp_connections");
    }

    @Test
    void openApiDocumentDescribesEveryEndpointAndIsPublic() {
        Response docs = api.get("/v3/api-docs", Caller.anonymous());

        assertThat(docs.status()).isEqualTo(200);
        JsonNode paths = docs.json().path("paths");
        assertThat(paths.path("/api/v1/providers").has("get")).isTrue();
        assertThat(paths.path("/api/v1/connections").has("get")).isTrue();
        assertThat(paths.path("/api/v1/connections/{id}").has("get")).isTrue();
        assertThat(paths.path("/api/v1/connections/{id}").has("patch")).isTrue();
        assertThat(paths.path("/api/v1/connections/{id}").has("delete")).isTrue();
        assertThat(paths.path("/api/v1/connections/{id}/calendars").has("get")).isTrue();
        assertThat(paths.path("/api/v1/connections/{id}/test").has("post")).isTrue();
        assertThat(paths.path("/api/v1/connections/{provider}/authorize").has("post")).isTrue();
        assertThat(paths.path("/oauth/{provider}/callback").has("get")).isTrue();
        assertThat(paths.path("/api/v1/admin/token-keys/reencrypt").has("post")).isTrue();
        assertThat(paths.path("/api/v1/connections/{id}/sync").has("post")).isTrue();
        assertThat(paths.path("/api/v1/events").has("get")).isTrue();
        assertThat(paths.path("/api/v1/events/upcoming").has("get")).isTrue();
        assertThat(paths.path("/api/v1/appointments/{appointmentId}").has("put")).isTrue();
        assertThat(paths.path("/api/v1/appointments/{appointmentId}").has("get")).isTrue();
        assertThat(paths.path("/api/v1/appointments/{appointmentId}").has("delete")).isTrue();
        assertThat(paths.path("/api/v1/sync-logs").has("get")).isTrue();
        assertThat(paths.path("/api/v1/sync-jobs/{id}").has("get")).isTrue();
        assertThat(paths.path("/api/v1/admin/sync-jobs").has("get")).isTrue();
        assertThat(paths.path("/api/v1/admin/sync-jobs/{id}/retry").has("post")).isTrue();
        assertThat(paths.path("/webhooks/{provider}").has("post")).isTrue();
        assertThat(api.get("/swagger-ui.html", Caller.anonymous()).status()).isIn(200, 302);
    }

    @Test
    void providersListShowsConfigurationAndCapabilities() {
        Response providers = api.get("/api/v1/providers", Caller.user(uniqueUser()));

        assertThat(providers.status()).isEqualTo(200);
        JsonNode mock = null;
        for (JsonNode provider : providers.json()) {
            if (provider.path("id").asText().equals("mockcal")) {
                mock = provider;
            }
        }
        assertThat(mock).isNotNull();
        assertThat(mock.path("configured").asBoolean()).isTrue();
        assertThat(mock.path("sandbox").asBoolean()).isTrue();
        assertThat(mock.path("capabilities").isArray()).isTrue();
    }

    @Test
    void everyResponseCarriesACorrelationId() {
        Response response = api.get("/api/v1/providers", Caller.anonymous().with("X-Request-Id", "trace-12345678"));

        assertThat(response.header("X-Request-Id")).isEqualTo("trace-12345678");
        assertThat(response.json().path("correlationId").asText()).isEqualTo("trace-12345678");
    }
}
