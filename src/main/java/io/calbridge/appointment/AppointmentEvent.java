package io.calbridge.appointment;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.Immutable;

/**
 * Where an appointment stands in one connection's calendar (the {@code appointment_events} row): the external event it
 * maps to, the appointment version that event holds, its meeting link (or why there is none), and a change the user
 * made there.
 *
 * <p>Read through JPA for the appointment's view ({@link AppointmentEvents}). The accept and push paths, which the queue
 * benchmark measures, read and write it with SQL ({@link AppointmentRepository}), one statement per step: through the
 * entity manager they cost the drain about as much CPU again (measured, see README), hence immutable here.
 */
@Entity
@Immutable
@Table(name = "appointment_events")
@IdClass(AppointmentEvent.Key.class)
class AppointmentEvent {

    static final String PENDING = "PENDING";
    static final String SKIPPED = "SKIPPED";
    static final String SYNCED = "SYNCED";
    static final String FAILED = "FAILED";

    @Id
    private String userId;

    @Id
    private String appointmentId;

    @Id
    private UUID connectionId;

    private String calendarId;

    private String externalId;

    private String state;

    private Long syncedVersion;

    private String meetingUrl;

    private String meetingLinkUnavailable;

    private String lastError;

    private String remoteChange;

    private Instant updatedAt;

    protected AppointmentEvent() {
        // for JPA
    }

    AppointmentEvent(String userId, String appointmentId, UUID connectionId) {
        this.userId = userId;
        this.appointmentId = appointmentId;
        this.connectionId = connectionId;
    }

    /** A stored row, as {@link AppointmentRepository} reads it. */
    AppointmentEvent(Key key, String calendarId, String externalId, String state, Long syncedVersion, String meetingUrl,
            String meetingLinkUnavailable, String lastError, String remoteChange, Instant updatedAt) {
        this(key.userId(), key.appointmentId(), key.connectionId());
        this.calendarId = calendarId;
        this.externalId = externalId;
        this.state = state;
        this.syncedVersion = syncedVersion;
        this.meetingUrl = meetingUrl;
        this.meetingLinkUnavailable = meetingLinkUnavailable;
        this.lastError = lastError;
        this.remoteChange = remoteChange;
        this.updatedAt = updatedAt;
    }

    /** As {@link AppointmentRepository#markTarget} just wrote it: waiting (PENDING) or left out (SKIPPED, with why). */
    void mark(String state, String why, Instant now) {
        this.state = state;
        this.lastError = why;
        this.updatedAt = now;
    }

    String appointmentId() {
        return appointmentId;
    }

    UUID connectionId() {
        return connectionId;
    }

    String calendarId() {
        return calendarId;
    }

    String externalId() {
        return externalId;
    }

    String state() {
        return state;
    }

    Long syncedVersion() {
        return syncedVersion;
    }

    String meetingUrl() {
        return meetingUrl;
    }

    String meetingLinkUnavailable() {
        return meetingLinkUnavailable;
    }

    String lastError() {
        return lastError;
    }

    String remoteChange() {
        return remoteChange;
    }

    record Key(String userId, String appointmentId, UUID connectionId) implements Serializable {
    }
}
