package io.calbridge.bench;

import com.sun.net.httpserver.HttpServer;
import io.calbridge.testing.Api;
import io.calbridge.testing.Api.Caller;
import io.calbridge.webhook.EventTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A webhook receiver for benchmarks: answers every delivery 204 at once and counts it (verification is the tests'
 * business, see testing/WebhookReceiver); registered as an endpoint subscribed to every event type.
 */
final class NotificationSink implements AutoCloseable {

    private final HttpServer server;
    private final AtomicInteger received = new AtomicInteger();
    private final Set<String> ids = ConcurrentHashMap.newKeySet();
    private final AtomicLong lastReceived = new AtomicLong(System.nanoTime());

    private NotificationSink() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            ids.add(String.valueOf(exchange.getRequestHeaders().getFirst("webhook-id")));
            received.incrementAndGet();
            lastReceived.set(System.nanoTime());
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    static NotificationSink subscribe(Api api) {
        try {
            NotificationSink sink = new NotificationSink();
            String url = "http://localhost:" + sink.server.getAddress().getPort() + "/hook";
            Api.Response created = api.post("/api/v1/webhook-endpoints", Caller.serviceWithoutUser(), Map.of("url", url,
                    "eventTypes", EventTypes.SUBSCRIBABLE));
            if (created.status() != 201) {
                throw new IllegalStateException("the endpoint was not created: " + created);
            }
            return sink;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int received() {
        return received.get();
    }

    int distinct() {
        return ids.size();
    }

    /** Waits until nothing has arrived for two seconds (the outbox is drained), at most {@code limit}. */
    void awaitQuiet(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() - lastReceived.get() < Duration.ofSeconds(2).toNanos() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
