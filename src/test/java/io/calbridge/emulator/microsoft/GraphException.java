package io.calbridge.emulator.microsoft;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * An error answer, in one of Microsoft's two shapes: Graph's {@code {"error":{"code","message","innerError"}}}
 * ({@link #graph}) or the identity platform's {@code {error, error_description: "AADSTS…", error_codes, timestamp,
 * trace_id, correlation_id}} ({@link #identity}).
 */
final class GraphException extends RuntimeException {

    final int status;
    final String code;
    /** Graph's innerError.code where the answer has one (MailboxConcurrency), else null. */
    String innerCode;
    private final byte[] body;
    final Map<String, String> headers = new LinkedHashMap<>();

    private GraphException(int status, String code, String message, byte[] body) {
        super(code + ": " + message, null, false, false);
        this.status = status;
        this.code = code;
        this.body = body;
    }

    static GraphException graph(int status, String code, String message) {
        return graph(status, code, message, null);
    }

    /** innerCode: Graph's innerError.code, as in throttling answers (MailboxConcurrency). */
    static GraphException graph(int status, String code, String message, String innerCode) {
        ObjectNode root = Json.object();
        ObjectNode error = root.putObject("error");
        error.put("code", code);
        error.put("message", message);
        ObjectNode inner = error.putObject("innerError");
        if (innerCode != null) {
            inner.put("code", innerCode);
        }
        inner.put("date", Instant.now().toString().replaceAll("\\.\\d+Z$", ""));
        String id = Json.randomGuid();
        inner.put("request-id", id);
        inner.put("client-request-id", id);
        GraphException e = new GraphException(status, code, message, Json.bytes(root));
        e.innerCode = innerCode;
        return e;
    }

    static GraphException badRequest(String code, String message) {
        return graph(400, code, message);
    }

    static GraphException notFound() {
        return graph(404, "ErrorItemNotFound", "The specified object was not found in the store.");
    }

    static GraphException unknownResource() {
        return graph(400, "BadRequest", "Resource not found for the segment.");
    }

    static GraphException invalidToken(String message) {
        GraphException e = graph(401, "InvalidAuthenticationToken", message);
        e.headers.put("WWW-Authenticate", "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\"");
        return e;
    }

    /** An identity platform error; the description starts with "AADSTS{code}: ", as Microsoft's do. */
    static GraphException identity(int status, String error, int aadsts, String description) {
        ObjectNode root = Json.object();
        root.put("error", error);
        String traceId = Json.randomGuid();
        String correlationId = Json.randomGuid();
        Instant now = Instant.now();
        String timestamp = now.toString().replace('T', ' ').replaceAll("\\.\\d+Z$", "Z");
        root.put("error_description", "AADSTS" + aadsts + ": " + description + " Trace ID: " + traceId + " Correlation ID: " + correlationId
                + " Timestamp: " + timestamp);
        root.putArray("error_codes").add(aadsts);
        root.put("timestamp", timestamp);
        root.put("trace_id", traceId);
        root.put("correlation_id", correlationId);
        if (aadsts == 65001) {
            root.put("suberror", "consent_required");
        }
        return new GraphException(status, error, "AADSTS" + aadsts, Json.bytes(root));
    }

    byte[] body() {
        return body;
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
