package io.calbridge.scheduling;

import io.calbridge.appointment.AppointmentRequest;
import io.calbridge.appointment.AppointmentService;
import io.calbridge.availability.AvailabilityRequests.Mode;
import io.calbridge.availability.AvailabilityRequests.SlotsRequest;
import io.calbridge.availability.AvailabilityResponses.Slot;
import io.calbridge.availability.AvailabilityService;
import io.calbridge.scheduling.MeetingAnswer.BookedAppointment;
import io.calbridge.platform.crypto.Hashes;
import io.calbridge.platform.web.ApiProblem;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Books a meeting: ranks the free times of all its users (outside any lock), then in one transaction takes the users'
 * booking locks, books the best time that is still free as the store has it now, and writes an appointment for each
 * user (their calendars receive it through the queue). Two bookings that share a user thus never get overlapping
 * times, whichever instance runs them.
 */
@Service
class MeetingService {

    private static final int DEFAULT_ALTERNATIVES = 3;
    private static final int MAX_ALTERNATIVES = 10;

    private final AvailabilityService availability;
    private final AppointmentService appointments;
    private final Meetings meetings;
    private final TransactionTemplate transaction;
    private final JsonMapper json;
    private final Clock clock;

    MeetingService(AvailabilityService availability, AppointmentService appointments, Meetings meetings,
            PlatformTransactionManager transactions, JsonMapper json, Clock clock) {
        this.availability = availability;
        this.appointments = appointments;
        this.meetings = meetings;
        this.transaction = new TransactionTemplate(transactions);
        this.json = json;
        this.clock = clock;
    }

    /** A booking, and whether it is the answer to an earlier request with the same key. */
    record Outcome(MeetingAnswer answer, boolean replayed) {
    }

    /**
     * Books for {@code userIds} (already authorized). {@code caller} scopes the idempotency key; with a key, a request
     * seen before gets the first booking's answer again, and the same key with another request is refused.
     */
    Outcome book(List<String> userIds, MeetingRequest request, String caller, String idempotencyKey) {
        int alternatives = alternatives(request.alternatives());
        String requestHash = Hashes.sha256Hex(json.writeValueAsString(List.of(userIds, request)));
        if (idempotencyKey != null) {
            Optional<Outcome> earlier = earlier(caller, idempotencyKey, requestHash);
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        List<Slot> ranked = availability.slots(userIds, slotsRequest(userIds, request)).slots();
        return book(userIds, request, ranked, alternatives, caller, idempotencyKey, requestHash);
    }

    /** The booking over already ranked candidates; a candidate taken since they were ranked is passed over. */
    Outcome book(List<String> userIds, MeetingRequest request, List<Slot> ranked, int alternatives, String caller,
            String idempotencyKey, String requestHash) {
        ZoneId zone = ZoneId.of(request.timeZone());
        Duration before = minutes(request.bufferBeforeMinutes());
        Duration after = minutes(request.bufferAfterMinutes());
        UUID meetingId = UUID.randomUUID();
        return transaction.execute(status -> {
            if (!meetings.claim(meetingId, caller, idempotencyKey, requestHash, userIds, clock.instant())) {
                // a request with this key committed while this one ranked (or while the claim waited for it)
                return earlier(caller, idempotencyKey, requestHash).orElseThrow();
            }
            meetings.lockUsers(userIds);
            int chosen = -1;
            for (int i = 0; i < ranked.size() && chosen < 0; i++) {
                if (availability.freeInStore(userIds, start(ranked.get(i)), end(ranked.get(i)), before, after, zone)) {
                    chosen = i;
                }
            }
            if (chosen < 0) {
                throw new ApiProblem(HttpStatus.CONFLICT, "no_free_slot", ranked.isEmpty()
                        ? "the users have no free time of that length in the range"
                        : "every free time found was booked meanwhile; ask again");
            }
            Slot slot = ranked.get(chosen);
            String appointmentId = MeetingLinks.APPOINTMENT_PREFIX + meetingId;
            List<BookedAppointment> booked = new ArrayList<>();
            for (String userId : userIds) {
                // only the organizer's calendar makes a video link; MeetingLinks hands it to the others
                boolean organizer = userId.equals(userIds.get(0));
                AppointmentService.Tracked tracked = appointments.upsert(userId, appointmentId, appointment(request, slot, organizer));
                booked.add(new BookedAppointment(userId, appointmentId, tracked.appointment().version(), tracked.destinations()));
            }
            MeetingAnswer answer = new MeetingAnswer(meetingId, userIds, slot.start(), slot.end(), request.timeZone(), slot.score(),
                    slot.reasons(), booked, nextBest(ranked, chosen, before, after, alternatives));
            meetings.booked(meetingId, start(slot), end(slot), json.writeValueAsString(answer));
            return new Outcome(answer, false);
        });
    }

    private Optional<Outcome> earlier(String caller, String idempotencyKey, String requestHash) {
        return meetings.byKey(caller, idempotencyKey).map(claimed -> {
            if (!claimed.requestHash().equals(requestHash)) {
                throw new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, "idempotency_key_reused",
                        "this Idempotency-Key was used for another request; use a new key for a new meeting");
            }
            return new Outcome(json.readValue(claimed.answer(), MeetingAnswer.class), true);
        });
    }

