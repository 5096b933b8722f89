package io.calbridge.provider.google;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.calbridge.emulator.google.EventSnapshot;
import io.calbridge.emulator.google.Fault;
import io.calbridge.emulator.google.GoogleCalendarEmulator;
import io.calbridge.provider.Attendee;
import io.calbridge.provider.BusyInterval;
import io.calbridge.provider.CalendarInfo;
import io.calbridge.provider.ChangePage;
import io.calbridge.provider.ChangeRequest;
import io.calbridge.provider.EventDraft;
import io.calbridge.provider.EventTime;
import io.calbridge.provider.ProviderException;
import io.calbridge.provider.RemoteEvent;
import io.calbridge.provider.WrittenEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The adapter with the real Google client over HTTP against the stateful Google emulator. */
class GoogleAdapterAgainstEmulatorTest {

    private static final GoogleCalendarEmulator google = GoogleCalendarEmulator.start();
    private static final Instant NINE = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(3)).plus(Duration.ofHours(9));

    private final GoogleCalendarProvider adapter = new GoogleCalendarProvider(GoogleSettings.defaults()
            .withClient(GoogleCalendarEmulator.DEFAULT_CLIENT_ID, GoogleCalendarEmulator.DEFAULT_CLIENT_SECRET)
            .withOAuthEndpoints(google.authorizationUri(), google.tokenUri(), google.revokeUri())
            .withApiBaseUrl(google.rootUrl()).withSandbox(true), Clock.systemUTC());
    private String email;
    private String token;

    @BeforeEach
    void freshAccount() {
        email = "a" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        google.createAccount(email);
        token = google.issueTokens(email, String.join(" ", GoogleCalendarProvider.SCOPES)).accessToken();
    }

    @AfterAll
    static void stop() {
        google.close();
    }

    private EventDraft draft(String key, String title, Instant start, boolean meet) {
        return new EventDraft(key, title, "Bring the notes", "Room 4", EventTime.at(start, "Europe/Berlin"),
                EventTime.at(start.plus(Duration.ofMinutes(45)), "Europe/Berlin"), List.of(new Attendee("Ada", "ada@example.com", null, false)),
                meet);
    }

    @Test
    void accountAndCalendarsComeFromThePrimaryCalendar() {
        google.createCalendar(email, "Team");

        assertThat(adapter.account(token).email()).isEqualTo(email);
        List<CalendarInfo> calendars = adapter.calendars(token);
        assertThat(calendars).extracting(CalendarInfo::name).contains("Team");
        assertThat(calendars).filteredOn(CalendarInfo::primary).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo(email);
            assertThat(c.writable()).isTrue();
        });
    }

    @Test
    void createAgainWithTheSameKeyConvergesOnOneEvent() {
        String key = "appointment-42:connection-7";

        WrittenEvent first = adapter.createEvent(token, email, draft(key, "Check-up", NINE, true));
        WrittenEvent retried = adapter.createEvent(token, email, draft(key, "Check-up (moved)", NINE.plus(Duration.ofHours(1)), true));

        assertThat(retried.externalId()).isEqualTo(first.externalId());
        assertThat(first.meetingUrl()).startsWith("https://meet.google.com/");
        List<EventSnapshot> stored = google.events(email);
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).summary()).isEqualTo("Check-up (moved)");
    }

    @Test
    void updateThenDeleteTwiceTreatsGoneAsDone() {
        WrittenEvent created = adapter.createEvent(token, email, draft("k-update", "Session", NINE, false));

        adapter.updateEvent(token, email, created.externalId(), draft("k-update", "Session, longer", NINE.minus(Duration.ofMinutes(30)), false));
        assertThat(google.event(email, created.externalId()).orElseThrow().summary()).isEqualTo("Session, longer");

        adapter.deleteEvent(token, email, created.externalId());
        adapter.deleteEvent(token, email, created.externalId());
        assertThat(google.event(email, created.externalId()).orElseThrow().cancelled()).isTrue();
        assertThatThrownBy(() -> adapter.updateEvent(token, email, "nosuchevent1", draft("k", "x", NINE, false)))
                .isInstanceOf(ProviderException.NotFound.class);
    }

    @Test
    void changesPageThroughAndAnExpiredCursorAsksForAFullSync() {
        google.seedEvents(email, 7, NINE, Duration.ofHours(1), Duration.ofMinutes(30));
        google.insertEvent(email, """
                {"summary":"Offsite","start":{"date":"%s"},"end":{"date":"%s"},"transparency":"transparent"}"""
                .formatted(LocalDate.now().plusDays(5), LocalDate.now().plusDays(7)));
        Instant from = Instant.now().minus(Duration.ofDays(1));
        Instant to = Instant.now().plus(Duration.ofDays(30));

        ChangePage page1 = adapter.changes(token, email, new ChangeRequest(null, null, from, to, 5));
        ChangePage page2 = adapter.changes(token, email, new ChangeRequest(null, page1.nextPageCursor(), from, to, 5));

        assertThat(page1.events()).hasSize(5);
        assertThat(page1.syncCursor()).isNull();
        assertThat(page2.last()).isTrue();
        assertThat(page2.syncCursor()).isNotNull();
        RemoteEvent offsite = page2.events().stream().filter(e -> "Offsite".equals(e.title())).findFirst().orElseThrow();
        assertThat(offsite.start().isAllDay()).isTrue();
        assertThat(offsite.transparent()).isTrue();

        google.deleteEvent(email, page1.events().get(0).externalId());
        ChangePage incremental = adapter.changes(token, email, new ChangeRequest(page2.syncCursor(), null, from, to, 5));
        assertThat(incremental.events()).singleElement().satisfies(e -> assertThat(e.cancelled()).isTrue());

        google.expireSyncTokens(email);
        assertThatThrownBy(() -> adapter.changes(token, email, new ChangeRequest(incremental.syncCursor(), null, from, to, 5)))
                .isInstanceOf(ProviderException.CursorExpired.class);
    }

    @Test
    void rateLimitsAndOutagesBecomeTypedErrors() {
        google.failNext("calendarList.list", 1, Fault.tooManyRequests(Duration.ofSeconds(7)));
        google.failNext("calendarList.list", 1, Fault.unavailable());

        assertThatThrownBy(() -> adapter.calendars(token)).isInstanceOfSatisfying(ProviderException.RateLimited.class,
                e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7)));
        assertThatThrownBy(() -> adapter.calendars(token)).isInstanceOf(ProviderException.Transient.class);
        assertThat(adapter.calendars(token)).isNotEmpty();
    }

    @Test
    void freeBusyCountsOpaqueEventsOnly() {
        adapter.createEvent(token, email, draft("k-busy", "Busy", NINE, false));
        google.insertEvent(email, """
                {"summary":"Free","start":{"dateTime":"%s"},"end":{"dateTime":"%s"},"transparency":"transparent"}"""
                .formatted(NINE.plus(Duration.ofHours(2)), NINE.plus(Duration.ofHours(3))));

        List<BusyInterval> busy = adapter.freeBusy(token, List.of(email), NINE.minus(Duration.ofHours(1)), NINE.plus(Duration.ofHours(5)));

        assertThat(busy).singleElement().satisfies(b -> {
            assertThat(b.start()).isEqualTo(NINE);
            assertThat(b.end()).isEqualTo(NINE.plus(Duration.ofMinutes(45)));
        });
    }

    @Test
    void revokedGrantNoLongerRefreshes() {
        var issued = google.issueTokens(email, String.join(" ", GoogleCalendarProvider.SCOPES));

        adapter.revoke(issued.refreshToken());

        assertThat(google.callCount("token.revoke")).isPositive();
        assertThatThrownBy(() -> adapter.calendars(issued.accessToken())).isInstanceOf(ProviderException.class);
    }
}
