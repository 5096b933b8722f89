package io.calbridge.platform.web;

import io.calbridge.provider.ProviderException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/** Turns every failure inside MVC into problem+json: 4xx for the caller's mistakes, 5xx only for real faults. */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(ApiProblem.class)
    ResponseEntity<ProblemDetail> apiProblem(ApiProblem e) {
        return respond(Problems.of(e.status(), e.code(), e.getMessage()));
    }

    @ExceptionHandler(ProviderException.class)
    ResponseEntity<ProblemDetail> providerFailure(ProviderException e) {
        ProblemDetail problem;
        HttpHeaders headers = new HttpHeaders();
        if (e instanceof ProviderException.AuthRevoked) {
            problem = Problems.of(HttpStatus.CONFLICT, "needs_reauth",
                    "the provider no longer accepts this connection's authorization; reconnect it");
        } else if (e instanceof ProviderException.RateLimited limited) {
            problem = Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "provider_rate_limited", "the provider is rate limiting; try again later");
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, limited.retryAfter().toSeconds())));
        } else if (e instanceof ProviderException.NotFound) {
            problem = Problems.of(HttpStatus.NOT_FOUND, "not_found_at_provider", "the provider does not know this resource");
        } else {
            log.warn("provider call failed: {}", e.toString());
            problem = Problems.of(HttpStatus.BAD_GATEWAY, "provider_error", "the provider failed: " + e.getMessage());
        }
        return ResponseEntity.status(problem.getStatus()).headers(headers).body(problem);
    }

    @ExceptionHandler(AccessDeniedException.class)
    ResponseEntity<ProblemDetail> accessDenied(AccessDeniedException e) {
        return respond(Problems.of(HttpStatus.FORBIDDEN, "forbidden", "this needs an API key or the admin role"));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e) {
        return respond(Problems.of(HttpStatus.BAD_REQUEST, "invalid_parameter",
                "parameter '" + e.getName() + "' has an invalid value"));
    }

    /** The request firewall refuses a header lazily, when something reads it: inside MVC too. */
    @ExceptionHandler(RequestRejectedException.class)
    ResponseEntity<ProblemDetail> requestRejected(RequestRejectedException e) {
        return respond(Problems.requestRejected());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        if (e instanceof ErrorResponse errorResponse) {
            return respond(withCode(errorResponse.getBody(), errorResponse.getStatusCode()));
        }
        ProblemDetail problem = Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error",
                "an internal error occurred; quote the correlation id when reporting it");
        log.error("unhandled error [correlationId={}]", problem.getProperties().get("correlationId"), e);
        return respond(problem);
    }

    /**
     * The caller accepts nothing calbridge writes (or sent an Accept header that does not parse): the problem is
     * written as problem+json anyway, as RFC 9110 allows, rather than as an empty body without a type.
     */
    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotAcceptable(HttpMediaTypeNotAcceptableException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        writeDirectly(request, Problems.of(HttpStatus.NOT_ACCEPTABLE, "not_acceptable",
                "this resource answers application/json or application/problem+json; the Accept header allows neither"));
        return null;
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        if (causedBy(e, RequestSizeLimitFilter.PayloadTooLargeException.class)) {
            return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
                    .body(Problems.of(HttpStatus.CONTENT_TOO_LARGE, "payload_too_large", "request body too large"));
        }
        return ResponseEntity.badRequest().body(Problems.of(HttpStatus.BAD_REQUEST, "malformed_body", unreadableDetail(e)));
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        List<Map<String, String>> errors = e.getBindingResult().getFieldErrors().stream()
                .map(f -> Map.of("field", f.getField(), "message", String.valueOf(f.getDefaultMessage())))
                .toList();
        ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "validation_failed",
                errors.stream().map(m -> m.get("field") + " " + m.get("message")).collect(Collectors.joining("; ")));
        problem.setProperty("errors", errors);
        return ResponseEntity.badRequest().body(problem);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String detail = e.getAllErrors().stream().map(error -> String.valueOf(error.getDefaultMessage()))
                .collect(Collectors.joining("; "));
        return ResponseEntity.badRequest().body(Problems.of(HttpStatus.BAD_REQUEST, "validation_failed", detail));
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception e, Object body, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        // the standard MVC exceptions arrive here with no body yet: theirs is the ErrorResponse's own
        Object given = body == null && e instanceof ErrorResponse errorResponse ? errorResponse.getBody() : body;
        Object problem = given instanceof ProblemDetail detail ? withCode(detail, status) : given;
        return super.handleExceptionInternal(e, problem, headers, status, request);
    }

    private static ProblemDetail withCode(ProblemDetail problem, HttpStatusCode status) {
        ProblemDetail copy = Problems.of(status, codeFor(status), problem.getDetail());
        copy.setTitle(problem.getTitle());
        return copy;
    }

    private static String codeFor(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        return known == null ? "error" : known.name().toLowerCase();
    }

    private static void writeDirectly(WebRequest request, ProblemDetail problem) {
        HttpServletResponse response = ((ServletWebRequest) request).getResponse();
        try {
            if (response != null && !response.isCommitted()) {
                response.resetBuffer();
                ProblemWriter.write(response, problem);
            }
        } catch (IOException e) {
            // the client is gone: nothing more can be said
        }
    }

    private static ResponseEntity<ProblemDetail> respond(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus()).body(problem);
    }

    private static String unreadableDetail(HttpMessageNotReadableException e) {
        Throwable cause = e.getCause();
        if (cause instanceof UnrecognizedPropertyException unknown) {
            return "unknown field '" + unknown.getPropertyName() + "'";
        }
        if (cause instanceof InvalidFormatException || cause instanceof MismatchedInputException) {
            String field = fieldPath((JacksonException) cause);
            return field.isEmpty() ? "the body does not have the expected shape" : "field '" + field + "' has the wrong type or format";
        }
        if (cause instanceof JacksonException) {
            return "malformed JSON";
        }
        return "the request body is missing or unreadable";
    }

    private static String fieldPath(JacksonException e) {
        return e.getPath().stream()
                .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
