package io.calbridge.bench;

import io.calbridge.testing.Api;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Await;
import io.calbridge.testing.ServiceProcess;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.TestKeys;
import io.calbridge.testing.WebhookEndpointRows;
import io.calbridge.testing.WebhookEndpointRows.Endpoint;
import io.calbridge.testing.WebhookReceiver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Webhook delivery throughput and latency: {@code -Dbench.messages} (default 5,000) notifications written through the
 * API ({@code POST /api/v1/webhook-endpoints/{id}/test}, 8 client threads, one endpoint each, so 8 streams whose order
 * is kept) and delivered to a local receiver that verifies each with the Standard Webhooks library. Prints
 * {@code BENCH webhook} lines: notifications delivered per second (first write to last received), and p50/p99 of
 * write-to-received latency (the body's timestamp, taken in the writing transaction, to arrival). Asserts nothing about
 * speed. calbridge runs as a child JVM ({@link ServiceProcess}, full JIT). Run:
 * {@code ./mvnw test -Dtest=WebhookDeliveryBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
class WebhookDeliveryBenchmark {

    private static final int CLIENTS = 8;

    @Test
    void deliversNotificationsToALocalReceiver() throws Exception {
        int messages = Integer.getInteger("bench.messages", 5000);
        String database = TestDatabase.url(TestDatabase.newDatabase());
        String tokenKeys = TestKeys.tokenKey("k1");
        try (WebhookReceiver app = new WebhookReceiver();
                ServiceProcess calbridge = ServiceProcess.create("webhook-bench", database, tokenKeys, Map.of()).jvmOptions("-Xmx1g")) {
            calbridge.start();
            WebhookEndpointRows rows = WebhookEndpointRows.in(database, tokenKeys);
            // one secret for all, so that the receiver verifies every delivery with it
            String secret = WebhookEndpointRows.newSecret();
            app.verifyWith(secret);
            List<Endpoint> endpoints = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                endpoints.add(rows.insert(app.url(), List.of("connection.connected"), secret));
            }
            warmUp(calbridge.api(), app, endpoints.get(0));
            int before = app.received().size();

            Instant started = Instant.now();
            AtomicInteger next = new AtomicInteger();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> sent = new ArrayList<>();
            for (Endpoint endpoint : endpoints) {
                sent.add(clients.submit(() -> {
                    while (next.getAndIncrement() < messages) {
                        Api.Response response = calbridge.api().post("/api/v1/webhook-endpoints/" + endpoint.id() + "/test",
                                Caller.service("bench"), null);
                        if (response.status() != 202) {
                            throw new AssertionError(response.toString());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : sent) {
                future.get();
            }
            clients.shutdown();
            Instant written = Instant.now();
            Await.until(messages + " notifications received", Duration.ofMinutes(10), () -> app.received().size() >= before + messages);
            List<WebhookReceiver.Received> received = app.received().subList(before, before + messages);
            Instant last = received.get(received.size() - 1).at();

            long[] latencies = received.stream()
                    .mapToLong(r -> Duration.between(Instant.parse(r.body().path("timestamp").asString()), r.at()).toMillis()).sorted().toArray();
            double seconds = Duration.between(started, last).toMillis() / 1000.0;
            System.out.printf("BENCH webhook messages=%d endpoints=%d written_per_s=%.0f delivered_per_s=%.0f%n", messages, CLIENTS,
                    messages / (Duration.between(started, written).toMillis() / 1000.0), messages / seconds);
            System.out.printf("BENCH webhook write_to_received_ms p50=%d p99=%d max=%d duplicates=%d verification_failures=%d%n",
                    latencies[latencies.length / 2], latencies[(int) Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)],
                    latencies[latencies.length - 1], app.duplicates(), app.verificationFailures().size());
        }
    }

    private static void warmUp(Api api, WebhookReceiver app, Endpoint endpoint) {
        for (int i = 0; i < 200; i++) {
            api.post("/api/v1/webhook-endpoints/" + endpoint.id() + "/test", Caller.service("bench"), null);
        }
        Await.until("warm-up delivered", Duration.ofMinutes(2), () -> app.received().size() >= 200);
    }
}
