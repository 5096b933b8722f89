package io.calbridge.provider.microsoft;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.graph.models.BodyType;
import com.microsoft.graph.models.DateTimeTimeZone;
import com.microsoft.graph.models.Event;
import com.microsoft.graph.models.ItemBody;
import io.calbridge.emulator.microsoft.Fault;
import io.calbridge.emulator.microsoft.MicrosoftGraphEmulator;
import io.calbridge.provider.EventDraft;
import io.calbridge.provider.EventTime;
import io.calbridge.testing.Api;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.Await;
import io.calbridge.testing.CalendarView;
import io.calbridge.testing.Connect;
import io.calbridge.testing.MicrosoftEmulators;
import io.calbridge.testing.RunningCalbridge;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.TestKeys;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A create whose reply was lost (Graph applied it, then answered 504) and the appointment changed before the retry:
 * the retry's POST, with the same transactionId, gets the first attempt's event back as Graph keeps it. The calendar
 * must end with that one event holding the latest content, not the first attempt's.
 */
class MicrosoftLostReplyTest {

    @Test
    void aRetryAfterALostCreateReplyBringsTheEventGraphKeptToTheAppointmentsLatestContent() {
        try (MicrosoftGraphEmulator microsoft = MicrosoftGraphEmulator.builder().start()) {
            Map<String, Object> settings = new HashMap<>(MicrosoftEmulators.settingsFor(microsoft));
            settings.put("calbridge.token-keys", TestKeys.tokenKey("lost"));
            // the retry waits long enough for the second change to arrive first
            settings.put("calbridge.sync.retry-base", "PT3S");
            try (RunningCalbridge app = RunningCalbridge.start(TestDatabase.newDatabase(), settings)) {
                String account = "lost.reply@contoso.onmicrosoft.com";
                microsoft.createWorkAccount(account, "Lost Reply", MicrosoftGraphEmulator.DEFAULT_TENANT, "W. Europe Standard Time");
                String calendarId = microsoft.defaultCalendarId(account);
                Caller caller = Caller.service("lost-reply-user");
                new Connect(app.api()).connectMicrosoft(caller, account);
                Instant start = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(3)).plus(Duration.ofHours(9));

                microsoft.failNext("events.create", 1, Fault.gatewayTimeoutAfterApplying());
                put(app, caller, "lost-1", "First title", start);
                Await.until("the first create, applied but answered 504", Duration.ofSeconds(30),
                        () -> microsoft.callCount("events.create") == 1 && microsoft.storedEventIds(account, calendarId).size() == 1);
                put(app, caller, "lost-1", "Latest title", start.plus(Duration.ofHours(2)));

                Await.until("the appointment synced at its latest version", Duration.ofSeconds(60), () -> {
                    JsonNode appointment = app.api().get("/api/v1/appointments/lost-1", caller).json();
                    return appointment.path("title").asText().equals("Latest title")
                            && appointment.path("destinations").get(0).path("state").asText().equals("SYNCED");
                });
                List<CalendarView.PushedEvent> events = CalendarView.microsoft(microsoft, account, calendarId).liveEvents();
                assertThat(events).as(microsoft.callCounts().toString()).hasSize(1);
                assertThat(events.get(0).title()).isEqualTo("Latest title");
                assertThat(events.get(0).start()).isEqualTo(start.plus(Duration.ofHours(2)));
                assertThat(microsoft.callCount("events.create")).as("the retry POSTed again, with the same transactionId").isEqualTo(2);

                // a create answered normally holds what was sent: no PATCH follows it
                microsoft.resetCallCounts();
                put(app, caller, "lost-2", "Plain create", start.plus(Duration.ofDays(1)));
                Await.until("the second appointment synced", Duration.ofSeconds(60), () -> app.api().get("/api/v1/appointments/lost-2", caller)
                        .json().path("destinations").get(0).path("state").asText().equals("SYNCED"));
                assertThat(microsoft.callCount("events.create")).isEqualTo(1);
                assertThat(microsoft.callCount("events.update")).as(microsoft.callCounts().toString()).isZero();
            }
        }
    }

    @Test
    void anAnswerShowingTheDraftInGraphsHtmlBodyHoldsItAndOneWithAnOlderTitleOrTimeDoesNot() {
        EventDraft draft = new EventDraft("k", "Consultation", "Intake & call", null,
                EventTime.at(Instant.parse("2026-12-07T09:00:00Z"), "Europe/Berlin"), EventTime.at(Instant.parse("2026-12-07T09:45:00Z"), "Europe/Berlin"),
                List.of(), false);
        Event answer = new Event();
        answer.setSubject("Consultation");
        answer.setStart(time("2026-12-07T09:00:00.0000000"));
        answer.setEnd(time("2026-12-07T09:45:00.0000000"));
        ItemBody body = new ItemBody();
        body.setContentType(BodyType.Html);
        // how Graph gives a text body back
        body.setContent("<html><head>\r\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\r\n<style type=\"text/css\" "
                + "style=\"display:none\">\r\nP {margin-top:0;margin-bottom:0;}\r\n</style>\r\n</head>\r\n<body dir=\"ltr\">\r\n"
                + "<div>Intake &amp; call</div>\r\n</body>\r\n</html>\r\n");
        answer.setBody(body);
        assertThat(MicrosoftEventWriter.holds(answer, draft, false)).isTrue();

        answer.setEnd(time("2026-12-07T10:00:00.0000000"));
        assertThat(MicrosoftEventWriter.holds(answer, draft, false)).isFalse();
        answer.setEnd(time("2026-12-07T09:45:00.0000000"));
        answer.setSubject("Earlier title");
        assertThat(MicrosoftEventWriter.holds(answer, draft, false)).isFalse();
    }

    private static DateTimeTimeZone time(String utc) {
        DateTimeTimeZone time = new DateTimeTimeZone();
        time.setDateTime(utc);
        time.setTimeZone("UTC");
        return time;
    }

    private static void put(RunningCalbridge app, Caller caller, String appointmentId, String title, Instant start) {
        Map<String, Object> body = Map.of("title", title, "start", start.toString(), "end", start.plus(Duration.ofMinutes(30)).toString());
        Response response = app.api().send("PUT", "/api/v1/appointments/" + appointmentId, caller, Api.JSON.writeValueAsString(body), "application/json");
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
    }
}
