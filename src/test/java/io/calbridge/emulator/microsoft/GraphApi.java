package io.calbridge.emulator.microsoft;

import io.calbridge.emulator.microsoft.HttpFront.Reply;
import io.calbridge.emulator.microsoft.HttpFront.Request;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Graph v1.0 under {@code /v1.0/}: /me, /organization, calendars, events, calendarView, calendarView/delta,
 * getSchedule and subscriptions. Each request is routed to an operation name first (for call counts and faults),
 * then authenticated (Bearer), checked against the token's scopes, and run under the mailbox's concurrency limit.
 * {@code /users/{id or userPrincipalName}/…} works like {@code /me/…} for the token's own user.
 */
final class GraphApi implements HttpFront.Handler {

    static final String PREFIX = "/v1.0/";
    private static final Pattern PREFER_PAGE = Pattern.compile("odata\\.maxpagesize\\s*=\\s*(\\d+)", Pattern.CASE_INSENSITIVE);
    private static final Pattern PREFER_ZONE = Pattern.compile("outlook\\.timezone\\s*=\\s*\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);
    private static final Pattern PREFER_ID = Pattern.compile("IdType\\s*=\\s*\"ImmutableId\"", Pattern.CASE_INSENSITIVE);

    private final Directory directory;
    private final Identity identity;
    private final Events events;
    private final DeltaQuery delta;
    private final Subscriptions subscriptions;
    private final Faults faults;
    /** Requests per minute and mailbox; 0 for none (the default). */
    private final IntSupplier rateLimit;
    volatile boolean enforceConcurrency = true;
    private static final int CALLS_KEPT = 50_000;
    private final ConcurrentLinkedDeque<GraphCall> calls = new ConcurrentLinkedDeque<>();

    GraphApi(Directory directory, Identity identity, Events events, DeltaQuery delta, Subscriptions subscriptions, Faults faults, IntSupplier rateLimit) {
        this.directory = directory;
        this.identity = identity;
        this.events = events;
        this.delta = delta;
        this.subscriptions = subscriptions;
        this.faults = faults;
        this.rateLimit = rateLimit;
    }

    /** A routed request: the operation name and the path below /me (or the subscriptions path). */
    private record Route(String operation, List<String> rest, boolean write, String scope) {
    }

    @Override
    public Reply handle(Request request) throws IOException {
        List<String> s = request.segments(PREFIX);
        boolean viaUsers = s.size() >= 2 && s.get(0).equalsIgnoreCase("users");
        List<String> rest = viaUsers ? s.subList(2, s.size()) : !s.isEmpty() && s.get(0).equalsIgnoreCase("me") ? s.subList(1, s.size()) : s;
        Route route = route(request.method, s, rest, viaUsers || !s.isEmpty() && s.get(0).equalsIgnoreCase("me"));
        faults.count(route.operation());
        Instant arrived = directory.now();
        String account = identity.accountOf(request.header("Authorization"));
        try {
            Reply reply = authenticatedAndLimited(request, s, viaUsers, route, account);
            log(new GraphCall(arrived, account, route.operation(), reply.status(), null, null, null));
            return reply;
        } catch (GraphException e) {
            String retryAfter = e.headers.get("Retry-After");
            log(new GraphCall(arrived, account, route.operation(), e.status, e.code, e.innerCode,
                    retryAfter == null ? null : Duration.ofSeconds(Long.parseLong(retryAfter))));
            throw e;
        }
    }

    private void log(GraphCall call) {
        calls.addLast(call);
        while (calls.size() > CALLS_KEPT) {
            calls.pollFirst();
        }
    }

    /** The Graph calls answered so far (the newest {@value #CALLS_KEPT}), oldest first. */
    List<GraphCall> calls() {
        return List.copyOf(calls);
    }

    void clearCalls() {
        calls.clear();
    }

    private Reply authenticatedAndLimited(Request request, List<String> s, boolean viaUsers, Route route, String account) throws IOException {
        Identity.Grant grant = identity.authenticate(request.header("Authorization"));
        Mailbox mailbox = directory.byEmail(grant.account);
        if (mailbox == null) {
            throw GraphException.invalidToken("The token's user no longer exists.");
        }
        if (viaUsers && !s.get(1).equalsIgnoreCase(mailbox.id) && !s.get(1).equalsIgnoreCase(mailbox.userPrincipalName)) {
            throw GraphException.graph(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
        }
        checkScope(grant, route);
        int limit = rateLimit.getAsInt();
        if (limit > 0) {
            long retry = mailbox.overRateLimit(limit, 60_000, directory.now());
            if (retry > 0) {
                GraphException e = GraphException.graph(429, "ApplicationThrottled", "Application is over its MailboxRequests limit.", "MailboxRequests");
                e.headers.put("Retry-After", Long.toString(retry));
                throw e;
            }
        }
        boolean acquired = mailbox.concurrency.tryAcquire();
        if (!acquired && enforceConcurrency) {
            GraphException e = GraphException.graph(429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.", "MailboxConcurrency");
            e.headers.put("Retry-After", "1");
            throw e;
        }
        try {
            // injected faults run inside the mailbox's concurrency slot, so a slow reply holds it as a slow Graph would
            Fault lostReply = faults.inject(route.operation(), false, account);
            Reply reply = run(request, route, grant, mailbox);
            if (lostReply != null) {
                throw Faults.answerAfterApplying(lostReply);
            }
            return reply;
        } finally {
            if (acquired) {
                mailbox.concurrency.release();
            }
        }
    }

    private static Route route(String method, List<String> s, List<String> rest, boolean me) {
        String shape = shape(rest).toLowerCase(Locale.ROOT);
        if (!me && !s.isEmpty() && s.get(0).equalsIgnoreCase("subscriptions")) {
            String sub = shape(s).toLowerCase(Locale.ROOT);
            String op = switch (method + " " + sub) {
                case "POST subscriptions" -> "subscriptions.create";
                case "GET subscriptions" -> "subscriptions.list";
                case "GET subscriptions/*" -> "subscriptions.get";
                case "PATCH subscriptions/*" -> "subscriptions.update";
                case "DELETE subscriptions/*" -> "subscriptions.delete";
                case "POST subscriptions/*/reauthorize" -> "subscriptions.reauthorize";
                default -> throw GraphException.unknownResource();
            };
            return new Route(op, s, !method.equals("GET"), "Calendars.Read");
        }
        if (!me && !s.isEmpty() && s.get(0).equalsIgnoreCase("organization") && method.equals("GET")) {
            return new Route("organization.get", s, false, "User.Read");
        }
        if (!me) {
            throw GraphException.unknownResource();
        }
        String op = switch (method + " " + shape) {
            case "GET " -> "me.get";
            case "GET mailboxsettings" -> "mailboxSettings.get";
            case "GET calendars" -> "calendars.list";
            case "GET calendar", "GET calendars/*" -> "calendars.get";
            case "GET events", "GET calendar/events", "GET calendars/*/events" -> "events.list";
            case "POST events", "POST calendar/events", "POST calendars/*/events" -> "events.create";
            case "GET events/*", "GET calendar/events/*", "GET calendars/*/events/*" -> "events.get";
            case "PATCH events/*", "PATCH calendar/events/*", "PATCH calendars/*/events/*" -> "events.update";
            case "DELETE events/*", "DELETE calendar/events/*", "DELETE calendars/*/events/*" -> "events.delete";
            case "POST events/*/cancel", "POST calendar/events/*/cancel", "POST calendars/*/events/*/cancel" -> "events.cancel";
            case "GET calendarview", "GET calendar/calendarview", "GET calendars/*/calendarview" -> "calendarView.list";
            case "GET calendarview/delta", "GET calendar/calendarview/delta", "GET calendars/*/calendarview/delta" -> "events.delta";
            case "POST calendar/getschedule", "POST calendars/*/getschedule" -> "schedule.get";
            default -> throw GraphException.unknownResource();
        };
        String scope = op.equals("me.get") || op.equals("mailboxSettings.get") ? "User.Read" : "Calendars.Read";
        return new Route(op, rest, !method.equals("GET") && !op.equals("schedule.get"), scope);
    }

    /** Variable segments (ids) as "*"; OData's "delta()" as "delta". */
    private static String shape(List<String> segments) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            String part = segments.get(i);
            String previous = i > 0 ? segments.get(i - 1).toLowerCase(Locale.ROOT) : "";
            if (previous.equals("calendars") || previous.equals("events") || previous.equals("subscriptions")) {
                part = "*";
            } else if (part.endsWith("()")) {
                part = part.substring(0, part.length() - 2);
            }
            parts.add(part);
        }
        return String.join("/", parts);
    }

    private static void checkScope(Identity.Grant grant, Route route) {
        boolean ok;
        if (route.scope().equals("User.Read")) {
            ok = has(grant, "User.Read") || has(grant, "User.ReadBasic.All") || has(grant, "User.ReadWrite");
        } else if (route.write() && !route.operation().startsWith("subscriptions")) {
            ok = has(grant, "Calendars.ReadWrite");
        } else {
            ok = has(grant, "Calendars.Read") || has(grant, "Calendars.ReadWrite") || has(grant, "Calendars.ReadBasic");
        }
        if (!ok) {
            throw GraphException.graph(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
        }
    }

    private static boolean has(Identity.Grant grant, String scope) {
        return grant.scopes.stream().anyMatch(s -> s.equalsIgnoreCase(scope));
    }

    // ---- operations ---------------------------------------------------------------------------------------------

    private Reply run(Request request, Route route, Identity.Grant grant, Mailbox mailbox) throws IOException {
        List<String> r = route.rest();
        EventJson.View view = view(request);
        return switch (route.operation()) {
            case "me.get" -> Reply.json(me(mailbox));
            case "mailboxSettings.get" -> {
                ObjectNode out = Json.object();
                out.put("timeZone", mailbox.timeZone);
                yield Reply.json(out);
            }
            case "organization.get" -> {
                ObjectNode out = Json.object();
                ArrayNode value = out.putArray("value");
                if (!mailbox.personal) {
                    value.addObject().put("id", mailbox.tenantId).put("displayName", "Contoso (" + mailbox.tenantId.substring(0, 8) + ")");
                }
                yield Reply.json(out);
            }
            case "calendars.list" -> calendars(request, mailbox);
            case "calendars.get" -> Reply.json(calendarJson(mailbox, calendar(mailbox, r), true));
            case "events.list" -> list(request, mailbox, r.get(0).equalsIgnoreCase("events") ? mailbox.defaultCalendar() : calendar(mailbox, r), view);
            case "events.create" -> {
                Mailbox.Calendar calendar = r.get(0).equalsIgnoreCase("events") ? mailbox.defaultCalendar() : calendar(mailbox, r);
                StoredEvent created = events.create(mailbox, calendar, request.jsonObject());
                ObjectNode json = render(mailbox, created, view);
                Events.processAfterCreate(mailbox, created);
                yield preferApplied(Reply.json(201, json), request, view);
            }
            case "events.get" -> {
                mailbox.lock.readLock().lock();
                try {
                    Events.Target target = Events.find(mailbox, r.get(r.size() - 1), eventCalendar(mailbox, r));
                    if (target == null) {
                        throw GraphException.notFound();
                    }
                    ObjectNode json = target.isVirtualOccurrence() ? EventJson.occurrence(mailbox, target.master(), target.originalStart(), view)
                            : EventJson.full(mailbox, target.stored(), view);
                    yield preferApplied(Reply.json(json), request, view);
                } finally {
                    mailbox.lock.readLock().unlock();
                }
            }
            case "events.update" -> {
                StoredEvent updated = events.update(mailbox, eventCalendar(mailbox, r), r.get(r.size() - 1), request.jsonObject(), request.header("If-Match"));
                yield preferApplied(Reply.json(render(mailbox, updated, view)), request, view);
            }
            case "events.delete" -> {
                events.delete(mailbox, eventCalendar(mailbox, r), r.get(r.size() - 1), request.header("If-Match"), false);
                yield Reply.noContent();
            }
            case "events.cancel" -> {
                request.jsonObject(); // {"Comment": ...}: read and checked for JSON, not kept
                events.delete(mailbox, eventCalendar(mailbox, r.subList(0, r.size() - 1)), r.get(r.size() - 2), null, true);
                yield Reply.accepted();
            }
            case "calendarView.list" -> calendarView(request, mailbox, viewCalendar(mailbox, r), view);
            case "events.delta" -> {
                Mailbox.Calendar calendar = viewCalendar(mailbox, r);
                int size = pageSize(request);
                String base = directory.baseUrl + request.path.replaceAll("\\(\\)$", "").replaceAll("%28%29$", "");
                ObjectNode page = delta.page(mailbox, calendar, request.query, size, view, base);
                yield preferApplied(Reply.json(page), request, view);
            }
            case "schedule.get" -> Reply.json(Schedule.get(directory, mailbox, request.jsonObject()));
            case "subscriptions.create" -> Reply.json(201, subscriptions.create(mailbox, grant.clientId, request.jsonObject()));
            case "subscriptions.list" -> {
                ObjectNode out = Json.object();
                ArrayNode value = out.putArray("value");
                subscriptions.list(mailbox).forEach(value::add);
                yield Reply.json(out);
            }
            case "subscriptions.get" -> Reply.json(Subscriptions.json(subscriptions.owned(mailbox, r.get(1))));
            case "subscriptions.update" -> Reply.json(subscriptions.renew(mailbox, r.get(1), request.jsonObject()));
            case "subscriptions.delete" -> {
                subscriptions.delete(mailbox, r.get(1));
                yield Reply.noContent();
            }
            case "subscriptions.reauthorize" -> {
                subscriptions.owned(mailbox, r.get(1));
                yield new Reply(200, null, new byte[0], java.util.Map.of());
            }
            default -> throw GraphException.unknownResource();
        };
    }

    private static ObjectNode render(Mailbox mailbox, StoredEvent event, EventJson.View view) {
        mailbox.lock.readLock().lock();
        try {
            return EventJson.full(mailbox, event, view);
        } finally {
            mailbox.lock.readLock().unlock();
        }
    }

    static ObjectNode me(Mailbox mailbox) {
        ObjectNode out = Json.object();
        out.put("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#users/$entity");
        out.putArray("businessPhones");
        out.put("displayName", mailbox.displayName);
        int space = mailbox.displayName.indexOf(' ');
        out.put("givenName", space > 0 ? mailbox.displayName.substring(0, space) : mailbox.displayName);
        out.put("surname", space > 0 ? mailbox.displayName.substring(space + 1) : null);
        out.putNull("jobTitle");
        if (mailbox.mail != null) {
            out.put("mail", mailbox.mail);
        } else {
            out.putNull("mail");
        }
        out.putNull("mobilePhone");
        out.putNull("officeLocation");
        out.put("preferredLanguage", "en-US");
        out.put("userPrincipalName", mailbox.userPrincipalName);
        out.put("id", mailbox.id);
        return out;
    }

    private static Mailbox.Calendar calendar(Mailbox mailbox, List<String> r) {
        if (r.get(0).equalsIgnoreCase("calendar")) {
            return mailbox.defaultCalendar();
        }
        String key = EventJson.key(r.get(1));
        Mailbox.Calendar calendar;
        mailbox.lock.readLock().lock();
        try {
            calendar = key == null ? null : mailbox.calendar(key);
        } finally {
            mailbox.lock.readLock().unlock();
        }
        if (calendar == null) {
            throw GraphException.notFound();
        }
        return calendar;
    }

    /** The calendar an event path names, or null for /me/events/{id} (any calendar). */
    private static Mailbox.Calendar eventCalendar(Mailbox mailbox, List<String> r) {
        return r.get(0).equalsIgnoreCase("events") ? null : calendar(mailbox, r);
    }

    private static Mailbox.Calendar viewCalendar(Mailbox mailbox, List<String> r) {
        return r.get(0).equalsIgnoreCase("calendarView") ? mailbox.defaultCalendar() : calendar(mailbox, r);
    }

    static ObjectNode calendarJson(Mailbox mailbox, Mailbox.Calendar calendar, boolean context) {
        ObjectNode out = Json.object();
        if (context) {
            out.put("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#users('" + mailbox.id + "')/calendars/$entity");
        }
        out.put("id", EventJson.id(calendar.key, false));
        out.put("name", calendar.name);
        out.put("color", calendar.color);
        out.put("hexColor", calendar.hexColor);
        out.put("groupClassId", "0006f0b7-0000-0000-c000-000000000046");
        out.put("isDefaultCalendar", calendar.isDefault);
        out.put("changeKey", "fJKVL07sbkmIfHqjbDnRgQAAAAAACA==");
        out.put("canShare", true);
        out.put("canViewPrivateItems", true);
        out.put("canEdit", true);
        ArrayNode providers = out.putArray("allowedOnlineMeetingProviders");
        if (!mailbox.personal) {
            providers.add("teamsForBusiness");
        }
        out.put("defaultOnlineMeetingProvider", mailbox.personal ? "none" : "teamsForBusiness");
        out.put("isTallyingResponses", true);
        out.put("isRemovable", !calendar.isDefault);
        ObjectNode owner = out.putObject("owner");
        owner.put("name", mailbox.displayName);
        owner.put("address", mailbox.mail != null ? mailbox.mail : mailbox.userPrincipalName);
        return out;
    }

    private Reply calendars(Request request, Mailbox mailbox) {
        int top = top(request, 10);
        int skip = skip(request);
        List<ObjectNode> all = new ArrayList<>();
        mailbox.lock.readLock().lock();
        try {
            mailbox.calendars.forEach(c -> all.add(calendarJson(mailbox, c, false)));
        } finally {
            mailbox.lock.readLock().unlock();
        }
        return Reply.json(pageOf(all, skip, top, directory.baseUrl + request.path, "https://graph.microsoft.com/v1.0/$metadata#users('" + mailbox.id + "')/calendars"));
    }

    private Reply list(Request request, Mailbox mailbox, Mailbox.Calendar calendar, EventJson.View view) {
        int top = top(request, 10);
        int skip = skip(request);
        List<ObjectNode> all = new ArrayList<>();
        mailbox.lock.readLock().lock();
        try {
            List<StoredEvent> stored = new ArrayList<>();
            for (StoredEvent e : calendar.events.values()) {
                if (!e.deleted && !StoredEvent.EXCEPTION.equals(e.type)) {
                    stored.add(e);
                }
            }
            stored.sort(Comparator.comparing((StoredEvent e) -> e.start).thenComparing(e -> e.key));
            for (int i = skip; i < Math.min(stored.size(), skip + top + 1); i++) {
                all.add(EventJson.full(mailbox, stored.get(i), view));
            }
            ObjectNode page = pageOf(all, 0, top, null, "https://graph.microsoft.com/v1.0/$metadata#users('" + mailbox.id + "')/events");
            if (stored.size() > skip + top) {
                page.put("@odata.nextLink", directory.baseUrl + request.path + "?$top=" + top + "&$skip=" + (skip + top));
            }
            return preferApplied(Reply.json(page), request, view);
        } finally {
            mailbox.lock.readLock().unlock();
        }
    }

    private Reply calendarView(Request request, Mailbox mailbox, Mailbox.Calendar calendar, EventJson.View view) {
        Instant from = Json.parseQueryTime(DeltaQuery.param(request.query, "startDateTime"));
        Instant to = Json.parseQueryTime(DeltaQuery.param(request.query, "endDateTime"));
        if (from == null || to == null) {
            throw DeltaQuery.windowRequired();
        }
        int top = top(request, 10);
        int skip = skip(request);
        mailbox.lock.readLock().lock();
        try {
            List<DeltaQuery.Item> items = DeltaQuery.instances(mailbox, calendar, from, to);
            ArrayNode value = Json.array();
            for (int i = skip; i < Math.min(items.size(), skip + top); i++) {
                DeltaQuery.Item item = items.get(i);
                value.add(item.occurrenceStart() != null ? EventJson.occurrence(mailbox, item.event(), item.occurrenceStart(), view)
                        : EventJson.full(mailbox, item.event(), view));
            }
            ObjectNode page = Json.object();
            page.put("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#users('" + mailbox.id + "')/calendarView");
            page.set("value", value);
            if (items.size() > skip + top) {
                page.put("@odata.nextLink", directory.baseUrl + request.path + "?startDateTime=" + Json.encode(DeltaQuery.param(request.query, "startDateTime"))
                        + "&endDateTime=" + Json.encode(DeltaQuery.param(request.query, "endDateTime")) + "&$top=" + top + "&$skip=" + (skip + top));
            }
            return preferApplied(Reply.json(page), request, view);
        } finally {
            mailbox.lock.readLock().unlock();
        }
    }

    private static ObjectNode pageOf(List<ObjectNode> all, int skip, int top, String nextBase, String context) {
        ObjectNode page = Json.object();
        page.put("@odata.context", context);
        ArrayNode value = page.putArray("value");
        for (int i = skip; i < Math.min(all.size(), skip + top); i++) {
            value.add(all.get(i));
        }
        if (nextBase != null && all.size() > skip + top) {
            page.put("@odata.nextLink", nextBase + "?$top=" + top + "&$skip=" + (skip + top));
        }
        return page;
    }

    private static int top(Request request, int fallback) {
        String top = DeltaQuery.param(request.query, "$top");
        int value = fallback;
        if (top != null) {
            try {
                value = Integer.parseInt(top);
            } catch (NumberFormatException e) {
                throw GraphException.badRequest("BadRequest", "Invalid $top value.");
            }
        } else {
            String prefer = String.join(",", request.headers("Prefer"));
            Matcher m = PREFER_PAGE.matcher(prefer);
            if (m.find()) {
                value = Integer.parseInt(m.group(1));
            }
        }
        if (value < 1 || value > 1000) {
            throw GraphException.badRequest("BadRequest", "Invalid $top value: it must be between 1 and 1000.");
        }
        return value;
    }

    private static int skip(Request request) {
        String skip = DeltaQuery.param(request.query, "$skip");
        try {
            int value = skip == null ? 0 : Integer.parseInt(skip);
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw GraphException.badRequest("BadRequest", "Invalid $skip value.");
        }
    }

    /** The page size a delta request asks for with Prefer: odata.maxpagesize (each page anew; the default without it). */
    private static int pageSize(Request request) {
        Matcher m = PREFER_PAGE.matcher(String.join(",", request.headers("Prefer")));
        if (!m.find()) {
            return DeltaQuery.DEFAULT_PAGE;
        }
        try {
            return Math.max(1, Math.min(DeltaQuery.MAX_PAGE, Integer.parseInt(m.group(1))));
        } catch (NumberFormatException e) {
            return DeltaQuery.MAX_PAGE;
        }
    }

    private static EventJson.View view(Request request) {
        String prefer = String.join(",", request.headers("Prefer"));
        boolean immutable = PREFER_ID.matcher(prefer).find();
        Matcher zone = PREFER_ZONE.matcher(prefer);
        if (zone.find()) {
            ZoneId id = WindowsZones.zone(zone.group(1));
            if (id != null) {
                return new EventJson.View(zone.group(1), id, immutable);
            }
        }
        return immutable ? new EventJson.View("UTC", ZoneId.of("UTC"), true) : EventJson.View.DEFAULT;
    }

    private static Reply preferApplied(Reply reply, Request request, EventJson.View view) {
        String applied = appliedPreferences(request, view);
        return applied.isEmpty() ? reply : reply.withHeader("Preference-Applied", applied);
    }

    private static String appliedPreferences(Request request, EventJson.View view) {
        String prefer = String.join(",", request.headers("Prefer"));
        List<String> applied = new ArrayList<>();
        Matcher page = PREFER_PAGE.matcher(prefer);
        if (page.find()) {
            applied.add("odata.maxpagesize=" + page.group(1));
        }
        if (PREFER_ZONE.matcher(prefer).find()) {
            applied.add("outlook.timezone=\"" + view.zoneName() + "\"");
        }
        if (view.immutableIds()) {
            applied.add("IdType=\"ImmutableId\"");
        }
        return String.join(",", applied);
    }
}
