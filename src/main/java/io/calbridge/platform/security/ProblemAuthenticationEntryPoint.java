package io.calbridge.platform.security;

import io.calbridge.platform.web.ProblemWriter;
import io.calbridge.platform.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

/** 401 as problem+json, with the RFC 6750 challenge for bearer tokens. */
final class ProblemAuthenticationEntryPoint implements AuthenticationEntryPoint {

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        String detail;
        if (e instanceof OAuth2AuthenticationException) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
            detail = "the bearer token is invalid or expired";
        } else if (e instanceof BadCredentialsException && request.getHeader(ApiKeyAuthenticationFilter.HEADER) != null) {
            // every 401 must carry a challenge (RFC 9110 15.5.2); API keys have no registered scheme
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            detail = "the API key is not valid";
        } else {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            detail = "authentication required: send Authorization: Bearer <JWT> or X-API-Key";
        }
        ProblemWriter.write(response, Problems.of(HttpStatus.UNAUTHORIZED, "unauthorized", detail));
    }
}
