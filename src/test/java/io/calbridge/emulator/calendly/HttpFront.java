package io.calbridge.emulator.calendly;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The JDK HTTP server: reads requests, hands them to one handler, writes replies and Calendly error JSON. */
final class HttpFront {

    interface Handler {
        Reply handle(Request request) throws IOException;
    }

    /** One request, its body read at most once. */
    static final class Request {
        final HttpExchange exchange;
        final String method;
        final String path;
        final Map<String, String> query;
        private byte[] body;

        Request(HttpExchange exchange) {
            this.exchange = exchange;
            this.method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            this.path = exchange.getRequestURI().getRawPath();
            this.query = Json.form(exchange.getRequestURI().getRawQuery());
        }

        String header(String name) {
            return exchange.getRequestHeaders().getFirst(name);
        }

        byte[] body() throws IOException {
            if (body == null) {
                try (InputStream in = exchange.getRequestBody()) {
                    body = in.readAllBytes();
                }
            }
            return body;
        }

        Map<String, String> form() throws IOException {
            return Json.form(new String(body(), StandardCharsets.UTF_8));
        }

        ObjectNode jsonObject() throws IOException {
            return Json.parseObject(body());
        }
    }

    record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
        static Reply json(int status, JsonNode node) {
            return new Reply(status, "application/json; charset=utf-8", Json.bytes(node), Map.of());
        }

        static Reply json(JsonNode node) {
            return json(200, node);
        }

        static Reply noContent() {
            return new Reply(204, null, new byte[0], Map.of());
        }

        static Reply html(int status, String html) {
            return new Reply(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), Map.of());
        }

        static Reply redirect(String location) {
            return new Reply(302, null, new byte[0], Map.of("Location", location));
        }

        static Reply seeOther(String location) {
            return new Reply(303, null, new byte[0], Map.of("Location", location));
        }

        static Reply text(int status, String text) {
            return new Reply(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), Map.of());
        }

        static Reply error(CalendlyApiException error) {
            return new Reply(error.status, "application/json; charset=utf-8", Json.bytes(error.body), error.headers);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;

    HttpFront(int port, Handler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        AtomicInteger count = new AtomicInteger();
        executor = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "calendly-emulator-http-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> dispatch(exchange, handler));
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

    private static void dispatch(HttpExchange exchange, Handler handler) {
        try (exchange) {
            Reply reply;
            try {
                reply = handler.handle(new Request(exchange));
            } catch (CalendlyApiException e) {
                reply = Reply.error(e);
            } catch (IllegalArgumentException e) {
                reply = Reply.error(CalendlyApiException.invalidArgument("request", String.valueOf(e.getMessage())));
            } catch (RuntimeException | IOException e) {
                System.err.println("calendly emulator: " + exchange.getRequestMethod() + " " + exchange.getRequestURI() + " failed: " + e);
                reply = Reply.error(CalendlyApiException.of(500, "Internal Server Error", "The server encountered an unexpected condition that prevented it from fulfilling the request."));
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
        boolean empty = reply.body().length == 0;
        exchange.sendResponseHeaders(reply.status(), empty ? -1 : reply.body().length);
        if (!empty) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply.body());
            }
        }
    }
}
