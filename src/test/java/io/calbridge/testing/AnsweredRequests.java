package io.calbridge.testing;

import java.net.URI;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Every answer calbridge gave to {@link Api} (and to the raw requests of the fuzz test) in this test JVM: method, path, status and, for a problem, its code.
 * {@code OpenApiDocumentTest} runs last and checks each against the OpenAPI document.
 */
public final class AnsweredRequests {

    public record Answered(String method, String path, int status, String code) {
    }

    private static final Queue<Answered> ANSWERED = new ConcurrentLinkedQueue<>();

    private AnsweredRequests() {
    }

    static void record(String method, URI uri, Api.Response response) {
        record(method, uri.getRawPath(), response);
    }

    /** An answer to a request sent some other way (raw bytes): {@code path} is the raw path, without the query. */
    public static void record(String method, String path, Api.Response response) {
        String code = null;
        String type = response.contentType();
        if (type != null && type.contains("problem+json")) {
            try {
                code = response.json().path("code").asText(null);
            } catch (RuntimeException unreadable) {
                code = null; // the status still counts
            }
        }
        ANSWERED.add(new Answered(method, path, response.status(), code));
    }

    public static List<Answered> all() {
        return List.copyOf(ANSWERED);
    }
}
