package io.calbridge.emulator.microsoft;

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
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The JDK HTTP server and what every endpoint shares: reading requests, routing by path prefix, writing replies. */
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

        Request(HttpExchange exchange) {
            this.exchange = exchange;
            this.path = exchange.getRequestURI().getRawPath();
            this.query = Json.form(exchange.getRequestURI().getRawQuery());
            this.method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        }

        String header(String name) {
            return exchange.getRequestHeaders().getFirst(name);
        }

        List<String> headers(String name) {
            List<String> values = exchange.getRequestHeaders().get(name);
            return values == null ? List.of() : values;
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

        /** A form body's fields (the token endpoint takes only the body, as Microsoft's does). */
        Map<String, String> form() throws IOException {
            return Json.form(new String(body(), StandardCharsets.UTF_8));
        }

        ObjectNode jsonObject() throws IOException {
            return Json.parseObject(body());
        }

        /** The path below a prefix, split and percent-decoded per segment. */
        List<String> segments(String prefix) {
            String rest = path.length() > prefix.length() ? path.substring(prefix.length()) : "";
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
        static Reply json(int status, JsonNode node) {
            return new Reply(status, "application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8",
                    Json.bytes(node), Map.of());
        }

        static Reply json(JsonNode node) {
            return json(200, node);
        }

        /** Identity platform answers are plain application/json. */
        static Reply plainJson(JsonNode node) {
            return new Reply(200, "application/json; charset=utf-8", Json.bytes(node), Map.of());
        }

        static Reply noContent() {
            return new Reply(204, null, new byte[0], Map.of());
        }

        static Reply accepted() {
            return new Reply(202, null, new byte[0], Map.of());
        }

        static Reply html(int status, String html) {
            return new Reply(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), Map.of());
        }

        static Reply redirect(String location) {
            return new Reply(302, null, new byte[0], Map.of("Location", location));
        }

        static Reply error(GraphException error) {
            return new Reply(error.status, "application/json; charset=utf-8", error.body(), error.headers);
        }

        Reply withHeader(String name, String value) {
            Map<String, String> all = new LinkedHashMap<>(headers);
            all.put(name, value);
            return new Reply(status, contentType, body, all);
        }
    }

    /** Thrown by a handler to close the connection without any reply (the reply lost in the network). */
    static final class DropConnection extends RuntimeException {
        DropConnection() {
            super("connection dropped", null, false, false);
        }
    }

    private static final int RECEIVED_KEPT = 50_000;

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Handler> routes = new LinkedHashMap<>();
    private final ConcurrentLinkedDeque<String> received = new ConcurrentLinkedDeque<>();

    HttpFront(String host, int port, int threads) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 0);
        AtomicInteger count = new AtomicInteger();
        executor = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "microsoft-emulator-http-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
    }

    /** Routes are matched by path prefix in the order added. */
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

    List<String> received() {
        return List.copyOf(received);
    }

    void clearReceived() {
        received.clear();
    }

    private void dispatch(HttpExchange exchange) {
        try (exchange) {
            Reply reply = null;
            try {
                Request request = new Request(exchange);
                if (!request.path.startsWith(MicrosoftGraphEmulator.CONTROL_PATH)) {
                    received.addLast(request.method + " " + exchange.getRequestURI());
                    while (received.size() > RECEIVED_KEPT) {
                        received.pollFirst();
                    }
                }
                for (Map.Entry<String, Handler> route : routes.entrySet()) {
                    if (request.path.startsWith(route.getKey())) {
                        reply = route.getValue().handle(request);
                        break;
                    }
                }
                if (reply == null) {
                    reply = Reply.error(GraphException.graph(404, "UnknownError", "Not found: " + request.path));
                }
            } catch (DropConnection e) {
                return; // closing the exchange before any reply was sent closes the connection
            } catch (GraphException e) {
                reply = Reply.error(e);
            } catch (IllegalArgumentException | java.time.DateTimeException e) {
                // control-surface misuse (unknown account, bad argument): the caller's mistake
                reply = Reply.error(GraphException.badRequest("BadRequest", String.valueOf(e.getMessage())));
            } catch (RuntimeException | IOException e) {
                System.err.println("microsoft emulator: " + exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath() + " failed: " + e);
                reply = Reply.error(GraphException.graph(500, "InternalServerError", "An internal server error occurred."));
            }
            send(exchange, reply);
        } catch (IOException e) {
            // the client went away
        }
    }

    private static void send(HttpExchange exchange, Reply reply) throws IOException {
        if (reply.contentType() != null) {
            exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        }
        reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        boolean empty = reply.body().length == 0;
        exchange.sendResponseHeaders(reply.status(), empty ? -1 : reply.body().length);
        if (!empty) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply.body());
            }
        }
    }
}
