package io.calbridge.connection;

import io.calbridge.provider.CalendarInfo;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Rows of {@code connections}. Token columns are only ever read and written as ciphertext here. */
@Repository
class ConnectionRepository {

    private static final String COLUMNS = "id, user_id, provider, account_id, account_email, status, settings::text AS settings, "
            + "calendars::text AS calendars, scopes, token_expires_at, sync_cursor, last_sync_at, last_sync_outcome, "
            + "last_sync_error, created_at, updated_at, version";
    private static final TypeReference<List<CalendarInfo>> CALENDAR_LIST = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final RowMapper<Connection> rowMapper = this::mapConnection;

    ConnectionRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    Optional<Connection> findOwned(UUID id, String userId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM connections WHERE id = ? AND user_id = ?")
                .params(id, userId).query(rowMapper).optional();
    }

    Optional<Connection> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM connections WHERE id = ?").param(id).query(rowMapper).optional();
    }

    List<Connection> findByUser(String userId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM connections WHERE user_id = ? ORDER BY created_at, id")
                .param(userId).query(rowMapper).list();
    }

    Optional<UUID> findIdByAccount(String userId, String provider, String accountId) {
        return jdbc.sql("SELECT id FROM connections WHERE user_id = ? AND provider = ? AND account_id = ?")
                .params(userId, provider, accountId).query(UUID.class).optional();
    }

    void insert(UUID id, String userId, String provider, AccountFields account, EncryptedTokens tokens, Instant now) {
        jdbc.sql("""
                INSERT INTO connections (id, user_id, provider, account_id, account_email, status, settings, calendars,
                    access_token_enc, refresh_token_enc, token_expires_at, scopes, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, 'ACTIVE', ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?)""")
                .params(id, userId, provider, account.accountId(), account.email(),
                        json.writeValueAsString(ConnectionSettings.defaults()), json.writeValueAsString(account.calendars()),
                        tokens.access(), tokens.refresh(), ts(tokens.expiresAt()), tokens.scopes(), ts(now), ts(now))
                .update();
    }

    /** A reconnect: fresh tokens, ACTIVE again; the user's settings stay. */
    void reconnect(UUID id, AccountFields account, EncryptedTokens tokens, Instant now) {
        jdbc.sql("""
                UPDATE connections SET account_email = ?, status = 'ACTIVE', calendars = ?::jsonb, access_token_enc = ?,
                    refresh_token_enc = COALESCE(?, refresh_token_enc), token_expires_at = ?, scopes = ?, updated_at = ?,
                    version = version + 1
                WHERE id = ?""")
                .params(account.email(), json.writeValueAsString(account.calendars()), tokens.access(), tokens.refresh(),
                        ts(tokens.expiresAt()), tokens.scopes(), ts(now), id)
                .update();
    }

    boolean updateSettings(UUID id, long expectedVersion, ConnectionSettings settings, Instant now) {
        return jdbc.sql("UPDATE connections SET settings = ?::jsonb, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?")
                .params(json.writeValueAsString(settings), ts(now), id, expectedVersion).update() == 1;
    }

    void updateCalendars(UUID id, List<CalendarInfo> calendars, Instant now) {
        jdbc.sql("UPDATE connections SET calendars = ?::jsonb, updated_at = ?, version = version + 1 WHERE id = ?")
                .params(json.writeValueAsString(calendars), ts(now), id).update();
    }

    boolean delete(UUID id) {
        return jdbc.sql("DELETE FROM connections WHERE id = ?").param(id).update() == 1;
    }

    // --- tokens: ciphertext in, ciphertext out ---

    /** Locks the row until the transaction ends: one refresh at a time per connection, across instances too. */
    Optional<TokenRow> lockTokens(UUID id) {
        return jdbc.sql("SELECT id, provider, status, access_token_enc, refresh_token_enc, token_expires_at, version "
                + "FROM connections WHERE id = ? FOR UPDATE").param(id).query(ConnectionRepository::mapTokens).optional();
    }

    Optional<TokenRow> tokens(UUID id) {
        return jdbc.sql("SELECT id, provider, status, access_token_enc, refresh_token_enc, token_expires_at, version "
                + "FROM connections WHERE id = ?").param(id).query(ConnectionRepository::mapTokens).optional();
    }

    List<TokenRow> allTokens() {
        return jdbc.sql("SELECT id, provider, status, access_token_enc, refresh_token_enc, token_expires_at, version FROM connections")
                .query(ConnectionRepository::mapTokens).list();
    }

    void storeRefreshedTokens(UUID id, EncryptedTokens tokens, Instant now) {
        jdbc.sql("""
                UPDATE connections SET access_token_enc = ?, refresh_token_enc = COALESCE(?, refresh_token_enc),
                    token_expires_at = ?, scopes = COALESCE(?, scopes), updated_at = ?, version = version + 1
                WHERE id = ?""")
                .params(tokens.access(), tokens.refresh(), ts(tokens.expiresAt()), tokens.scopes(), ts(now), id).update();
    }

    /** Rewrites ciphertexts only if nobody changed the row meanwhile. */
    boolean replaceCiphertexts(UUID id, long expectedVersion, byte[] access, byte[] refresh) {
        return jdbc.sql("UPDATE connections SET access_token_enc = ?, refresh_token_enc = ?, version = version + 1 "
                + "WHERE id = ? AND version = ?").params(access, refresh, id, expectedVersion).update() == 1;
    }

    void recordSync(UUID id, String outcome, String error, Instant at) {
        jdbc.sql("UPDATE connections SET last_sync_at = ?, last_sync_outcome = ?, last_sync_error = ? WHERE id = ?")
                .params(ts(at), outcome, error, id).update();
    }

    /** The provider refuses the connection's tokens although they are fresh: shown as its last outcome, with why. */
    void recordAuthFailure(UUID id, String outcome, String error) {
        jdbc.sql("UPDATE connections SET last_sync_outcome = ?, last_sync_error = ? WHERE id = ?").params(outcome, error, id).update();
    }

    List<Connection> findActive() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM connections WHERE status = 'ACTIVE' ORDER BY last_sync_at NULLS FIRST")
                .query(rowMapper).list();
    }

    void markNeedsReauth(UUID id, String reason, Instant now) {
        jdbc.sql("UPDATE connections SET status = 'NEEDS_REAUTH', last_sync_error = ?, updated_at = ?, version = version + 1 WHERE id = ?")
                .params(reason, ts(now), id).update();
    }

    record AccountFields(String accountId, String email, List<CalendarInfo> calendars) {
    }

    record EncryptedTokens(byte[] access, byte[] refresh, Instant expiresAt, String scopes) {
    }

    record TokenRow(UUID id, String provider, ConnectionStatus status, byte[] access, byte[] refresh, Instant expiresAt,
            long version) {
    }

    private static TokenRow mapTokens(ResultSet rs, int row) throws SQLException {
        return new TokenRow(rs.getObject("id", UUID.class), rs.getString("provider"),
                ConnectionStatus.valueOf(rs.getString("status")), rs.getBytes("access_token_enc"),
                rs.getBytes("refresh_token_enc"), instant(rs, "token_expires_at"), rs.getLong("version"));
    }

    private Connection mapConnection(ResultSet rs, int row) throws SQLException {
        String scopes = rs.getString("scopes");
        return new Connection(
                rs.getObject("id", UUID.class),
                rs.getString("user_id"),
                rs.getString("provider"),
                rs.getString("account_id"),
                rs.getString("account_email"),
                ConnectionStatus.valueOf(rs.getString("status")),
                json.readValue(rs.getString("settings"), ConnectionSettings.class),
                json.readValue(rs.getString("calendars"), CALENDAR_LIST),
                scopes == null || scopes.isBlank() ? List.of() : Arrays.asList(scopes.split(" ")),
                instant(rs, "token_expires_at"),
                rs.getString("sync_cursor"),
                instant(rs, "last_sync_at"),
                rs.getString("last_sync_outcome"),
                rs.getString("last_sync_error"),
                instant(rs, "created_at"),
                instant(rs, "updated_at"),
                rs.getLong("version"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }

    private static Timestamp ts(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }
}
