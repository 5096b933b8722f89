package io.calbridge.appointment;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.transaction.annotation.Transactional;

/**
 * Appointment × connection → external event. The push records its outcome in one statement per step, outside any
 * longer transaction: a read-modify-write would add a read to every push and gain nothing, since one job at a time
 * pushes an appointment to a connection.
 */
interface AppointmentEvents extends JpaRepository<AppointmentEvent, AppointmentEvent.Key> {

    List<AppointmentEvent> findByUserIdAndAppointmentIdOrderByConnectionId(String userId, String appointmentId);

    /** The provider now holds {@code version} (or, for a cancelled appointment, no longer holds the event). */
    @Transactional
    @Modifying
    @Query("""
            update AppointmentEvent e set e.calendarId = :calendarId, e.externalId = :externalId, e.syncedVersion = :version,
                e.meetingUrl = :meetingUrl, e.state = 'SYNCED', e.lastError = null, e.remoteChange = null, e.updatedAt = :now
            where e.userId = :userId and e.appointmentId = :appointmentId and e.connectionId = :connectionId""")
    int synced(String userId, String appointmentId, UUID connectionId, String calendarId, String externalId, long version,
            String meetingUrl, Instant now);

    /** Before the first create: remembers that the provider may hold the event from now on. */
    @Transactional
    @Modifying
    @Query("""
            update AppointmentEvent e set e.calendarId = :calendarId
            where e.userId = :userId and e.appointmentId = :appointmentId and e.connectionId = :connectionId""")
    int attempting(String userId, String appointmentId, UUID connectionId, String calendarId);

    @Transactional
    @Modifying
    @Query("""
            update AppointmentEvent e set e.state = :state, e.lastError = :error, e.updatedAt = :now
            where e.userId = :userId and e.appointmentId = :appointmentId and e.connectionId = :connectionId""")
    int failed(String userId, String appointmentId, UUID connectionId, String state, String error, Instant now);
}
