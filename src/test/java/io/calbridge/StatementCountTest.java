package io.calbridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.emulator.google.GoogleCalendarEmulator;
import io.calbridge.testing.Api;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.Await;
import io.calbridge.testing.Connect;
import io.calbridge.testing.GoogleEmulators;
import io.calbridge.testing.RunningCalbridge;
import io.calbridge.testing.StatementCounter;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.TestKeys;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a list costs in SQL statements must not grow with what it lists (no N+1): every statement the request's thread
 * prepares is counted, JPA's and JdbcClient's alike, for a user with one connection and for one with three.
 */
class StatementCountTest {

    private static final GoogleCalendarEmulator google = GoogleEmulators.shared();
    private static RunningCalbridge app;
    private static final String ONE = "count-one-" + UUID.randomUUID();
    private static final String THREE = "count-three-" + UUID.randomUUID();

    @BeforeAll
    static void usersWithOneAndWithThreeConnectionsAndAnAppointmentEach() {
        Map<String, Object> settings = new HashMap<>(GoogleEmulators.settingsFor(google));
        settings.put("calbridge.token-keys", TestKeys.tokenKey("count"));
        app = RunningCalbridge.start(TestDatabase.newDatabase(), settings, StatementCounter.class);
        Connect connect = new Connect(app.api());
        connectAccounts(connect, ONE, 1);
        connectAccounts(connect, THREE, 3);
        for (String user : List.of(ONE, THREE)) {
            Response put = app.api().send("PUT", "/api/v1/appointments/a-1", Caller.service(user),
                    Api.JSON.writeValueAsString(appointment()), "application/json");
            assertThat(put.status()).as(put.toString()).isEqualTo(200);
            Await.until("every destination synced", Duration.ofSeconds(30), () -> StreamSupport.stream(
                    app.api().get("/api/v1/appointments/a-1", Caller.service(user)).json().path("destinations").spliterator(), false)
                    .allMatch(d -> "SYNCED".equals(d.path("state").asText())));
        }
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void listingConnectionsCostsTheSameStatementsForThreeAsForOne() {
        List<StatementCounter.Statement> one = statementsOf("/api/v1/connections", ONE, 1);
        List<StatementCounter.Statement> three = statementsOf("/api/v1/connections", THREE, 3);

        System.out.printf("GET /api/v1/connections: %d statements for 1 connection, %d for 3: %s%n", one.size(), three.size(), sql(three));
        assertThat(three).hasSameSizeAs(one);
        assertThat(one).hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void readingAnAppointmentCostsTheSameStatementsForThreeDestinationsAsForOne() {
        List<StatementCounter.Statement> one = statementsOf("/api/v1/appointments/a-1", ONE, 1);
        List<StatementCounter.Statement> three = statementsOf("/api/v1/appointments/a-1", THREE, 3);

        System.out.printf("GET /api/v1/appointments/{id}: %d statements for 1 destination, %d for 3: %s%n", one.size(), three.size(),
                sql(three));
        assertThat(three).hasSameSizeAs(one);
        assertThat(one).hasSizeLessThanOrEqualTo(5);
    }

    /** The statements the request threads prepared for one GET (after one to warm up), checking the answer lists {@code expected}. */
    private static List<StatementCounter.Statement> statementsOf(String path, String user, int expected) {
        app.api().get(path, Caller.service(user));
        StatementCounter.drain(thread -> true);
        Response response = app.api().get(path, Caller.service(user));
        List<StatementCounter.Statement> statements = StatementCounter.drain(thread -> thread.startsWith("http-nio"));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        var listed = path.endsWith("/connections") ? response.json() : response.json().path("destinations");
        assertThat(listed.size()).as(response.toString()).isEqualTo(expected);
        return statements;
    }

    private static String sql(List<StatementCounter.Statement> statements) {
        return statements.stream().map(s -> s.sql().replaceAll("\\s+", " ")).map(s -> s.length() > 90 ? s.substring(0, 90) + "…" : s)
                .toList().toString();
    }

    private static void connectAccounts(Connect connect, String user, int count) {
        for (int i = 0; i < count; i++) {
            String email = "c" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
            google.createAccount(email);
            connect.connectGoogle(Caller.service(user), email);
        }
    }

    private static Map<String, Object> appointment() {
        Instant start = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(2)).plus(Duration.ofHours(9));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", "Counted");
        body.put("start", start.toString());
        body.put("end", start.plus(Duration.ofMinutes(30)).toString());
        body.put("timeZone", "Europe/Berlin");
        return body;
    }
}
