package io.calbridge.connection;

import io.calbridge.provider.CalendarInfo;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.Mutability;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.descriptor.java.Immutability;

/**
 * A user's connection to one external calendar account (the {@code connections} row). Other features read it; only
 * this package changes it. Its tokens are held as ciphertext only, sealed by {@link TokenService} with the row id and
 * column as associated data, and never leave this package.
 */
@Entity
@Table(name = "connections")
public class Connection {

    @Id
    private UUID id;

    @Column(updatable = false)
    private String userId;

    @Column(updatable = false)
    private String provider;

    @Column(updatable = false)
    private String accountId;

    private String accountEmail;

    @Enumerated(EnumType.STRING)
    private ConnectionStatus status;

    // settings and calendars are replaced whole, never changed in place: compared, not copied, on flush
    @Mutability(Immutability.class)
    @Convert(converter = JsonColumns.SettingsColumn.class)
    @JdbcTypeCode(SqlTypes.JSON)
    private ConnectionSettings settings;

    @Mutability(Immutability.class)
    @Convert(converter = JsonColumns.CalendarsColumn.class)
    @JdbcTypeCode(SqlTypes.JSON)
    private List<CalendarInfo> calendars;

    @Column(name = "access_token_enc")
    private byte[] accessTokenCiphertext;

    @Column(name = "refresh_token_enc")
    private byte[] refreshTokenCiphertext;

    private Instant tokenExpiresAt;

    private String scopes;

    private String syncCursor;

    private Instant lastSyncAt;

    private String lastSyncOutcome;

    private String lastSyncError;

    @Column(updatable = false)
    private Instant createdAt;

    private Instant updatedAt;

    /** Rises with every change of the user's or the provider's data (settings, calendars, tokens, status). */
    @Version
    private Long version;

    protected Connection() {
        // for JPA
    }

    /** A copy of a stored row, as {@link ConnectionRows} reads it. */
    Connection(UUID id, String userId, String provider, String accountId, String accountEmail, ConnectionStatus status,
            ConnectionSettings settings, List<CalendarInfo> calendars, byte[] accessTokenCiphertext, byte[] refreshTokenCiphertext,
            Instant tokenExpiresAt, String scopes, String syncCursor, Instant lastSyncAt, String lastSyncOutcome,
            String lastSyncError, Instant createdAt, Instant updatedAt, long version) {
        this.id = id;
        this.userId = userId;
        this.provider = provider;
        this.accountId = accountId;
        this.accountEmail = accountEmail;
        this.status = status;
        this.settings = settings;
        this.calendars = calendars;
        this.accessTokenCiphertext = accessTokenCiphertext;
        this.refreshTokenCiphertext = refreshTokenCiphertext;
        this.tokenExpiresAt = tokenExpiresAt;
        this.scopes = scopes;
        this.syncCursor = syncCursor;
        this.lastSyncAt = lastSyncAt;
        this.lastSyncOutcome = lastSyncOutcome;
        this.lastSyncError = lastSyncError;
        this.createdAt = createdAt;
        this.updatedAt = updatedAt;
        this.version = version;
    }

    /** A new, active connection with default settings. */
    Connection(UUID id, String userId, String provider, Account account, SealedTokens tokens, Instant now) {
        this.id = id;
        this.userId = userId;
        this.provider = provider;
        this.accountId = account.accountId();
        this.createdAt = now;
        this.settings = ConnectionSettings.defaults();
        reconnect(account, tokens, now);
    }

    public UUID id() {
        return id;
    }

    public String userId() {
        return userId;
    }

    public String provider() {
        return provider;
    }

    public String accountId() {
        return accountId;
    }

    public String accountEmail() {
        return accountEmail;
    }

    public ConnectionStatus status() {
        return status;
    }

    public ConnectionSettings settings() {
        return settings;
    }

    public List<CalendarInfo> calendars() {
        return calendars;
    }

    public List<String> scopes() {
        return scopes == null || scopes.isBlank() ? List.of() : Arrays.asList(scopes.split(" "));
    }

    public Instant tokenExpiresAt() {
        return tokenExpiresAt;
    }

    public String syncCursor() {
        return syncCursor;
    }

    public Instant lastSyncAt() {
        return lastSyncAt;
    }

    public String lastSyncOutcome() {
        return lastSyncOutcome;
    }

    public String lastSyncError() {
        return lastSyncError;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    public long version() {
        return version == null ? 0 : version;
    }

    // --- changes, for this package only ---

    /** A reconnect (or the first connect): fresh tokens, ACTIVE again; the user's settings stay. */
    void reconnect(Account account, SealedTokens tokens, Instant now) {
        this.accountEmail = account.email();
        this.calendars = List.copyOf(account.calendars());
        this.status = ConnectionStatus.ACTIVE;
        storeTokens(tokens, now);
    }

    /** Tokens from the provider; a response without a refresh token (Google's refresh) keeps the stored one. */
    void storeTokens(SealedTokens tokens, Instant now) {
        this.accessTokenCiphertext = tokens.access();
        if (tokens.refresh() != null) {
            this.refreshTokenCiphertext = tokens.refresh();
        }
        this.tokenExpiresAt = tokens.expiresAt();
        if (tokens.scopes() != null) {
            this.scopes = tokens.scopes();
        }
        this.updatedAt = now;
    }

    /** The same secrets sealed again (under another key). */
    void replaceCiphertexts(byte[] access, byte[] refresh) {
        this.accessTokenCiphertext = access;
        this.refreshTokenCiphertext = refresh;
    }

    void changeSettings(ConnectionSettings settings, Instant now) {
        this.settings = settings;
        this.updatedAt = now;
    }

    void markNeedsReauth(String reason, Instant now) {
        this.status = ConnectionStatus.NEEDS_REAUTH;
        this.lastSyncError = reason;
        this.updatedAt = now;
    }

    byte[] accessTokenCiphertext() {
        return accessTokenCiphertext;
    }

    byte[] refreshTokenCiphertext() {
        return refreshTokenCiphertext;
    }

    /** What the provider said about the account at connect. */
    record Account(String accountId, String email, List<CalendarInfo> calendars) {
    }

    /** A token response sealed for this row: ciphertexts only. */
    record SealedTokens(byte[] access, byte[] refresh, Instant expiresAt, String scopes) {
    }

    @Override
    public String toString() {
        return "Connection[id=" + id + ", userId=" + userId + ", provider=" + provider + ", status=" + status + "]";
    }
}
