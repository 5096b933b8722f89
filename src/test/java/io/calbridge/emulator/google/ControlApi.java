package io.calbridge.emulator.google;

import io.calbridge.emulator.google.HttpFront.Reply;
import io.calbridge.emulator.google.HttpFront.Request;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The test control surface over HTTP, so a service in another process can be driven: the same operations as the
 * emulator's public methods, under {@code /_control/}, JSON in and out, no authentication (it is a test tool).
 * <pre>
 * POST   /_control/reset
 * POST   /_control/accounts                          {"email", "timeZone"?}        → {"email", "primaryCalendarId"}
 * GET    /_control/accounts/{email}/calendars                                      → {"items": [ids]}
 * POST   /_control/accounts/{email}/calendars        {"summary", "timeZone"?}      → {"id"}
 * POST   /_control/accounts/{email}/revoke
 * POST   /_control/accounts/{email}/tokens           {"scope", "clientId"?}        → {"access_token", "refresh_token", "expires_in", "scope"}
 * POST   /_control/settings      {"autoApprove"?, "accessTokenLifetimeSeconds"?, "defaultAccount"?, "enforceScopes"?}
 * POST   /_control/clients       {"clientId", "clientSecret", "redirectUris"?}
 * POST   /_control/expire-access-tokens
 * GET    /_control/calendars/{id}/events                                           → {"items": [stored events]}
 * POST   /_control/calendars/{id}/events             Google event JSON             → the event
 * POST   /_control/calendars/{id}/seed               {"count", "firstStart", "step"?: "PT1H", "length"?: "PT30M"} → {"count", "ids"}
 * POST   /_control/calendars/{id}/demo
 * PATCH  /_control/calendars/{id}/events/{eventId}   patch JSON
 * POST   /_control/calendars/{id}/events/{eventId}/move              {"start", "end"}  (RFC 3339)
 * POST   /_control/calendars/{id}/events/{eventId}/cancel-instance   {"originalStart"} or {"originalDate"} → {"id"}
 * DELETE /_control/calendars/{id}/events/{eventId}
 * POST   /_control/calendars/{id}/expire-sync-tokens
 * POST   /_control/faults        {"method", "fault": rateLimitExceeded|userRateLimitExceeded|tooManyRequests|backendError|unavailable|slow
 *                                  |unavailableAfterApplying|connectionDroppedAfterApplying,
 *                                  "times"? | "percent"?, "retryAfterSeconds"?, "delayMillis"?}
 * DELETE /_control/faults
 * GET    /_control/calls                                                           → {"events.list": 3, ...}
 * DELETE /_control/calls
 * GET    /_control/channels                                                        → {"items": [channel ids]}
 * </pre>
 */
final class ControlApi implements HttpFront.Handler {

    private final GoogleCalendarEmulator emulator;

    ControlApi(GoogleCalendarEmulator emulator) {
        this.emulator = emulator;
    }

