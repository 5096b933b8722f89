package io.calbridge.platform.security;

import io.calbridge.platform.web.ApiProblem;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/** The end user a request acts for: the JWT's subject, or the X-User-Id a service names. */
@Component
public class CurrentUser {

    static final String USER_HEADER = "X-User-Id";
    private static final int MAX_LENGTH = 255;

    public String id() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth instanceof JwtAuthenticationToken jwt) {
            return checked(jwt.getToken().getSubject(), "the token has no usable 'sub' claim");
        }
        if (auth instanceof ApiKeyAuthentication) {
            String named = currentRequest().getHeader(USER_HEADER);
            if (named == null || named.isBlank()) {
                throw ApiProblem.badRequest("missing_user_id", "an API-key caller must name the user in the X-User-Id header");
            }
            return checkedHeader(named);
        }
        throw new AuthenticationCredentialsNotFoundException("not authenticated");
    }

    /**
     * The user the caller acts for, if it names one: the JWT's subject, or a service's X-User-Id; empty for a service
     * that names nobody (e.g. one asking about several users at once).
     */
    public Optional<String> idIfNamed() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth instanceof ApiKeyAuthentication) {
            String named = currentRequest().getHeader(USER_HEADER);
            return named == null || named.isBlank() ? Optional.empty() : Optional.of(checkedHeader(named));
        }
        return Optional.of(id());
    }

    /** Who is calling, whoever they act for: "service" for an API key, "user:" and the subject for an end user. */
    public String caller() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth instanceof ApiKeyAuthentication ? "service" : "user:" + id();
    }

    /** Whether the caller may ask about other users: a service (API key) or an end user with the admin role. */
    public boolean mayActForOthers() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth != null && auth.isAuthenticated()
                && auth.getAuthorities().stream().anyMatch(a -> ("ROLE_" + SecurityConfig.ADMIN).equals(a.getAuthority()));
    }

    /**
     * A header carries no charset (its bytes arrive as ISO-8859-1), so a user id named in one is printable ASCII:
     * "Ã¼" read from a UTF-8 "ü" would otherwise quietly name another user than the caller meant.
     */
    private static String checkedHeader(String named) {
        String problem = "X-User-Id must be 1-255 printable ASCII characters";
        if (named.chars().anyMatch(c -> c < 0x20 || c > 0x7E)) {
            throw ApiProblem.badRequest("invalid_user_id", problem);
        }
        return checked(named, problem);
    }

    private static String checked(String id, String problem) {
        if (id == null || id.isBlank() || id.length() > MAX_LENGTH || id.chars().anyMatch(Character::isISOControl)) {
            throw ApiProblem.badRequest("invalid_user_id", problem);
        }
        return id;
    }

    private static HttpServletRequest currentRequest() {
        return ((ServletRequestAttributes) RequestContextHolder.currentRequestAttributes()).getRequest();
    }
}
