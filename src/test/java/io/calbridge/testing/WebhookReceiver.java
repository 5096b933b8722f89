package io.calbridge.testing;

import com.standardwebhooks.Webhook;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * The app's webhook endpoint, for tests: a real HTTP server on 127.0.0.1 that verifies every request with the
 * official Standard Webhooks library (against each secret it was given, so during a rotation both must verify), and
 * keeps what an app would: the notifications it accepted, deduplicated by webhook-id (a second delivery of an id is
 * counted, not kept). Scripted faults answer the next requests instead: a status (with headers), a sleep past the
 * sender's timeout, a redirect; a faulted request is not accepted.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** An accepted notification, in the order it was accepted. */
    public record Received(String id, String type, String userId, JsonNode body, Instant at, Map<String, List<String>> headers) {
    }

    /** Every request, accepted or not: its webhook-id and what it was answered. */
    public record Request(String id, int answered, Instant at) {
    }

    private record Fault(int status, Map<String, String> headers, Duration sleep) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final List<String> verificationFailures = new CopyOnWriteArrayList<>();
    private volatile List<String> secrets;
    private volatile Duration everyAnswerAfter = Duration.ZERO;

    public WebhookReceiver(String... secrets) {
        this.secrets = List.of(secrets);
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public String url() {
        return "http://localhost:" + server.getAddress().getPort() + "/hooks"; // the test contexts allow "localhost"
    }

    /** From now on every request must verify with each of these secrets. */
    public WebhookReceiver verifyWith(String... secrets) {
        this.secrets = List.of(secrets);
        return this;
    }

    /** Every answer only after {@code delay}: an app that takes its time. */
    public WebhookReceiver answerAfter(Duration delay) {
        this.everyAnswerAfter = delay;
        return this;
    }

    /** The next {@code times} requests are answered {@code status} with {@code headers}. */
    public WebhookReceiver answer(int times, int status, Map<String, String> headers) {
        for (int i = 0; i < times; i++) {
            faults.add(new Fault(status, headers, Duration.ZERO));
        }
        return this;
    }

    public WebhookReceiver answer(int times, int status) {
        return answer(times, status, Map.of());
    }

    /** The next {@code times} requests are answered 200 only after {@code sleep} (past the sender's timeout: never seen). */
    public WebhookReceiver sleep(int times, Duration sleep) {
        for (int i = 0; i < times; i++) {
            faults.add(new Fault(200, Map.of(), sleep));
        }
        return this;
    }

    /** The next {@code times} requests are redirected (302) to a path of this receiver that would accept them. */
    public WebhookReceiver redirect(int times) {
        return answer(times, 302, Map.of("Location", url() + "/moved"));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] bytes = exchange.getRequestBody().readAllBytes();
            String body = new String(bytes, StandardCharsets.UTF_8);
            Map<String, List<String>> headers = new LinkedHashMap<>(exchange.getRequestHeaders());
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            verify(id, body, headers, exchange);
            if (exchange.getRequestURI().getPath().endsWith("/moved")) {
                verificationFailures.add(id + ": a redirect was followed");
            }
            if (!everyAnswerAfter.isZero()) {
                Await.pause(everyAnswerAfter.toMillis());
            }
            Fault fault = faults.poll();
            if (fault != null) {
                requests.add(new Request(id, fault.status(), Instant.now()));
                if (!fault.sleep().isZero()) {
                    Await.pause(fault.sleep().toMillis());
                }
                fault.headers().forEach(exchange.getResponseHeaders()::add);
                // a fault is not accepted (after a sleep past the sender's timeout, it gave up anyway)
                exchange.sendResponseHeaders(fault.status(), -1);
                return;
            }
            requests.add(new Request(id, 204, Instant.now()));
            if (seen.computeIfAbsent(id, key -> new AtomicInteger()).incrementAndGet() > 1) {
                duplicates.incrementAndGet();
            } else {
                JsonNode json = Api.JSON.readTree(body);
                received.add(new Received(id, json.path("type").asString(), json.path("data").path("userId").asString(null), json,
                        Instant.now(), headers));
            }
            exchange.sendResponseHeaders(204, -1);
        } catch (RuntimeException e) {
            verificationFailures.add("receiver failed: " + e);
            exchange.sendResponseHeaders(500, -1);
        }
    }

    private void verify(String id, String body, Map<String, List<String>> headers, HttpExchange exchange) {
        if (!"application/json".equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
            verificationFailures.add(id + ": Content-Type " + exchange.getRequestHeaders().getFirst("Content-Type"));
        }
        if (!"calbridge-webhooks".equals(exchange.getRequestHeaders().getFirst("User-Agent"))) {
            verificationFailures.add(id + ": User-Agent " + exchange.getRequestHeaders().getFirst("User-Agent"));
        }
        for (String secret : secrets) {
            try {
                new Webhook(secret).verify(body, headers);
            } catch (Exception e) {
                verificationFailures.add(id + ": does not verify with a secret: " + e.getMessage());
            }
        }
    }

    /** The accepted notifications, first delivery of each id, in the order they came. */
    public List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** How many times each id was accepted. */
    public Map<String, Integer> acceptedCounts() {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        seen.forEach((id, count) -> counts.put(id, count.get()));
        return counts;
    }

    /** Deliveries of an id that had been accepted before. */
    public int duplicates() {
        return duplicates.get();
    }

    /** Requests that did not verify, or were otherwise not what an app expects; empty when all was well. */
    public List<String> verificationFailures() {
        return List.copyOf(verificationFailures);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
