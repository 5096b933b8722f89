package io.calbridge.platform.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.connection.TokenService;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.Connect;
import io.calbridge.testing.RunningCalbridge;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Rotation as ops do it: restart with a new key first, re-encrypt, drop the old key. Its own database. */
class KeyRotationTest {

    private final String database = TestDatabase.newDatabase();
    private final String key1 = TestKeys.tokenKey("k1");
    private final String key2 = TestKeys.tokenKey("k2");

    @Test
    void tokensWrittenUnderKey1StayReadableThroughRotationToKey2Alone() {
        String user = "rotation-user";
        UUID id;
        String accessToken;
        try (RunningCalbridge app = start(key1)) {
            id = new Connect(app.api()).connectStub(user, "code-" + UUID.randomUUID());
            accessToken = app.context().getBean(TokenService.class).accessToken(id);
        }
        assertThat(keyIdOfStoredAccessToken(id)).isEqualTo("k1");

        try (RunningCalbridge app = start(key2 + "," + key1)) {
            assertThat(app.context().getBean(TokenService.class).accessToken(id)).isEqualTo(accessToken);
            assertThat(app.api().get("/api/v1/connections/" + id + "/calendars", Caller.service(user)).status()).isEqualTo(200);

            Response reencrypt = app.api().post("/api/v1/admin/token-keys/reencrypt", Caller.serviceWithoutUser(), null);

            assertThat(reencrypt.status()).as(reencrypt.toString()).isEqualTo(200);
            assertThat(reencrypt.json().path("keyId").asText()).isEqualTo("k2");
            assertThat(reencrypt.json().path("reencrypted").asInt()).isEqualTo(1);
        }
        assertThat(keyIdOfStoredAccessToken(id)).isEqualTo("k2");

        try (RunningCalbridge app = start(key2)) {
            assertThat(app.context().getBean(TokenService.class).accessToken(id)).isEqualTo(accessToken);
            assertThat(app.api().get("/api/v1/connections/" + id + "/calendars", Caller.service(user)).status()).isEqualTo(200);
            Response again = app.api().post("/api/v1/admin/token-keys/reencrypt", Caller.serviceWithoutUser(), null);
            assertThat(again.json().path("reencrypted").asInt()).isZero();
        }
    }

    private String keyIdOfStoredAccessToken(UUID id) {
        JdbcClient jdbc = JdbcClient.create(TestDatabase.postgres().getDatabase("postgres", database));
        byte[] sealed = jdbc.sql("SELECT access_token_enc FROM connections WHERE id = ?").param(id).query(byte[].class).single();
        return new String(sealed, 2, sealed[1], StandardCharsets.US_ASCII);
    }

    private RunningCalbridge start(String tokenKeys) {
        return RunningCalbridge.start(database, Map.of("calbridge.token-keys", tokenKeys));
    }
}
