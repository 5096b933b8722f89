package io.calbridge.emulator.microsoft;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /me/calendar/getSchedule}: free/busy of mailboxes in the caller's tenant, as scheduleItems and an
 * availabilityView (one digit per interval: 0 free, 1 tentative, 2 busy, 3 oof, 4 workingElsewhere). Work or school
 * accounts only: Graph does not support it for personal Microsoft accounts (this emulator answers those 400
 * ErrorInvalidRequest). Mailboxes outside the tenant or unknown get an error entry, as Graph's do.
 */
final class Schedule {

    private Schedule() {
    }

    static ObjectNode get(Directory directory, Mailbox caller, ObjectNode body) {
        if (caller.personal) {
            throw GraphException.badRequest("ErrorInvalidRequest", "Your request can't be completed. getSchedule is not supported for personal Microsoft accounts.");
        }
        JsonNode schedules = body.get("schedules");
        if (schedules == null || !schedules.isArray() || schedules.isEmpty()) {
            throw GraphException.badRequest("ErrorInvalidParameter", "The parameter 'schedules' is required.");
        }
        String zoneName = Json.text(body.path("startTime"), "timeZone");
        ZoneId zone = WindowsZones.zone(zoneName == null ? "UTC" : zoneName);
        LocalDateTime localStart = Json.parseLocal(Json.text(body.path("startTime"), "dateTime"));
        LocalDateTime localEnd = Json.parseLocal(Json.text(body.path("endTime"), "dateTime"));
        if (zone == null || localStart == null || localEnd == null || !localEnd.isAfter(localStart)) {
            throw GraphException.badRequest("ErrorInvalidParameter", "startTime and endTime are required, with a valid timeZone, and endTime must be after startTime.");
        }
        int interval = body.path("availabilityViewInterval").asInt(30);
        if (interval < 5 || interval > 1440) {
            throw GraphException.badRequest("ErrorInvalidParameter", "availabilityViewInterval must be between 5 and 1440.");
        }
        Instant from = localStart.atZone(zone).toInstant();
        Instant to = localEnd.atZone(zone).toInstant();
        EventJson.View view = new EventJson.View(zoneName == null ? "UTC" : zoneName, zone, false);
        ObjectNode out = Json.object();
        out.put("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.scheduleInformation)");
        ArrayNode value = out.putArray("value");
        for (JsonNode schedule : schedules) {
            String address = schedule.asString();
            Mailbox mailbox = directory.byEmail(address);
            ObjectNode info = value.addObject();
            info.put("scheduleId", address);
            if (mailbox == null || mailbox.personal || !mailbox.tenantId.equals(caller.tenantId)) {
                ObjectNode error = info.putObject("error");
                error.put("message", "The requested user '" + address + "' is invalid.");
                error.put("responseCode", "ErrorInvalidRecipients");
                continue;
            }
            List<long[]> busy = new ArrayList<>();
            ArrayNode items = Json.array();
            mailbox.lock.readLock().lock();
            try {
                for (Mailbox.Calendar calendar : mailbox.calendars) {
                    for (DeltaQuery.Item item : DeltaQuery.instances(mailbox, calendar, from, to)) {
                        StoredEvent e = item.event();
                        String showAs = Json.text(e.fields, "showAs") == null ? "busy" : Json.text(e.fields, "showAs");
                        if (showAs.equals("free") || "declined".equals(e.response)) {
                            continue;
                        }
                        Instant start = item.occurrenceStart() != null ? item.occurrenceStart() : e.start;
                        Instant end = start.plus(e.length());
                        busy.add(new long[] {start.getEpochSecond(), end.getEpochSecond(), code(showAs)});
                        ObjectNode entry = items.addObject();
                        entry.put("isPrivate", "private".equals(Json.text(e.fields, "sensitivity")));
                        entry.put("status", showAs);
                        entry.put("subject", Json.text(e.fields, "subject") == null ? "" : Json.text(e.fields, "subject"));
                        entry.put("location", Json.text(e.fields.path("location"), "displayName") == null ? "" : Json.text(e.fields.path("location"), "displayName"));
                        entry.put("isMeeting", e.fields.path("attendees").size() > 0);
                        entry.putObject("start").put("dateTime", Json.graphLocal(LocalDateTime.ofInstant(start, zone))).put("timeZone", view.zoneName());
                        entry.putObject("end").put("dateTime", Json.graphLocal(LocalDateTime.ofInstant(end, zone))).put("timeZone", view.zoneName());
                    }
                }
            } finally {
                mailbox.lock.readLock().unlock();
            }
            StringBuilder availability = new StringBuilder();
            for (long slot = from.getEpochSecond(); slot < to.getEpochSecond(); slot += interval * 60L) {
                long slotEnd = slot + interval * 60L;
                int status = 0;
                for (long[] b : busy) {
                    if (b[0] < slotEnd && b[1] > slot) {
                        status = Math.max(status, (int) b[2]);
                    }
                }
                availability.append(status);
            }
            info.put("availabilityView", availability.toString());
            info.set("scheduleItems", items);
            ObjectNode hours = info.putObject("workingHours");
            ArrayNode days = hours.putArray("daysOfWeek");
            List.of("monday", "tuesday", "wednesday", "thursday", "friday").forEach(days::add);
            hours.put("startTime", "08:00:00.0000000");
            hours.put("endTime", "17:00:00.0000000");
            hours.putObject("timeZone").put("name", mailbox.timeZone);
        }
        return out;
    }

    private static int code(String showAs) {
        return switch (showAs) {
            case "tentative" -> 1;
            case "oof" -> 3;
            case "workingElsewhere" -> 4;
            case "unknown" -> 0;
            default -> 2;
        };
    }
}
