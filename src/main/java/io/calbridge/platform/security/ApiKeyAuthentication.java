package io.calbridge.platform.security;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** A caller that presented a valid service API key: full admin rights, acts for the user named in X-User-Id. */
final class ApiKeyAuthentication extends AbstractAuthenticationToken {

    ApiKeyAuthentication() {
        super(List.of(new SimpleGrantedAuthority("ROLE_" + SecurityConfig.ADMIN), new SimpleGrantedAuthority("ROLE_SERVICE")));
        setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public Object getPrincipal() {
        return "service";
    }
}
