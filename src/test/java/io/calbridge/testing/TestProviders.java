package io.calbridge.testing;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** The test-only provider adapters, added to the registry beside the real ones. */
@TestConfiguration(proxyBeanMethods = false)
public class TestProviders {

    @Bean
    MockOidcCalendarProvider mockOidcCalendarProvider() {
        return new MockOidcCalendarProvider();
    }

    @Bean
    StubTokenProvider stubTokenProvider() {
        return new StubTokenProvider();
    }
}
