package io.calbridge.platform.security;

import io.calbridge.platform.CalbridgeProperties;
import io.calbridge.platform.web.ProblemWriter;
import io.calbridge.platform.web.Problems;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * Who may call what: end users with a JWT from the app's identity provider ({@code sub} = user id), services and
 * admins with {@code X-API-Key}. Only OAuth callbacks, webhooks, health and the API docs are public.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

    static final String ADMIN = "ADMIN";
    private static final Logger log = LoggerFactory.getLogger(SecurityConfig.class);

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, ApiKeys apiKeys, ObjectProvider<JwtDecoder> jwtDecoder,
            CalbridgeProperties properties) throws Exception {
        ProblemAuthenticationEntryPoint entryPoint = new ProblemAuthenticationEntryPoint();
        AccessDeniedHandler accessDenied = (request, response, e) -> ProblemWriter.write(response,
                Problems.of(HttpStatus.FORBIDDEN, "forbidden", "this needs an API key or the admin role"));
        http.csrf(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/oauth/*/callback", "/webhooks/**", "/actuator/health", "/actuator/health/**",
                                "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**", "/error")
                        .permitAll()
                        // the app's webhook endpoints belong to no user: admins and services only
                        .requestMatchers("/api/v1/admin/**", "/api/v1/webhook-endpoints/**", "/actuator/**").hasRole(ADMIN)
                        .anyRequest().authenticated())
                .addFilterBefore(new ApiKeyAuthenticationFilter(apiKeys, entryPoint), UsernamePasswordAuthenticationFilter.class)
                .exceptionHandling(e -> e.authenticationEntryPoint(entryPoint).accessDeniedHandler(accessDenied));
        JwtDecoder decoder = jwtDecoder.getIfAvailable();
        if (decoder != null) {
            JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
            converter.setJwtGrantedAuthoritiesConverter(jwt -> authorities(jwt, properties.adminRole()));
            http.oauth2ResourceServer(o -> o.authenticationEntryPoint(entryPoint)
                    .accessDeniedHandler(accessDenied)
                    .jwt(j -> j.decoder(decoder).jwtAuthenticationConverter(converter)));
        }
        return http.build();
    }

    /**
     * The request firewall's refusals (a header value that is not printable text, an encoded '.', '%' or line break in
     * the URL, ...) are the caller's mistake: 400 problem+json, logged at debug level in one line that names no value,
     * since a public endpoint would otherwise let anyone write into the log.
     */
    @Bean
    RequestRejectedHandler problemRequestRejectedHandler() {
        return (request, response, e) -> {
            log.debug("request refused by the request firewall: {}", request.getMethod());
            ProblemWriter.write(response, Problems.requestRejected());
        };
    }

    /** Roles from the {@code roles} claim, scopes from {@code scope}/{@code scp}; the admin role grants ADMIN. */
    static Collection<GrantedAuthority> authorities(Jwt jwt, String adminRole) {
        List<String> values = new ArrayList<>();
        values.addAll(claimValues(jwt.getClaim("roles")));
        values.addAll(claimValues(jwt.getClaim("scope")));
        values.addAll(claimValues(jwt.getClaim("scp")));
        List<GrantedAuthority> authorities = new ArrayList<>();
        for (String value : values) {
            authorities.add(new SimpleGrantedAuthority("SCOPE_" + value));
        }
        if (values.contains(adminRole)) {
            authorities.add(new SimpleGrantedAuthority("ROLE_" + ADMIN));
        }
        return authorities;
    }

    private static List<String> claimValues(Object claim) {
        if (claim instanceof String text) {
            return List.of(text.trim().split("\\s+"));
        }
        if (claim instanceof Collection<?> items) {
            return items.stream().map(String::valueOf).toList();
        }
        return List.of();
    }
}