    @Override
    public Reply handle(Request request) throws IOException {
        List<String> s = request.segments(GoogleCalendarEmulator.CONTROL_PATH + "/");
        String route = request.method + " " + shape(s);
        ObjectNode body = request.method.equals("GET") || request.method.equals("DELETE") ? Json.object() : request.jsonObject();
        ObjectNode out = Json.object();
        switch (route) {
            case "POST reset" -> emulator.reset();
            case "POST accounts" -> {
                String email = required(body, "email");
                String zone = Json.text(body, "timeZone");
                out.put("email", email.toLowerCase(java.util.Locale.ROOT));
                out.put("primaryCalendarId", zone == null ? emulator.createAccount(email) : emulator.createAccount(email, ZoneId.of(zone)));
                return Reply.json(out);
            }
            case "GET accounts/*/calendars" -> {
                ArrayNode items = out.putArray("items");
                emulator.calendarIds(s.get(1)).forEach(items::add);
                return Reply.json(out);
            }
            case "POST accounts/*/calendars" -> {
                String zone = Json.text(body, "timeZone");
                out.put("id", zone == null ? emulator.createCalendar(s.get(1), required(body, "summary"))
                        : emulator.createCalendar(s.get(1), required(body, "summary"), ZoneId.of(zone)));
                return Reply.json(out);
            }
            case "POST accounts/*/revoke" -> emulator.revokeAccount(s.get(1));
            case "POST accounts/*/tokens" -> {
                String clientId = Json.text(body, "clientId");
                IssuedTokens tokens = emulator.issueTokens(
                        clientId == null ? GoogleCalendarEmulator.DEFAULT_CLIENT_ID : clientId, s.get(1), required(body, "scope"));
                out.put("access_token", tokens.accessToken());
                out.put("refresh_token", tokens.refreshToken());
                out.put("expires_in", tokens.expiresInSeconds());
                out.put("scope", tokens.scope());
                return Reply.json(out);
            }
            case "POST settings" -> settings(body);
            case "POST clients" -> {
                List<String> uris = new ArrayList<>();
                body.path("redirectUris").forEach(uri -> uris.add(uri.asString()));
                emulator.registerClient(required(body, "clientId"), required(body, "clientSecret"), uris);
            }
            case "POST expire-access-tokens" -> emulator.expireAccessTokens();
            case "GET calendars/*/events" -> {
                ArrayNode items = out.putArray("items");
                emulator.events(s.get(1)).forEach(e -> items.add(Json.parse(e.json().getBytes(StandardCharsets.UTF_8))));
                return Reply.json(out);
            }
            case "POST calendars/*/events" -> {
                String id = emulator.insertEvent(s.get(1), body.toString());
                return Reply.json(Json.parse(emulator.event(s.get(1), id).orElseThrow().json().getBytes(StandardCharsets.UTF_8)));
            }
            case "POST calendars/*/seed" -> {
                List<String> ids = emulator.seedEvents(s.get(1), body.path("count").asInt(0), instant(required(body, "firstStart")),
                        Duration.parse(body.path("step").asString("PT1H")), Duration.parse(body.path("length").asString("PT30M")));
                out.put("count", ids.size());
                ArrayNode items = out.putArray("ids");
                ids.forEach(items::add);
                return Reply.json(out);
            }
            case "POST calendars/*/demo" -> emulator.seedDemoEvents(s.get(1));
            case "PATCH calendars/*/events/*" -> emulator.changeEvent(s.get(1), s.get(3), body.toString());
            case "POST calendars/*/events/*/move" ->
                    emulator.moveEvent(s.get(1), s.get(3), instant(required(body, "start")), instant(required(body, "end")));
            case "POST calendars/*/events/*/cancel-instance" -> {
                String date = Json.text(body, "originalDate");
                out.put("id", date != null ? emulator.cancelInstance(s.get(1), s.get(3), LocalDate.parse(date))
                        : emulator.cancelInstance(s.get(1), s.get(3), instant(required(body, "originalStart"))));
                return Reply.json(out);
            }
            case "DELETE calendars/*/events/*" -> emulator.deleteEvent(s.get(1), s.get(3));
            case "POST calendars/*/expire-sync-tokens" -> emulator.expireSyncTokens(s.get(1));
            case "POST faults" -> fault(body);
            case "DELETE faults" -> emulator.clearFaults();
            case "GET calls" -> {
                emulator.callCounts().forEach(out::put);
                return Reply.json(out);
            }
            case "DELETE calls" -> emulator.resetCallCounts();
            case "GET channels" -> {
                ArrayNode items = out.putArray("items");
                emulator.activeChannelIds().forEach(items::add);
                return Reply.json(out);
            }
            default -> throw new IllegalArgumentException("no control operation " + request.method + " " + request.path);
        }
        return Reply.noContent();
    }

    /** The path with its variable segments (e-mails, calendar and event ids) replaced by "*". */
    private static String shape(List<String> s) {
        List<String> parts = new ArrayList<>(s);
        if (parts.size() > 1 && (parts.get(0).equals("accounts") || parts.get(0).equals("calendars"))) {
            parts.set(1, "*");
        }
        if (parts.size() > 3 && parts.get(0).equals("calendars") && parts.get(2).equals("events")) {
            parts.set(3, "*");
        }
        return String.join("/", parts);
    }

