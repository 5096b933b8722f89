package io.calbridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.emulator.google.GoogleCalendarEmulator;
import io.calbridge.emulator.microsoft.MicrosoftGraphEmulator;
import io.calbridge.testing.Api;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.Await;
import io.calbridge.testing.CalendarView;
import io.calbridge.testing.Connect;
import io.calbridge.testing.GoogleEmulators;
import io.calbridge.testing.MeetingBookings;
import io.calbridge.testing.MicrosoftEmulators;
import io.calbridge.testing.ServiceProcess;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.TestKeys;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Twenty meeting requests at once, half to each of two calbridge processes on one database, each for two of four
 * users (three on Google, one on Outlook) who share a single working day: no user gets overlapping meetings, and every
 * booked meeting is in each of its users' calendars exactly once, at its time, with the organizer's one video link. A retry with the same Idempotency-Key on
 * the other instance answers the same meeting.
 */
class MeetingsTwoInstancesIT {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final int REQUESTS = 20;

    @Test
    void concurrentBookingsOverTwoInstancesNeverOverlapAndReachEveryCalendarOnce() throws Exception {
        LocalDate day = LocalDate.now(ZoneOffset.UTC).plusDays(14).with(TemporalAdjusters.nextOrSame(DayOfWeek.WEDNESDAY));
        try (GoogleCalendarEmulator google = GoogleCalendarEmulator.builder().autoApprove(true).start();
                MicrosoftGraphEmulator microsoft = MicrosoftGraphEmulator.builder().start()) {
            String database = TestDatabase.url(TestDatabase.newDatabase());
            String tokenKeys = TestKeys.tokenKey("k1");
            Map<String, String> settings = new LinkedHashMap<>(GoogleEmulators.settingsFor(google));
            settings.putAll(MicrosoftEmulators.settingsFor(microsoft));
            settings.put("calbridge.sync.retry-base", "PT0.2S");
            settings.put("calbridge.sync-interval", "PT2S");
            try (ServiceProcess first = ServiceProcess.create("meet-a", database, tokenKeys, settings);
                    ServiceProcess second = ServiceProcess.create("meet-b", database, tokenKeys, settings)) {
                first.start();
                second.start();
                List<String> users = List.of("meet-u0", "meet-u1", "meet-u2", "meet-u3");
                Map<String, CalendarView> calendars = new LinkedHashMap<>();
                Connect connect = new Connect(first.api());
                for (String user : users.subList(0, 3)) {
                    String email = user + "@example.com";
                    google.createAccount(email);
                    google.setDefaultAccount(email);
                    connect.connectGoogle(Caller.service(user), email);
                    calendars.put(user, CalendarView.google(google, email));
                }
                String outlook = "meet-u3@contoso.onmicrosoft.com";
                microsoft.createWorkAccount(outlook, "Meet U3", MicrosoftGraphEmulator.DEFAULT_TENANT, "W. Europe Standard Time");
                connect.connectMicrosoft(Caller.service(users.get(3)), outlook);
                calendars.put(users.get(3), CalendarView.microsoft(microsoft, outlook, microsoft.defaultCalendarId(outlook)));

                Api[] instances = {first.api(), second.api()};
                String retriedKey = "retry-" + UUID.randomUUID();
                List<Response> answers = MeetingBookings.inParallel(REQUESTS, i -> {
                    Caller caller = Caller.serviceWithoutUser();
                    if (i == 0) {
                        caller = caller.with("Idempotency-Key", retriedKey);
                    }
                    List<String> pair = MeetingBookings.pair(users, i);
                    return instances[i % 2].post("/api/v1/meetings", caller, meeting(pair, day, "Meeting " + i));
                });
                Response retried = second.api().post("/api/v1/meetings",
                        Caller.serviceWithoutUser().with("Idempotency-Key", retriedKey), meeting(List.of(users.get(0), users.get(1)), day,
                                "Meeting 0"));

                List<JsonNode> booked = MeetingBookings.checkBurst(users, answers, day, BERLIN);
                assertThat(answers.get(0).status()).as("the keyed request").isEqualTo(201);
                assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
                assertThat(retried.json().path("meetingId").asText()).isEqualTo(answers.get(0).json().path("meetingId").asText());
                System.out.printf("MeetingsTwoInstancesIT: %d booked, %d refused (no free time left for the pair)%n", booked.size(),
                        REQUESTS - booked.size());
                assertThat(booked).as("ten requests per user, eight meetings fit a day").hasSizeBetween(8, 16);

                for (String user : users) {
                    List<JsonNode> theirs = MeetingBookings.of(user, booked);
                    Map<String, JsonNode> byTitle = new LinkedHashMap<>();
                    for (JsonNode meeting : theirs) {
                        byTitle.put(title(answers, meeting), meeting);
                    }
                    CalendarView calendar = calendars.get(user);
                    Await.until(user + "'s calendar holds their " + theirs.size() + " meetings", Duration.ofSeconds(90),
                            () -> calendar.liveEvents().size() >= theirs.size());
                    Await.pause(3000); // a duplicate would come from a second push: give the queue time to make one
                    List<CalendarView.PushedEvent> live = calendar.liveEvents();
                    assertThat(live).extracting(CalendarView.PushedEvent::title).as(user + " on " + calendar.name())
                            .containsExactlyInAnyOrderElementsOf(byTitle.keySet());
                    for (CalendarView.PushedEvent event : live) {
                        JsonNode meeting = byTitle.get(event.title());
                        assertThat(event.start()).as(event.title()).isEqualTo(MeetingBookings.start(meeting).toInstant());
                        assertThat(event.end()).as(event.title()).isEqualTo(MeetingBookings.end(meeting).toInstant());
                    }
                }
                // one video link per meeting: the organizer's calendar made it, the others' events carry it
                for (JsonNode meeting : booked) {
                    String title = title(answers, meeting);
                    List<String> participants = meeting.path("userIds").valueStream().map(JsonNode::asText).toList();
                    String link = eventTitled(calendars.get(participants.get(0)), title).meetingUrl();
                    assertThat(link).as(title + ": the organizer's event has a link").isNotBlank();
                    for (String other : participants.subList(1, participants.size())) {
                        Await.until(title + ": " + other + "'s event carries the organizer's link", Duration.ofSeconds(60),
                                () -> eventTitled(calendars.get(other), title).json().contains(link));
                        assertThat(eventTitled(calendars.get(other), title).meetingUrl()).as("no second link").isNull();
                    }
                }
            }
        }
    }

    private static Map<String, Object> meeting(List<String> userIds, LocalDate day, String title) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("userIds", userIds);
        body.put("from", day.atStartOfDay(BERLIN).toOffsetDateTime().toString());
        body.put("to", day.plusDays(1).atStartOfDay(BERLIN).toOffsetDateTime().toString());
        body.put("durationMinutes", MeetingBookings.MINUTES);
        body.put("timeZone", "Europe/Berlin");
        body.put("title", title);
        body.put("conference", "AUTO");
        return body;
    }

    private static CalendarView.PushedEvent eventTitled(CalendarView calendar, String title) {
        return calendar.liveEvents().stream().filter(e -> title.equals(e.title())).findFirst()
                .orElseThrow(() -> new AssertionError("no event '" + title + "' on " + calendar.name()));
    }

    /** The title the meeting was asked with: its request's index is where its answer stands. */
    private static String title(List<Response> answers, JsonNode meeting) {
        for (int i = 0; i < answers.size(); i++) {
            if (answers.get(i).status() == 201 && answers.get(i).json().path("meetingId").equals(meeting.path("meetingId"))) {
                return "Meeting " + i;
            }
        }
        throw new AssertionError("no request answered " + meeting.path("meetingId"));
    }
}