    /** The best candidates after the chosen one that leave the booked time (with its buffers) alone. */
    private static List<Slot> nextBest(List<Slot> ranked, int chosen, Duration before, Duration after, int count) {
        Instant bookedStart = start(ranked.get(chosen));
        Instant bookedEnd = end(ranked.get(chosen));
        List<Slot> next = new ArrayList<>();
        for (int i = chosen + 1; i < ranked.size() && next.size() < count; i++) {
            Slot slot = ranked.get(i);
            boolean clear = !start(slot).isBefore(bookedEnd.plus(after)) || !end(slot).plus(before).isAfter(bookedStart);
            if (clear) {
                next.add(slot);
            }
        }
        return next;
    }

    private static SlotsRequest slotsRequest(List<String> userIds, MeetingRequest r) {
        return new SlotsRequest(r.from(), r.to(), r.durationMinutes(), r.timeZone(), r.workingHours(), r.dateOverrides(),
                r.bufferBeforeMinutes(), r.bufferAfterMinutes(), r.minimumNoticeMinutes(), r.slotStepMinutes(), userIds, Mode.ALL,
                false, true, r.preferences());
    }

    private static AppointmentRequest appointment(MeetingRequest r, Slot slot, boolean organizer) {
        return new AppointmentRequest(r.title(), r.description(), r.location(), OffsetDateTime.parse(slot.start()),
                OffsetDateTime.parse(slot.end()), r.timeZone(), r.attendees(), organizer ? r.conference() : AppointmentRequest.Conference.NONE,
                AppointmentRequest.Status.CONFIRMED, organizer || r.reminders() == null ? r.reminders()
                        // the attendees hear from the organizer's appointment only: once, not once per user
                        : r.reminders().stream().filter(reminder -> !"ATTENDEES".equals(reminder.to())).toList());
    }

    private static int alternatives(Integer requested) {
        if (requested == null) {
            return DEFAULT_ALTERNATIVES;
        }
        if (requested < 0 || requested > MAX_ALTERNATIVES) {
            throw ApiProblem.badRequest("invalid_alternatives", "alternatives must be between 0 and 10");
        }
        return requested;
    }

    /** Buffers were checked by availability before any booking starts. */
    private static Duration minutes(Integer value) {
        return Duration.ofMinutes(value == null ? 0 : value);
    }

    private static Instant start(Slot slot) {
        return OffsetDateTime.parse(slot.start()).toInstant();
    }

    private static Instant end(Slot slot) {
        return OffsetDateTime.parse(slot.end()).toInstant();
    }
}