    private void settings(ObjectNode body) {
        if (body.has("autoApprove")) {
            emulator.setAutoApprove(body.get("autoApprove").asBoolean());
        }
        if (body.has("accessTokenLifetimeSeconds")) {
            emulator.setAccessTokenLifetime(Duration.ofSeconds(body.get("accessTokenLifetimeSeconds").asLong()));
        }
        if (body.has("defaultAccount")) {
            emulator.setDefaultAccount(required(body, "defaultAccount"));
        }
        if (body.has("enforceScopes")) {
            emulator.setEnforceScopes(body.get("enforceScopes").asBoolean());
        }
    }

    private void fault(ObjectNode body) {
        String method = required(body, "method");
        Fault fault = switch (required(body, "fault")) {
            case "rateLimitExceeded" -> Fault.rateLimitExceeded();
            case "userRateLimitExceeded" -> Fault.userRateLimitExceeded();
            case "tooManyRequests" -> Fault.tooManyRequests(Duration.ofSeconds(body.path("retryAfterSeconds").asLong(1)));
            case "backendError" -> Fault.backendError();
            case "unavailable" -> Fault.unavailable();
            case "unavailableAfterApplying" -> Fault.unavailableAfterApplying();
            case "connectionDroppedAfterApplying" -> Fault.connectionDroppedAfterApplying();
            case "slow" -> Fault.slow(Duration.ofMillis(body.path("delayMillis").asLong(1000)));
            default -> throw new IllegalArgumentException("unknown fault " + body.get("fault"));
        };
        if (body.has("percent")) {
            emulator.failRandomly(method, body.get("percent").asInt(), fault);
        } else {
            emulator.failNext(method, body.path("times").asInt(1), fault);
        }
    }

    private static String required(JsonNode body, String field) {
        String value = Json.text(body, field);
        if (value == null) {
            throw new IllegalArgumentException("missing \"" + field + "\"");
        }
        return value;
    }

    private static Instant instant(String value) {
        Instant instant = Json.parseRfc3339(value);
        if (instant == null) {
            throw new IllegalArgumentException("not an RFC 3339 time with offset: " + value);
        }
        return instant;
    }

    /** The page an event's htmlLink opens, so links in the sandbox lead somewhere. */
    static final class EventPage implements HttpFront.Handler {
        private final Store store;

        EventPage(Store store) {
            this.store = store;
        }

        @Override
        public Reply handle(Request request) {
            String eid = request.query.get("eid");
            String[] parts;
            try {
                parts = eid == null ? new String[0] : new String(Base64.getUrlDecoder().decode(eid), StandardCharsets.UTF_8).split(" ", 2);
            } catch (IllegalArgumentException e) {
                parts = new String[0];
            }
            StoredEvent event = null;
            if (parts.length == 2) {
                try {
                    CalendarData calendar = store.calendar(parts[1]);
                    calendar.lock.readLock().lock();
                    try {
                        event = calendar.byId.get(parts[0]);
                        if (event == null && parts[0].contains("_")) {
                            event = calendar.byId.get(parts[0].substring(0, parts[0].lastIndexOf('_')));
                        }
                    } finally {
                        calendar.lock.readLock().unlock();
                    }
                } catch (IllegalArgumentException e) {
                    event = null;
                }
            }
            if (event == null) {
                return Reply.html(404, "<!doctype html><html><body><h1>Event not found</h1></body></html>");
            }
            return Reply.html(200, "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + Json.escapeHtml(Json.text(event.body, "summary"))
                    + "</title></head><body style=\"font-family:sans-serif\"><h1>" + Json.escapeHtml(Json.text(event.body, "summary")) + "</h1><p>"
                    + Json.escapeHtml(event.start.toJson(ZoneId.of("UTC")).toString()) + " – " + Json.escapeHtml(event.end.toJson(ZoneId.of("UTC")).toString())
                    + "</p><p>" + Json.escapeHtml(Json.text(event.body, "description")) + "</p><p>Status: " + Json.escapeHtml(event.status)
                    + "</p></body></html>");
        }
    }
}
