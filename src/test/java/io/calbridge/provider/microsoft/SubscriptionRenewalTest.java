package io.calbridge.provider.microsoft;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.emulator.microsoft.MicrosoftGraphEmulator;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.Await;
import io.calbridge.testing.Connect;
import io.calbridge.testing.MicrosoftEmulators;
import io.calbridge.testing.MovableClock;
import io.calbridge.testing.RunningCalbridge;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.TestKeys;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A Graph subscription on events lives at most 10,080 minutes: calbridge renews it in place (PATCH with a new expiry)
 * a day before it ends, so the same subscription keeps notifying and no second one is made. calbridge and the
 * emulator share a clock the test moves, so days pass in an instant for both.
 */
class SubscriptionRenewalTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final MovableClock CLOCK = new MovableClock();

    private static MicrosoftGraphEmulator microsoft;
    private static RunningCalbridge app;
    private static JdbcClient database;

    @TestConfiguration(proxyBeanMethods = false)
    static class MovableClockConfig {
        @Bean
        @Primary
        Clock movableClock() {
            return CLOCK;
        }
    }

    @BeforeAll
    static void calbridgeAndTheEmulatorOnOneMovableClock() {
        microsoft = MicrosoftGraphEmulator.builder().clock(CLOCK).start();
        Map<String, Object> settings = new HashMap<>(MicrosoftEmulators.settingsFor(microsoft));
        settings.put("calbridge.token-keys", TestKeys.tokenKey("renewal"));
        settings.put("calbridge.sync.notification-delay", "PT0.2S");
        // no scheduled polls while days pass in an instant: the rounds here are the test's and the notifications'
        settings.put("calbridge.sync.poll-interval", "P1000D");
        settings.put("calbridge.sync.push-poll-interval", "P1000D");
        app = RunningCalbridge.start(TestDatabase.newDatabase(), settings, MovableClockConfig.class);
        database = JdbcClient.create(app.context().getBean(DataSource.class));
    }

    @AfterAll
    static void stop() {
        app.close();
        microsoft.close();
    }

    @Test
    void aSubscriptionNearItsEndIsRenewedInPlaceAndKeepsNotifying() {
        String account = "s" + UUID.randomUUID().toString().substring(0, 8) + "@contoso.onmicrosoft.com";
        microsoft.createWorkAccount(account, "Renewing User", MicrosoftGraphEmulator.DEFAULT_TENANT, "UTC");
        String user = "renew-" + UUID.randomUUID();
        UUID connection = new Connect(app.api()).connectMicrosoft(Caller.service(user), account);
        Await.until("a subscription is open", PATIENCE, () -> channels(connection).size() == 1);
        String subscription = channels(connection).get(0);
        Instant firstExpiry = expiry(subscription);
        assertThat(Duration.between(CLOCK.instant(), firstExpiry)).as("Graph's longest for events, less a margin")
                .isGreaterThan(Duration.ofDays(6)).isLessThanOrEqualTo(Duration.ofMinutes(10_080));

        // half a day before it ends: inside the day before expiry in which calbridge renews
        CLOCK.advance(Duration.between(CLOCK.instant(), firstExpiry).minus(Duration.ofHours(12)));
        microsoft.resetCallCounts();
        Response sync = app.api().post("/api/v1/connections/" + connection + "/sync", Caller.service(user), null);
        assertThat(sync.status()).as(sync.toString()).isIn(200, 202);

        Await.until("the subscription is renewed", PATIENCE, () -> microsoft.callCount("subscriptions.update") == 1);
        Await.until("its new expiry is stored", PATIENCE, () -> expiry(subscription).isAfter(firstExpiry));
        assertThat(channels(connection)).as("the same subscription, no second one").containsExactly(subscription);
        assertThat(microsoft.callCount("subscriptions.create")).isZero();
        assertThat(microsoft.activeSubscriptionIds()).contains(subscription);

        // still notifying: a change in Outlook arrives with no sync asked for
        Instant start = CLOCK.instant().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1)).plus(Duration.ofHours(9));
        microsoft.createEvent(account, microsoft.defaultCalendarId(account), """
                {"subject": "After renewal", "start": {"dateTime": "%s", "timeZone": "UTC"},
                 "end": {"dateTime": "%s", "timeZone": "UTC"}}""".formatted(local(start), local(start.plus(Duration.ofHours(1)))));
        Await.until("the notification's pull brings the event", PATIENCE, () -> app.api().get("/api/v1/events?from="
                + start.minus(Duration.ofDays(1)) + "&to=" + start.plus(Duration.ofDays(1)), Caller.service(user)).body().contains("After renewal"));
    }

    private static List<String> channels(UUID connection) {
        return database.sql("SELECT channel_id FROM push_channels WHERE connection_id = ?").param(connection).query(String.class).list();
    }

    private static Instant expiry(String channelId) {
        return database.sql("SELECT expires_at FROM push_channels WHERE channel_id = ?").param(channelId)
                .query(Timestamp.class).single().toInstant();
    }

    private static String local(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString().replace("Z", "");
    }
}
