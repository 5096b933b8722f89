package io.calbridge.emulator.google;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JDK HTTP server and what every endpoint shares: reading requests (gzip bodies and X-HTTP-Method-Override,
 * both of which Google's Java client uses), routing by path prefix, and writing replies and Google error JSON.
 */
final class HttpFront {

    interface Handler {
        Reply handle(Request request) throws IOException;
    }

    /** One request, with its body read at most once. */
    static final class Request {
        final HttpExchange exchange;
        final String method;
        final String path;
        final Map<String, String> query;
        private byte[] body;

        Request(HttpExchange exchange) throws IOException {
            this.exchange = exchange;
            this.path = exchange.getRequestURI().getRawPath();
            this.query = Json.form(exchange.getRequestURI().getRawQuery());
            String override = exchange.getRequestHeaders().getFirst("X-HTTP-Method-Override");
            String actual = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            // Google's Java client sends PATCH as POST + override (HttpURLConnection cannot PATCH), and a very long
            // GET as POST + override with the query in a form body
            if (actual.equals("POST") && override != null) {
                actual = override.toUpperCase(Locale.ROOT);
                if (actual.equals("GET")) {
                    Json.form(new String(body(), StandardCharsets.UTF_8)).forEach(query::putIfAbsent);
                }
            }
            this.method = actual;
        }

        String header(String name) {
            return exchange.getRequestHeaders().getFirst(name);
        }

        byte[] body() throws IOException {
            if (body == null) {
                try (InputStream in = exchange.getRequestBody()) {
                    byte[] raw = in.readAllBytes();
                    String encoding = header("Content-Encoding");
                    if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("gzip") && raw.length > 0) {
                        try (InputStream unzipped = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                            raw = unzipped.readAllBytes();
                        }
                    }
                    body = raw;
                }
            }
            return body;
        }

        /** A form body's fields, falling back to the query string for names the body lacks. */
        Map<String, String> form() throws IOException {
            Map<String, String> form = new LinkedHashMap<>(Json.form(new String(body(), StandardCharsets.UTF_8)));
            query.forEach(form::putIfAbsent);
            return form;
        }

        ObjectNode jsonObject() throws IOException {
            return Json.parseObject(body());
        }

        /** The path below a prefix, split and percent-decoded per segment. */
        List<String> segments(String prefix) {
            String rest = path.substring(prefix.length());
            List<String> segments = new ArrayList<>();
            for (String segment : rest.split("/")) {
                if (!segment.isEmpty()) {
                    segments.add(Json.decodePathSegment(segment));
                }
            }
            return segments;
        }
    }

    record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
        static Reply json(byte[] body) {
            return new Reply(200, "application/json; charset=UTF-8", body, Map.of());
        }

        static Reply json(JsonNode node) {
            return json(Json.bytes(node));
        }

        static Reply json(int status, JsonNode node) {
            return new Reply(status, "application/json; charset=UTF-8", Json.bytes(node), Map.of());
        }

        static Reply noContent() {
            return new Reply(204, null, new byte[0], Map.of());
        }

        static Reply html(int status, String html) {
            return new Reply(status, "text/html; charset=UTF-8", html.getBytes(StandardCharsets.UTF_8), Map.of());
        }

        static Reply redirect(String location) {
            return new Reply(302, null, new byte[0], Map.of("Location", location));
        }

        static Reply error(GoogleApiException error) {
            return new Reply(error.code, "application/json; charset=UTF-8", error.body(), error.headers);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Handler> routes = new LinkedHashMap<>();

    HttpFront(String host, int port, int threads) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 0);
        AtomicInteger count = new AtomicInteger();
        executor = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "google-emulator-http-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
    }

    /** What clients sent (method, URI, body; never headers), newest last, for tests that check what left calbridge. */
    private final java.util.concurrent.ConcurrentLinkedDeque<String> received = new java.util.concurrent.ConcurrentLinkedDeque<>();
    /** Thrown by a handler to close the connection without any reply (the reply lost in the network). */
    static final class DropConnection extends RuntimeException {
        DropConnection() {
            super("connection dropped", null, false, false);
        }
    }

    private static final int RECEIVED_KEPT = 50_000;

    private void record(Request request) throws IOException {
        if (request.path.startsWith(GoogleCalendarEmulator.CONTROL_PATH)) {
            return;
        }
        received.addLast(request.method + " " + request.exchange.getRequestURI() + "\n" + new String(request.body(), StandardCharsets.UTF_8));
        while (received.size() > RECEIVED_KEPT) {
            received.pollFirst();
        }
    }

    java.util.List<String> received() {
        return java.util.List.copyOf(received);
    }

    void clearReceived() {
        received.clear();
    }

    /** Routes are matched by path prefix in the order added; the first match handles the request. */
    void route(String prefix, Handler handler) {
        routes.put(prefix, handler);
    }

    void start() {
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    void stop() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void dispatch(HttpExchange exchange) {
        try (exchange) {
            Reply reply;
            try {
                Request request = new Request(exchange);
                record(request);
                reply = null;
                for (Map.Entry<String, Handler> route : routes.entrySet()) {
                    if (request.path.startsWith(route.getKey())) {
                        reply = route.getValue().handle(request);
                        break;
                    }
                }
                if (reply == null) {
                    reply = Reply.error(GoogleApiException.notFound());
                }
            } catch (DropConnection e) {
                return; // closing the exchange before any reply was sent closes the connection
            } catch (GoogleApiException e) {
                reply = Reply.error(e);
            } catch (IllegalArgumentException | java.time.DateTimeException e) {
                // control-surface misuse (unknown calendar, bad argument): the caller's mistake
                ObjectNode body = Json.object();
                body.putObject("error").put("code", 400).put("message", String.valueOf(e.getMessage()));
                reply = Reply.json(400, body);
            } catch (RuntimeException | IOException e) {
                System.err.println("google emulator: " + exchange.getRequestMethod() + " " + exchange.getRequestURI() + " failed: " + e);
                reply = Reply.error(new GoogleApiException(500, "global", "backendError", "Backend Error"));
            }
            send(exchange, reply);
        } catch (IOException e) {
            // the client went away; nothing to answer
        }
    }

    private static void send(HttpExchange exchange, Reply reply) throws IOException {
        if (reply.contentType() != null) {
            exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        }
        reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.getResponseHeaders().set("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate");
        boolean empty = reply.body().length == 0;
        exchange.sendResponseHeaders(reply.status(), empty ? -1 : reply.body().length);
        if (!empty) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply.body());
            }
        }
    }
}
