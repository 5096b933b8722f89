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
 * <p>Read through JPA; written by the accept and push paths' SQL ({@link AppointmentRepository}), one statement per
 * step: as entity writes they cost the drain about as much CPU again (measured, see README), hence immutable here.
 */
@Entity
@Immutable
@Table(name = "appointment_events")
@IdClass(AppointmentEvent.Key.class)
class AppointmentEvent {

    static final String PENDING = "PENDING";
    static final String SKIPPED = "SKIPPED";

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

    /** As {@link AppointmentRepository#markTarget} just wrote it: waiting (PENDING) or left out (SKIPPED, with why). */
    void mark(String state, String why, Instant now) {
        this.state = state;
        this.lastError = why;
        this.updatedAt = now;
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
