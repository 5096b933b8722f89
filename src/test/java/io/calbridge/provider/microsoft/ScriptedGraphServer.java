package io.calbridge.provider.microsoft;

import io.calbridge.testing.ScriptedHttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Scripted answers in Graph's forms (see {@link ScriptedHttpServer}). Recorded answers under
 * {@code src/test/resources/graph/} name Graph's real root ({@code https://graph.microsoft.com/v1.0}) in their links;
 * {@link #replyFile} serves them with this server's root instead, as Graph's links name Graph.
 */
final class ScriptedGraphServer extends ScriptedHttpServer<ScriptedGraphServer> {

    static final String GRAPH_ROOT = "https://graph.microsoft.com/v1.0";

    ScriptedGraphServer() {
        super(Map.of("Content-Type", "application/json; charset=utf-8", "request-id", "94fb3b52-452a-4535-a601-69e0a90e3aa2"));
    }

    /** The Graph root to configure as {@code MICROSOFT_GRAPH_BASE_URL}. */
    String baseUrl() {
        return root() + "/v1.0";
    }

    /** A recorded answer from {@code src/test/resources/graph/}, its links pointed at this server. */
    ScriptedGraphServer replyFile(int status, String name) {
        return reply(status, recorded(name).replace(GRAPH_ROOT, baseUrl()));
    }

    static String recorded(String name) {
        try (InputStream in = ScriptedGraphServer.class.getResourceAsStream("/graph/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no recorded answer graph/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Graph's error body: {@code {"error": {"code", "message", "innerError": {...}}}}. */
    static String error(String code, String message) {
        return """
                {
                  "error": {
                    "code": "%s",
                    "message": "%s",
                    "innerError": {
                      "date": "2026-12-02T00:00:00",
                      "request-id": "94fb3b52-452a-4535-a601-69e0a90e3aa2",
                      "client-request-id": "94fb3b52-452a-4535-a601-69e0a90e3aa2"
                    }
                  }
                }""".formatted(code, message);
    }

    @Override
    protected String unscripted() {
        return error("unscripted", "no reply scripted");
    }
}
