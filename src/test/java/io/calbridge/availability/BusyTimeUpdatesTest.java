package io.calbridge.availability;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.appointment.BookedAppointments;
import io.calbridge.event.BusyChangeLog;
import io.calbridge.event.ChangeStamps;
import io.calbridge.event.EventQuery;
import io.calbridge.event.EventStore;
import io.calbridge.provider.EventTime;
import io.calbridge.provider.RemoteEvent;
import io.calbridge.testing.Api;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.ApiTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import javax.sql.DataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A cached busy time brought up to date from the change rows equals one read whole from the store, whatever the
 * writes: random sequences of sync pages (single events, all-day events, series and their moved or cancelled
 * instances, cancellations), full-sync deletions, appointments booked, moved and cancelled through the API, and raw
 * writes that only bump the stamp. Each step compares the service's own index and a second index (another calbridge
 * instance on the same database) with a fresh one. Also: concurrent writers, and no change lost.
 */
class BusyTimeUpdatesTest extends ApiTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @Autowired
    private EventStore eventStore;
    @Autowired
    private BusyIndex serviceIndex;
    @Autowired
    private EventQuery events;
    @Autowired
    private BookedAppointments booked;
    @Autowired
    private ChangeStamps stamps;
    @Autowired
    private BusyChangeLog changes;
    @Autowired
    private DataSource dataSource;
    @Autowired
    private TransactionTemplate callerTransactions;
    @Autowired
    private Clock clock;

    private StoreFixture store;
    private Instant today;

    @BeforeEach
    void setUp() {
        store = new StoreFixture(jdbc);
        today = clock.instant().truncatedTo(ChronoUnit.DAYS);
    }

    /** Another calbridge instance's index (its own cache) and a refresh counter to see which path it took. */
    private record Instance(BusyIndex index, SimpleMeterRegistry meters) {
        double updates() {
            return meters.counter("calbridge.availability.busy.refresh", "kind", "update").count();
        }

        double rebuilds() {
            return meters.counter("calbridge.availability.busy.refresh", "kind", "rebuild").count();
        }
    }

    private Instance instance() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        return new Instance(new BusyIndex(events, booked, stamps, changes, new AvailabilityProperties(Duration.ofSeconds(3), 2_000_000),
                dataSource, meters, clock), meters);
    }

    @Test
    void randomChangesLeaveTheUpdatedBusyTimeEqualToAFreshRead() {
        long baseSeed = Long.getLong("busy.seed", System.nanoTime());
        System.out.println("BusyTimeUpdatesTest seed " + baseSeed + " (-Dbusy.seed=… replays)");
        double updates = 0;
        double rebuilds = 0;
        for (int run = 0; run < 12; run++) {
            long seed = baseSeed + run;
            Instance other = instance();
            Workload workload = new Workload(new Random(seed));
            for (int step = 0; step < 40; step++) {
                String did = workload.step();
                ZoneId zone = workload.random.nextBoolean() ? BERLIN : NEW_YORK;
                for (BusyIndex index : List.of(serviceIndex, other.index())) {
                    assertThat(timeline(index, workload.user, zone))
                            .as("seed %d, step %d (%s), %s", seed, step, did, index == serviceIndex ? "the service's index" : "a second instance")
                            .isEqualTo(timeline(instance().index(), workload.user, zone));
                }
            }
            updates += other.updates();
            rebuilds += other.rebuilds();
        }
        assertThat(updates).as("most changes are applied to the cached entry").isGreaterThan(rebuilds);
        assertThat(rebuilds).as("series, raw bumps and the first read rebuild").isGreaterThan(0);
    }

    @Test
    void aSeriesChangeRebuildsAndAnInstanceChangeOnlyUpdates() {
        Workload workload = new Workload(new Random(5));
        Instance index = instance();
        Instant start = today.plus(Duration.ofHours(33));
        workload.page(workload.connections.get(0), remote("standup", "confirmed", start, start.plus(Duration.ofMinutes(30)), "RRULE:FREQ=DAILY",
                null, null));
        timeline(index.index(), workload.user, BERLIN);
        double rebuilds = index.rebuilds();

        Instant third = start.plus(Duration.ofDays(2));
        workload.page(workload.connections.get(0), remote("standup_3", "confirmed", third.plus(Duration.ofHours(3)),
                third.plus(Duration.ofHours(4)), null, "standup", third));
        assertThat(timeline(index.index(), workload.user, BERLIN)).isEqualTo(timeline(instance().index(), workload.user, BERLIN));
        assertThat(index.rebuilds()).as("a moved instance is bounded").isEqualTo(rebuilds);
        assertThat(index.updates()).isEqualTo(1);

        workload.page(workload.connections.get(0), remote("standup", "confirmed", start, start.plus(Duration.ofMinutes(45)),
                "RRULE:FREQ=DAILY;COUNT=5", null, null));
        assertThat(timeline(index.index(), workload.user, BERLIN)).isEqualTo(timeline(instance().index(), workload.user, BERLIN));
        assertThat(index.rebuilds()).as("a series master is not bounded").isEqualTo(rebuilds + 1);
    }

    @Test
    void concurrentWritersLoseNoChangeOnAnyInstance() throws Exception {
        Workload workload = new Workload(new Random(9));
        Instance second = instance();
        timeline(serviceIndex, workload.user, BERLIN);
        timeline(second.index(), workload.user, BERLIN);
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        List<Future<?>> running = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            UUID connection = workload.connections.get(w);
            int writer = w;
            running.add(threads.submit(() -> {
                Random random = new Random(writer);
                for (int i = 0; i < 60; i++) {
                    Instant start = today.plus(Duration.ofMinutes(60L * 24 + 15L * random.nextInt(4 * 24 * 20)));
                    Instant end = start.plus(Duration.ofMinutes(15L * (1 + random.nextInt(4))));
                    eventStore.apply(connection, workload.user, "primary", BERLIN,
                            List.of(remote("w" + writer + "-" + i, "confirmed", start, end, null, null, null)), 1);
                    // committed: the very next answer of either instance has it
                    for (BusyIndex index : List.of(serviceIndex, second.index())) {
                        BusyTimeline busy = index.busy(workload.user, start, end, BERLIN);
                        int at = busy.firstEndingAfter(start.getEpochSecond());
                        assertThat(at < busy.size() && busy.start(at) <= start.getEpochSecond() && busy.end(at) >= end.getEpochSecond())
                                .as("writer %d's event %d is busy at once", writer, i).isTrue();
                    }
                }
                return null;
            }));
        }
        for (int r = 0; r < 2; r++) {
            BusyIndex index = r == 0 ? serviceIndex : second.index();
            running.add(threads.submit(() -> {
                while (writing.get()) {
                    timeline(index, workload.user, BERLIN);
                }
                return null;
            }));
        }
        for (int i = 0; i < 2; i++) {
            running.get(i).get();
        }
        writing.set(false);
        for (Future<?> thread : running) {
            thread.get();
        }
        threads.shutdown();
        List<String> fresh = timeline(instance().index(), workload.user, BERLIN);
        assertThat(timeline(serviceIndex, workload.user, BERLIN)).isEqualTo(fresh);
        assertThat(timeline(second.index(), workload.user, BERLIN)).isEqualTo(fresh);
        assertThat(second.updates()).as("changes were applied, not rebuilt").isGreaterThan(second.rebuilds());
    }

    @Test
    void insideACallersTransactionTheBusyTimeIsWhatThatTransactionSeesAndIsNotCached() {
        Workload workload = new Workload(new Random(21));
        List<String> before = timeline(serviceIndex, workload.user, BERLIN);
        Instant start = today.plus(Duration.ofHours(30));
        List<String> inside = callerTransactions.execute(tx -> {
            eventStore.apply(workload.connections.get(0), workload.user, "primary", BERLIN,
                    List.of(remote("uncommitted", "confirmed", start, start.plus(Duration.ofHours(1)), null, null, null)), 1);
            // writers raise the stamp only as they commit; raised now, this transaction sees it move and the entry miss
            store.changed(workload.user);
            List<String> seen = timeline(serviceIndex, workload.user, BERLIN);
            tx.setRollbackOnly();
            return seen;
        });
        assertThat(inside).as("the caller's own write is seen").isNotEqualTo(before);
        assertThat(timeline(serviceIndex, workload.user, BERLIN)).as("the rolled-back write was not cached").isEqualTo(before);
    }

    @Test
    void anEntryOlderThanHalfTheRetentionRebuildsAndPruningDropsOldRows() {
        Workload workload = new Workload(new Random(17));
        Instant[] now = {clock.instant()};
        Clock moving = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Instance index = new Instance(new BusyIndex(events, booked, stamps, changes, new AvailabilityProperties(Duration.ofSeconds(3),
                2_000_000), dataSource, meters, moving), meters);
        Instant start = today.plus(Duration.ofHours(34));
        timeline(index.index(), workload.user, BERLIN);
        workload.page(workload.connections.get(0), remote("a", "confirmed", start, start.plus(Duration.ofHours(1)), null, null, null));
        timeline(index.index(), workload.user, BERLIN);
        assertThat(index.updates()).isEqualTo(1);

        now[0] = now[0].plus(BusyChangeLog.RETENTION.dividedBy(2));
        workload.page(workload.connections.get(0), remote("b", "confirmed", start, start.plus(Duration.ofHours(2)), null, null, null));
        assertThat(timeline(index.index(), workload.user, BERLIN)).isEqualTo(timeline(instance().index(), workload.user, BERLIN));
        assertThat(index.updates()).as("too old to trust the kept change rows").isEqualTo(1);

        jdbc.sql("UPDATE busy_time_changes SET created_at = now() - interval '2 hours' WHERE user_id = ?").param(workload.user).update();
        changes.prune();
        assertThat(jdbc.sql("SELECT count(*) FROM busy_time_changes WHERE user_id = ?").param(workload.user).query(Integer.class).single())
                .isZero();
    }

    /** The user's busy intervals over the next 40 days, as comparable values. */
    private List<String> timeline(BusyIndex index, String user, ZoneId zone) {
        BusyTimeline busy = index.busy(user, today, today.plus(Duration.ofDays(40)), zone);
        List<String> intervals = new ArrayList<>();
        for (int i = 0; i < busy.size(); i++) {
            intervals.add(Instant.ofEpochSecond(busy.start(i)) + "/" + Instant.ofEpochSecond(busy.end(i)));
        }
        return intervals;
    }

    private static RemoteEvent remote(String id, String status, Instant start, Instant end, String rule, String seriesId,
            Instant originalStart) {
        return new RemoteEvent(id, "primary", status, "Event " + id, null, null, EventTime.at(start, "Europe/Berlin"),
                EventTime.at(end, "Europe/Berlin"), false, null, List.of(), rule, seriesId,
                originalStart == null ? null : EventTime.at(originalStart, "Europe/Berlin"), null, null, "etag-" + UUID.randomUUID());
    }

    /** One user's random writes through the real writers. */
    private final class Workload {
        final Random random;
        final String user = uniqueUser();
        final List<UUID> connections = new ArrayList<>();
        final List<String> eventIds = new ArrayList<>();
        final List<String> appointmentIds = new ArrayList<>();
        long generation = 1;

        Workload(Random random) {
            this.random = random;
            for (int i = 0; i < 2; i++) {
                UUID connection = store.connection(user, "google");
                // appointments then go nowhere: no push job for a calendar that has no account behind it
                jdbc.sql("UPDATE connections SET settings = jsonb_set(settings, '{syncEnabled}', 'false') WHERE id = ?")
                        .param(connection).update();
                connections.add(connection);
            }
        }

        void page(UUID connection, RemoteEvent... page) {
            eventStore.apply(connection, user, "primary", BERLIN, List.of(page), generation);
        }

        /** A random write; returns what it did. */
        String step() {
            UUID connection = connections.get(random.nextInt(connections.size()));
            int kind = random.nextInt(100);
            if (kind < 35) {
                List<RemoteEvent> page = new ArrayList<>();
                for (int i = 1 + random.nextInt(4); i > 0; i--) {
                    page.add(randomEvent());
                }
                eventStore.apply(connection, user, "primary", BERLIN, page, generation);
                return "page of " + page.size();
            }
            if (kind < 45 && !eventIds.isEmpty()) {
                String id = eventIds.get(random.nextInt(eventIds.size()));
                Instant start = randomStart();
                eventStore.apply(connection, user, "primary", BERLIN, List.of(remote(id, "cancelled", start, start, null, null, null)), generation);
                return "cancelled " + id;
            }
            if (kind < 50) {
                generation++;
                eventStore.deleteNotSeen(connection, "primary", generation - random.nextInt(2));
                return "full sync deleted unseen";
            }
            if (kind < 55) {
                Instant start = randomStart();
                String series = "series-" + random.nextInt(3);
                eventStore.apply(connection, user, "primary", BERLIN, List.of(remote(series, "confirmed", start,
                        start.plus(Duration.ofMinutes(30 + 30 * random.nextInt(3))), random.nextBoolean() ? "RRULE:FREQ=DAILY"
                                : "RRULE:FREQ=WEEKLY;BYDAY=MO,TH", null, null)), generation);
                return "series " + series;
            }
            if (kind < 65) {
                // an instance of a series, moved or cancelled; its original start on the series' grid or off it
                String series = "series-" + random.nextInt(3);
                Instant original = today.plus(Duration.ofHours(24L * (1 + random.nextInt(30)) + random.nextInt(24)));
                Instant start = random.nextBoolean() ? original : randomStart();
                String status = random.nextInt(3) == 0 ? "cancelled" : "confirmed";
                eventStore.apply(connection, user, "primary", BERLIN, List.of(remote(series + "_" + random.nextInt(5), status, start,
                        start.plus(Duration.ofMinutes(45)), null, series, original)), generation);
                return status + " instance of " + series;
            }
            if (kind < 85) {
                String id = random.nextInt(3) == 0 && !appointmentIds.isEmpty() ? appointmentIds.get(random.nextInt(appointmentIds.size()))
                        : "apt-" + random.nextInt(10_000);
                if (!appointmentIds.contains(id)) {
                    appointmentIds.add(id);
                }
                if (random.nextInt(4) == 0) {
                    api.delete("/api/v1/appointments/" + id, Caller.service(user));
                    return "cancelled appointment " + id;
                }
                Instant start = randomStart();
                Response put = api.send("PUT", "/api/v1/appointments/" + id, Caller.service(user),
                        Api.JSON.writeValueAsString(appointment(start, start.plus(Duration.ofMinutes(30 + 15 * random.nextInt(4))))),
                        "application/json");
                assertThat(put.status()).as(put.toString()).isEqualTo(200);
                return "appointment " + id;
            }
            if (kind < 90) {
                store.changed(user); // a bump without a change row: the entry cannot be updated, so it rebuilds
                return "raw bump";
            }
            LocalDate day = LocalDate.ofInstant(today, ZoneOffset.UTC).plusDays(1 + random.nextInt(30));
            String id = "allday-" + random.nextInt(20);
            eventIds.add(id);
            RemoteEvent allDay = new RemoteEvent(id, "primary", "confirmed", "Off", null, null, EventTime.allDay(day),
                    EventTime.allDay(day.plusDays(1 + random.nextInt(3))), random.nextInt(4) == 0, null, List.of(), null, null, null,
                    null, null, "etag-" + UUID.randomUUID());
            eventStore.apply(connection, user, "primary", BERLIN, List.of(allDay), generation);
            return "all-day " + id;
        }

        private RemoteEvent randomEvent() {
            String id = random.nextInt(3) == 0 && !eventIds.isEmpty() ? eventIds.get(random.nextInt(eventIds.size())) : "e-" + random.nextInt(100_000);
            eventIds.add(id);
            Instant start = randomStart();
            Instant end = start.plus(Duration.ofMinutes(15L * random.nextInt(13)).plusSeconds(random.nextInt(3) == 0 ? 1 : 0));
            if (random.nextInt(15) == 0) {
                end = start.plus(Duration.ofDays(2)); // longer than a day
            }
            String status = random.nextInt(8) == 0 ? "tentative" : "confirmed";
            return new RemoteEvent(id, "primary", status, "Event", null, null, EventTime.at(start, "Europe/Berlin"),
                    EventTime.at(end, "Europe/Berlin"), random.nextInt(8) == 0, random.nextInt(8) == 0 ? "declined" : null, List.of(),
                    null, null, null, null, null, "etag-" + UUID.randomUUID());
        }

        private Instant randomStart() {
            // mostly within the cached window, sometimes before it or past the range asked for
            return today.plus(Duration.ofMinutes(15L * (random.nextInt(4 * 24 * 50) - 4 * 24 * 5)));
        }

        private Map<String, Object> appointment(Instant start, Instant end) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("title", "Visit");
            body.put("start", start.atZone(BERLIN).toOffsetDateTime().toString());
            body.put("end", end.atZone(BERLIN).toOffsetDateTime().toString());
            body.put("timeZone", "Europe/Berlin");
            return body;
        }
    }
}
