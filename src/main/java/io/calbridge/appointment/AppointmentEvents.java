package io.calbridge.appointment;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Appointment × connection → external event, as the appointment's view reads them. The accept and push paths read and
 * write them with {@link AppointmentRepository}'s SQL.
 */
@Transactional(propagation = Propagation.SUPPORTS, readOnly = true) // one statement, no transaction of its own
interface AppointmentEvents extends JpaRepository<AppointmentEvent, AppointmentEvent.Key> {

    List<AppointmentEvent> findByUserIdAndAppointmentIdOrderByConnectionId(String userId, String appointmentId);
}
