package io.calbridge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.testing.Api.Response;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import tools.jackson.databind.JsonNode;

/**
 * A burst of concurrent meeting requests for pairs of users on one working day (09:00-17:00, 45 minutes on the
 * 30-minute grid: eight possible meetings per user) and the checks every burst must pass.
 */
public final class MeetingBookings {

    public static final int MINUTES = 45;

    private MeetingBookings() {
    }

    /** Request i's two users: every user is in as many requests, and any two requests may share one. */
    public static List<String> pair(List<String> users, int i) {
        return List.of(users.get(i % users.size()), users.get((i + 1 + (i / users.size()) % (users.size() - 1)) % users.size()));
    }

    public static List<Response> inParallel(int count, IntFunction<Response> request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            List<Future<Response>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                futures.add(pool.submit(() -> request.apply(n)));
            }
            List<Response> answers = new ArrayList<>();
            for (Future<Response> future : futures) {
                answers.add(future.get());
            }
            return answers;
        } finally {
            pool.shutdown();
        }
    }

    /**
     * Every answer is a booking (201) or a refusal for want of time (409); no user has two overlapping meetings; and a
     * refused pair truly had no common free time left on the grid. Returns the bookings, in request order.
     */
    public static List<JsonNode> checkBurst(List<String> users, List<Response> answers, LocalDate day, ZoneId zone) {
        List<JsonNode> booked = new ArrayList<>();
        for (Response answer : answers) {
            assertThat(answer.status()).as(answer.toString()).isIn(201, 409);
            if (answer.status() == 201) {
                booked.add(answer.json());
            }
        }
        for (String user : users) {
            List<JsonNode> theirs = of(user, booked);
            for (int a = 0; a < theirs.size(); a++) {
                for (int b = a + 1; b < theirs.size(); b++) {
                    assertThat(overlaps(start(theirs.get(a)), end(theirs.get(a)), theirs.get(b)))
                            .as(user + " has overlapping meetings at " + theirs.get(a).path("start") + " and " + theirs.get(b).path("start"))
                            .isFalse();
                }
            }
        }
        for (int i = 0; i < answers.size(); i++) {
            if (answers.get(i).status() != 409) {
                continue;
            }
            List<JsonNode> theirs = new ArrayList<>();
            pair(users, i).forEach(user -> theirs.addAll(of(user, booked)));
            for (LocalTime time = LocalTime.of(9, 0); !time.plusMinutes(MINUTES).isAfter(LocalTime.of(17, 0)); time = time.plusMinutes(30)) {
                OffsetDateTime start = day.atTime(time).atZone(zone).toOffsetDateTime();
                OffsetDateTime end = start.plusMinutes(MINUTES);
                assertThat(theirs.stream().anyMatch(m -> overlaps(start, end, m)))
                        .as("request " + i + " was refused though " + pair(users, i) + " were both free at " + time).isTrue();
            }
        }
        return booked;
    }

    public static List<JsonNode> of(String user, List<JsonNode> booked) {
        return booked.stream().filter(b -> b.path("userIds").valueStream().anyMatch(u -> u.asText().equals(user))).toList();
    }

    public static OffsetDateTime start(JsonNode meeting) {
        return OffsetDateTime.parse(meeting.path("start").asText());
    }

    public static OffsetDateTime end(JsonNode meeting) {
        return OffsetDateTime.parse(meeting.path("end").asText());
    }

    private static boolean overlaps(OffsetDateTime start, OffsetDateTime end, JsonNode meeting) {
        return start.isBefore(end(meeting)) && start(meeting).isBefore(end);
    }
}
