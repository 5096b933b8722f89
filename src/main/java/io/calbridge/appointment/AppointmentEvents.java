package io.calbridge.appointment;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

/** Appointment × connection → external event, as read; {@link AppointmentRepository} writes them. */
interface AppointmentEvents extends JpaRepository<AppointmentEvent, AppointmentEvent.Key> {

    List<AppointmentEvent> findByUserIdAndAppointmentIdOrderByConnectionId(String userId, String appointmentId);
}
