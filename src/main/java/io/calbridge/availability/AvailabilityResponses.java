package io.calbridge.availability;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.UUID;

/** The JSON answers of availability. Times are RFC 3339 with the offset of the request's zone, always with seconds. */
public final class AvailabilityResponses {

    private AvailabilityResponses() {
    }

    @Schema(description = "A free time; with mode ANY also who is free then")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Slot(
            @Schema(example = "2027-03-01T09:00:00+01:00") String start,
            @Schema(example = "2027-03-01T09:30:00+01:00") String end,
            @Schema(description = "Only with mode ANY: the users free for the whole slot") List<String> userIds,
            @Schema(description = "Only with rank: the weighted sum of the reasons' values, 0-1, 3 decimals", example = "0.874")
            Double score,
            @Schema(description = "Only with rank: each part of the score with its weight and its value (0-1)") List<Reason> reasons) {

        Slot(String start, String end, List<String> userIds) {
            this(start, end, userIds, null, null);
        }

        Slot ranked(double slotScore, List<Reason> slotReasons) {
            return new Slot(start, end, userIds, slotScore, slotReasons);
        }
    }

    @Schema(description = "One part of a slot's score: score = the sum of weight * value over the reasons")
    public record Reason(
            @Schema(description = "preferred_hours, habitual_time, keeps_free_blocks, buffer_room, soon or zone_comfort",
                    example = "habitual_time") String code,
            @Schema(description = "Its share of the score; the weights sum to 1", example = "0.2") double weight,
            @Schema(description = "How well the slot does on it, 0-1, 3 decimals", example = "0.75") double value) {
    }

    @Schema(description = "Free slots, ascending; with rank best first (ties by start)")
    public record Slots(
            @Schema(example = "Europe/Berlin") String timeZone,
            @Schema(example = "30") int durationMinutes,
            @Schema(description = "The grid actually used", example = "30") int slotStepMinutes,
            @Schema(description = "true only when fresh was asked and every connection synced in time; false: answered from "
                    + "the store as it was") boolean fresh,
            List<Slot> slots) {
    }

    @Schema(description = "Where a busy item comes from: a calendar of a connection, or one of the app's appointments")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Source(
            @Schema(description = "calendar or appointment", example = "calendar") String type,
            UUID connectionId,
            @Schema(example = "google") String provider,
            @Schema(example = "primary") String calendarId,
            @Schema(description = "The event's id in the events API") String eventId,
            String appointmentId) {

        static Source calendar(UUID connectionId, String provider, String calendarId, String eventId) {
            return new Source("calendar", connectionId, provider, calendarId, eventId, null);
        }

        static Source appointment(String appointmentId) {
            return new Source("appointment", null, null, null, null, appointmentId);
        }
    }

    @Schema(description = "A busy item that clashes with the proposed time or lies within bufferMinutes of it")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Conflict(
            @Schema(description = "Whose item") String userId,
            @Schema(description = "RFC 3339, or for all-day items a date", example = "2027-03-02T09:45:00+01:00") String start,
            @Schema(description = "RFC 3339, or for all-day items the day after the last (exclusive)", example = "2027-03-02T10:15:00+01:00")
            String end,
            boolean allDay,
            @Schema(description = "true: overlaps the proposed time; false: only too close (inside the buffer)") boolean overlap,
            Source source,
            @Schema(description = "Only on the caller's own items") String title) {
    }

    @Schema(description = "The clashes of a proposed time and the nearest free alternatives of the same length")
    public record Conflicts(
            @Schema(example = "Europe/Berlin") String timeZone,
            @Schema(description = "No conflicts") boolean free,
            @Schema(description = "The proposed time is not inside working hours (not a conflict, but worth a warning)")
            boolean outsideWorkingHours,
            boolean fresh,
            List<Conflict> conflicts,
            @Schema(description = "Free, inside working hours, same length; up to alternativesPerSide before and after, ascending")
            List<Slot> alternatives) {
    }

    @Schema(description = "One of the user's confirmed appointments that overlaps busy time: what it overlaps, and where it could go")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AppointmentConflict(
            @Schema(example = "apt-1042") String appointmentId,
            @Schema(description = "Only for the appointment's owner") String title,
            @Schema(example = "2027-03-02T10:00:00+01:00") String start,
            @Schema(example = "2027-03-02T10:30:00+01:00") String end,
            @Schema(description = "The busy items it overlaps: calendar events and other appointments") List<Conflict> clashes,
            @Schema(description = "The nearest free time of its length before it and after it, inside MONDAY-FRIDAY 09:00-17:00 of "
                    + "timeZone (none for appointments longer than a day)") List<Slot> alternatives) {
    }

    @Schema(description = "The user's confirmed appointments in [from, to) that clash, in order of start")
    public record AppointmentConflicts(
            @Schema(example = "2027-03-01T00:00:00Z") String from,
            @Schema(example = "2027-03-31T00:00:00Z") String to,
            @Schema(example = "Europe/Berlin") String timeZone,
            List<AppointmentConflict> conflicts) {
    }
}
