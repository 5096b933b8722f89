package io.calbridge;

import io.calbridge.emulator.google.GoogleCalendarEmulator;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.AppointmentWorkload;
import io.calbridge.testing.Await;
import io.calbridge.testing.Connect;
import io.calbridge.testing.GoogleEmulators;
import io.calbridge.testing.ServiceProcess;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.TestKeys;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Crash safety of the sync queue: calbridge runs as a process of its own and is killed with SIGKILL five times while
 * appointment changes flow in and the queue drains; each time it is started again on the same database. In the end
 * Google holds exactly the appointments' latest states. The emulator and PostgreSQL live in this JVM, so they survive
 * the kills. The seed is printed and can be given back with {@code -Dcrash.seed=...}.
 */
class QueueCrashSafetyIT {

    private static final int CHANGES = 500;
    private static final int APPOINTMENTS = 200;
    private static final int KILLS = 5;

    @Test
    void killedFiveTimesMidDrainThenGoogleHoldsOneEventPerLiveAppointmentWithItsLatestContentAndNoneForCancelled()
            throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        System.out.println("QueueCrashSafetyIT seed " + seed);
        Random random = new Random(seed);
        try (GoogleCalendarEmulator google = GoogleCalendarEmulator.builder().autoApprove(true).start();
                ServiceProcess calbridge = ServiceProcess.create("crash", TestDatabase.url(TestDatabase.newDatabase()),
                        TestKeys.tokenKey("k1"), settings(google))) {
            String email = "crash@example.com";
            google.createAccount(email);
            google.setDefaultAccount(email);
            calbridge.start();
            AppointmentWorkload workload = AppointmentWorkload.plan("crash-user", seed, CHANGES, APPOINTMENTS);
            new Connect(calbridge.api()).connectGoogle(Caller.service(workload.userId()), email);

            // ~70 changes/s while the service is up, so the 500 changes span the five lives and the last one
            AppointmentWorkload.Sending sending = workload.send(4, Duration.ofMillis(60), seq -> calbridge.api());
            for (int kill = 1; kill <= KILLS; kill++) {
                int acceptedAtStart = workload.accepted();
                int writesAtStart = writes(google);
                Await.until("changes flow into the restarted service", Duration.ofSeconds(60),
                        () -> workload.accepted() > acceptedAtStart || sending.done());
                Thread.sleep(300 + random.nextInt(2200));
                calbridge.kill();
                System.out.printf("QueueCrashSafetyIT kill %d: %d changes accepted in this life (%d in all), %d Google writes%n",
                        kill, workload.accepted() - acceptedAtStart, workload.accepted(), writes(google) - writesAtStart);
                calbridge.start();
            }
            sending.await(Duration.ofMinutes(2));
            workload.awaitDrained(calbridge.api(), Duration.ofSeconds(90));

            workload.assertCalendarMatches(google, email);
            System.out.printf("QueueCrashSafetyIT: %d changes accepted, %d attempts unanswered and repeated, Google calls %s%n",
                    workload.accepted(), workload.unanswered(), google.callCounts());
        }
    }

    private static int writes(GoogleCalendarEmulator google) {
        return google.callCount("events.insert") + google.callCount("events.update") + google.callCount("events.delete");
    }

    private static Map<String, String> settings(GoogleCalendarEmulator google) {
        Map<String, String> settings = new LinkedHashMap<>(GoogleEmulators.settingsFor(google));
        settings.put("calbridge.sync.retry-base", "PT0.2S");
        settings.put("calbridge.sync-interval", "PT2S");
        // a killed instance's claims come back after this, rather than after the default five minutes
        settings.put("calbridge.sync.lease", "PT3S");
        return settings;
    }
}
