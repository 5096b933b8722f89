package io.calbridge.bench;

import io.calbridge.emulator.google.GoogleCalendarEmulator;
import io.calbridge.event.EventStore;
import io.calbridge.sync.InboundSync;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.Connect;
import io.calbridge.testing.GoogleEmulators;
import io.calbridge.testing.RunningCalbridge;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.TestKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Full sync of a 50,000-event Google calendar from the emulator through calbridge (OAuth connect, the real Google
 * client, PostgreSQL), then an incremental sync with nothing changed. Prints figures; asserts nothing about speed.
 * Run: {@code ./mvnw test -Dtest=GoogleSyncBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
class GoogleSyncBenchmark {

    private static final int EVENTS = Integer.getInteger("bench.events", 50_000);

    @Test
    void fullSyncThenIdleIncrementalSync() throws Exception {
        try (GoogleCalendarEmulator google = GoogleCalendarEmulator.builder().autoApprove(true).start()) {
            String account = "bench@example.com";
            google.createAccount(account);
            google.setDefaultAccount(account);
            Instant first = Instant.now().plus(Duration.ofHours(1));
            // one event every 10 minutes: 50,000 of them span ~347 days, inside the sync window
            google.seedEvents(account, EVENTS, first, Duration.ofMinutes(10), Duration.ofMinutes(30));

            Map<String, Object> settings = new HashMap<>(GoogleEmulators.settingsFor(google));
            settings.put("calbridge.token-keys", TestKeys.tokenKey("bench"));
            try (RunningCalbridge app = RunningCalbridge.start(TestDatabase.newDatabase(), settings)) {
                String user = "bench-user";
                String authorizationUrl = new Connect(app.api()).authorize("google", Caller.service(user), null);
                String callback = app.api().get(authorizationUrl, Caller.anonymous()).header("Location");
                google.resetCallCounts();
                FullSyncRun.resetPeakHeap();

                long cpuBefore = FullSyncRun.jvmCpuNanos();
                Duration postgresBefore = TestDatabase.postgresCpuTime();
                long started = System.nanoTime();
                Response connected = app.api().get(callback, Caller.anonymous());
                UUID id = UUID.fromString(connected.json().path("connectionId").asText());
                FullSyncRun.awaitFirstSync(app, id);
                double seconds = (System.nanoTime() - started) / 1e9;
                int stored = app.context().getBean(EventStore.class).count(id);
                // CPU does not depend on what else the machine runs, the rate does
                System.out.printf("%nBENCH google full sync CPU: this JVM (calbridge and the emulator) %.2f s, PostgreSQL %.2f s%n",
                        (FullSyncRun.jvmCpuNanos() - cpuBefore) / 1e9, TestDatabase.postgresCpuTime().minus(postgresBefore).toNanos() / 1e9);

                System.out.printf("%nBENCH google full sync: %,d events stored in %.2f s = %,.0f events/s; provider calls: "
                        + "events.list %d, all %d; peak heap %,d MB%n", stored, seconds, stored / seconds,
                        google.callCount("events.list"), allCalls(google), FullSyncRun.peakHeapBytes() / (1024 * 1024));

                google.resetCallCounts();
                long incrementalStart = System.nanoTime();
                InboundSync.Outcome idle = app.context().getBean(InboundSync.class).sync(id, false);
                System.out.printf("BENCH google idle incremental sync: %s in %.0f ms; provider calls: events.list %d, all %d%n%n",
                        idle.status(), (System.nanoTime() - incrementalStart) / 1e6, google.callCount("events.list"),
                        allCalls(google));
                if (stored != EVENTS) {
                    throw new IllegalStateException("stored " + stored + " of " + EVENTS + " events");
                }
            }
        }
    }

    private static int allCalls(GoogleCalendarEmulator google) {
        return google.callCounts().entrySet().stream().filter(e -> !e.getKey().equals("*")).mapToInt(Map.Entry::getValue).sum();
    }
}
