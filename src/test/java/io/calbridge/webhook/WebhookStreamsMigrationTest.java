package io.calbridge.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.testing.TestDatabase;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** V10 on a database that V9 left with a backlog: every stream and its undelivered count carried over, the order kept. */
class WebhookStreamsMigrationTest {

    @Test
    void deliveriesWaitingBeforeTheUpgradeBecomeStreamsDueAtOnce() {
        DataSource database = new DriverManagerDataSource(TestDatabase.url(TestDatabase.newDatabase()), "postgres", "postgres");
        Flyway.configure().dataSource(database).target("9").load().migrate();
        JdbcClient jdbc = JdbcClient.create(database);
        UUID enabled = endpoint(jdbc, true);
        UUID disabled = endpoint(jdbc, false);
        // user a: one delivered, one running (its sender's lease), one pending; no user: one pending; endpoint off: one pending
        message(jdbc, enabled, "a", "DELIVERED");
        message(jdbc, enabled, "a", "RUNNING");
        message(jdbc, enabled, "a", "PENDING");
        message(jdbc, enabled, null, "PENDING");
        message(jdbc, disabled, "a", "PENDING");

        Flyway.configure().dataSource(database).load().migrate();

        List<Map<String, Object>> streams = jdbc.sql("""
                SELECT endpoint_id, user_key, pending, next_attempt_at IS NOT NULL AS due, last_seq >= (SELECT max(seq) FROM webhook_deliveries d
                    WHERE d.endpoint_id = s.endpoint_id AND coalesce(d.user_id, '') = s.user_key) AS after_last
                FROM webhook_streams s ORDER BY endpoint_id = ? DESC, user_key DESC""").param(enabled).query().listOfRows();
        assertThat(streams).hasSize(3);
        assertThat(streams.get(0)).containsEntry("endpoint_id", enabled).containsEntry("user_key", "a").containsEntry("pending", 2)
                .containsEntry("due", true).containsEntry("after_last", true);
        assertThat(streams.get(1)).containsEntry("endpoint_id", enabled).containsEntry("user_key", "").containsEntry("pending", 1)
                .containsEntry("due", true);
        assertThat(streams.get(2)).containsEntry("endpoint_id", disabled).containsEntry("pending", 1).containsEntry("due", false);
        assertThat(jdbc.sql("SELECT count(*) FROM webhook_deliveries WHERE status = 'PENDING'").query(Long.class).single())
                .as("the running one is pending again: its sender's claim did not survive the upgrade").isEqualTo(4);
    }

    private static UUID endpoint(JdbcClient jdbc, boolean enabled) {
        UUID id = UUID.randomUUID();
        jdbc.sql("INSERT INTO webhook_endpoints (id, url, event_types, enabled, secret_enc, created_at, updated_at) "
                + "VALUES (?, 'https://app.example.com/hooks', '{connection.connected}', ?, '\\x00'::bytea, now(), now())")
                .params(id, enabled).update();
        return id;
    }

    private static void message(JdbcClient jdbc, UUID endpoint, String user, String status) {
        String id = Outbox.newMessageId();
        jdbc.sql("INSERT INTO webhook_messages (id, event_type, user_id, body, created_at) VALUES (?, 'connection.connected', ?, '{}', now())")
                .params(id, user).update();
        jdbc.sql("""
                INSERT INTO webhook_deliveries (id, message_id, endpoint_id, user_id, seq, status, next_attempt_at, lease_until, claimed_by,
                    created_at, updated_at)
                SELECT gen_random_uuid(), id, ?, user_id, seq, ?, now(), CASE WHEN ? = 'RUNNING' THEN now() + interval '1 minute' END,
                    CASE WHEN ? = 'RUNNING' THEN 'old-sender' END, now(), now()
                FROM webhook_messages WHERE id = ?""").params(endpoint, status, status, status, id).update();
    }
}
