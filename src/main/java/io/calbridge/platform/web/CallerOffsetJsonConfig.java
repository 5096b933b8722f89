package io.calbridge.platform.web;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.cfg.DateTimeFeature;

/**
 * A time read from a request keeps the offset the caller wrote ({@code 20:45+05:30} stays {@code +05:30}): without a
 * {@code timeZone}, that offset is the zone calbridge answers and pushes in. Jackson would otherwise turn it into UTC.
 */
@Configuration(proxyBeanMethods = false)
class CallerOffsetJsonConfig {

    @Bean
    JsonMapperBuilderCustomizer keepCallersOffset() {
        return builder -> builder.disable(DateTimeFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
    }
}
