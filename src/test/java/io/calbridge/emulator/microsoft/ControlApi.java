package io.calbridge.emulator.microsoft;

import io.calbridge.emulator.microsoft.HttpFront.Reply;
import io.calbridge.emulator.microsoft.HttpFront.Request;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The test control surface over HTTP, so a service in another process can be driven: the emulator's public methods
 * under {@code /_control/}, JSON in and out, no authentication (a test tool). Ids in paths are percent-encoded.
 * <pre>
 * POST   /_control/reset
 * POST   /_control/accounts   {"userPrincipalName", "displayName"?, "personal"?, "tenantId"?, "timeZone"?, "withMail"?} → {"id", "tenantId", "defaultCalendarId"}
 * GET    /_control/accounts/{upn}/calendars                          → {"items": [ids]}
 * POST   /_control/accounts/{upn}/calendars   {"name"}               → {"id"}
 * POST   /_control/accounts/{upn}/tokens      {"scope"?, "clientId"?} → {"access_token", "refresh_token", "id_token", "expires_in", "scope"}
 * POST   /_control/accounts/{upn}/revoke      {"aadsts"?: 50173}
 * POST   /_control/accounts/{upn}/expire-delta-tokens
 * POST   /_control/accounts/{upn}/expire-access-tokens
 * GET    /_control/accounts/{upn}/graph-calls   → {"items": [{"at", "operation", "status", "code"?, "innerCode"?, "retryAfterSeconds"?}]}
 * GET    /_control/accounts/{upn}/refreshes     → {"items": [{"at", "presented", "issued"}]}
 * POST   /_control/accounts/{upn}/demo
 * POST   /_control/accounts/{upn}/calendars/{calendarId}/events   Graph event JSON → {"id"}
 * POST   /_control/accounts/{upn}/calendars/{calendarId}/seed     {"count", "firstStart", "step"?: "PT1H", "length"?: "PT30M"} → {"count", "firstId", "lastId"}
 * PATCH  /_control/accounts/{upn}/events/{id}                     Graph patch JSON
 * POST   /_control/accounts/{upn}/events/{id}/move                {"start", "end"} (ISO-8601 with offset)
 * POST   /_control/accounts/{upn}/events/{id}/cancel-occurrence   {"originalStart"} → {"id"}
 * POST   /_control/accounts/{upn}/events/{id}/move-occurrence     {"originalStart", "start", "end"} → {"id"}
 * DELETE /_control/accounts/{upn}/events/{id}
 * POST   /_control/settings   {"autoApprove"?, "accessTokenLifetimeSeconds"?, "defaultAccount"?, "revokeRotatedRefreshTokens"?, "rateLimitPerMinute"?}
 * POST   /_control/clients    {"clientId", "clientSecret"?, "redirectUris"?}
 * POST   /_control/expire-access-tokens
 * POST   /_control/faults     {"operation", "fault": throttled|tooManyRequests|serviceUnavailable|gatewayTimeout|internalError|invalidToken|slow
 *                               |gatewayTimeoutAfterApplying|connectionDroppedAfterApplying,
 *                               "times"? | "percent"?, "retryAfterSeconds"?, "delayMillis"?, "account"? (times only: that account's calls)}
 * DELETE /_control/faults
 * GET    /_control/calls                                              → {"events.delta": 3, ...}
 * DELETE /_control/calls
 * GET    /_control/subscriptions                                      → {"items": [ids]}
 * POST   /_control/subscriptions/{id}/lifecycle   {"lifecycleEvent"}
 * </pre>
 */
final class ControlApi implements HttpFront.Handler {

    private final MicrosoftGraphEmulator emulator;

    ControlApi(MicrosoftGraphEmulator emulator) {
        this.emulator = emulator;
    }

    @Override
    public Reply handle(Request request) throws IOException {
        List<String> s = request.segments(MicrosoftGraphEmulator.CONTROL_PATH + "/");
        String route = request.method + " " + shape(s);
        ObjectNode body = request.method.equals("GET") || request.method.equals("DELETE") ? Json.object() : request.jsonObject();
        ObjectNode out = Json.object();
        switch (route) {
            case "POST reset" -> emulator.reset();
            case "POST accounts" -> {
                String upn = required(body, "userPrincipalName");
                String name = body.path("displayName").asString(upn);
                String id = body.path("personal").asBoolean(false)
                        ? emulator.createPersonalAccount(upn, name, Json.text(body, "timeZone"), body.path("withMail").asBoolean(true))
                        : emulator.createWorkAccount(upn, name, body.path("tenantId").asString(MicrosoftGraphEmulator.DEFAULT_TENANT), Json.text(body, "timeZone"));
                out.put("id", id);
                out.put("tenantId", emulator.tenantId(upn));
                out.put("defaultCalendarId", emulator.defaultCalendarId(upn));
                return Reply.json(out);
            }
            case "GET accounts/*/calendars" -> {
                ArrayNode items = out.putArray("items");
                emulator.calendarIds(s.get(1)).forEach(items::add);
                return Reply.json(out);
            }
            case "POST accounts/*/calendars" -> {
                out.put("id", emulator.createCalendar(s.get(1), required(body, "name")));
                return Reply.json(out);
            }
            case "POST accounts/*/tokens" -> {
                IssuedTokens tokens = emulator.issueTokens(body.path("clientId").asString(MicrosoftGraphEmulator.DEFAULT_CLIENT_ID), s.get(1),
                        body.path("scope").asString(MicrosoftGraphEmulator.CALENDAR_SCOPES));
                out.put("access_token", tokens.accessToken());
                out.put("refresh_token", tokens.refreshToken());
                out.put("id_token", tokens.idToken());
                out.put("expires_in", tokens.expiresIn());
                out.put("scope", tokens.scope());
                return Reply.json(out);
            }
            case "POST accounts/*/revoke" -> emulator.revokeConsent(s.get(1), body.path("aadsts").asInt(50173));
            case "POST accounts/*/expire-delta-tokens" -> emulator.expireDeltaTokens(s.get(1));
            case "POST accounts/*/expire-access-tokens" -> emulator.expireAccessTokens(s.get(1));
            case "GET accounts/*/graph-calls" -> {
                ArrayNode items = out.putArray("items");
                for (GraphCall call : emulator.graphCalls(s.get(1))) {
                    ObjectNode item = items.addObject().put("at", call.at().toString()).put("operation", call.operation()).put("status", call.status());
                    if (call.code() != null) {
                        item.put("code", call.code());
                    }
                    if (call.innerCode() != null) {
                        item.put("innerCode", call.innerCode());
                    }
                    if (call.retryAfter() != null) {
                        item.put("retryAfterSeconds", call.retryAfter().toSeconds());
                    }
                }
                return Reply.json(out);
            }
            case "GET accounts/*/refreshes" -> {
                ArrayNode items = out.putArray("items");
                emulator.refreshTokenUses(s.get(1)).forEach(r -> items.addObject().put("at", r.at().toString()).put("presented", r.presented())
                        .put("issued", r.issued()));
                return Reply.json(out);
            }
            case "POST accounts/*/demo" -> emulator.seedDemoEvents(s.get(1));
            case "POST accounts/*/calendars/*/events" -> {
                out.put("id", emulator.createEvent(s.get(1), s.get(3), body.toString()));
                return Reply.json(out);
            }
            case "POST accounts/*/calendars/*/seed" -> {
                List<String> ids = emulator.seedEvents(s.get(1), s.get(3), body.path("count").asInt(0), instant(required(body, "firstStart")),
                        Duration.parse(body.path("step").asString("PT1H")), Duration.parse(body.path("length").asString("PT30M")));
                out.put("count", ids.size());
                if (!ids.isEmpty()) {
                    out.put("firstId", ids.get(0));
                    out.put("lastId", ids.get(ids.size() - 1));
                }
                return Reply.json(out);
            }
            case "PATCH accounts/*/events/*" -> emulator.updateEvent(s.get(1), s.get(3), body.toString());
            case "POST accounts/*/events/*/move" -> emulator.moveEvent(s.get(1), s.get(3), instant(required(body, "start")), instant(required(body, "end")));
            case "POST accounts/*/events/*/cancel-occurrence" -> {
                out.put("id", emulator.cancelOccurrence(s.get(1), s.get(3), instant(required(body, "originalStart"))));
                return Reply.json(out);
            }
            case "POST accounts/*/events/*/move-occurrence" -> {
                out.put("id", emulator.moveOccurrence(s.get(1), s.get(3), instant(required(body, "originalStart")), instant(required(body, "start")),
                        instant(required(body, "end"))));
                return Reply.json(out);
            }
            case "DELETE accounts/*/events/*" -> emulator.deleteEvent(s.get(1), s.get(3));
            case "POST settings" -> settings(body);
            case "POST clients" -> {
                List<String> uris = new ArrayList<>();
                body.path("redirectUris").forEach(u -> uris.add(u.asString()));
                emulator.registerClient(required(body, "clientId"), Json.text(body, "clientSecret"), uris);
            }
            case "POST expire-access-tokens" -> emulator.expireAccessTokens();
            case "POST faults" -> fault(body);
            case "DELETE faults" -> emulator.clearFaults();
            case "GET calls" -> {
                emulator.callCounts().forEach(out::put);
                return Reply.json(out);
            }
            case "DELETE calls" -> emulator.resetCallCounts();
            case "GET subscriptions" -> {
                ArrayNode items = out.putArray("items");
                emulator.activeSubscriptionIds().forEach(items::add);
                return Reply.json(out);
            }
            case "POST subscriptions/*/lifecycle" -> emulator.sendLifecycleNotification(s.get(1), required(body, "lifecycleEvent"));
            default -> throw new IllegalArgumentException("no control operation " + request.method + " " + request.path);
        }
        return Reply.noContent();
    }

    private static String shape(List<String> s) {
        List<String> parts = new ArrayList<>(s);
        for (int i = 1; i < parts.size(); i += 2) {
            String previous = parts.get(i - 1);
            if (List.of("accounts", "calendars", "events", "subscriptions").contains(previous)) {
                parts.set(i, "*");
            }
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
        if (body.has("revokeRotatedRefreshTokens")) {
            emulator.setRevokeRotatedRefreshTokens(body.get("revokeRotatedRefreshTokens").asBoolean());
        }
        if (body.has("rateLimitPerMinute")) {
            emulator.setRateLimitPerMinute(body.get("rateLimitPerMinute").asInt());
        }
    }

    private void fault(ObjectNode body) {
        String operation = required(body, "operation");
        Duration retryAfter = Duration.ofSeconds(body.path("retryAfterSeconds").asLong(1));
        Fault fault = switch (required(body, "fault")) {
            case "throttled" -> Fault.throttled(retryAfter);
            case "tooManyRequests" -> Fault.tooManyRequests(retryAfter);
            case "serviceUnavailable" -> Fault.serviceUnavailable(retryAfter);
            case "gatewayTimeout" -> Fault.gatewayTimeout(retryAfter);
            case "internalError" -> Fault.internalError();
            case "invalidToken" -> Fault.invalidToken();
            case "gatewayTimeoutAfterApplying" -> Fault.gatewayTimeoutAfterApplying();
            case "connectionDroppedAfterApplying" -> Fault.connectionDroppedAfterApplying();
            case "slow" -> Fault.slow(Duration.ofMillis(body.path("delayMillis").asLong(1000)));
            default -> throw new IllegalArgumentException("unknown fault " + body.get("fault"));
        };
        if (body.has("percent")) {
            emulator.failRandomly(operation, body.get("percent").asInt(), fault);
        } else if (body.has("account")) {
            emulator.failNext(required(body, "account"), operation, body.path("times").asInt(1), fault);
        } else {
            emulator.failNext(operation, body.path("times").asInt(1), fault);
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
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("not an ISO-8601 time with offset: " + value);
        }
    }
}
