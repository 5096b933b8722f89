package io.calbridge.provider.microsoft;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

/**
 * A real HTTP server on 127.0.0.1 that answers the adapter's calls with scripted replies, in order, and records
 * each request. It stands in for Microsoft Graph where a test needs exact statuses, headers and bodies (the real SDK
 * talks to it over HTTP); the stateful emulator is for end-to-end flows. Recorded answers under
 * {@code src/test/resources/graph/} name Graph's real root ({@code https://graph.microsoft.com/v1.0}) in their links;
 * {@link #replyFile} serves them with this server's root instead, as Graph's links name Graph.
 */
final class ScriptedGraphServer implements AutoCloseable {

    record Reply(int status, Map<String, String> headers, String body, Duration delay) {
    }

    record Request(String method, String path, Map<String, String> query, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final ConcurrentLinkedQueue<Reply> replies = new ConcurrentLinkedQueue<>();
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());

    ScriptedGraphServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    static final String GRAPH_ROOT = "https://graph.microsoft.com/v1.0";

    /** The Graph root to configure as {@code MICROSOFT_GRAPH_BASE_URL}. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1.0";
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

    ScriptedGraphServer reply(int status, String body) {
        return reply(status, Map.of(), body);
    }

    ScriptedGraphServer reply(int status, Map<String, String> headers, String body) {
        replies.add(new Reply(status, headers, body, Duration.ZERO));
        return this;
    }

    ScriptedGraphServer replyAfter(Duration delay, int status, String body) {
        replies.add(new Reply(status, Map.of(), body, delay));
        return this;
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

    List<Request> requests() {
        return List.copyOf(requests);
    }

    Request lastRequest() {
        List<Request> all = requests();
        return all.get(all.size() - 1);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.add(record(exchange));
            Reply reply = replies.poll();
            if (reply == null) {
                reply = new Reply(500, Map.of(), ScriptedGraphServer.error("unscripted", "no reply scripted"), Duration.ZERO);
            }
            if (!reply.delay().isZero()) {
                try {
                    Thread.sleep(reply.delay().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            byte[] body = reply.body() == null ? new byte[0] : reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", reply.headers().getOrDefault("Content-Type", "application/json; charset=utf-8"));
            exchange.getResponseHeaders().add("request-id", "94fb3b52-452a-4535-a601-69e0a90e3aa2");
            reply.headers().forEach((name, value) -> {
                if (!name.equalsIgnoreCase("Content-Type")) {
                    exchange.getResponseHeaders().add(name, value);
                }
            });
            exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
        }
    }

    private static Request record(HttpExchange exchange) throws IOException {
        byte[] raw = exchange.getRequestBody().readAllBytes();
        String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
        if ("gzip".equalsIgnoreCase(encoding)) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                raw = in.readAllBytes();
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), String.join(",", values)));
        return new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), query(exchange.getRequestURI().getRawQuery()),
                headers, new String(raw, StandardCharsets.UTF_8));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> result = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return result;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            result.put(name, value);
        }
        return result;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
