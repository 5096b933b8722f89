package io.calbridge.bench;

import io.calbridge.connection.ConnectionSettings;
import io.calbridge.testing.Api;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.RunningCalbridge;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.TestKeys;
import java.lang.management.ManagementFactory;
import java.sql.Timestamp;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * POST /api/v1/meetings over HTTP: 40 users, each with 200 events over the last 8 weeks and the next 4 (their habits
 * and their busy time), booking 45-minute meetings for pairs in the next 6 weeks from 4 client threads. Two runs:
 * pairs drawn at random from all users (little lock contention), and every meeting with the same "hub" user (all
 * bookings queue for one lock). The users' calendar is a read-only one (Calendly's), so no push follows: the queue's
 * cost is the queue benchmark's. Prints figures; asserts nothing about speed.
 * Run: {@code ./mvnw test -Dtest=MeetingBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
class MeetingBenchmark {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final int USERS = 40;
    private static final int EVENTS_PER_USER = 200;
    private static final int THREADS = 4;
    private static final int MEETINGS = Integer.getInteger("bench.meetings", 400);

    @Test
    void meetingsBookedPerSecond() throws Exception {
        try (RunningCalbridge app = RunningCalbridge.start(TestDatabase.newDatabase(), Map.of("calbridge.token-keys", TestKeys.tokenKey("bench")))) {
            JdbcTemplate jdbc = app.context().getBean(JdbcTemplate.class);
            LocalDate monday = LocalDate.now(BERLIN).plusDays(1).with(TemporalAdjusters.nextOrSame(DayOfWeek.MONDAY));
            List<String> users = new ArrayList<>();
            for (int u = 0; u < USERS; u++) {
                users.add("meet-bench-" + u);
                seed(jdbc, users.get(u), monday, new Random(u));
            }
            run(app.api(), "warm-up", users, monday, MEETINGS / 2, false);
            run(app.api(), "random pairs", users, monday, MEETINGS, false);
            run(app.api(), "one shared user", users, monday, MEETINGS / 4, true); // the hub has room for about 120
            System.out.printf("BENCH meetings machine: %d cores, load average %.1f%n%n", Runtime.getRuntime().availableProcessors(),
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static void run(Api api, String name, List<String> users, LocalDate monday, int count, boolean shared) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        AtomicInteger next = new AtomicInteger();
        Random random = new Random(name.hashCode());
        List<List<String>> pairs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int a = shared ? 0 : random.nextInt(USERS);
            int b = (a + 1 + random.nextInt(USERS - 1)) % USERS;
            pairs.add(List.of(users.get(a), users.get(b)));
        }
        long[] nanos = new long[count];
        int[] statuses = new int[count];
        long started = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            workers.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    long begin = System.nanoTime();
                    Response answer = api.post("/api/v1/meetings", Caller.serviceWithoutUser(), meeting(pairs.get(i), monday, i));
                    nanos[i] = System.nanoTime() - begin;
                    statuses[i] = answer.status();
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        pool.shutdown();
        long booked = Arrays.stream(statuses).filter(s -> s == 201).count();
        long refused = Arrays.stream(statuses).filter(s -> s == 409).count();
        Arrays.sort(nanos);
        System.out.printf("BENCH meetings %-16s %4d requests, %d threads: %5.1f meetings/s; booked %d, no time left %d, other %d; "
                        + "latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", name, count, THREADS, booked / seconds, booked, refused,
                count - booked - refused, nanos[count / 2] / 1e6, nanos[(int) Math.ceil(count * 0.99) - 1] / 1e6, nanos[count - 1] / 1e6);
    }

    private static Map<String, Object> meeting(List<String> userIds, LocalDate monday, int i) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("userIds", userIds);
        body.put("from", monday.atStartOfDay(BERLIN).toOffsetDateTime().toString());
        body.put("to", monday.plusWeeks(6).atStartOfDay(BERLIN).toOffsetDateTime().toString());
        body.put("durationMinutes", 45);
        body.put("timeZone", "Europe/Berlin");
        body.put("bufferAfterMinutes", 10);
        body.put("title", "Bench meeting " + i);
        return body;
    }

    /** A read-only (Calendly) connection with events from 8 weeks back to 4 weeks ahead, on weekdays 08-18. */
    private static void seed(JdbcTemplate jdbc, String user, LocalDate monday, Random random) {
        UUID connection = UUID.randomUUID();
        // a last sync in the future keeps the sync scheduler away from this provider-less connection
        jdbc.update("""
                INSERT INTO connections (id, user_id, provider, account_id, account_email, status, settings, last_sync_at, created_at, updated_at)
                VALUES (?, ?, 'calendly', ?, 'bench@example.com', 'ACTIVE', ?::jsonb, now() + interval '1 day', now(), now())""",
                connection, user, "account-" + connection, Api.JSON.writeValueAsString(ConnectionSettings.defaults()));
        List<Object[]> rows = new ArrayList<>();
        for (int e = 0; e < EVENTS_PER_USER; e++) {
            LocalDate day = monday.minusWeeks(8).plusDays(random.nextInt(12 * 7));
            if (day.getDayOfWeek().getValue() > 5) {
                day = day.minusDays(2);
            }
            ZonedDateTime start = day.atTime(8 + random.nextInt(10), 30 * random.nextInt(2)).atZone(BERLIN);
            rows.add(new Object[] {connection, "calendly", "e" + e, user, "confirmed", "Event " + e, Timestamp.from(start.toInstant()),
                    Timestamp.from(start.plusMinutes(30L * (1 + random.nextInt(3))).toInstant()), false, null, null, "Europe/Berlin",
                    false, "accepted", null, null, null});
        }
        jdbc.batchUpdate("""
                INSERT INTO events (connection_id, calendar_id, external_id, user_id, status, title, start_at, end_at, all_day, start_date,
                    end_date, time_zone, transparent, self_response, recurrence, recurring_event_id, original_start_at, generation, synced_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, now())""", rows);
        jdbc.update("INSERT INTO user_change_stamps (user_id, shard, stamp) VALUES (?, 0, 1) "
                + "ON CONFLICT (user_id, shard) DO UPDATE SET stamp = user_change_stamps.stamp + 1", user);
    }
}
