package io.calbridge.platform.web;

import java.net.URI;
import org.slf4j.MDC;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/** Builds the RFC 9457 bodies every error of calbridge answers with. */
public final class Problems {

    private Problems() {
    }

    public static ProblemDetail of(HttpStatusCode status, String code, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setProperty("code", code);
        String correlationId = MDC.get(CorrelationIdFilter.MDC_KEY);
        if (correlationId != null) {
            problem.setProperty("correlationId", correlationId);
        }
        return problem;
    }

    public static ProblemDetail of(HttpStatusCode status, String code, String detail, URI instance) {
        ProblemDetail problem = of(status, code, detail);
        problem.setInstance(instance);
        return problem;
    }

    /**
     * The request firewall's refusal (a header value that is not printable text, an encoded '.', '%' or line break in
     * the URL): the caller's mistake, whether the firewall refused before MVC or lazily, when a header was read.
     */
    public static ProblemDetail requestRejected() {
        return of(HttpStatus.BAD_REQUEST, "bad_request",
                "the request was refused: its URL or a header holds characters or sequences that are not allowed");
    }
}
