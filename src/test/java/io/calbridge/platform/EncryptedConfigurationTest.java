package io.calbridge.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.RunningCalbridge;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.TestKeys;
import java.util.Map;
import java.util.UUID;
import org.jasypt.encryption.pbe.PooledPBEStringEncryptor;
import org.jasypt.iv.RandomIvGenerator;
import org.junit.jupiter.api.Test;

/** Secrets in configuration may be given as ENC(...) (jasypt), decrypted with JASYPT_ENCRYPTOR_PASSWORD. */
class EncryptedConfigurationTest {

    @Test
    void apiKeyAndTokenKeyGivenAsEncValuesWork() {
        String password = UUID.randomUUID().toString();
        String apiKey = "enc-" + UUID.randomUUID();
        Map<String, Object> settings = Map.of(
                "jasypt.encryptor.password", password,
                "calbridge.api-keys", "ENC(" + encrypt(apiKey, password) + ")",
                "calbridge.token-keys", "ENC(" + encrypt(TestKeys.tokenKey("k1"), password) + ")");

        try (RunningCalbridge app = RunningCalbridge.start(TestDatabase.newDatabase(), settings)) {
            Caller withDecryptedKey = new Caller(Map.of("X-API-Key", apiKey, "X-User-Id", "u1"));
            assertThat(app.api().get("/api/v1/connections", withDecryptedKey).status()).isEqualTo(200);
            assertThat(app.api().get("/api/v1/connections", Caller.service("u1")).status()).isEqualTo(401);
        }
    }

    /** The jasypt-spring-boot defaults: PBEWITHHMACSHA512ANDAES_256, 1000 iterations, random salt and IV. */
    private static String encrypt(String value, String password) {
        PooledPBEStringEncryptor encryptor = new PooledPBEStringEncryptor();
        encryptor.setPoolSize(1);
        encryptor.setPassword(password);
        encryptor.setAlgorithm("PBEWITHHMACSHA512ANDAES_256");
        encryptor.setKeyObtentionIterations(1000);
        encryptor.setIvGenerator(new RandomIvGenerator());
        return encryptor.encrypt(value);
    }
}
