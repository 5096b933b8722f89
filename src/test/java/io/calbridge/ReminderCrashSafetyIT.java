package io.calbridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.testing.Api;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.Await;
import io.calbridge.testing.MailSink;
import io.calbridge.testing.ServiceProcess;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.TestKeys;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Crash safety of reminder mail: 300 EMAIL reminders come due at once in calbridge running as a process of its own,
 * which is killed with SIGKILL while it sends them to a real SMTP server (GreenMail), and started again on the same
 * database. In the end the server has every reminder; one it got twice came both times with the same Message-ID, and
 * only from the window README names (accepted by the server, not yet recorded: at most the one send in flight per
 * kill). The seed is printed ({@code -Dcrash.seed=...}).
 */
class ReminderCrashSafetyIT {

    private static final int REMINDERS = 300;
    private static final int KILLS = 2;
    private static final String USER = "reminder-crash";

    @Test
    void killedDuringABatchOfDueRemindersThenEveryReminderArrivesDuplicatesOnlyFromTheCrashWindow() {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        System.out.println("ReminderCrashSafetyIT seed " + seed);
        Random random = new Random(seed);
        String database = TestDatabase.url(TestDatabase.newDatabase());
        try (MailSink mail = MailSink.start(0);
                ServiceProcess calbridge = ServiceProcess.create("reminder-crash", database, TestKeys.tokenKey("k1"), settings(mail))) {
            calbridge.start();
            // all due at one moment, a little after the last PUT: one batch of 300 due reminders
            Instant due = Instant.now().plus(Duration.ofSeconds(30)).truncatedTo(ChronoUnit.SECONDS);
            for (int i = 0; i < REMINDERS; i++) {
                Response put = put(calbridge.api(), "crash-" + i, due.plus(Duration.ofMinutes(10)), "client" + i + "@crash.example");
                assertThat(put.status()).as(put.toString()).isEqualTo(200);
            }
            assertThat(Instant.now()).as("the PUTs took too long for the planned due time").isBefore(due);

            int kills = 0;
            for (int kill = 1; kill <= KILLS && distinct(mail) < REMINDERS; kill++) {
                int before = mail.received().size();
                Await.until("reminders flow", Duration.ofSeconds(90), () -> mail.received().size() > before + 20 || distinct(mail) >= REMINDERS);
                if (distinct(mail) >= REMINDERS) {
                    break;
                }
                Await.pause(random.nextInt(300));
                calbridge.kill();
                kills++;
                System.out.printf("ReminderCrashSafetyIT kill %d: %d mails received so far%n", kill, mail.received().size());
                calbridge.start();
            }
            Await.until("every reminder received", Duration.ofSeconds(120), () -> distinct(mail) >= REMINDERS);
            Await.pause(2000); // anything still on its way

            List<MailSink.Mail> received = mail.received();
            Map<String, Long> copies = received.stream().collect(Collectors.groupingBy(MailSink.Mail::messageId, Collectors.counting()));
            long duplicates = received.size() - copies.size();
            System.out.printf("ReminderCrashSafetyIT: %d reminders, %d kills, %d mails received, %d duplicates (same Message-ID)%n",
                    REMINDERS, kills, received.size(), duplicates);

            assertThat(kills).as("calbridge was killed during the batch").isPositive();
            assertThat(copies).hasSize(REMINDERS);
            assertThat(received.stream().map(m -> m.to().get(0)).distinct().count()).as("each appointment's attendee").isEqualTo(REMINDERS);
            assertThat(duplicates).as("at most the one send in flight per kill").isLessThanOrEqualTo(kills);
            JdbcClient rows = JdbcClient.create(new DriverManagerDataSource(database, "postgres", ""));
            assertThat(rows.sql("SELECT count(*) FROM reminders WHERE state = 'SENT'").query(Integer.class).single()).isEqualTo(REMINDERS);
            assertThat(rows.sql("SELECT count(DISTINCT message_id) FROM reminders").query(Integer.class).single()).isEqualTo(REMINDERS);
        }
    }

    private static long distinct(MailSink mail) {
        return mail.received().stream().map(MailSink.Mail::messageId).distinct().count();
    }

    private static Map<String, String> settings(MailSink mail) {
        Map<String, String> settings = new HashMap<>(mail.settings());
        // a killed instance's claims come back after this, rather than after the default two minutes
        settings.put("calbridge.reminder.lease", "PT3S");
        settings.put("calbridge.reminder.poll-interval", "PT0.5S");
        return settings;
    }

    private static Response put(Api api, String id, Instant start, String attendee) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", "Crash " + id);
        body.put("start", start.toString());
        body.put("end", start.plus(Duration.ofMinutes(30)).toString());
        body.put("attendees", List.of(Map.of("name", "Client", "email", attendee)));
        body.put("reminders", List.of(Map.of("minutesBefore", 10, "channel", "EMAIL", "to", "ATTENDEES")));
        return api.send("PUT", "/api/v1/appointments/" + id, Caller.service(USER), Api.JSON.writeValueAsString(body), "application/json");
    }
}
