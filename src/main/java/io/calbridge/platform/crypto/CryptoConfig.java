package io.calbridge.platform.crypto;

import io.calbridge.platform.CalbridgeProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class CryptoConfig {

    @Bean
    TokenCipher tokenCipher(CalbridgeProperties properties) {
        return TokenCipher.fromSpec(properties.tokenKeys());
    }
}
