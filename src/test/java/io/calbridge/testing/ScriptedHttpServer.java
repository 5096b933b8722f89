package io.calbridge.testing;

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
 * A real HTTP server on 127.0.0.1 that answers an adapter's calls with scripted replies, in order, and records each
 * request (bodies gunzipped). It stands in for a provider where a test needs exact statuses, headers and bodies,
 * with the real SDK talking to it over HTTP; the stateful emulators are for end-to-end flows. A provider's subclass
 * adds its error bodies and API root.
 *
 * @param <S> the subclass, so that scripting chains
 */
public abstract class ScriptedHttpServer<S extends ScriptedHttpServer<S>> implements AutoCloseable {

    public record Reply(int status, Map<String, String> headers, String body, Duration delay) {
    }

    public record Request(String method, String path, Map<String, String> query, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final ConcurrentLinkedQueue<Reply> replies = new ConcurrentLinkedQueue<>();
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> headersOfEveryReply;

    /** {@code headersOfEveryReply}: the provider's usual headers (a reply's own headers replace them by name). */
    protected ScriptedHttpServer(Map<String, String> headersOfEveryReply) {
        this.headersOfEveryReply = headersOfEveryReply;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** What a request gets when no reply is left: a provider's 500 body. */
    protected abstract String unscripted();

    @SuppressWarnings("unchecked")
    private S self() {
        return (S) this;
    }

    protected String root() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public S reply(int status, String body) {
        return reply(status, Map.of(), body);
    }

    public S reply(int status, Map<String, String> headers, String body) {
        replies.add(new Reply(status, headers, body, Duration.ZERO));
        return self();
    }

    public S replyAfter(Duration delay, int status, String body) {
        replies.add(new Reply(status, Map.of(), body, delay));
        return self();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public Request lastRequest() {
        List<Request> all = requests();
        return all.get(all.size() - 1);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.add(record(exchange));
            Reply reply = replies.poll();
            if (reply == null) {
                reply = new Reply(500, Map.of(), unscripted(), Duration.ZERO);
            }
            if (!reply.delay().isZero()) {
                try {
                    Thread.sleep(reply.delay().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            Map<String, String> headers = new LinkedHashMap<>();
            headersOfEveryReply.forEach((name, value) -> headers.put(name.toLowerCase(), value));
            reply.headers().forEach((name, value) -> headers.put(name.toLowerCase(), value));
            headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            byte[] body = reply.body() == null ? new byte[0] : reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
        }
    }

    private static Request record(HttpExchange exchange) throws IOException {
        byte[] raw = exchange.getRequestBody().readAllBytes();
        if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
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
