package io.calbridge.bench;

import io.calbridge.emulator.google.GoogleCalendarEmulator;
import io.calbridge.testing.Api;
import io.calbridge.testing.Await;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Connect;
import io.calbridge.testing.GoogleEmulators;
import io.calbridge.testing.ServiceProcess;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.TestKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Upserts appointments through the API (8 client threads, java.net.http) into one connected Google account and prints
 * accept latency p50/p99, drain throughput and change-to-visible latency p50/p95 at the emulator, in two phases:
 * <ol>
 * <li><b>steady</b>: 10,000 PUTs offered at a steady {@code -Dbench.rate} per second (default 100; open loop, so
 *     latency counts from when a PUT was due and a slow answer that delays the next PUTs is not hidden);</li>
 * <li><b>burst</b>: {@code -Dbench.burst} (default 10,000) more PUTs, each client sending its next one as soon as the
 *     previous one is answered: as fast as calbridge takes them, while it drains the queue at the same time. With 8
 *     clients always waiting, accept latency is 8 / throughput (Little's law) rather than a property of one PUT.</li>
 * </ol>
 * Targets on a 2-core machine: accept p99 under 25 ms, drain at least 200 jobs/s, visible p95 under 5 s. Prints
 * figures; asserts nothing about speed. Run:
 * {@code ./mvnw test -Dtest=AppointmentQueueBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 *
 * <p>{@code -Dbench.set.<property>=<value>} passes a setting to calbridge (e.g.
 * {@code -Dbench.set.calbridge.sync.workers=32}), {@code -Dbench.jvm-options="..."} adds JVM options (e.g. a flight
 * recording; calbridge is stopped with SIGTERM at the end, so it is written).
 *
 * <p>calbridge runs as a child JVM ({@link ServiceProcess}, full JIT, 1 GB heap) rather than in this JVM: the emulator
 * and the client threads allocate heavily, and in one JVM their garbage collections would pause calbridge too and
 * count as its latency. They still compete with calbridge and PostgreSQL for the same two cores (as does Maven's
 * JVM), which a deployment would not. PostgreSQL is the test's embedded one with {@code fsync=off} and
 * {@code synchronous_commit=off}: commits cost less than on a durable server, which flatters the accept latency.
 *
 * <p>Measures, all from this JVM's {@code System.nanoTime()}:
 * <ul>
 * <li>accept latency: the PUT's round trip, request sent (or due) to answer read (the change and its job committed);</li>
 * <li>change-to-visible latency: from the PUT's answer to the first look at the emulator that finds the event. A
 *     watcher looks up every not-yet-seen appointment's event by its id every 20 ms ({@code emulator.event(...)},
 *     an in-memory map lookup), so a figure is late by at most one pass; the id is the one calbridge derives from the
 *     appointment (checked against the API's externalId on a first appointment);</li>
 * <li>drain throughput: events that became visible per second, between the first and the last one (jobs run while
 *     PUTs still arrive), and separately after the last PUT was answered (the backlog alone, when there is one).</li>
 * </ul>
 * A warm-up of 3,000 appointments at the steady rate (not counted) runs first, so that the JIT has compiled the hot
 * paths; the steady phase follows without a pause.
 */
class AppointmentQueueBenchmark {

    private static final int APPOINTMENTS = Integer.getInteger("bench.appointments", 10_000);
    private static final int BURST = Integer.getInteger("bench.burst", 10_000);
    private static final int WARM_UP = Integer.getInteger("bench.warmup", 3_000);
    private static final int CLIENTS = Integer.getInteger("bench.clients", 8);
    /** PUTs per second offered by all clients together in the steady phase. */
    private static final int RATE = Integer.getInteger("bench.rate", 100);
    /** {@code -Dbench.webhook=true}: one webhook endpoint subscribed to every event type, answered by a local receiver. */
    private static final boolean WEBHOOK = Boolean.getBoolean("bench.webhook");
    private static final String USER = "bench-user";
    private static final String EMAIL = "bench@example.com";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private NotificationSink receiver;

    @Test
    void upsertTenThousandAppointmentsThenPrintAcceptLatencyDrainThroughputAndChangeToVisibleLatency() throws Exception {
        try (GoogleCalendarEmulator google = GoogleCalendarEmulator.builder().autoApprove(true).start();
                ServiceProcess calbridge = ServiceProcess.create("bench", TestDatabase.url(TestDatabase.newDatabase()),
                        TestKeys.tokenKey("bench"), settings(google)).jvmOptions(jvmOptions())) {
            google.createAccount(EMAIL);
            google.setDefaultAccount(EMAIL);
            calbridge.start();
            UUID connection = new Connect(calbridge.api()).connectGoogle(Caller.service(USER), EMAIL);
            checkEventIdScheme(calbridge, google, connection);
            if (WEBHOOK) {
                receiver = NotificationSink.subscribe(calbridge.api());
            }

            // at the steady rate, and the steady phase follows at once: it measures a steady state, not a start from idle
            run(calbridge, google, connection, "warm", WARM_UP, RATE).awaitVisible(Duration.ofMinutes(5));
            measure("steady", calbridge, google, connection, APPOINTMENTS, RATE);
            measure("burst", calbridge, google, connection, BURST, 0);
            if (receiver != null) {
                receiver.awaitQuiet(Duration.ofMinutes(2));
                System.out.println("BENCH webhook notifications received: " + receiver.received() + " (" + receiver.distinct() + " distinct ids)");
                receiver.close();
            }
            calbridge.stop();
        }
    }

    /** Upserts {@code count} appointments ({@code rate} per second, or 0: as fast as they are answered) and prints the figures. */
    private void measure(String phase, ServiceProcess calbridge, GoogleCalendarEmulator google, UUID connection, int count, int rate)
            throws Exception {
        if (count == 0) {
            return;
        }
        google.resetCallCounts();
        int notificationsBefore = google.deliveredNotificationCount();
        Duration calbridgeCpu = calbridge.cpuTime();
        Duration postgresCpu = TestDatabase.postgresCpuTime();
        Run run = run(calbridge, google, connection, phase, count, rate);
        run.awaitVisible(Duration.ofMinutes(10));
        run.print(phase, rate);
        // CPU per appointment (its PUT and its push) is what a change costs whatever else shares the machine
        System.out.printf("BENCH %s CPU per appointment (PUT and push): calbridge %.2f ms, PostgreSQL %.2f ms%n", phase,
                calbridge.cpuTime().minus(calbridgeCpu).toNanos() / 1e6 / count, TestDatabase.postgresCpuTime().minus(postgresCpu).toNanos() / 1e6 / count);
        System.out.println("BENCH " + phase + " Google calls: " + google.callCounts() + ", push notifications delivered to calbridge: "
                + (google.deliveredNotificationCount() - notificationsBefore));
    }

    /** The emulator's endpoints, and any {@code -Dbench.set.<property>=<value>} (e.g. calbridge.sync.workers) to try a tuning. */
    private static Map<String, String> settings(GoogleCalendarEmulator google) {
        Map<String, String> settings = new LinkedHashMap<>(GoogleEmulators.settingsFor(google));
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith("bench.set."))
                .forEach(name -> settings.put(name.substring("bench.set.".length()), System.getProperty(name)));
        return settings;
    }

    /** The child JVM's options; {@code -Dbench.jvm-options="..."} (space-separated) adds some, e.g. a flight recording. */
    private static String[] jvmOptions() {
        String extra = System.getProperty("bench.jvm-options", "").trim();
        List<String> options = new ArrayList<>(List.of("-Xmx1g"));
        if (!extra.isEmpty()) {
            options.addAll(List.of(extra.split("\\s+")));
        }
        return options.toArray(String[]::new);
    }

    /** Upserts {@code count} new appointments from {@link #CLIENTS} threads, while a watcher notes when each is visible. */
    private Run run(ServiceProcess calbridge, GoogleCalendarEmulator google, UUID connection, String prefix, int count, int rate)
            throws Exception {
        Run run = new Run(google, count);
        Thread watcher = new Thread(run::watch, "visible-watcher");
        watcher.setDaemon(true);
        watcher.start();
        AtomicInteger next = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        Instant day = Instant.now().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.DAYS);
        run.started = System.nanoTime();
        long interval = rate > 0 ? 1_000_000_000L / rate : 0;
        Future<?>[] running = new Future<?>[CLIENTS];
        for (int t = 0; t < CLIENTS; t++) {
            running[t] = clients.submit(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    if (interval > 0) {
                        // open loop: PUT i is due at start + i * interval, however long earlier ones took
                        long wait = run.started + i * interval - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                    }
                    String id = prefix + "-" + i;
                    Instant start = day.plus(Duration.ofMinutes(30L * i));
                    String body = """
                            {"title":"%s","start":"%s","end":"%s","timeZone":"Europe/Berlin"}"""
                            .formatted(id, OffsetDateTime.ofInstant(start, ZoneOffset.UTC), OffsetDateTime.ofInstant(start.plusSeconds(1800),
                                    ZoneOffset.UTC));
                    HttpRequest put = HttpRequest.newBuilder(URI.create(calbridge.baseUrl() + "/api/v1/appointments/" + id))
                            .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                            .header("X-API-Key", TestKeys.API_KEY).header("X-User-Id", USER)
                            .PUT(HttpRequest.BodyPublishers.ofString(body)).build();
                    // paced: latency counts from when the PUT was due, so a slow answer that delays this client's next PUTs
                    // is not hidden (no coordinated omission); unpaced: from when it was sent
                    long sent = interval > 0 ? run.started + i * interval : System.nanoTime();
                    HttpResponse<String> answer = http.send(put, HttpResponse.BodyHandlers.ofString());
                    long answered = System.nanoTime();
                    if (answer.statusCode() != 200) {
                        throw new IllegalStateException("PUT " + id + " answered " + answer.statusCode() + " " + answer.body());
                    }
                    run.accepted(i, eventId(connection, id), sent, answered);
                }
                return null;
            });
        }
        for (Future<?> client : running) {
            client.get();
        }
        clients.shutdown();
        run.lastAnswered = System.nanoTime();
        return run;
    }

    /** One batch of upserts and what was measured of it. */
    private static final class Run {
        private final GoogleCalendarEmulator google;
        private final int count;
        private final long[] acceptNanos;
        private final long[] answeredAt;
        private final long[] visibleAt;
        private final Map<Integer, String> unseen = new ConcurrentHashMap<>();
        private final AtomicInteger seen = new AtomicInteger();
        private volatile long started;
        private volatile long lastAnswered;
        private volatile int unseenWhenLastAnswered = -1;

        Run(GoogleCalendarEmulator google, int count) {
            this.google = google;
            this.count = count;
            acceptNanos = new long[count];
            answeredAt = new long[count];
            visibleAt = new long[count];
        }

        void accepted(int i, String eventId, long sent, long answered) {
            acceptNanos[i] = answered - sent;
            answeredAt[i] = answered;
            unseen.put(i, eventId);
        }

        /** Every 20 ms: which of the accepted appointments' events does the emulator hold now? */
        void watch() {
            while (seen.get() < count) {
                if (lastAnswered != 0 && unseenWhenLastAnswered < 0) {
                    unseenWhenLastAnswered = unseen.size();
                }
                long now = System.nanoTime();
                for (Iterator<Map.Entry<Integer, String>> it = unseen.entrySet().iterator(); it.hasNext(); ) {
                    Map.Entry<Integer, String> entry = it.next();
                    if (google.event(EMAIL, entry.getValue()).isPresent()) {
                        visibleAt[entry.getKey()] = now;
                        it.remove();
                        seen.incrementAndGet();
                    }
                }
                Await.pause(20);
            }
        }

        void awaitVisible(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (seen.get() < count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(seen.get() + " of " + count + " events visible after " + timeout.toSeconds() + " s");
                }
                Await.pause(50);
            }
        }

        void print(String phase, int rate) {
            long[] accept = acceptNanos.clone();
            Arrays.sort(accept);
            long[] visible = new long[count];
            long firstVisible = Long.MAX_VALUE;
            long lastVisible = 0;
            for (int i = 0; i < count; i++) {
                visible[i] = visibleAt[i] - answeredAt[i];
                firstVisible = Math.min(firstVisible, visibleAt[i]);
                lastVisible = Math.max(lastVisible, visibleAt[i]);
            }
            Arrays.sort(visible);
            double acceptSeconds = (lastAnswered - started) / 1e9;
            double drainSeconds = (lastVisible - firstVisible) / 1e9;
            double backlogSeconds = (lastVisible - lastAnswered) / 1e9;
            System.out.printf("%nBENCH %s accept: %,d PUTs from %d threads (%s) in %.1f s = %,.0f/s; latency p50 %.1f ms, "
                    + "p99 %.1f ms, max %.1f ms (target p99 < 25 ms)%n", phase, count, CLIENTS,
                    rate > 0 ? "offering " + rate + "/s" : "each PUT after the previous answer", acceptSeconds, count / acceptSeconds,
                    ms(percentile(accept, 50)), ms(percentile(accept, 99)), ms(accept[count - 1]));
            // a backlog that drains within a second says nothing about throughput: the drain only kept up with the PUTs
            String backlog = backlogSeconds < 1 ? "after the last PUT: " + unseenWhenLastAnswered + " jobs left, no backlog to measure"
                    : "after the last PUT: %,d jobs left, drained in %.1f s = %,.0f jobs/s".formatted(unseenWhenLastAnswered, backlogSeconds,
                            unseenWhenLastAnswered / backlogSeconds);
            System.out.printf("BENCH %s drain: %,d jobs in %.1f s = %,.0f jobs/s (first to last event visible); %s "
                    + "(target >= 200 jobs/s)%n", phase, count, drainSeconds, count / drainSeconds, backlog);
            System.out.printf("BENCH %s change-to-visible: p50 %.2f s, p95 %.2f s, max %.2f s (target p95 < 5 s)%n%n", phase,
                    percentile(visible, 50) / 1e9, percentile(visible, 95) / 1e9, visible[count - 1] / 1e9);
        }
    }

    /**
     * The event id calbridge gives the appointment's event in Google: {@code "cb"} and the lowercase, unpadded
     * base32hex of SHA-256 of {@code calbridge/{connectionId}/{userId}/{appointmentId}} (AppointmentPusher and the
     * Google adapter's GoogleEventIds). Restated here so the watcher can look events up by id.
     */
    private static String eventId(UUID connection, String appointmentId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("calbridge/" + connection + "/" + USER + "/" + appointmentId).getBytes(StandardCharsets.UTF_8));
            char[] alphabet = "0123456789abcdefghijklmnopqrstuv".toCharArray();
            StringBuilder id = new StringBuilder("cb");
            int buffer = 0;
            int bits = 0;
            for (byte b : digest) {
                buffer = (buffer << 8) | (b & 0xff);
                bits += 8;
                while (bits >= 5) {
                    id.append(alphabet[(buffer >>> (bits - 5)) & 0x1f]);
                    bits -= 5;
                }
            }
            if (bits > 0) {
                id.append(alphabet[(buffer << (5 - bits)) & 0x1f]);
            }
            return id.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One appointment through the API: the external id calbridge reports must be the one the watcher looks for. */
    private static void checkEventIdScheme(ServiceProcess calbridge, GoogleCalendarEmulator google, UUID connection) {
        Api api = calbridge.api();
        Instant start = Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.HOURS);
        Api.Response put = api.send("PUT", "/api/v1/appointments/id-check", Caller.service(USER), """
                {"title":"id check","start":"%s","end":"%s"}""".formatted(start, start.plusSeconds(900)), "application/json");
        if (put.status() != 200) {
            throw new IllegalStateException("PUT answered " + put);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String externalId = null;
        while (externalId == null && System.nanoTime() < deadline) {
            Await.pause(50);
            externalId = api.get("/api/v1/appointments/id-check", Caller.service(USER)).json().path("destinations").path(0)
                    .path("externalId").asText(null);
        }
        if (!eventId(connection, "id-check").equals(externalId) || google.event(EMAIL, externalId).isEmpty()) {
            throw new IllegalStateException("calbridge wrote the event as " + externalId + ", the benchmark expects "
                    + eventId(connection, "id-check") + ": the id scheme changed, update eventId()");
        }
    }

    private static long percentile(long[] sorted, int percent) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(percent / 100.0 * sorted.length) - 1)];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
