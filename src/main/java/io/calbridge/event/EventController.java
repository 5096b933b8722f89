package io.calbridge.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.calbridge.connection.Connection;
import io.calbridge.connection.ConnectionService;
import io.calbridge.platform.security.CurrentUser;
import io.calbridge.platform.web.ApiExamples;
import io.calbridge.platform.web.ApiProblem;
import io.calbridge.platform.web.InstantBounds;
import io.calbridge.provider.Booking;
import io.calbridge.provider.CalendarInfo;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/events")
@Tag(name = "events", description = "The user's synced calendar events, merged across connections")
class EventController {

    private static final Duration MAX_RANGE = Duration.ofDays(366);
    private static final Duration UPCOMING_HORIZON = Duration.ofDays(90);

    private final EventQuery events;
    private final ConnectionService connections;
    private final CurrentUser currentUser;
    private final Clock clock;

    EventController(EventQuery events, ConnectionService connections, CurrentUser currentUser, Clock clock) {
        this.events = events;
        this.connections = connections;
        this.currentUser = currentUser;
        this.clock = clock;
    }

    @GetMapping
    @Operation(summary = "Events overlapping [from, to) (RFC 3339; default: the next 7 days), optionally of one connection")
    @ApiExamples(response = "events-response")
    @ApiResponse(responseCode = "200", description = "The events, by start")
    @ApiResponse(responseCode = "400", description = "`invalid_range`, `invalid_parameter` (from or to not RFC 3339 with offset)")
    @ApiResponse(responseCode = "404", description = "`not_found`: no such connection of the user's (a malformed id too)")
    List<EventView> list(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(required = false) String connectionId) {
        String userId = currentUser.id();
        Instant now = clock.instant();
        Instant start = from == null ? now : InstantBounds.parameter("from", from, now);
        Instant end = to == null ? start.plus(Duration.ofDays(7)) : InstantBounds.parameter("to", to, now);
        if (!end.isAfter(start) || Duration.between(start, end).compareTo(MAX_RANGE) > 0) {
            throw ApiProblem.badRequest("invalid_range", "'to' must be after 'from', at most 366 days later");
        }
        UUID connection = null;
        if (connectionId != null) {
            connection = ApiProblem.idOrNotFound(connectionId, "connection");
            connections.get(userId, connection); // 404 unless it is the user's
        }
        return views(userId, events.between(userId, start, end, connection));
    }

    @GetMapping("/upcoming")
    @Operation(summary = "The next events from now (limit 1-100, default 10)")
    @ApiExamples(response = "events-response")
    @ApiResponse(responseCode = "200", description = "The next events, by start")
    @ApiResponse(responseCode = "400", description = "`invalid_limit`, `invalid_parameter` (limit not a number)")
    List<EventView> upcoming(@RequestParam(defaultValue = "10") int limit) {
        if (limit < 1 || limit > 100) {
            throw ApiProblem.badRequest("invalid_limit", "limit must be between 1 and 100");
        }
        String userId = currentUser.id();
        Instant now = clock.instant();
        List<StoredEvent> next = events.between(userId, now, now.plus(UPCOMING_HORIZON), null);
        return views(userId, next.subList(0, Math.min(limit, next.size())));
    }

    private List<EventView> views(String userId, List<StoredEvent> stored) {
        Map<UUID, Connection> byId = new HashMap<>();
        connections.list(userId).forEach(c -> byId.put(c.id(), c));
        return stored.stream().map(e -> EventView.of(e, byId.get(e.connectionId()))).toList();
    }

    /** Where an event comes from, as the user knows it. */
    record Source(UUID connectionId, String provider, String calendarId, String calendarName, String color) {
    }

    /**
     * An event as the API shows it: timed events carry RFC 3339 times in the event's own zone; all-day events carry
     * {@code allDay: true} and dates, the end exclusive. {@code booking}: a scheduling tool's details (Calendly's invitees,
     * answers, links), present only on bookings; the API shows a user only their own events, so the owner alone sees them.
     */
    record EventView(String id, String title, String description, String location, String start, String end, boolean allDay,
            String timeZone, String status, boolean transparent, String selfResponse, String recurringEventId,
            String meetingUrl, String htmlLink, String appointmentId, Source source,
            @JsonInclude(JsonInclude.Include.NON_NULL) Booking booking) {

        /** Always with seconds, as RFC 3339 requires (OffsetDateTime#toString drops ":00"). */
        private static final DateTimeFormatter RFC_3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

        static EventView of(StoredEvent e, Connection connection) {
            ZoneId zone = zone(e.timeZone());
            String start = e.allDay() ? e.startDate().toString() : RFC_3339.format(e.start().atZone(zone).toOffsetDateTime());
            String end = e.allDay() ? e.endDate().toString() : RFC_3339.format(e.end().atZone(zone).toOffsetDateTime());
            CalendarInfo calendar = connection == null ? null : connection.calendars().stream()
                    .filter(c -> c.id().equals(e.calendarId())).findFirst().orElse(null);
            Source source = new Source(e.connectionId(), connection == null ? null : connection.provider(), e.calendarId(),
                    calendar == null ? null : calendar.name(), calendar == null ? null : calendar.color());
            return new EventView(e.externalId(), e.title(), e.description(), e.location(), start, end, e.allDay(), e.timeZone(),
                    e.status(), e.transparent(), e.selfResponse(), e.recurringEventId(), e.meetingUrl(), e.htmlLink(), e.appointmentId(),
                    source, e.booking());
        }

        private static ZoneId zone(String id) {
            try {
                return id == null ? ZoneOffset.UTC : ZoneId.of(id);
            } catch (RuntimeException e) {
                return ZoneOffset.UTC;
            }
        }
    }
}
