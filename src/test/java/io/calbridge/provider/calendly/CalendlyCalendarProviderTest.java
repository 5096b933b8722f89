package io.calbridge.provider.calendly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.calbridge.emulator.calendly.CalendlyEmulator;
import io.calbridge.emulator.calendly.CalendlyEmulator.BookingRef;
import io.calbridge.emulator.calendly.CalendlyEmulator.BookingRequest;
import io.calbridge.provider.BusyInterval;
import io.calbridge.provider.ChangePage;
import io.calbridge.provider.ChangeRequest;
import io.calbridge.provider.ProviderException;
import io.calbridge.provider.PushChannel;
import io.calbridge.provider.RemoteEvent;
import io.calbridge.testing.MovableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The adapter alone over real HTTP against the Calendly emulator: what a sync costs in calls (list pages of 100, invitees
 * only for new and changed bookings), paging past Calendly's page size, a dead cursor, rate limits with Calendly's
 * X-RateLimit headers, a refused token, busy times a week at a time, and webhook subscriptions.
 */
class CalendlyCalendarProviderTest {

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.HOURS);
    private static final Instant WINDOW_START = NOW.minus(Duration.ofDays(30));
    private static final Instant WINDOW_END = NOW.plus(Duration.ofDays(365));

    private CalendlyEmulator calendly;
    private CalendlyCalendarProvider adapter;
    private String host;
    private String token;
    private String calendar;

    @BeforeEach
    void emulatorAndAdapter() throws Exception {
        start(500);
    }

    private void start(int rateLimitPerMinute) throws Exception {
        if (calendly != null) {
            calendly.close();
        }
        calendly = CalendlyEmulator.builder().rateLimitPerMinute(rateLimitPerMinute).start();
        adapter = new CalendlyCalendarProvider(settings(calendly), Clock.systemUTC());
        host = "p" + UUID.randomUUID().toString().substring(0, 8) + "@calendly.test";
        calendar = calendly.createUser(host, "Provider Host", "UTC");
        calendly.createEventType(host, "Consultation", 30);
        token = calendly.issueTokens(host).accessToken();
    }

    static CalendlySettings settings(CalendlyEmulator emulator) {
        return new CalendlySettings(CalendlyEmulator.DEFAULT_CLIENT_ID, CalendlyEmulator.DEFAULT_CLIENT_SECRET,
                CalendlyEmulator.DEFAULT_WEBHOOK_SIGNING_KEY, emulator.authorizationUri(), emulator.tokenUri(), emulator.revokeUri(),
                emulator.baseUrl(), true, null, null, null);
    }

    @AfterEach
    void stop() {
        calendly.close();
    }

    @Test
    void theAccountIsOneReadOnlyCalendarNamedByTheUsersUri() {
        assertThat(adapter.account(token).accountId()).isEqualTo(calendar);
        assertThat(adapter.account(token).email()).isEqualTo(host);
        assertThat(adapter.calendars(token)).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo(calendar);
            assertThat(c.name()).isEqualTo("Calendly");
            assertThat(c.writable()).isFalse();
        });
        assertThatThrownBy(() -> adapter.createEvent(token, calendar, null)).isInstanceOf(ProviderException.Permanent.class);
    }

    @Test
    void aFullSyncPagesPastCalendlysHundredAndAnIdleRoundIsOnlyTheListing() {
        for (int i = 0; i < 250; i++) {
            calendly.book(BookingRequest.of(host, NOW.plus(Duration.ofHours(i + 1)), "Invitee " + i, "i" + i + "@example.org"));
        }
        int before = calls();
        List<ChangePage> full = syncAll(null);
        assertThat(full).as("pages of at most 100 bookings").hasSize(3);
        assertThat(full.stream().mapToInt(p -> p.events().size()).sum()).isEqualTo(250);
        assertThat(full.get(0).events().get(0).booking().invitees()).hasSize(1);
        assertThat(calls() - before).as("per page: 3 list calls, plus one invitee call per booking").isEqualTo(3 * 3 + 250);

        String cursor = full.get(full.size() - 1).syncCursor();
        before = calls();
        List<ChangePage> idle = syncAll(cursor);
        assertThat(idle).singleElement().satisfies(page -> assertThat(page.events()).isEmpty());
        assertThat(calls() - before).as("an idle round: the listing only").isEqualTo(3);
    }

    @Test
    void anIncrementalSyncReadsTheInviteesOfNewAndChangedBookingsOnly() {
        BookingRef kept = calendly.book(BookingRequest.of(host, NOW.plus(Duration.ofHours(2)), "Kim", "kim@example.org"));
        BookingRef canceled = calendly.book(BookingRequest.of(host, NOW.plus(Duration.ofHours(4)), "Lou", "lou@example.org"));
        String cursor = last(syncAll(null)).syncCursor();
        BookingRef added = calendly.book(BookingRequest.of(host, NOW.plus(Duration.ofHours(6)), "Max", "max@example.org"));
        calendly.cancel(canceled.inviteeUri(), "Sick");
        BookingRef moved = calendly.reschedule(kept.inviteeUri(), NOW.plus(Duration.ofDays(2)));

        int before = calls();
        List<RemoteEvent> changed = last(syncAll(cursor)).events();

        assertThat(changed).extracting(RemoteEvent::externalId)
                .containsExactlyInAnyOrder(added.eventUri(), canceled.eventUri(), kept.eventUri(), moved.eventUri());
        assertThat(calls() - before).as("one listing, four invitee reads").isEqualTo(1 + 4);
        RemoteEvent gone = changed.stream().filter(e -> e.externalId().equals(canceled.eventUri())).findFirst().orElseThrow();
        assertThat(gone.cancelled()).isTrue();
        assertThat(gone.booking().cancellationReason()).isEqualTo("Sick");
        RemoteEvent newOne = changed.stream().filter(e -> e.externalId().equals(moved.eventUri())).findFirst().orElseThrow();
        assertThat(newOne.booking().rescheduledFrom()).isEqualTo(kept.eventUri());
    }

    @Test
    void aCanceledBookingNeverHeldIsPassedOnWithoutReadingItsInvitees() {
        BookingRef canceled = calendly.book(BookingRequest.of(host, NOW.plus(Duration.ofHours(2)), "Ned", "ned@example.org"));
        calendly.cancel(canceled.eventUri(), "Gone");
        int before = calls();
        List<RemoteEvent> events = last(syncAll(null)).events();
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.cancelled()).isTrue();
            assertThat(e.booking()).isNull();
        });
        assertThat(calls() - before).isEqualTo(1);
    }

    @Test
    void anUnreadableCursorAsksForAFullSync() {
        assertThatThrownBy(() -> adapter.changes(token, calendar, new ChangeRequest("garbage", null, WINDOW_START, WINDOW_END, 100)))
                .isInstanceOf(ProviderException.CursorExpired.class);
        assertThatThrownBy(() -> adapter.changes(token, calendar, new ChangeRequest("c1:%%%", null, WINDOW_START, WINDOW_END, 100)))
                .isInstanceOf(ProviderException.CursorExpired.class);
    }

    @Test
    void aRateLimitIsRateLimitedUntilCalendlysResetAndARefusedTokenIsUnauthorized() throws Exception {
        start(3);
        for (int i = 0; i < 3; i++) {
            adapter.account(token);
        }
        assertThatThrownBy(() -> adapter.account(token)).isInstanceOfSatisfying(ProviderException.RateLimited.class, limited -> {
            assertThat(limited.stated()).as("Calendly named the wait in X-RateLimit-Reset").isTrue();
            assertThat(limited.retryAfter()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(60));
        });
        calendly.expireAccessTokens();
        assertThatThrownBy(() -> adapter.calendars(calendly.issueTokens(host).accessToken().replace("at-", "at-x")))
                .isInstanceOf(ProviderException.Unauthorized.class);
    }

    @Test
    void aPageCutShortByTheRateLimitKeepsWhatItReadAndTheNextPageGoesOnAfterTheReset() throws Exception {
        MovableClock clock = new MovableClock();
        calendly.close();
        calendly = CalendlyEmulator.builder().rateLimitPerMinute(10).clock(clock).start();
        adapter = new CalendlyCalendarProvider(settings(calendly), clock);
        calendar = calendly.createUser(host, "Provider Host", "UTC");
        token = calendly.issueTokens(host).accessToken();
        for (int i = 0; i < 25; i++) {
            calendly.book(BookingRequest.of(host, NOW.plus(Duration.ofHours(i + 1)), "Invitee " + i, "i" + i + "@example.org"));
        }
        List<RemoteEvent> synced = new ArrayList<>();
        String page = null;
        int limited = 0;
        do {
            ChangePage answer;
            try {
                answer = adapter.changes(token, calendar, new ChangeRequest(null, page, WINDOW_START, WINDOW_END, 250));
            } catch (ProviderException.RateLimited e) {
                assertThat(++limited).as("progress despite the limit (a page thrown away whole would never finish)").isLessThan(10);
                clock.advance(e.retryAfter()); // as the sync waits out X-RateLimit-Reset
                continue;
            }
            assertThat(answer.events()).as("each page reads as much as the minute allows").hasSizeLessThanOrEqualTo(9);
            synced.addAll(answer.events());
            page = answer.nextPageCursor();
            if (page == null) {
                assertThat(answer.syncCursor()).isNotNull();
            }
        } while (page != null || synced.isEmpty());
        assertThat(synced).as("every booking once").hasSize(25).extracting(RemoteEvent::externalId).doesNotHaveDuplicates();
        assertThat(limited).as("the limit was hit between pages, and nothing read was lost").isGreaterThanOrEqualTo(2);
    }

    @Test
    void busyTimesAreAskedAWeekAtATime() {
        calendly.book(BookingRequest.of(host, NOW.plus(Duration.ofDays(1)), "Oda", "oda@example.org"));
        calendly.book(BookingRequest.of(host, NOW.plus(Duration.ofDays(9)), "Pia", "pia@example.org"));
        int before = calendly.callCount("GET", "/user_busy_times");
        List<BusyInterval> busy = adapter.freeBusy(token, List.of(calendar), NOW, NOW.plus(Duration.ofDays(10)));
        assertThat(busy).extracting(BusyInterval::start).containsExactly(NOW.plus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(9)));
        assertThat(calendly.callCount("GET", "/user_busy_times") - before).isEqualTo(2);
    }

    @Test
    void aSubscriptionIsUserScopedCheckedWhileActiveAndNotFoundOnceDisabled() {
        PushChannel channel = adapter.watch(token, calendar, "https://calbridge.example/webhooks/calendly", NOW.plus(Duration.ofDays(7)));
        assertThat(calendly.subscriptions()).singleElement().satisfies(s -> {
            assertThat(s.scope()).isEqualTo("user");
            assertThat(s.user()).isEqualTo(calendar);
            assertThat(s.callbackUrl()).isEqualTo("https://calbridge.example/webhooks/calendly?channel=" + channel.channelId()
                    + "&token=" + channel.token());
            assertThat(s.events()).contains("invitee.created", "invitee.canceled");
        });
        assertThat(channel.expiresAt()).isBefore(Instant.now().plus(Duration.ofDays(1)).plusSeconds(5));
        assertThat(adapter.renewWatch(token, channel, NOW.plus(Duration.ofDays(7)))).isPresent();

        calendly.disableSubscription(channel.resourceId());
        assertThatThrownBy(() -> adapter.renewWatch(token, channel, NOW.plus(Duration.ofDays(7))))
                .isInstanceOf(ProviderException.NotFound.class);
        adapter.stopWatch(token, channel);
        adapter.stopWatch(token, channel); // already deleted: nothing to stop
        assertThat(calendly.subscriptions()).isEmpty();

        calendly.setWebhooksAllowed(host, false);
        assertThatThrownBy(() -> adapter.watch(token, calendar, "https://calbridge.example/webhooks/calendly", NOW))
                .isInstanceOf(ProviderException.Permanent.class);
    }

    private List<ChangePage> syncAll(String cursor) {
        List<ChangePage> pages = new ArrayList<>();
        String page = null;
        do {
            ChangePage answer = adapter.changes(token, calendar, new ChangeRequest(cursor, page, WINDOW_START, WINDOW_END, 250));
            pages.add(answer);
            page = answer.nextPageCursor();
        } while (page != null);
        return pages;
    }

    private static ChangePage last(List<ChangePage> pages) {
        return pages.get(pages.size() - 1);
    }

    private int calls() {
        return calendly.callCount("GET", "/scheduled_events");
    }
}
