package io.calbridge.connection;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The reads of connections on the paths the queue benchmark measures: an appointment's destinations at every PUT,
 * the connection of every push, the access token of every provider call. Each is one SQL statement mapped straight to
 * its value, with no entity manager in between: as Spring Data reads they made up most of the CPU the JPA entities
 * added per appointment (README, issue 10). What they return is a copy to read; every change goes through the
 * entity ({@link ConnectionRepository}), so optimistic locking still guards each write.
 */
@Component
class ConnectionRows {

    private static final String COLUMNS = "id, user_id, provider, account_id, account_email, status, settings::text AS settings, "
            + "calendars::text AS calendars, access_token_enc, refresh_token_enc, token_expires_at, scopes, sync_cursor, "
            + "last_sync_at, last_sync_outcome, last_sync_error, created_at, updated_at, version";

    private final JdbcClient jdbc;
    private final JsonColumns.SettingsColumn settings;
    private final JsonColumns.CalendarsColumn calendars;

    ConnectionRows(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.settings = new JsonColumns.SettingsColumn(json);
        this.calendars = new JsonColumns.CalendarsColumn(json);
    }

    Optional<Connection> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM connections WHERE id = ?").param(id).query(this::connection).optional();
    }

    /** The user's connections in the order they were made. */
    List<Connection> byUser(String userId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM connections WHERE user_id = ? ORDER BY created_at, id")
                .param(userId).query(this::connection).list();
    }

    /** What a provider call needs to know of the connection's access token. */
    Optional<AccessToken> accessToken(UUID id) {
        return jdbc.sql("SELECT status, access_token_enc, token_expires_at FROM connections WHERE id = ?").param(id)
                .query((rs, row) -> new AccessToken(ConnectionStatus.valueOf(rs.getString("status")), rs.getBytes("access_token_enc"),
                        instant(rs, "token_expires_at")))
                .optional();
    }

    private Connection connection(ResultSet rs, int row) throws SQLException {
        return new Connection(rs.getObject("id", UUID.class), rs.getString("user_id"), rs.getString("provider"),
                rs.getString("account_id"), rs.getString("account_email"), ConnectionStatus.valueOf(rs.getString("status")),
                settings.convertToEntityAttribute(rs.getString("settings")),
                calendars.convertToEntityAttribute(rs.getString("calendars")), rs.getBytes("access_token_enc"),
                rs.getBytes("refresh_token_enc"), instant(rs, "token_expires_at"), rs.getString("scopes"),
                rs.getString("sync_cursor"), instant(rs, "last_sync_at"), rs.getString("last_sync_outcome"),
                rs.getString("last_sync_error"), instant(rs, "created_at"), instant(rs, "updated_at"), rs.getLong("version"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp value = rs.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }

    /** A connection's access token as stored: sealed, with its expiry. */
    record AccessToken(ConnectionStatus status, byte[] ciphertext, Instant expiresAt) {
    }
}
