package io.calbridge.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A plain HTTP client for calbridge's API, as a frontend or a service would call it (redirects not followed). */
public final class Api {

    public static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final String baseUrl;

    public Api(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** Who calls: an end user with a JWT, a service with the API key naming a user, or nobody. */
    public record Caller(Map<String, String> headers) {
        public static Caller user(String userId) {
            return new Caller(Map.of("Authorization", "Bearer " + OAuthServers.userJwt(userId)));
        }

        public static Caller service(String userId) {
            return new Caller(Map.of("X-API-Key", TestKeys.API_KEY, "X-User-Id", userId));
        }

        public static Caller serviceWithoutUser() {
            return new Caller(Map.of("X-API-Key", TestKeys.API_KEY));
        }

        public static Caller anonymous() {
            return new Caller(Map.of());
        }

        public Caller with(String header, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(header, value);
            return new Caller(more);
        }
    }

    public record Response(int status, Map<String, java.util.List<String>> headers, String body) {
        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst().orElse(null);
        }

        public String contentType() {
            return header("Content-Type");
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    public Response get(String path, Caller caller) {
        return send("GET", path, caller, null, null);
    }

    public Response post(String path, Caller caller, Object body) {
        return send("POST", path, caller, body == null ? null : json(body), "application/json");
    }

    public Response patch(String path, Caller caller, Object body) {
        return send("PATCH", path, caller, json(body), "application/json");
    }

    public Response delete(String path, Caller caller) {
        return send("DELETE", path, caller, null, null);
    }

    /** The caller's events between two instants ({@code GET /api/v1/events}), which must answer 200. */
    public List<JsonNode> events(Caller caller, Instant from, Instant to) {
        Response response = get("/api/v1/events?from=" + from + "&to=" + to, caller);
        if (response.status() != 200) {
            throw new AssertionError("GET /api/v1/events: " + response);
        }
        List<JsonNode> events = new ArrayList<>();
        response.json().forEach(events::add);
        return events;
    }

    /** Any request, body sent as given (for malformed input). */
    public Response send(String method, String path, Caller caller, String body, String contentType) {
        URI uri = URI.create(path.startsWith("http") ? path : baseUrl + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        caller.headers().forEach(request::header);
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Response answer = new Response(response.statusCode(), response.headers().map(), response.body());
            if (uri.toString().startsWith(baseUrl)) {
                AnsweredRequests.record(method, uri, answer);
            }
            return answer;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String json(Object body) {
        return body instanceof String text ? text : JSON.writeValueAsString(body);
    }
}
