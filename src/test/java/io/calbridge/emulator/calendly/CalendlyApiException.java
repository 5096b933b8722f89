package io.calbridge.emulator.calendly;

import java.util.Map;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** An API failure answered as Calendly's error JSON {@code {title, message, details?}} (OAuth errors use their own shape). */
final class CalendlyApiException extends RuntimeException {

    final int status;
    final ObjectNode body;
    final Map<String, String> headers;

    CalendlyApiException(int status, ObjectNode body, Map<String, String> headers) {
        super(status + " " + body, null, false, false);
        this.status = status;
        this.body = body;
        this.headers = headers;
    }

    static CalendlyApiException of(int status, String title, String message) {
        ObjectNode body = Json.object();
        body.put("title", title);
        body.put("message", message);
        return new CalendlyApiException(status, body, Map.of());
    }

    /** 400 with one {parameter, message} detail, as Calendly reports a bad query or body field. */
    static CalendlyApiException invalidArgument(String parameter, String message) {
        ObjectNode body = Json.object();
        body.put("title", "Invalid Argument");
        body.put("message", "The supplied parameters are invalid.");
        ArrayNode details = body.putArray("details");
        ObjectNode detail = details.addObject();
        detail.put("parameter", parameter);
        detail.put("message", message);
        return new CalendlyApiException(400, body, Map.of());
    }

    static CalendlyApiException unauthenticated(String message) {
        return of(401, "Unauthenticated", message);
    }

    static CalendlyApiException permissionDenied(String message) {
        return of(403, "Permission Denied", message);
    }

    static CalendlyApiException notFound() {
        return of(404, "Resource Not Found", "The server could not find the requested resource.");
    }

    /** OAuth endpoints answer RFC 6749 errors: {@code {error, error_description}}. */
    static CalendlyApiException oauth(int status, String error, String description) {
        ObjectNode body = Json.object();
        body.put("error", error);
        body.put("error_description", description);
        return new CalendlyApiException(status, body, Map.of());
    }
}
