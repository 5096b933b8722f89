package io.calbridge.webhook;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The payload of each notification type in the OpenAPI document: a schema component per type
 * ({@code Notification.<type>}, the Standard Webhooks envelope with that type's {@code data}), and the same as
 * OpenAPI 3.1 {@code webhooks} entries, which is what tools that read webhooks look for. The fields are those
 * {@link ChangeNotifications} writes; README's "Event types" is the same table in prose.
 */
@Configuration(proxyBeanMethods = false)
class ChangeNotificationDocs {

    static final String PREFIX = "Notification.";

    @Bean
    OpenApiCustomizer changeNotificationSchemas() {
        return openApi -> {
            // in a customizer, not the OpenAPI bean: springdoc drops schemas nothing referenced when it built the paths
            for (Map.Entry<String, Schema<?>> type : dataSchemas().entrySet()) {
                String name = PREFIX + type.getKey();
                openApi.getComponents().addSchemas(name, envelope(type.getKey(), type.getValue()));
                openApi.addWebhooks(type.getKey(), new PathItem().post(new Operation()
                        .summary("`" + type.getKey() + "`, to every enabled endpoint subscribed to it")
                        .description("Signed as Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`); "
                                + "the same `webhook-id` on every attempt. Payloads carry ids and what changed: no tokens, and "
                                + "client details (a booking's invitees) only where the connection allows them.")
                        .requestBody(new RequestBody().required(true).content(new Content().addMediaType("application/json",
                                new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + name)))))
                        .responses(new ApiResponses().addApiResponse("2XX", new ApiResponse()
                                .description("received; any other answer (or none within 15 s) is retried")))));
            }
        };
    }

    private static Schema<?> envelope(String type, Schema<?> data) {
        return new ObjectSchema().description("The body of a `" + type + "` notification")
                .addProperty("type", new StringSchema()._enum(List.of(type)))
                .addProperty("timestamp", new StringSchema().format("date-time").description("when the notification was written"))
                .addProperty("data", data)
                .required(List.of("type", "timestamp", "data"));
    }

    /** Each subscribable type's data, in {@link EventTypes#SUBSCRIBABLE} order. */
    static Map<String, Schema<?>> dataSchemas() {
        Map<String, Schema<?>> types = new LinkedHashMap<>();
        types.put(EventTypes.CALENDAR_EVENTS_CHANGED, object("""
                One stored page of an inbound sync that changed the local copy, or the removal of what a full sync no longer \
                saw. The ids are those `GET /api/v1/events` shows. More than 100 ids in all: counts and `range` with \
                `idsOmitted`, instead of the lists.""",
                List.of("connectionId", "provider", "calendarId", "counts"))
                .addProperty("connectionId", uuid())
                .addProperty("provider", text("google"))
                .addProperty("calendarId", text("dr.meyer@example.com"))
                .addProperty("created", ids())
                .addProperty("updated", ids())
                .addProperty("deleted", ids())
                .addProperty("counts", new ObjectSchema().addProperty("created", new IntegerSchema())
                        .addProperty("updated", new IntegerSchema()).addProperty("deleted", new IntegerSchema()))
                .addProperty("range", new ObjectSchema().description("the sync window the changes lie in (only with idsOmitted)")
                        .addProperty("from", new StringSchema().format("date-time"))
                        .addProperty("to", new StringSchema().format("date-time")))
                .addProperty("idsOmitted", new BooleanSchema()));
        types.put(EventTypes.APPOINTMENT_SYNC_SUCCEEDED, appointment("""
                The appointment reached one destination calendar at `version`; a cancelled one's event is gone \
                (`status: CANCELLED`, `removed: true`).""")
                .addProperty("status", text("CONFIRMED"))
                .addProperty("removed", new BooleanSchema()));
        types.put(EventTypes.APPOINTMENT_SYNC_FAILED, appointment("""
                The push to one destination gave up for good (state FAILED); a failed attempt whose retry is still pending \
                sends nothing.""")
                .addProperty("error", text("Permanent: invalid"))
                .addProperty("errorReason", new StringSchema()._enum(List.of("permanent", "transient"))
                        .description("permanent: the provider refused; transient: the attempts are used up")));
        types.put(EventTypes.APPOINTMENT_REMOTE_CHANGE, object("The appointment's event was moved or deleted in the calendar.",
                List.of("appointmentId", "connectionId", "provider", "change"))
                .addProperty("appointmentId", text("apt-1042"))
                .addProperty("connectionId", uuid())
                .addProperty("provider", text("google"))
                .addProperty("change", new StringSchema()._enum(List.of("MOVED", "DELETED")))
                .addProperty("externalId", text("cb3f0a9e1d2c4b5a")));
        types.put(EventTypes.APPOINTMENT_CONFLICT_DETECTED, object("""
                A sync stored calendar events that overlap one of the user's confirmed appointments where they did not \
                before: once per new clash (not on every sync); told again only after the clash went away and came back. \
                `GET /api/v1/conflicts` shows the details.""",
                List.of("appointmentId", "start", "end", "connectionId", "provider", "calendarId", "clashes"))
                .addProperty("appointmentId", text("apt-1042"))
                .addProperty("start", new StringSchema().format("date-time"))
                .addProperty("end", new StringSchema().format("date-time"))
                .addProperty("connectionId", uuid())
                .addProperty("provider", text("google"))
                .addProperty("calendarId", text("dr.meyer@example.com"))
                .addProperty("clashes", new ArraySchema().items(new ObjectSchema()
                        .addProperty("eventId", text("7k1q0c5o2m3n4b5v6c7x8z9a0s").description("as GET /api/v1/events shows it"))
                        .addProperty("start", new StringSchema().format("date-time"))
                        .addProperty("end", new StringSchema().format("date-time")))));
        types.put(EventTypes.CONNECTION_CONNECTED, connection("The OAuth callback stored a new connection."));
        types.put(EventTypes.CONNECTION_NEEDS_REAUTH, connection("The provider refused the grant; once per transition."));
        types.put(EventTypes.CONNECTION_RESTORED, connection("ACTIVE again after NEEDS_REAUTH (a reconnect)."));
        types.put(EventTypes.CONNECTION_DISCONNECTED, connection("The connection was deleted (`status: DISCONNECTED`)."));
        types.put(EventTypes.BOOKING_CREATED, booking("A new booking of a scheduling tool (Calendly) reached the local copy."));
        types.put(EventTypes.BOOKING_CANCELED, booking("""
                A booking was canceled (by its invitee or host). A booking canceled by being rescheduled sends                 `booking.rescheduled` for its new booking instead.""")
                .addProperty("cancellationReason", text("Feeling better").description("the canceler's words; only with client details")));
        types.put(EventTypes.BOOKING_RESCHEDULED, booking("""
                An invitee moved a booking: `eventId` is the new booking, `rescheduledFrom` the one it replaced (gone from                 the events API).""")
                .addProperty("rescheduledFrom", text("https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2")));
        return types;
    }

    private static Schema<?> appointment(String description) {
        return object(description, List.of("appointmentId", "connectionId", "provider", "state", "version"))
                .addProperty("appointmentId", text("apt-1042"))
                .addProperty("connectionId", uuid())
                .addProperty("provider", text("google"))
                .addProperty("calendarId", text("dr.meyer@example.com"))
                .addProperty("state", new StringSchema()._enum(List.of("SYNCED", "FAILED")))
                .addProperty("version", new IntegerSchema().format("int64"))
                .addProperty("externalId", text("cb3f0a9e1d2c4b5a"))
                .addProperty("meetingLink", text("https://meet.google.com/abc-defg-hij"))
                .addProperty("meetingLinkUnavailable", new StringSchema().description("why there is no meeting link, as the provider told"));
    }

    private static Schema<?> booking(String description) {
        Schema<?> invitee = new ObjectSchema()
                .addProperty("id", text("https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2/invitees/AAAAAAAAAAAAAAAA"))
                .addProperty("name", text("Ada Patient"))
                .addProperty("email", text("ada@example.org"))
                .addProperty("status", new StringSchema()._enum(List.of("active", "canceled")))
                .addProperty("timeZone", text("Europe/Berlin"))
                .addProperty("answers", new ArraySchema().items(new ObjectSchema().addProperty("question", new StringSchema())
                        .addProperty("answer", new StringSchema())))
                .addProperty("cancelUrl", new StringSchema())
                .addProperty("rescheduleUrl", new StringSchema());
        return object(description + " Invitees (names, emails, answers) and the location only where the connection's "
                + "`includeClientDetails` is on; `inviteeCount` always.",
                List.of("connectionId", "provider", "calendarId", "eventId", "start", "end", "inviteeCount"))
                .addProperty("connectionId", uuid())
                .addProperty("provider", text("calendly"))
                .addProperty("calendarId", text("https://api.calendly.com/users/AAAAAAAAAAAAAAAA"))
                .addProperty("eventId", text("https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2")
                        .description("the booking's id, as `GET /api/v1/events` shows it"))
                .addProperty("start", new StringSchema().format("date-time"))
                .addProperty("end", new StringSchema().format("date-time"))
                .addProperty("eventType", text("30 Minute Consultation"))
                .addProperty("eventTypeId", text("https://api.calendly.com/event_types/AAAAAAAAAAAAAAAA"))
                .addProperty("meetingLink", text("https://zoom.example/j/1"))
                .addProperty("calendarEventId", new StringSchema().description("the copy the tool wrote into the host's own calendar"))
                .addProperty("inviteeCount", new IntegerSchema())
                .addProperty("location", new StringSchema())
                .addProperty("invitees", new ArraySchema().items(invitee));
    }

    private static Schema<?> connection(String description) {
        return object(description, List.of("connectionId", "provider", "status"))
                .addProperty("connectionId", uuid())
                .addProperty("provider", text("google"))
                .addProperty("accountEmail", text("dr.meyer@example.com").description("the user's own calendar account"))
                .addProperty("status", new StringSchema()._enum(List.of("ACTIVE", "NEEDS_REAUTH", "DISABLED", "DISCONNECTED")))
                .addProperty("reason", new StringSchema());
    }

    private static Schema<?> object(String description, List<String> required) {
        return new ObjectSchema().description(description).required(required);
    }

    private static Schema<?> uuid() {
        return new StringSchema().format("uuid");
    }

    private static Schema<?> text(String example) {
        return new StringSchema().example(example);
    }

    private static Schema<?> ids() {
        return new ArraySchema().items(new StringSchema()).description("event ids, at most 100 in all three lists");
    }
}
