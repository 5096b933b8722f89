package io.calbridge.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The byte scan that spares the usual body a second parse must never let a forbidden character through. */
class JsonTextCheckTest {

    @Test
    void everyWayToWriteAForbiddenCharacterSendsTheBodyToTheFullCheck() {
        assertThat(JsonTextCheck.mayHoldForbidden(utf8("{\"title\":\"a\\u0000b\"}"))).as("escaped NUL").isTrue();
        assertThat(JsonTextCheck.mayHoldForbidden(utf8("{\"title\":\"\\ud800\"}"))).as("escaped lone surrogate").isTrue();
        assertThat(JsonTextCheck.mayHoldForbidden(utf8("{\"title\":\"a\u0001b\"}"))).as("raw C0 control").isTrue();
        assertThat(JsonTextCheck.mayHoldForbidden(utf8("{\"title\":\"a\u007fb\"}"))).as("raw DEL").isTrue();
        assertThat(JsonTextCheck.mayHoldForbidden(utf8("{\"title\":\"a\u0085b\"}"))).as("raw C1 control").isTrue();
        assertThat(JsonTextCheck.mayHoldForbidden(new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'}))
                .as("a surrogate encoded as UTF-8").isTrue();
    }

    @Test
    void ordinaryTextInAnyScriptIsScannedOnce() {
        assertThat(JsonTextCheck.mayHoldForbidden(utf8("{\"title\":\"Zahnarzt – Müller, 東京 😀\",\n\t\"n\": 1}"))).isFalse();
        assertThat(JsonTextCheck.mayHoldForbidden(utf8("{\"title\":\"한국어 \uD55C\"}"))).as("U+D55C is a Hangul syllable, not a surrogate").isFalse();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
