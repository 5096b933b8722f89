package io.calbridge.emulator.calendly;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends signed webhook deliveries on background threads and retries them on the configured delays; when the retries
 * are exhausted it tells the emulator to disable the subscription. Real Calendly retries over roughly 24 hours, the
 * emulator's default delays are seconds so tests can watch the whole life of a failing subscription.
 */
final class Webhooks {

    /** One planned delivery: everything needed to send it again. */
    record Planned(String subscriptionUri, String url, String event, String body, String signingKey) {
    }

    private final Clock clock;
    private final List<Duration> retryDelays;
    private final Duration timeout;
    private final Predicate<String> stillActive;
    private final Consumer<String> disable;
    private final List<CalendlyEmulator.Delivery> log = new CopyOnWriteArrayList<>();
    private final HttpClient http;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "calendly-emulator-webhooks");
        thread.setDaemon(true);
        return thread;
    });

    Webhooks(Clock clock, List<Duration> retryDelays, Duration timeout, Predicate<String> stillActive, Consumer<String> disable) {
        this.clock = clock;
        this.retryDelays = List.copyOf(retryDelays);
        this.timeout = timeout;
        this.stillActive = stillActive;
        this.disable = disable;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    void send(Planned planned) {
        scheduler.execute(() -> attempt(planned, 1));
    }

    /** A delivery lost on the way: logged with status 0 and never sent or retried. */
    void drop(Planned planned) {
        log.add(new CalendlyEmulator.Delivery(planned.subscriptionUri(), planned.url(), planned.event(), planned.body(),
                null, 1, 0, clock.instant()));
    }

    List<CalendlyEmulator.Delivery> log() {
        return List.copyOf(log);
    }

    void close() {
        scheduler.shutdownNow();
    }

    private void attempt(Planned planned, int attempt) {
        if (!stillActive.test(planned.subscriptionUri())) {
            return; // a disabled or deleted subscription gets nothing more
        }
        long t = clock.instant().getEpochSecond();
        String signature = "t=" + t + ",v1=" + hmacHex(planned.signingKey(), t + "." + planned.body());
        int status;
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(planned.url()))
                    .timeout(timeout)
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header("Calendly-Webhook-Signature", signature)
                    .header("User-Agent", "Calendly-Webhooks (emulator)")
                    .POST(HttpRequest.BodyPublishers.ofString(planned.body(), StandardCharsets.UTF_8))
                    .build();
            status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            status = -1; // timeout or connection failure
        }
        log.add(new CalendlyEmulator.Delivery(planned.subscriptionUri(), planned.url(), planned.event(), planned.body(),
                signature, attempt, status, clock.instant()));
        if (status >= 200 && status < 300) {
            return;
        }
        if (attempt - 1 < retryDelays.size()) {
            Duration delay = retryDelays.get(attempt - 1);
            scheduler.schedule(() -> attempt(planned, attempt + 1), delay.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            disable.accept(planned.subscriptionUri());
        }
    }

    static String hmacHex(String key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
