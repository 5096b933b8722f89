package io.calbridge.webhook;

import io.calbridge.platform.DrainLoop;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Sends the outbox's notifications to the app's endpoints, on every instance: every poll interval, right after a
 * notification commits on this instance, and after each attempt (so a stream's next notification follows at once).
 * Claimed deliveries go to a bounded pool of senders, the HTTP call outside any transaction, so a slow endpoint holds
 * one sender, not the others; order per endpoint and user holds because a stream (endpoint and user) is claimed as a
 * whole and sent head first.
 *
 * <p>At least once: a sender killed after the app answered but before the outcome was written sends again when the
 * lease runs out, with the same webhook-id (the app's idempotency key). Only 2xx counts; redirects are not followed;
 * 410 disables the endpoint; Retry-After on 429 and 503 replaces the next pause of the schedule.
 */
@Component
public class WebhookDeliverer implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(WebhookDeliverer.class);
    private static final double JITTER = 0.2;
    private static final int MAX_ERROR_LENGTH = 500;
    /** The most deliveries of one stream a sender sends in a row before it lets the claim loop choose again. */
    private static final int STREAM_RUN = 100;
    /** Outcomes of an attempt, the tag of {@code calbridge.webhook.deliveries}. */
    private static final List<String> OUTCOMES = List.of("delivered", "failed_attempt", "failed", "disabled");

    private final WebhookDeliveries deliveries;
    private final WebhookEndpoints endpoints;
    private final WebhookUrlPolicy urlPolicy;
    private final WebhookProperties properties;
    private final MeterRegistry meters;
    private final Clock clock;
    private final HttpClient http;
    private final String worker = workerName();
    private final AtomicLong claims = new AtomicLong();
    private final DrainLoop loop = new DrainLoop("webhook-claim", this::drainAll);
    private final ExecutorService senders;
    /** Senders free to take a delivery: deliveries are claimed only for them, so no lease starts while it waits. */
    private final Semaphore idle;

    WebhookDeliverer(WebhookDeliveries deliveries, WebhookEndpoints endpoints, WebhookUrlPolicy urlPolicy, WebhookProperties properties,
            MeterRegistry meters, Clock clock) {
        this.deliveries = deliveries;
        this.endpoints = endpoints;
        this.urlPolicy = urlPolicy;
        this.properties = properties;
        this.meters = meters;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(properties.timeout()).followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).build();
        this.senders = Executors.newFixedThreadPool(properties.senders(), DrainLoop.daemon("webhook-sender"));
        this.idle = new Semaphore(properties.senders());
        OUTCOMES.forEach(outcome -> counter(outcome));
        Gauge.builder("calbridge.webhook.oldest.undelivered.age", deliveries, WebhookDeliveries::oldestUndeliveredSeconds)
                .baseUnit("seconds").description("how long the oldest notification not yet delivered has waited").register(meters);
    }

    @EventListener(ApplicationReadyEvent.class)
    void startPolling() {
        loop.poll(properties.pollInterval(), properties.pollInterval());
    }

    /** Look for due deliveries soon; concurrent wake-ups collapse into one more pass. */
    public void wake() {
        loop.wake();
    }

    /** Claims only for idle senders and hands each delivery to one at once; returns when nothing more is due. */
    private void drainAll() throws InterruptedException {
        while (true) {
            idle.acquire();
            int taken = 1 + idle.drainPermits();
            int wanted = Math.min(properties.batchSize(), taken);
            List<WebhookDeliveries.Claimed> claimed = List.of();
            try {
                claimed = deliveries.claim(wanted, worker + ":" + claims.incrementAndGet(), properties.lease());
            } finally {
                idle.release(taken - claimed.size());
            }
            for (WebhookDeliveries.Claimed delivery : claimed) {
                senders.execute(() -> {
                    try {
                        sendStream(delivery);
                    } catch (RuntimeException e) {
                        log.error("webhook delivery {} failed unexpectedly; its lease will run out and it is sent again", delivery.id(), e);
                    } finally {
                        idle.release();
                        wake();
                    }
                });
            }
            if (claimed.size() < wanted) {
                return;
            }
        }
    }

    /**
     * Sends the stream's head and, while each goes out, the ones behind it (at most {@link #STREAM_RUN}, then the
     * stream is given back so the claim loop chooses among all streams again); a failure ends the run, the rest waiting
     * for its retry.
     */
    private void sendStream(WebhookDeliveries.Claimed head) {
        // one endpoint: its secrets read once per run (a rotation during a run is signed for by the previous secret, still valid)
        List<String> signing = endpoints.signingSecrets(head.endpointId(), clock.instant());
        if (signing.isEmpty()) {
            return; // the endpoint was deleted meanwhile, and its streams and deliveries with it
        }
        WebhookDeliveries.Claimed next = head;
        for (int sent = 1; next != null; sent++) {
            next = sendOne(next, signing, sent < STREAM_RUN);
        }
    }

    /**
     * Sends one delivery; answers the stream's next one when this was delivered (a 2xx, recorded under a claim that
     * still held) and the stream kept ({@code keepStream}) with more to send, else null.
     */
    private WebhookDeliveries.Claimed sendOne(WebhookDeliveries.Claimed delivery, List<String> signing, boolean keepStream) {
        Instant started = clock.instant();
        URI uri = URI.create(delivery.url());
        byte[] body = delivery.body().getBytes(StandardCharsets.UTF_8);
        Integer status = null;
        String error = null;
        Duration retryAfter = null;
        long startedNanos = System.nanoTime();
        try {
            urlPolicy.checkResolved(uri);
            long timestamp = started.getEpochSecond();
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(properties.timeout())
                    .header("webhook-id", delivery.messageId())
                    .header("webhook-timestamp", Long.toString(timestamp))
                    .header("webhook-signature", WebhookSigner.sign(delivery.messageId(), timestamp, body, signing))
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "calbridge-webhooks")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            // only the status and headers matter: the body is not read (an endpoint trickling one cannot hold a sender)
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            response.body().close();
            status = response.statusCode();
            if (status < 200 || status > 299) {
                error = status >= 300 && status < 400 ? "answered " + status + " (redirects are not followed)" : "answered " + status;
            }
            if (status == 429 || status == 503) {
                retryAfter = response.headers().firstValue("Retry-After").map(this::retryAfter).orElse(null);
            }
        } catch (RefusedAddress refused) {
            error = "address refused: " + refused.getMessage();
        } catch (HttpTimeoutException e) {
            error = "timed out after " + properties.timeout().toMillis() + " ms";
        } catch (IOException e) {
            error = "no answer: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            deliveries.release(delivery);
            return null;
        }
        int latency = (int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos));
        WebhookDeliveries.Attempt attempt = new WebhookDeliveries.Attempt(started, status, latency, truncate(error));
        return settle(delivery, attempt, retryAfter, keepStream);
    }

    /** Writes the outcome (if the claim still holds) and what it means for the endpoint; answers as {@link #sendOne}. */
    private WebhookDeliveries.Claimed settle(WebhookDeliveries.Claimed delivery, WebhookDeliveries.Attempt attempt, Duration retryAfter,
            boolean keepStream) {
        Instant now = clock.instant();
        Duration lease = properties.lease();
        Integer status = attempt.status();
        if (status != null && status >= 200 && status <= 299) {
            WebhookDeliveries.Settled settled = deliveries.settle(delivery, attempt, "DELIVERED", now, keepStream, lease);
            if (settled.recorded()) {
                deliveries.endpointSucceeded(delivery.endpointId());
                counter("delivered").increment();
            }
            return settled.next();
        }
        if (status != null && status == 410) {
            // the app says the endpoint is gone: this delivery and the rest wait, PENDING, in case it is enabled again
            if (deliveries.settle(delivery, attempt, "PENDING", now, false, lease).recorded()) {
                deliveries.disable(delivery.endpointId(), "the endpoint answered 410 Gone at " + now);
                counter("disabled").increment();
            }
            return null;
        }
        int attempts = delivery.attempts() + 1;
        boolean last = attempts >= properties.maxAttempts();
        Duration wait = last ? Duration.ZERO : nextDelay(attempts, retryAfter);
        if (!deliveries.settle(delivery, attempt, last ? "FAILED" : "PENDING", now.plus(wait), false, lease).recorded()) {
            return null;
        }
        counter(last ? "failed" : "failed_attempt").increment();
        if (deliveries.endpointFailed(delivery.endpointId(), properties.disableAfter())) {
            counter("disabled").increment();
        }
        return null;
    }

    /** The schedule's pause after {@code attempts} failed ones, ±20%; the app's Retry-After instead, up to the longest pause. */
    private Duration nextDelay(int attempts, Duration retryAfter) {
        if (retryAfter != null) {
            Duration capped = retryAfter.compareTo(properties.longestStep()) > 0 ? properties.longestStep() : retryAfter;
            // never before the app asked: the jitter only adds
            long millis = capped.toMillis();
            return Duration.ofMillis(millis + (long) (millis * JITTER * ThreadLocalRandom.current().nextDouble()));
        }
        Duration step = properties.retrySchedule().get(Math.min(attempts, properties.retrySchedule().size()) - 1);
        double factor = 1 + JITTER * (ThreadLocalRandom.current().nextDouble() * 2 - 1);
        return Duration.ofMillis((long) (step.toMillis() * factor));
    }

    /** Retry-After as seconds or an HTTP date; null when it is neither. */
    private Duration retryAfter(String value) {
        String trimmed = value.trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(trimmed)));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(clock.instant(), ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    private Counter counter(String outcome) {
        return Counter.builder("calbridge.webhook.deliveries").tag("outcome", outcome)
                .description("webhook delivery attempts by outcome").register(meters);
    }

    private static String truncate(String error) {
        return error == null || error.length() <= MAX_ERROR_LENGTH ? error : error.substring(0, MAX_ERROR_LENGTH);
    }

    private static String workerName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "calbridge";
        }
        if (host.length() > 32) {
            host = host.substring(0, 32);
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public void destroy() {
        loop.close();
        senders.shutdownNow();
    }
}
