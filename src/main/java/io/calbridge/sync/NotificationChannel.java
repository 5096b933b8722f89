package io.calbridge.sync;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.springframework.data.domain.Persistable;

/**
 * A live push-notification channel the provider opened for one calendar (the {@code push_channels} row). Only a hash
 * of the channel's secret token is kept: enough to verify a notification, useless to forge one.
 */
@Entity
@Table(name = "push_channels")
class NotificationChannel implements Persistable<String> {

    @Id
    private String channelId;

    private UUID connectionId;

    private String provider;

    private String calendarId;

    private String resourceId;

    @JdbcTypeCode(SqlTypes.CHAR)
    @Column(length = 64)
    private String tokenHash;

    private Instant expiresAt;

    private Instant createdAt;

    /** The provider names the channel: this tells a new one from a stored one, so that saving it is one INSERT. */
    @Transient
    private boolean isNew;

    protected NotificationChannel() {
        // for JPA
    }

    NotificationChannel(String channelId, UUID connectionId, String provider, String calendarId, String resourceId, String tokenHash,
            Instant expiresAt, Instant createdAt) {
        this.channelId = channelId;
        this.connectionId = connectionId;
        this.provider = provider;
        this.calendarId = calendarId;
        this.resourceId = resourceId;
        this.tokenHash = tokenHash;
        this.expiresAt = expiresAt;
        this.createdAt = createdAt;
        this.isNew = true;
    }

    String channelId() {
        return channelId;
    }

    UUID connectionId() {
        return connectionId;
    }

    String provider() {
        return provider;
    }

    String calendarId() {
        return calendarId;
    }

    String resourceId() {
        return resourceId;
    }

    String tokenHash() {
        return tokenHash;
    }

    Instant expiresAt() {
        return expiresAt;
    }

    /** The provider renewed the channel in place until {@code until}. */
    void renewedUntil(Instant until) {
        this.expiresAt = until;
    }

    @Override
    public String getId() {
        return channelId;
    }

    @Override
    public boolean isNew() {
        return isNew;
    }

    @PostLoad
    @PostPersist
    void stored() {
        isNew = false;
    }
}
