package io.calbridge.emulator.google;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * An error answer in Google's JSON error format:
 * {@code {"error":{"code":..,"message":..,"errors":[{"domain":..,"reason":..,"message":..}],"status":..}}}.
 * Thrown anywhere in request handling and written by the HTTP front.
 */
final class GoogleApiException extends RuntimeException {

    final int code;
    final String domain;
    final String reason;
    final String location;
    final String locationType;
    /** errors[].message, where Google words it differently from the top-level message. */
    private String itemMessage;
    final Map<String, String> headers = new LinkedHashMap<>();

    GoogleApiException(int code, String domain, String reason, String message) {
        this(code, domain, reason, message, null, null);
    }

    GoogleApiException(int code, String domain, String reason, String message, String location, String locationType) {
        super(message, null, false, false);
        this.code = code;
        this.domain = domain;
        this.reason = reason;
        this.location = location;
        this.locationType = locationType;
    }

    static GoogleApiException badRequest(String reason, String message) {
        return new GoogleApiException(400, "global", reason, message);
    }

    static GoogleApiException invalid(String message) {
        return badRequest("invalid", message);
    }

    static GoogleApiException required(String message) {
        return badRequest("required", message);
    }

    static GoogleApiException notFound() {
        return new GoogleApiException(404, "global", "notFound", "Not Found");
    }

    static GoogleApiException deleted() {
        return new GoogleApiException(410, "global", "deleted", "Resource has been deleted");
    }

    static GoogleApiException fullSyncRequired() {
        return new GoogleApiException(410, "global", "fullSyncRequired", "Sync token is no longer valid, a full sync is required.");
    }

    static GoogleApiException duplicate() {
        return new GoogleApiException(409, "global", "duplicate", "The requested identifier already exists.");
    }

    static GoogleApiException conditionNotMet() {
        return new GoogleApiException(412, "global", "conditionNotMet", "Precondition Failed", "If-Match", "header");
    }

    GoogleApiException itemMessage(String message) {
        itemMessage = message;
        return this;
    }

    GoogleApiException header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    byte[] body() {
        ObjectNode error = Json.object();
        error.put("code", code);
        error.put("message", getMessage());
        ObjectNode item = error.putArray("errors").addObject();
        item.put("message", itemMessage != null ? itemMessage : getMessage());
        item.put("domain", domain);
        item.put("reason", reason);
        if (location != null) {
            item.put("location", location);
            item.put("locationType", locationType);
        }
        String status = status(code);
        if (status != null) {
            error.put("status", status);
        }
        ObjectNode root = Json.object();
        root.set("error", error);
        return Json.bytes(root);
    }

    /** The canonical gRPC status Google adds to its JSON errors; 410 has none. */
    private static String status(int code) {
        return switch (code) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 409 -> "ALREADY_EXISTS";
            case 412 -> "FAILED_PRECONDITION";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 500 -> "INTERNAL";
            case 503 -> "UNAVAILABLE";
            default -> null;
        };
    }
}
