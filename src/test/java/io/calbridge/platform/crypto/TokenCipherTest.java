package io.calbridge.platform.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.calbridge.testing.TestKeys;
import org.junit.jupiter.api.Test;

class TokenCipherTest {

    private final String key1 = TestKeys.tokenKey("k1");
    private final String key2 = TestKeys.tokenKey("k2");

    @Test
    void sealedSecretOpensOnlyForItsOwnRowAndColumn() {
        TokenCipher cipher = TokenCipher.fromSpec(key1);
        byte[] sealed = cipher.encrypt("ya29.secret", "connections.access_token:row-1");

        assertThat(cipher.decrypt(sealed, "connections.access_token:row-1")).isEqualTo("ya29.secret");
        assertThatThrownBy(() -> cipher.decrypt(sealed, "connections.access_token:row-2"))
                .isInstanceOf(TokenCipher.UndecryptableSecretException.class);
        assertThatThrownBy(() -> cipher.decrypt(sealed, "connections.refresh_token:row-1"))
                .isInstanceOf(TokenCipher.UndecryptableSecretException.class);
    }

    @Test
    void sameSecretTwiceGivesDifferentCiphertexts() {
        TokenCipher cipher = TokenCipher.fromSpec(key1);

        assertThat(cipher.encrypt("x", "c")).isNotEqualTo(cipher.encrypt("x", "c"));
    }

    @Test
    void firstKeyEncryptsAndEveryKeyDecrypts() {
        byte[] underKey1 = TokenCipher.fromSpec(key1).encrypt("old", "ctx");
        TokenCipher rotated = TokenCipher.fromSpec(key2 + "," + key1);

        assertThat(rotated.decrypt(underKey1, "ctx")).isEqualTo("old");
        assertThat(rotated.isCurrent(underKey1)).isFalse();
        byte[] underKey2 = rotated.encrypt("new", "ctx");
        assertThat(rotated.isCurrent(underKey2)).isTrue();
        assertThat(TokenCipher.fromSpec(key2).decrypt(underKey2, "ctx")).isEqualTo("new");
        assertThatThrownBy(() -> TokenCipher.fromSpec(key2).decrypt(underKey1, "ctx"))
                .hasMessageContaining("key 'k1'");
    }

    @Test
    void tamperedCiphertextIsRefused() {
        TokenCipher cipher = TokenCipher.fromSpec(key1);
        byte[] sealed = cipher.encrypt("secret", "ctx");
        sealed[sealed.length - 1] ^= 1;

        assertThatThrownBy(() -> cipher.decrypt(sealed, "ctx")).isInstanceOf(TokenCipher.UndecryptableSecretException.class);
    }

    @Test
    void badKeySpecsAreRefusedWithoutShowingKeyMaterial() {
        assertThatThrownBy(() -> TokenCipher.fromSpec("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenCipher.fromSpec("nocolon")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenCipher.fromSpec("k1:dG9vLXNob3J0")).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> TokenCipher.fromSpec("k1:!!notbase64!!")).hasMessageContaining("base64");
        assertThatThrownBy(() -> TokenCipher.fromSpec(key1 + "," + key1)).hasMessageContaining("twice");
        String material = key1.substring(3);
        assertThatThrownBy(() -> TokenCipher.fromSpec(key1 + ",bad id:" + material)).message().doesNotContain(material);
    }
}
