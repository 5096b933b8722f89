package io.calbridge.bench;

import io.calbridge.availability.AvailabilityRequests.SlotsRequest;
import io.calbridge.availability.AvailabilityResponses.Slots;
import io.calbridge.availability.AvailabilityService;
import io.calbridge.connection.ConnectionSettings;
import io.calbridge.event.EventStore;
import io.calbridge.provider.EventTime;
import io.calbridge.provider.RemoteEvent;
import io.calbridge.testing.Api;
import io.calbridge.testing.RunningCalbridge;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.TestKeys;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
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
 * Availability of one busy user: 5 connections x 2,000 events in the next 30 days (50 of them recurring series, with
 * moved and cancelled instances) plus 100 appointments; a 14-day query for 30-minute slots. In-process: the service
 * bean called directly (stamp lookup included), after warm-up. Over HTTP: 8 client threads with keep-alive, API key.
 * Also the first answer after one change of the busy user's events or appointments, and ranked next to unranked answers.
 * Prints figures; asserts nothing about speed.
 * Run: {@code ./mvnw test -Dtest=AvailabilityBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
class AvailabilityBenchmark {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final int CONNECTIONS = 5;
    private static final int EVENTS_PER_CONNECTION = 2_000;
    private static final int SERIES_PER_CONNECTION = 10;
    private static final int IN_PROCESS_WARMUP = 5_000;
    private static final int IN_PROCESS_RUNS = Integer.getInteger("bench.runs", 20_000);
    private static final int HTTP_THREADS = 8;
    private static final int HTTP_WARMUP = 50_000;
    private static final int HTTP_REQUESTS = Integer.getInteger("bench.requests", 40_000);
    private static final int CHANGE_WARMUP = 100;
    private static final int CHANGE_RUNS = Integer.getInteger("bench.changes", 500);

    @Test
    void fourteenDaysOfThirtyMinuteSlotsForAUserWithTenThousandEvents() throws Exception {
        try (RunningCalbridge app = RunningCalbridge.start(TestDatabase.newDatabase(), Map.of("calbridge.token-keys", TestKeys.tokenKey("bench")))) {
            JdbcTemplate jdbc = app.context().getBean(JdbcTemplate.class);
            LocalDate firstDay = LocalDate.now(BERLIN).plusDays(1);
            int rows = seedBusyUser(jdbc, "bench-user", firstDay);
            seedSparseUser(jdbc, "sparse-user", firstDay);
            AvailabilityService service = app.context().getBean(AvailabilityService.class);
            SlotsRequest query = query(firstDay);

            long coldStart = System.nanoTime();
            Slots first = service.slots(List.of("bench-user"), query);
            double coldMillis = (System.nanoTime() - coldStart) / 1e6;
            // a bump without a change row: the entry cannot be updated, so this is the full rebuild every change cost before
            long[] rebuilds = new long[50];
            for (int i = 0; i < rebuilds.length; i++) {
                bump(jdbc, "bench-user");
                long started = System.nanoTime();
                service.slots(List.of("bench-user"), query);
                rebuilds[i] = System.nanoTime() - started;
            }
            Arrays.sort(rebuilds);
            System.out.printf("%nBENCH availability store: %,d event rows (%d series) in %d connections + 100 appointments; "
                    + "%d free slots in the 14 days; first (cold) query %.1f ms%n",
                    rows, CONNECTIONS * SERIES_PER_CONNECTION, CONNECTIONS, first.slots().size(), coldMillis);
            System.out.printf("BENCH availability after a change, full rebuild (bench-user, %d changes): p50 %.1f ms, p99 %.1f ms%n",
                    rebuilds.length, percentile(rebuilds, 50) / 1e6, percentile(rebuilds, 99) / 1e6);
            firstAnswersAfterAChange(app, service, query, firstDay);
            if (Boolean.getBoolean("bench.changesOnly")) {
                return;
            }

            SlotsRequest ranked = ranked(query);
            for (String user : List.of("bench-user", "sparse-user")) {
                for (SlotsRequest asked : List.of(query, ranked)) {
                    for (int i = 0; i < IN_PROCESS_WARMUP; i++) {
                        service.slots(List.of(user), asked);
                    }
                    long[] nanos = new long[IN_PROCESS_RUNS];
                    int slots = 0;
                    for (int i = 0; i < IN_PROCESS_RUNS; i++) {
                        long started = System.nanoTime();
                        slots = service.slots(List.of(user), asked).slots().size();
                        nanos[i] = System.nanoTime() - started;
                    }
                    Arrays.sort(nanos);
                    System.out.printf("BENCH availability in-process %s (%s, %d slots): %,d queries, p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
                            asked == ranked ? "ranked  " : "unranked", user, slots, IN_PROCESS_RUNS, percentile(nanos, 50) / 1e6,
                            percentile(nanos, 99) / 1e6, nanos[nanos.length - 1] / 1e6);
                }
            }

            String body = Api.JSON.writeValueAsString(Map.of("from", query.from().toString(), "to", query.to().toString(),
                    "durationMinutes", 30, "timeZone", "Europe/Berlin", "bufferBeforeMinutes", 5, "bufferAfterMinutes", 5));
            int port = Integer.parseInt(app.context().getEnvironment().getProperty("local.server.port"));
            // the HTTP stack (Tomcat, Security, Jackson, and the client in this same JVM) needs far more warm-up than the
            // service: its first tens of thousands of requests run at about a third of the speed while C2 compiles
            print("HTTP warm-up", "bench-user", http(port, "bench-user", body, HTTP_WARMUP), HTTP_WARMUP);
            for (String user : List.of("bench-user", "sparse-user")) {
                print("HTTP", user, http(port, user, body, HTTP_REQUESTS), HTTP_REQUESTS);
            }
            System.out.printf("BENCH availability machine: %d cores, load average %.1f (other processes on the machine count too)%n%n",
                    Runtime.getRuntime().availableProcessors(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    /**
     * "Query, book, query again": the first answer after one change of the busy user's events (a sync page that moves one
     * event, through the event store) or appointments (a PUT that moves one, through the API), each to a random working
     * hour of the 14 days asked. Only the answer is timed, not the write.
     */
    private static void firstAnswersAfterAChange(RunningCalbridge app, AvailabilityService service, SlotsRequest query,
            LocalDate firstDay) throws Exception {
        EventStore store = app.context().getBean(EventStore.class);
        JdbcTemplate jdbc = app.context().getBean(JdbcTemplate.class);
        UUID connection = jdbc.queryForObject("SELECT connection_id FROM events WHERE user_id = 'bench-user' AND external_id = 'e1' LIMIT 1",
                UUID.class);
        int port = Integer.parseInt(app.context().getEnvironment().getProperty("local.server.port"));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Random random = new Random(13);
        for (String what : List.of("event moved by a sync page", "appointment moved through the API")) {
            long[] nanos = new long[CHANGE_RUNS];
            for (int i = -CHANGE_WARMUP; i < CHANGE_RUNS; i++) {
                ZonedDateTime start = firstDay.plusDays(random.nextInt(14)).atTime(8 + random.nextInt(9), 15 * random.nextInt(4)).atZone(BERLIN);
                if (what.startsWith("event")) {
                    store.apply(connection, "bench-user", "primary", BERLIN, List.of(new RemoteEvent("e1", "primary", "confirmed", "Moved",
                            null, null, EventTime.at(start.toInstant(), "Europe/Berlin"), EventTime.at(start.plusMinutes(45).toInstant(),
                                    "Europe/Berlin"), false, null, List.of(), null, null, null, null, null, "etag-" + i)), 1);
                } else {
                    String body = Api.JSON.writeValueAsString(Map.of("title", "Appointment", "timeZone", "Europe/Berlin",
                            "start", start.toOffsetDateTime().toString(), "end", start.plusMinutes(45).toOffsetDateTime().toString()));
                    HttpResponse<String> put = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/appointments/a-1"))
                            .header("Content-Type", "application/json").header("X-API-Key", TestKeys.API_KEY).header("X-User-Id", "bench-user")
                            .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    if (put.statusCode() != 200) {
                        throw new IllegalStateException("PUT answered " + put.statusCode() + ": " + put.body());
                    }
                }
                long started = System.nanoTime();
                service.slots(List.of("bench-user"), query);
                if (i >= 0) {
                    nanos[i] = System.nanoTime() - started;
                }
            }
            Arrays.sort(nanos);
            System.out.printf("BENCH availability first answer after a change (bench-user, %s, %d changes): p50 %.2f ms, p99 %.2f ms, "
                    + "max %.2f ms%n", what, CHANGE_RUNS, percentile(nanos, 50) / 1e6, percentile(nanos, 99) / 1e6, nanos[nanos.length - 1] / 1e6);
        }
    }

    private static SlotsRequest ranked(SlotsRequest q) {
        return new SlotsRequest(q.from(), q.to(), q.durationMinutes(), q.timeZone(), q.workingHours(), q.dateOverrides(),
                q.bufferBeforeMinutes(), q.bufferAfterMinutes(), q.minimumNoticeMinutes(), q.slotStepMinutes(), q.userIds(), q.mode(),
                q.fresh(), true, q.preferences());
    }

    private static void print(String what, String user, HttpFigures figures, int requests) {
        System.out.printf("BENCH availability %s (%s, %d threads, keep-alive, %,d bytes a response): %,d requests in %.2f s "
                + "= %,.0f requests/s, p50 %.1f ms, p99 %.1f ms, errors %d%n", what, user, HTTP_THREADS, figures.bytes(), requests,
                figures.seconds(), requests / figures.seconds(), figures.p50Millis(), figures.p99Millis(), figures.errors());
    }

    private record HttpFigures(double seconds, double p50Millis, double p99Millis, int errors, int bytes) {
    }

    /** {@code requests} POSTs spread over {@link #HTTP_THREADS} threads sharing one keep-alive HTTP/1.1 client. */
    private static HttpFigures http(int port, String user, String body, int requests) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/availability"))
                .header("Content-Type", "application/json").header("X-API-Key", TestKeys.API_KEY).header("X-User-Id", user)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long[] nanos = new long[requests];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger bytes = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(HTTP_THREADS);
        long started = System.nanoTime();
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < HTTP_THREADS; t++) {
            running.add(threads.submit(() -> {
                for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                    long sent = System.nanoTime();
                    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                    nanos[i] = System.nanoTime() - sent;
                    if (response.statusCode() != 200) {
                        errors.incrementAndGet();
                    }
                    bytes.set(response.body().length());
                }
                return null;
            }));
        }
        for (Future<?> thread : running) {
            thread.get();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        threads.shutdown();
        Arrays.sort(nanos);
        return new HttpFigures(seconds, percentile(nanos, 50) / 1e6, percentile(nanos, 99) / 1e6, errors.get(), bytes.get());
    }

    private static SlotsRequest query(LocalDate firstDay) {
        return new SlotsRequest(firstDay.atStartOfDay(BERLIN).toOffsetDateTime(), firstDay.plusDays(14).atStartOfDay(BERLIN).toOffsetDateTime(),
                30, "Europe/Berlin", null, null, 5, 5, null, null, null, null, null, null, null);
    }

    /**
     * Per connection: 10 series (daily and weekly, each with a moved and a cancelled instance), the rest single events
     * of 15-90 minutes at random quarter hours between 07:00 and 21:00 over 30 days; a few are all-day, transparent,
     * declined, tentative or cancelled, as in real calendars.
     */
    private static int seedBusyUser(JdbcTemplate jdbc, String user, LocalDate firstDay) {
        Random random = new Random(7);
        List<Object[]> events = new ArrayList<>();
        for (int c = 0; c < CONNECTIONS; c++) {
            UUID connection = connection(jdbc, user);
            for (int s = 0; s < SERIES_PER_CONNECTION; s++) {
                String id = "series-" + s;
                ZonedDateTime start = firstDay.minusDays(random.nextInt(60)).atTime(7 + random.nextInt(12), 15 * random.nextInt(4)).atZone(BERLIN);
                String rule = s % 2 == 0 ? "RRULE:FREQ=DAILY" : "RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR";
                events.add(row(connection, user, id, "confirmed", start.toInstant(), start.plusMinutes(30).toInstant(), false, false, null,
                        rule, null, null));
                ZonedDateTime occurrence = start.plusWeeks(1 + random.nextInt(3));
                events.add(row(connection, user, id + "_moved", "confirmed", occurrence.plusHours(2).toInstant(),
                        occurrence.plusHours(2).plusMinutes(30).toInstant(), false, false, null, null, id, occurrence.toInstant()));
                ZonedDateTime cancelled = start.plusWeeks(4);
                events.add(row(connection, user, id + "_cancelled", "cancelled", cancelled.toInstant(), cancelled.plusMinutes(30).toInstant(),
                        false, false, null, null, id, cancelled.toInstant()));
            }
            for (int e = 0; e < EVENTS_PER_CONNECTION - 3 * SERIES_PER_CONNECTION; e++) {
                LocalDate day = firstDay.plusDays(random.nextInt(30));
                int kind = random.nextInt(100);
                if (kind == 0) {
                    events.add(row(connection, user, "e" + e, "confirmed", day.atStartOfDay(BERLIN).toInstant(),
                            day.plusDays(1).atStartOfDay(BERLIN).toInstant(), true, random.nextBoolean(), null, null, null, null));
                    continue;
                }
                ZonedDateTime start = day.atTime(7 + random.nextInt(14), 15 * random.nextInt(4)).atZone(BERLIN);
                Instant end = start.plusMinutes(15L * (1 + random.nextInt(6))).toInstant();
                String status = kind < 5 ? "cancelled" : kind < 10 ? "tentative" : "confirmed";
                events.add(row(connection, user, "e" + e, status, start.toInstant(), end, false, kind >= 90 && kind < 95,
                        kind >= 95 ? "declined" : "accepted", null, null, null));
            }
        }
        insertEvents(jdbc, events);
        Random appointments = new Random(11);
        for (int a = 0; a < 100; a++) {
            ZonedDateTime start = firstDay.plusDays(appointments.nextInt(30)).atTime(8 + appointments.nextInt(10), 0).atZone(BERLIN);
            jdbc.update("""
                    INSERT INTO appointments (user_id, appointment_id, version, content_hash, title, start_at, end_at, time_zone,
                        attendees, conference, status, created_at, updated_at)
                    VALUES (?, ?, 1, 'bench', 'Appointment', ?, ?, 'Europe/Berlin', '[]'::jsonb, 'NONE', 'CONFIRMED', now(), now())""",
                    user, "a-" + a, Timestamp.from(start.toInstant()), Timestamp.from(start.plusMinutes(45).toInstant()));
        }
        bump(jdbc, user);
        return events.size();
    }

    /** For comparison: one connection with 200 events in 30 days, so the answer holds many slots. */
    private static void seedSparseUser(JdbcTemplate jdbc, String user, LocalDate firstDay) {
        Random random = new Random(3);
        UUID connection = connection(jdbc, user);
        List<Object[]> events = new ArrayList<>();
        for (int e = 0; e < 200; e++) {
            ZonedDateTime start = firstDay.plusDays(random.nextInt(30)).atTime(8 + random.nextInt(10), 30 * random.nextInt(2)).atZone(BERLIN);
            events.add(row(connection, user, "s" + e, "confirmed", start.toInstant(), start.plusMinutes(60).toInstant(), false, false, null,
                    null, null, null));
        }
        insertEvents(jdbc, events);
        bump(jdbc, user);
    }

    private static UUID connection(JdbcTemplate jdbc, String user) {
        UUID id = UUID.randomUUID();
        // a last sync in the future keeps the sync scheduler away from these provider-less connections
        jdbc.update("""
                INSERT INTO connections (id, user_id, provider, account_id, account_email, status, settings, last_sync_at, created_at, updated_at)
                VALUES (?, ?, 'google', ?, 'bench@example.com', 'ACTIVE', ?::jsonb, now() + interval '1 day', now(), now())""",
                id, user, "account-" + id, Api.JSON.writeValueAsString(ConnectionSettings.defaults()));
        // appointment PUTs then queue no pushes to these connections, which have no account behind them
        jdbc.update("UPDATE connections SET settings = jsonb_set(settings, '{syncEnabled}', 'false') WHERE id = ?", id);
        return id;
    }

    private static Object[] row(UUID connection, String user, String id, String status, Instant start, Instant end, boolean allDay,
            boolean transparent, String response, String recurrence, String seriesId, Instant originalStart) {
        return new Object[] {connection, "primary", id, user, status, "Event " + id, Timestamp.from(start), Timestamp.from(end), allDay,
                allDay ? Date.valueOf(LocalDate.ofInstant(start, BERLIN)) : null, allDay ? Date.valueOf(LocalDate.ofInstant(end, BERLIN)) : null,
                "Europe/Berlin", transparent, response, recurrence, seriesId, originalStart == null ? null : Timestamp.from(originalStart)};
    }

    private static void insertEvents(JdbcTemplate jdbc, List<Object[]> rows) {
        jdbc.batchUpdate("""
                INSERT INTO events (connection_id, calendar_id, external_id, user_id, status, title, start_at, end_at, all_day, start_date,
                    end_date, time_zone, transparent, self_response, recurrence, recurring_event_id, original_start_at, generation, synced_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, now())""", rows);
    }

    private static void bump(JdbcTemplate jdbc, String user) {
        jdbc.update("INSERT INTO user_change_stamps (user_id, shard, stamp) VALUES (?, 0, 1) "
                + "ON CONFLICT (user_id, shard) DO UPDATE SET stamp = user_change_stamps.stamp + 1", user);
    }

    private static long percentile(long[] sorted, int percent) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * percent / 100.0) - 1)];
    }
}
