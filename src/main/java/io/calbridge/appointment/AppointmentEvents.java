package io.calbridge.appointment;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Appointment × connection → external event, as read; {@link AppointmentRepository} writes them. */
@Transactional(propagation = Propagation.SUPPORTS, readOnly = true) // one statement, no transaction of its own
interface AppointmentEvents extends JpaRepository<AppointmentEvent, AppointmentEvent.Key> {

    @Override
    Optional<AppointmentEvent> findById(AppointmentEvent.Key key);

    List<AppointmentEvent> findByUserIdAndAppointmentIdOrderByConnectionId(String userId, String appointmentId);
}
