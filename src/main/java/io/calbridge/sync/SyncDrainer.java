package io.calbridge.sync;

import io.calbridge.connection.ConnectionService;
import io.calbridge.provider.ProviderException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Drains the sync queue on every instance: on a schedule (CALBRIDGE_SYNC_INTERVAL), right after a change commits
 * (a nudge), and when a retry falls due. Claimed jobs run in parallel, provider calls outside any transaction; the
 * outcome decides: done, retry later (exponential backoff with jitter, or the provider's Retry-After), dead after
 * too many attempts or a permanent fault, parked while the connection needs reauthorization.
 *
 * <p>No due job waits for the schedule: every pass ends by asking the queue when its next job falls due (a retry
 * scheduled by any instance, or a claim whose lease runs out because its instance died) and wakes up then. So a
 * wake-up lost anywhere (its instance died, a pass failed) costs at most until the next pass of any instance, and a
 * pass that fails is tried again a second later.
 */
@Component
public class SyncDrainer implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(SyncDrainer.class);
    /** The soonest a pass wakes up again for a job that is due but was not claimable (another claim held its row). */
    private static final Duration MIN_WAKE_UP = Duration.ofMillis(200);
    /** After a pass failed (the database was away): try again this soon rather than at the next schedule. */
    private static final Duration AFTER_FAILED_PASS = Duration.ofSeconds(1);

    private final SyncQueue queue;
    private final Map<String, JobHandler> handlers;
    private final SyncLogs logs;
    private final ConnectionService connections;
    private final SyncProperties properties;
    private final MeterRegistry meters;
    private final Clock clock;
    private final String worker = workerName();
    private final ExecutorService loop = Executors.newSingleThreadExecutor(daemon("sync-drain"));
    private final ExecutorService workers;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("sync-retry-timer"));
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    /** When this instance's pending wake-up for the queue's next due job fires (null: none yet); drain loop only. */
    private final AtomicReference<Instant> nextWakeUp = new AtomicReference<>();
    /** Workers free to take a job: jobs are claimed only for them. */
    private final Semaphore idle;

    SyncDrainer(SyncQueue queue, List<JobHandler> handlers, SyncLogs logs, ConnectionService connections, SyncProperties properties,
            MeterRegistry meters, Clock clock) {
        this.queue = queue;
        this.handlers = handlers.stream().collect(Collectors.toMap(JobHandler::kind, Function.identity()));
        this.logs = logs;
        this.connections = connections;
        this.properties = properties;
        this.meters = meters;
        this.clock = clock;
        this.workers = Executors.newFixedThreadPool(properties.workers(), daemon("sync-worker"));
        this.idle = new Semaphore(properties.workers());
        Gauge.builder("calbridge.sync.queue.depth", queue, SyncQueue::depth).description("jobs waiting or running").register(meters);
        Gauge.builder("calbridge.sync.queue.oldest.pending", queue, SyncQueue::oldestPendingSeconds).baseUnit("seconds")
                .description("how long the oldest due job has waited").register(meters);
    }

    /** Drain soon: a change was committed, or a retry fell due. Concurrent nudges collapse into one more pass. */
    public void nudge() {
        again.set(true);
        if (draining.compareAndSet(false, true)) {
            loop.submit(this::drainWhileAsked);
        }
    }

    /** Drain once {@code delay} has passed: a job that is not due yet will be by then. */
    void nudgeAfter(Duration delay) {
        if (delay.isZero()) {
            nudge();
        } else {
            timer.schedule(this::nudge, delay.toMillis() + 50, TimeUnit.MILLISECONDS);
        }
    }

    @Scheduled(fixedDelayString = "${calbridge.sync-interval:PT2M}", initialDelayString = "PT10S")
    void onSchedule() {
        nudge();
    }

    private void drainWhileAsked() {
        try {
            while (again.getAndSet(false)) {
                drainAll();
            }
            wakeUpWhenNextJobFallsDue();
        } catch (RuntimeException e) {
            log.error("draining the sync queue failed; trying again in {} s", AFTER_FAILED_PASS.toSeconds(), e);
            nudgeAfter(AFTER_FAILED_PASS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            draining.set(false);
            if (again.get()) {
                nudge();
            }
        }
    }

    /**
     * Claims jobs only for idle workers and hands each to one at once, so a job's lease starts when it does and no job
     * waits behind a slow one; returns when the queue has nothing due.
     */
    private void drainAll() throws InterruptedException {
        while (true) {
            idle.acquire();
            int taken = 1 + idle.drainPermits();
            int wanted = Math.min(properties.batchSize(), taken);
            List<SyncJob> jobs = List.of();
            try {
                jobs = queue.claim(wanted, worker, properties.lease());
            } finally {
                // every permit taken but not given to a job goes back (more workers than a batch: the rest too)
                idle.release(taken - jobs.size());
            }
            for (SyncJob job : jobs) {
                workers.execute(() -> {
                    try {
                        runOne(job);
                    } finally {
                        idle.release();
                    }
                });
            }
            if (jobs.size() < wanted) {
                return;
            }
        }
    }

    /**
     * Schedules this instance's next pass for when the queue's next job falls due, whoever's retry it is, unless an
     * earlier wake-up is pending already (that one looks again after its pass).
     */
    private void wakeUpWhenNextJobFallsDue() {
        Instant due = queue.nextDueAt();
        if (due == null) {
            return;
        }
        Instant now = clock.instant();
        Instant at = due.isBefore(now.plus(MIN_WAKE_UP)) ? now.plus(MIN_WAKE_UP) : due;
        Instant pending = nextWakeUp.get();
        if (pending != null && pending.isAfter(now) && !pending.isAfter(at)) {
            return;
        }
        nextWakeUp.set(at);
        timer.schedule(this::nudge, Duration.between(now, at).toMillis() + 50, TimeUnit.MILLISECONDS);
    }

    private void runOne(SyncJob job) {
        JobHandler handler = handlers.get(job.kind());
        Instant started = clock.instant();
        JobHandler.Result result;
        try {
            result = handler.run(job);
        } catch (RuntimeException e) {
            log.error("sync job {} ({}) failed unexpectedly", job.id(), job.kind(), e);
            result = JobHandler.Result.failed(new ProviderException.Transient("unexpected " + e.getClass().getSimpleName(), e), 0);
        }
        String outcome = settle(job, handler, result);
        logs.write(job, started, outcome, result, result.ok() ? null : describe(result.failure()));
        Counter.builder("calbridge.sync.jobs").tag("kind", job.kind()).tag("outcome", outcome)
                .tag("reason", result.ok() ? "none" : reason(result.failure())).register(meters).increment();
    }

    /** The queue's decision, from the failure's type alone. */
    private String settle(SyncJob job, JobHandler handler, JobHandler.Result result) {
        if (result.ok()) {
            if (queue.complete(job, worker, result.reached(), handler.rerunDelay())) {
                nudgeAfter(handler.rerunDelay());
            }
            return "SUCCESS";
        }
        ProviderException failure = result.failure();
        String error = describe(failure);
        if (failure instanceof ProviderException.AuthRevoked) {
            queue.park(job, worker, error);
            queue.parkConnection(job.connectionId());
            connections.markNeedsReauth(job.connectionId(), "the provider refused the authorization");
            return "PARKED";
        }
        // Unauthorized here: the provider refused even a freshly refreshed token; maybe it passes, so back off and retry
        boolean retryable = failure instanceof ProviderException.RateLimited || failure instanceof ProviderException.Transient
                || failure instanceof ProviderException.Unauthorized;
        if (!retryable || job.attempts() + 1 >= properties.maxAttempts()) {
            if (queue.dead(job, worker, reason(failure), error)) {
                handler.onDead(job, reason(failure), error);
            }
            return "DEAD";
        }
        // never before the provider's Retry-After: its jitter only adds
        Duration wait = failure instanceof ProviderException.RateLimited limited ? notBefore(limited.retryAfter(), 0.2)
                : withJitter(backoff(job.attempts() + 1), 0.5);
        if (queue.retryLater(job, worker, clock.instant().plus(wait), reason(failure), error)) {
            timer.schedule(this::nudge, wait.toMillis() + 50, TimeUnit.MILLISECONDS);
        }
        return "RETRY";
    }

    /** 1 s, 2 s, 4 s, ... up to the configured ceiling. */
    private Duration backoff(int attempt) {
        Duration wait = properties.retryBase().multipliedBy(1L << Math.min(attempt - 1, 20));
        return wait.compareTo(properties.retryMax()) > 0 ? properties.retryMax() : wait;
    }

    /** {@code wait} plus up to {@code spread} of it, so that jobs throttled together do not all come back at once. */
    private static Duration notBefore(Duration wait, double spread) {
        long millis = Math.max(100, wait.toMillis());
        return Duration.ofMillis(millis + (long) (millis * spread * ThreadLocalRandom.current().nextDouble()));
    }

    private static Duration withJitter(Duration wait, double spread) {
        double factor = 1 + spread * (ThreadLocalRandom.current().nextDouble() * 2 - 1);
        return Duration.ofMillis(Math.max(100, (long) (wait.toMillis() * factor)));
    }

    private static String reason(ProviderException failure) {
        if (failure instanceof ProviderException.RateLimited) {
            return "rate_limited";
        }
        if (failure instanceof ProviderException.AuthRevoked) {
            return "needs_reauth";
        }
        if (failure instanceof ProviderException.NotFound) {
            return "not_found";
        }
        if (failure instanceof ProviderException.Unauthorized) {
            return "auth_failed";
        }
        if (failure instanceof ProviderException.CursorExpired) {
            return "cursor_expired";
        }
        return failure instanceof ProviderException.Transient ? "transient" : "permanent";
    }

    private static String describe(ProviderException failure) {
        return failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }

    private static String workerName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "calbridge";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
        loop.shutdownNow();
        workers.shutdownNow();
    }
}
