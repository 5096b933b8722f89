package io.calbridge.bench;

import io.calbridge.emulator.microsoft.MicrosoftGraphEmulator;
import io.calbridge.event.EventStore;
import io.calbridge.sync.InboundSync;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.Connect;
import io.calbridge.testing.MicrosoftEmulators;
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
 * Full sync of a 50,000-event Outlook calendar (a work account) from the emulator through calbridge (OAuth connect
 * through the consent page, the real Graph SDK, calendarView/delta pages, PostgreSQL), then an incremental round with
 * nothing changed, which must cost one delta call per calendar. Prints figures; asserts nothing about speed.
 * Pages are as large as calbridge asks ({@code Prefer: odata.maxpagesize}); Graph documents no maximum for
 * calendarView/delta, and the adapter and the emulator stop at 1,000 (Outlook's largest {@code $top}).
 * Run: {@code ./mvnw test -Dtest=MicrosoftSyncBenchmark -Dsurefire.failIfNoSpecifiedTests=false} ({@code -Dbench.events=5000}
 * for a quick check).
 */
class MicrosoftSyncBenchmark {

    private static final int EVENTS = Integer.getInteger("bench.events", 50_000);

    @Test
    void fullSyncThenIdleIncrementalSync() throws Exception {
        try (MicrosoftGraphEmulator microsoft = MicrosoftGraphEmulator.builder().start()) {
            String account = "bench.user@contoso.onmicrosoft.com";
            microsoft.createWorkAccount(account, "Bench User", MicrosoftGraphEmulator.DEFAULT_TENANT, "W. Europe Standard Time");
            String calendarId = microsoft.defaultCalendarId(account);
            Instant first = Instant.now().plus(Duration.ofHours(1));
            long seedStart = System.nanoTime();
            // one event every 10 minutes: 50,000 of them span ~347 days, inside the sync window
            microsoft.seedEvents(account, calendarId, EVENTS, first, Duration.ofMinutes(10), Duration.ofMinutes(30));
            System.out.printf("%nBENCH microsoft seeded %,d events in %.2f s%n", EVENTS, (System.nanoTime() - seedStart) / 1e9);
            int calendars = microsoft.calendarIds(account).size();

            Map<String, Object> settings = new HashMap<>(MicrosoftEmulators.settingsFor(microsoft));
            settings.put("calbridge.token-keys", TestKeys.tokenKey("bench"));
            try (RunningCalbridge app = RunningCalbridge.start(TestDatabase.newDatabase(), settings)) {
                String callback = new Connect(app.api()).consentAtMicrosoftEmulator(Caller.service("bench-user"), account);
                microsoft.resetCallCounts();
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
                System.out.printf("%nBENCH microsoft full sync CPU: this JVM (calbridge and the emulator) %.2f s, PostgreSQL %.2f s%n",
                        (FullSyncRun.jvmCpuNanos() - cpuBefore) / 1e9, TestDatabase.postgresCpuTime().minus(postgresBefore).toNanos() / 1e9);
                System.out.printf("%nBENCH microsoft full sync: %,d events stored in %.2f s = %,.0f events/s; Graph calls: "
                        + "events.delta %d, all %d %s; peak heap %,d MB%n", stored, seconds, stored / seconds,
                        microsoft.callCount("events.delta"), allCalls(microsoft), microsoft.callCounts(), FullSyncRun.peakHeapBytes() / (1024 * 1024));

                microsoft.resetCallCounts();
                long incrementalStart = System.nanoTime();
                InboundSync.Outcome idle = app.context().getBean(InboundSync.class).sync(id, false);
                System.out.printf("BENCH microsoft idle incremental sync: %s in %.0f ms; Graph calls: events.delta %d for %d calendar(s), "
                        + "all %d %s%n%n", idle.status(), (System.nanoTime() - incrementalStart) / 1e6, microsoft.callCount("events.delta"),
                        calendars, allCalls(microsoft), microsoft.callCounts());
                if (stored != EVENTS) {
                    throw new IllegalStateException("stored " + stored + " of " + EVENTS + " events");
                }
            }
        }
    }

    private static int allCalls(MicrosoftGraphEmulator microsoft) {
        return microsoft.callCounts().values().stream().mapToInt(Integer::intValue).sum();
    }
}
