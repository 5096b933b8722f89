package io.calbridge.reminder;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.emulator.google.GoogleCalendarEmulator;
import io.calbridge.emulator.microsoft.MicrosoftGraphEmulator;
import io.calbridge.testing.Api;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.Await;
import io.calbridge.testing.Connect;
import io.calbridge.testing.GoogleEmulators;
import io.calbridge.testing.MailSink;
import io.calbridge.testing.MicrosoftEmulators;
import io.calbridge.testing.MovableClock;
import io.calbridge.testing.RunningCalbridge;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.TestKeys;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * EMAIL reminders through a real SMTP server (GreenMail), CALENDAR reminders read back from the Google and Microsoft
 * emulators. calbridge runs on a clock the test moves, so a reminder comes due, or is found late, at once.
 */
class ReminderMailTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final MovableClock CLOCK = new MovableClock();

    private static MailSink mail;
    private static MicrosoftGraphEmulator microsoft;
    private static RunningCalbridge app;
    private static JdbcClient database;

    private final GoogleCalendarEmulator google = GoogleEmulators.shared();
    private String user;
    private String owner;
    private UUID connection;

    @TestConfiguration(proxyBeanMethods = false)
    static class MovableClockConfig {
        @Bean
        @Primary
        Clock movableClock() {
            return CLOCK;
        }
    }

    @BeforeAll
    static void calbridgeWithAMailServer() {
        mail = MailSink.start(0);
        microsoft = MicrosoftGraphEmulator.builder().start();
        Map<String, Object> settings = new HashMap<>(GoogleEmulators.settingsFor(GoogleEmulators.shared()));
        settings.putAll(MicrosoftEmulators.settingsFor(microsoft));
        settings.putAll(mail.settings());
        settings.put("calbridge.token-keys", TestKeys.tokenKey("reminders"));
        settings.put("calbridge.reminder.poll-interval", "PT0.2S");
        settings.put("calbridge.mail.from", "reminders@calbridge.test");
        app = RunningCalbridge.start(TestDatabase.newDatabase(), settings, MovableClockConfig.class);
        database = JdbcClient.create(app.context().getBean(DataSource.class));
    }

    @AfterAll
    static void stop() {
        app.close();
        microsoft.close();
        mail.close();
    }

    @BeforeEach
    void aUserWithAGoogleCalendar() {
        user = "remind-" + UUID.randomUUID();
        owner = "o" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        google.createAccount(owner, ZoneId.of("Europe/Berlin"));
        connection = new Connect(app.api()).connectGoogle(Caller.service(user), owner);
    }

    @Test
    void anEmailReminderReachesTheOwnerOnceWithTextHtmlAndAnIcsUnderAStableMessageId() {
        Instant start = CLOCK.instant().plus(Duration.ofMinutes(40)).truncatedTo(ChronoUnit.SECONDS);
        Map<String, Object> body = appointment("Check-up", start, List.of(email(39, null)));
        Response put = put("r-1", body);
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        JsonNode reminder = put.json().path("reminders").get(0);
        assertThat(reminder.path("channel").asText()).isEqualTo("EMAIL");
        assertThat(reminder.path("to").asText()).as("the default recipient").isEqualTo("OWNER");
        assertThat(reminder.path("state").asText()).isEqualTo("PENDING");
        assertThat(Instant.parse(reminder.path("dueAt").asText())).isEqualTo(start.minus(Duration.ofMinutes(39)));

        CLOCK.advance(Duration.ofMinutes(1));
        Await.until("the reminder arrives", PATIENCE, () -> mail.receivedBy(owner).size() == 1);

        MailSink.Mail sent = mail.receivedBy(owner).get(0);
        assertThat(sent.from()).isEqualTo("reminders@calbridge.test");
        assertThat(sent.subject()).startsWith("Reminder: Check-up on ");
        assertThat(sent.messageId()).matches("<reminder\\.[0-9a-f]{32}@calbridge\\.test>");
        assertThat(sent.text()).contains("Check-up", "When: ", "Room 4", "Bring the forms");
        assertThat(sent.html()).contains("<h2>Check-up</h2>", "Room 4");
        assertThat(sent.icsContentType()).contains("text/calendar").contains("method=publish");
        assertThat(sent.ics()).contains("METHOD:PUBLISH", "BEGIN:VEVENT", "SUMMARY:Check-up", "LOCATION:Room 4",
                "DTSTART:" + ics(start), "DTEND:" + ics(start.plus(Duration.ofMinutes(30))));
        assertThat(sent.ics()).containsPattern("UID:appointment-[0-9a-f]{32}@calbridge");
        // privacy as for the pushed event: includeClientDetails is off
        assertThat(sent.text() + sent.html() + sent.ics()).doesNotContain("Grace Hopper", "grace@client.example");

        JsonNode shown = get("r-1").path("reminders").get(0);
        assertThat(shown.path("state").asText()).isEqualTo("SENT");
        assertThat(shown.path("sentAt").asText()).isNotBlank();

        // the same body again is no change: nothing armed again, nothing sent again
        assertThat(put("r-1", body).json().path("version").asLong()).isEqualTo(1);
        Await.pause(1000);
        assertThat(mail.receivedBy(owner)).hasSize(1);
        assertThat(messageIdStored("r-1")).isEqualTo(sent.messageId());
    }

    @Test
    void aReminderSentAgainBecauseItsOutcomeWasLostCarriesTheSameMessageId() {
        Instant start = CLOCK.instant().plus(Duration.ofMinutes(40)).truncatedTo(ChronoUnit.SECONDS);
        put("r-lost", appointment("Lost outcome", start, List.of(email(39, null))));
        CLOCK.advance(Duration.ofMinutes(1));
        Await.until("the reminder arrives", PATIENCE, () -> mail.receivedBy(owner).size() == 1);
        Await.until("and is recorded", PATIENCE, () -> "SENT".equals(rowState("r-lost")));

        // the crash window: the server accepted the mail, the commit of SENT never happened (the lease ran out)
        database.sql("UPDATE reminders SET state = 'PENDING', message_id = NULL, sent_at = NULL WHERE user_id = ? AND appointment_id = ?")
                .params(user, "r-lost").update();

        Await.until("it is sent again", PATIENCE, () -> mail.receivedBy(owner).size() == 2);
        assertThat(mail.receivedBy(owner)).extracting(MailSink.Mail::messageId).containsOnly(messageIdStored("r-lost")).hasSize(2);
    }

    @Test
    void theOwnersMailShowsClientDetailsOnlyWhereTheConnectionAllowsThem() {
        Response patch = app.api().patch("/api/v1/connections/" + connection, Caller.service(user),
                Map.of("includeClientDetails", true, "eventTitleTemplate", "{{title}} with {{clientName}}"));
        assertThat(patch.status()).as(patch.toString()).isEqualTo(200);
        Instant start = CLOCK.instant().plus(Duration.ofMinutes(40)).truncatedTo(ChronoUnit.SECONDS);

        put("r-2", appointment("Consultation", start, List.of(email(39, "OWNER"))));
        CLOCK.advance(Duration.ofMinutes(1));
        Await.until("the reminder arrives", PATIENCE, () -> mail.receivedBy(owner).size() == 1);

        MailSink.Mail sent = mail.receivedBy(owner).get(0);
        assertThat(sent.subject()).startsWith("Reminder: Consultation with Grace Hopper on ");
        assertThat(sent.text()).contains("With: Grace Hopper grace@client.example");
        assertThat(sent.ics()).contains("SUMMARY:Consultation with Grace Hopper");
    }

    @Test
    void anAttendeesReminderGoesToEveryAttendeeInOneMessageThatHidesTheOthers() {
        Instant start = CLOCK.instant().plus(Duration.ofMinutes(40)).truncatedTo(ChronoUnit.SECONDS);
        Map<String, Object> body = appointment("Group session", start, List.of(email(39, "ATTENDEES")));
        body.put("attendees", List.of(Map.of("name", "Grace Hopper", "email", "grace@client.example"),
                Map.of("name", "Ada Lovelace", "email", "ada." + user + "@client.example")));

        put("r-3", body);
        CLOCK.advance(Duration.ofMinutes(1));
        String ada = "ada." + user + "@client.example";
        Await.until("each attendee has it", PATIENCE, () -> mail.receivedBy(ada).size() == 1);

        MailSink.Mail toAda = mail.receivedBy(ada).get(0);
        assertThat(toAda.to()).as("the attendees are blind copies").doesNotContain("grace@client.example", ada);
        assertThat(mail.receivedBy("grace@client.example")).hasSize(1);
        assertThat(mail.receivedBy(owner)).as("not the owner").isEmpty();
        assertThat(mail.received()).filteredOn(m -> m.messageId().equals(toAda.messageId())).hasSize(2); // a copy per mailbox
    }

    @Test
    void aRescheduleMovesTheReminderAndACancellationOrARemovalCancelsIt() {
        Instant start = CLOCK.instant().plus(Duration.ofHours(3)).truncatedTo(ChronoUnit.SECONDS);
        List<Map<String, Object>> reminders = List.of(email(60, null));
        put("r-4", appointment("Moving", start, reminders));

        Instant later = start.plus(Duration.ofHours(2));
        JsonNode moved = put("r-4", appointment("Moving", later, reminders)).json().path("reminders").get(0);
        assertThat(Instant.parse(moved.path("dueAt").asText())).isEqualTo(later.minus(Duration.ofHours(1)));
        assertThat(moved.path("state").asText()).isEqualTo("PENDING");

        // the old due time passes: nothing goes out
        CLOCK.advance(Duration.ofHours(2).plusMinutes(10));
        Await.pause(1000);
        assertThat(mail.receivedBy(owner)).isEmpty();

        // taken out of the list: cancelled; given again: armed again
        assertThat(put("r-4", appointment("Moving", later, List.of())).json().path("reminders")).isEmpty();
        assertThat(rowState("r-4")).isEqualTo("CANCELLED");
        put("r-4", appointment("Moving", later, reminders));
        assertThat(rowState("r-4")).isEqualTo("PENDING");

        Response cancelled = app.api().delete("/api/v1/appointments/r-4", Caller.service(user));
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.json().path("reminders").get(0).path("state").asText()).isEqualTo("CANCELLED");
        assertThat(rowState("r-4")).isEqualTo("CANCELLED");
        CLOCK.advance(Duration.ofHours(2));
        Await.pause(1000);
        assertThat(mail.receivedBy(owner)).isEmpty();
    }

    @Test
    void aReminderFoundLateIsSentOnceWithinTheGracePeriodAndSkippedBeyondItOrOnceTheAppointmentStarted() {
        Instant now = CLOCK.instant().truncatedTo(ChronoUnit.SECONDS);
        put("late", appointment("Late but in grace", now.plus(Duration.ofHours(2)), List.of(email(90, null))));
        put("missed", appointment("Missed", now.plus(Duration.ofHours(6)), List.of(email(240, null))));
        put("started", appointment("Started", now.plus(Duration.ofMinutes(55)), List.of(email(50, null))));

        // calbridge "was down" for an hour: late is found 30 minutes late, started 55 minutes late (its appointment has begun)
        CLOCK.advance(Duration.ofMinutes(60));
        Await.until("the late reminder arrives", PATIENCE, () -> mail.receivedBy(owner).size() == 1);
        assertThat(mail.receivedBy(owner).get(0).subject()).startsWith("Reminder: Late but in grace");
        Await.until("the started one is skipped", PATIENCE, () -> "SKIPPED".equals(rowState("started")));
        assertThat(rowReason("started")).contains("had started");

        // and missed (due 2 hours after the start) found 2 hours 10 minutes after its due time, beyond the default grace of an hour
        CLOCK.advance(Duration.ofMinutes(190));
        Await.until("the missed one is skipped", PATIENCE, () -> "SKIPPED".equals(rowState("missed")));
        assertThat(rowReason("missed")).contains("beyond the grace period");
        Await.pause(500);
        assertThat(mail.receivedBy(owner)).as("the late one once, nothing else").hasSize(1);
        assertThat(rowState("late")).isEqualTo("SENT");
    }

    @Test
    void calendarRemindersAreTheGoogleAndOutlookEventsOwnReminders() {
        String account = MicrosoftEmulators.newWorkAccount(microsoft, "W. Europe Standard Time");
        new Connect(app.api()).connectMicrosoft(Caller.service(user), account);
        Instant start = CLOCK.instant().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.HOURS);
        List<Map<String, Object>> reminders = List.of(calendar(10), calendar(60), email(30, null));

        put("r-6", appointment("With alarms", start, reminders));
        JsonNode destinations = awaitSynced("r-6");

        String googleEvent = externalId(destinations, "google");
        String outlookEvent = externalId(destinations, "microsoft");
        JsonNode onGoogle = Api.JSON.readTree(google.event(owner, googleEvent).orElseThrow().json()).path("reminders");
        assertThat(onGoogle.path("useDefault").asBoolean(true)).isFalse();
        assertThat(onGoogle.path("overrides").valueStream().map(o -> o.path("method").asText() + ":" + o.path("minutes").asInt()))
                .containsExactly("popup:10", "popup:60");
        JsonNode onOutlook = Api.JSON.readTree(microsoft.eventJson(account, outlookEvent).orElseThrow());
        assertThat(onOutlook.path("isReminderOn").asBoolean()).isTrue();
        assertThat(onOutlook.path("reminderMinutesBeforeStart").asInt()).as("Graph holds one: the earliest").isEqualTo(60);

        put("r-6", appointment("With alarms", start, List.of(calendar(15))));
        Await.until("the change reaches Google", PATIENCE, () -> Api.JSON.readTree(google.event(owner, googleEvent).orElseThrow().json())
                .path("reminders").path("overrides").valueStream().map(o -> o.path("minutes").asInt()).toList().equals(List.of(15)));
        Await.until("and Outlook", PATIENCE, () -> Api.JSON.readTree(microsoft.eventJson(account, outlookEvent).orElseThrow())
                .path("reminderMinutesBeforeStart").asInt() == 15);
    }

    @Test
    void withoutCalendarRemindersTheEventKeepsTheCalendarsDefault() {
        put("r-7", appointment("No alarms", CLOCK.instant().plus(Duration.ofDays(2)), List.of(email(30, null))));
        JsonNode destinations = awaitSynced("r-7");
        JsonNode event = Api.JSON.readTree(google.event(owner, externalId(destinations, "google")).orElseThrow().json());
        assertThat(event.path("reminders").path("overrides").isMissingNode()).isTrue();
    }

    private JsonNode awaitSynced(String id) {
        Await.until(id + " is in every calendar", PATIENCE, () -> get(id).path("destinations").valueStream()
                .allMatch(d -> d.path("state").asText().equals("SYNCED")) && !get(id).path("destinations").isEmpty());
        return get(id).path("destinations");
    }

    private static String externalId(JsonNode destinations, String provider) {
        return destinations.valueStream().filter(d -> d.path("provider").asText().equals(provider)).findFirst().orElseThrow()
                .path("externalId").asText();
    }

    private String rowState(String appointmentId) {
        return database.sql("SELECT state FROM reminders WHERE user_id = ? AND appointment_id = ?").params(user, appointmentId)
                .query(String.class).single();
    }

    private String rowReason(String appointmentId) {
        return database.sql("SELECT last_error FROM reminders WHERE user_id = ? AND appointment_id = ?").params(user, appointmentId)
                .query(String.class).single();
    }

    private String messageIdStored(String appointmentId) {
        return database.sql("SELECT message_id FROM reminders WHERE user_id = ? AND appointment_id = ?").params(user, appointmentId)
                .query(String.class).single();
    }

    private static String ics(Instant instant) {
        return instant.toString().replace("-", "").replace(":", "");
    }

    private static Map<String, Object> email(int minutes, String to) {
        Map<String, Object> reminder = new LinkedHashMap<>();
        reminder.put("minutesBefore", minutes);
        reminder.put("channel", "EMAIL");
        if (to != null) {
            reminder.put("to", to);
        }
        return reminder;
    }

    private static Map<String, Object> calendar(int minutes) {
        return Map.of("minutesBefore", minutes, "channel", "CALENDAR");
    }

    private static Map<String, Object> appointment(String title, Instant start, List<Map<String, Object>> reminders) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", title);
        body.put("description", "Bring the forms");
        body.put("location", "Room 4");
        body.put("start", start.toString());
        body.put("end", start.plus(Duration.ofMinutes(30)).toString());
        body.put("timeZone", "Europe/Berlin");
        body.put("attendees", List.of(Map.of("name", "Grace Hopper", "email", "grace@client.example")));
        body.put("reminders", reminders);
        return body;
    }

    private Response put(String id, Map<String, Object> body) {
        return app.api().send("PUT", "/api/v1/appointments/" + id, Caller.service(user), Api.JSON.writeValueAsString(body),
                "application/json");
    }

    private JsonNode get(String id) {
        return app.api().get("/api/v1/appointments/" + id, Caller.service(user)).json();
    }
}
