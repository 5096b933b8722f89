package io.calbridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.emulator.google.GoogleCalendarEmulator;
import io.calbridge.testing.Api;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.AppointmentWorkload;
import io.calbridge.testing.Connect;
import io.calbridge.testing.GoogleEmulators;
import io.calbridge.testing.ServiceProcess;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.TestKeys;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Two calbridge processes on one database, both taking changes and both draining the queue at once (claims with
 * {@code FOR UPDATE SKIP LOCKED}): Google ends up with the same state one instance would leave, and no duplicate.
 * The seed is printed and can be given back with {@code -Dtwo.seed=...}.
 */
class TwoInstancesIT {

    private static final int CHANGES = 300;
    private static final int APPOINTMENTS = 100;
    private static final Pattern PUSHED = Pattern.compile(
            "calbridge_sync_jobs_total\\{[^}]*kind=\"PUSH\"[^}]*outcome=\"SUCCESS\"[^}]*} ([0-9.E]+)");

    @Test
    void twoInstancesDrainingOneDatabaseLeaveOneEventPerLiveAppointmentWithItsLatestContentAndNoDuplicates() throws Exception {
        long seed = Long.getLong("two.seed", System.nanoTime());
        System.out.println("TwoInstancesIT seed " + seed);
        try (GoogleCalendarEmulator google = GoogleCalendarEmulator.builder().autoApprove(true).start()) {
            String database = TestDatabase.url(TestDatabase.newDatabase());
            String tokenKeys = TestKeys.tokenKey("k1");
            try (ServiceProcess first = ServiceProcess.create("two-a", database, tokenKeys, settings(google));
                    ServiceProcess second = ServiceProcess.create("two-b", database, tokenKeys, settings(google))) {
                first.start();
                second.start();
                String email = "two@example.com";
                google.createAccount(email);
                google.setDefaultAccount(email);
                AppointmentWorkload workload = AppointmentWorkload.plan("two-user", seed, CHANGES, APPOINTMENTS);
                new Connect(first.api()).connectGoogle(Caller.service(workload.userId()), email);

                Api[] instances = {first.api(), second.api()};
                workload.send(4, Duration.ofMillis(10), seq -> instances[seq % 2]).await(Duration.ofMinutes(2));
                workload.awaitDrained(first.api(), Duration.ofSeconds(90));
                workload.awaitDrained(second.api(), Duration.ofSeconds(5));

                workload.assertCalendarMatches(google, email);
                double pushedByFirst = pushedJobs(first.api());
                double pushedBySecond = pushedJobs(second.api());
                System.out.printf("TwoInstancesIT: %d changes accepted; push jobs done by a: %.0f, by b: %.0f; Google calls %s%n",
                        workload.accepted(), pushedByFirst, pushedBySecond, google.callCounts());
                assertThat(pushedByFirst).as("push jobs run by the first instance").isPositive();
                assertThat(pushedBySecond).as("push jobs run by the second instance").isPositive();
            }
        }
    }

    /** Successful push runs of one instance, from its Prometheus metrics. */
    private static double pushedJobs(Api api) {
        Api.Response metrics = api.get("/actuator/prometheus", Caller.serviceWithoutUser());
        assertThat(metrics.status()).as(metrics.toString()).isEqualTo(200);
        Matcher matcher = PUSHED.matcher(metrics.body());
        double total = 0;
        while (matcher.find()) {
            total += Double.parseDouble(matcher.group(1));
        }
        return total;
    }

    private static Map<String, String> settings(GoogleCalendarEmulator google) {
        Map<String, String> settings = new LinkedHashMap<>(GoogleEmulators.settingsFor(google));
        settings.put("calbridge.sync.retry-base", "PT0.2S");
        settings.put("calbridge.sync-interval", "PT2S");
        // nothing dies here, so the lease stays at its default: no claim should ever need taking back
        return settings;
    }
}
