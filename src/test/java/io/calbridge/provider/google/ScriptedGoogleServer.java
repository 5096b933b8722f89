package io.calbridge.provider.google;

import io.calbridge.testing.ScriptedHttpServer;
import java.util.Map;

/** Scripted answers in Google's forms (see {@link ScriptedHttpServer}). */
final class ScriptedGoogleServer extends ScriptedHttpServer<ScriptedGoogleServer> {

    ScriptedGoogleServer() {
        super(Map.of("Content-Type", "application/json; charset=UTF-8"));
    }

    /** The API root to configure as {@code GOOGLE_API_BASE_URL}. */
    String baseUrl() {
        return root() + "/";
    }

    /** Google's error body: {@code {"error": {"errors": [{domain, reason, message}], "code", "message"}}}. */
    static String error(int code, String domain, String reason, String message) {
        return """
                {
                 "error": {
                  "errors": [
                   {
                    "domain": "%s",
                    "reason": "%s",
                    "message": "%s"
                   }
                  ],
                  "code": %d,
                  "message": "%s"
                 }
                }""".formatted(domain, reason, message, code, message);
    }

    @Override
    protected String unscripted() {
        return error(500, "test", "unscripted", "no reply scripted");
    }
}
