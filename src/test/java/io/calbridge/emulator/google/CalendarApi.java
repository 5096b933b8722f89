package io.calbridge.emulator.google;

import io.calbridge.emulator.google.HttpFront.Reply;
import io.calbridge.emulator.google.HttpFront.Request;
import java.io.IOException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Calendar API v3 under {@code /calendar/v3/}: routes a request to its method, counts the call, applies an injected
 * fault, checks the Bearer token and its scopes, then answers. The scope sets follow the methods' "Authorization"
 * sections in Google's reference (so calendar.events alone does not allow calendars.get, as at Google); freebusy.query
 * also accepts the events scopes, where the reference is less clear, rather than refuse a call Google might allow.
 */
final class CalendarApi implements HttpFront.Handler {

    static final String PREFIX = GoogleCalendarEmulator.API_PATH + "/";

    private static final Set<String> CALENDAR_LIST = scopes("calendar", "calendar.readonly", "calendar.calendarlist", "calendar.calendarlist.readonly");
    private static final Set<String> CALENDARS_READ = scopes("calendar", "calendar.readonly", "calendar.app.created", "calendar.calendars",
            "calendar.calendars.readonly");
    private static final Set<String> EVENTS_READ = scopes("calendar", "calendar.readonly", "calendar.events", "calendar.events.readonly",
            "calendar.app.created", "calendar.events.owned", "calendar.events.owned.readonly", "calendar.events.public.readonly");
    private static final Set<String> EVENTS_WRITE = scopes("calendar", "calendar.events", "calendar.app.created", "calendar.events.owned");
    private static final Set<String> FREE_BUSY = scopes("calendar", "calendar.readonly", "calendar.events", "calendar.events.readonly",
            "calendar.freebusy", "calendar.events.freebusy");
    private static final Set<String> ANY = union(CALENDAR_LIST, CALENDARS_READ, EVENTS_READ, FREE_BUSY);

    private record Call(Request request, Store.Account account, List<String> path) {
        String calendarId() {
            return path.get(1);
        }
    }

    private interface Action {
        Reply apply(Call call) throws IOException;
    }

    private record Route(String name, Set<String> scopes, Action action) {
    }

    private final Store store;
    private final OAuthServer oauth;
    private final EventWriter writer;
    private final EventLister lister;
    private final SeriesAndFreeBusy series;
    private final PushChannels channels;
    private final Faults faults;
    private final BooleanSupplier enforceScopes;

    CalendarApi(Store store, OAuthServer oauth, EventWriter writer, EventLister lister, SeriesAndFreeBusy series, PushChannels channels,
            Faults faults, BooleanSupplier enforceScopes) {
        this.store = store;
        this.oauth = oauth;
        this.writer = writer;
        this.lister = lister;
        this.series = series;
        this.channels = channels;
        this.faults = faults;
        this.enforceScopes = enforceScopes;
    }

    @Override
    public Reply handle(Request request) throws IOException {
        List<String> path = request.segments(PREFIX);
        Route route = route(request.method, path);
        if (route == null) {
            throw GoogleApiException.notFound();
        }
        Fault lostReply = applyFaultBefore(faults, route.name());
        OAuthServer.Grant grant = oauth.authenticate(request.header("Authorization"));
        if (enforceScopes.getAsBoolean() && !grant.hasAnyScope(route.scopes())) {
            throw new GoogleApiException(403, "global", "insufficientPermissions", "Request had insufficient authentication scopes.")
                    .itemMessage("Insufficient Permission");
        }
        Store.Account account = store.account(grant.account);
        if (account == null) {
            throw GoogleApiException.notFound();
        }
        Reply reply = route.action().apply(new Call(request, account, path));
        if (lostReply != null) {
            throw lostReply.status() == Fault.DROPPED ? new HttpFront.DropConnection() : lostReply.toException();
        }
        return reply;
    }

    /** Counts the call, then fails or delays it if a fault is armed for the method. Shared with the OAuth endpoints. */
    static void applyFault(Faults faults, String method) {
        if (applyFaultBefore(faults, method) != null) {
            throw new IllegalStateException("a fault after applying is for Calendar API methods only, not " + method);
        }
    }

    /** As {@link #applyFault}, but a fault to answer once the method was carried out is returned instead. */
    private static Fault applyFaultBefore(Faults faults, String method) {
        faults.count(method);
        Fault fault = faults.next(method);
        if (fault == null) {
            return null;
        }
        if (fault.applied()) {
            return fault;
        }
        if (!fault.delay().isZero()) {
            sleep(fault.delay());
        }
        if (fault.status() != 0) {
            throw fault.toException();
        }
        return null;
    }

    private Route route(String method, List<String> s) {
        int n = s.size();
        boolean get = method.equals("GET");
        if (n >= 3 && s.get(0).equals("users") && s.get(1).equals("me") && s.get(2).equals("calendarList") && get) {
            return n == 3 ? new Route("calendarList.list", CALENDAR_LIST, this::calendarList)
                    : n == 4 ? new Route("calendarList.get", CALENDAR_LIST, c -> Reply.json(calendar(c, c.path().get(3)).listEntryJson())) : null;
        }
        if (n == 2 && s.get(0).equals("calendars") && get) {
            return new Route("calendars.get", CALENDARS_READ, c -> Reply.json(calendar(c, c.calendarId()).calendarJson()));
        }
        if (n >= 3 && s.get(0).equals("calendars") && s.get(2).equals("events")) {
            if (n == 3) {
                return get ? new Route("events.list", EVENTS_READ, this::list)
                        : method.equals("POST") ? new Route("events.insert", EVENTS_WRITE, this::insert) : null;
            }
            if (n == 4 && s.get(3).equals("watch")) {
                return method.equals("POST") ? new Route("events.watch", EVENTS_READ, this::watch) : null;
            }
            if (n == 4) {
                return switch (method) {
                    case "GET" -> new Route("events.get", EVENTS_READ, this::get);
                    case "PATCH" -> new Route("events.patch", EVENTS_WRITE, c -> modify(c, false));
                    case "PUT" -> new Route("events.update", EVENTS_WRITE, c -> modify(c, true));
                    case "DELETE" -> new Route("events.delete", EVENTS_WRITE, this::delete);
                    default -> null;
                };
            }
            if (n == 5 && s.get(4).equals("instances") && get) {
                return new Route("events.instances", EVENTS_READ, c -> Reply.json(series.instances(calendar(c, c.calendarId()), s.get(3), c.request().query)));
            }
        }
        if (n == 1 && s.get(0).equals("freeBusy") && method.equals("POST")) {
            return new Route("freebusy.query", FREE_BUSY, c -> Reply.json(series.freeBusy(c.account(), c.request().jsonObject())));
        }
        if (n == 2 && s.get(0).equals("channels") && s.get(1).equals("stop") && method.equals("POST")) {
            return new Route("channels.stop", ANY, c -> {
                channels.stop(c.account().email, c.request().jsonObject());
                return Reply.noContent();
            });
        }
        return null;
    }

    private CalendarData calendar(Call call, String calendarId) {
        return store.resolve(call.account(), calendarId);
    }

    private Reply calendarList(Call call) {
        int max = Math.min(250, call.request().query.containsKey("maxResults") ? ListQuery.pageSize(call.request().query) : 100);
        int offset = 0;
        String pageToken = call.request().query.get("pageToken");
        if (pageToken != null) {
            try {
                String[] fields = Tokens.parsePage(pageToken, 2);
                if (!fields[0].equals("L")) {
                    throw GoogleApiException.invalid("Invalid page token value.");
                }
                offset = Integer.parseInt(fields[1]);
            } catch (NumberFormatException e) {
                throw GoogleApiException.invalid("Invalid page token value.");
            }
        }
        List<CalendarData> calendars = call.account().calendars;
        ObjectNode body = Json.object();
        body.put("kind", "calendar#calendarList");
        body.put("etag", "\"p" + calendars.size() + "\"");
        if (offset + max < calendars.size()) {
            body.put("nextPageToken", Tokens.page("L", Integer.toString(offset + max)));
        }
        ArrayNode items = body.putArray("items");
        for (int i = offset; i < Math.min(calendars.size(), offset + max); i++) {
            items.add(calendars.get(i).listEntryJson());
        }
        return Reply.json(body);
    }

    private Reply list(Call call) {
        CalendarData calendar = calendar(call, call.calendarId());
        return Reply.json(lister.list(calendar, ListQuery.parse(call.request().query, calendar.zone)));
    }

    private Reply insert(Call call) throws IOException {
        CalendarData calendar = calendar(call, call.calendarId());
        StoredEvent event = writer.insert(calendar, call.request().jsonObject(), conferenceDataVersion(call));
        return Reply.json(event.json(calendar));
    }

    private Reply get(Call call) {
        CalendarData calendar = calendar(call, call.calendarId());
        ZoneId zone = ListQuery.zone(call.request().query, calendar.zone);
        byte[] body;
        String etag;
        calendar.lock.readLock().lock();
        try {
            EventWriter.Found found = writer.find(calendar, call.path().get(3));
            etag = found.etag();
            body = found.stored() != null ? found.stored().json(calendar, zone)
                    : found.master().instanceJson(calendar, found.occurrence(), zone);
        } finally {
            calendar.lock.readLock().unlock();
        }
        if (etag.equals(call.request().header("If-None-Match"))) {
            return new Reply(304, null, new byte[0], java.util.Map.of("ETag", etag));
        }
        return Reply.json(body);
    }

    private Reply modify(Call call, boolean replace) throws IOException {
        CalendarData calendar = calendar(call, call.calendarId());
        StoredEvent event = writer.modify(calendar, call.path().get(3), call.request().jsonObject(), replace, conferenceDataVersion(call),
                call.request().header("If-Match"));
        return Reply.json(event.json(calendar));
    }

    private Reply delete(Call call) {
        writer.delete(calendar(call, call.calendarId()), call.path().get(3), call.request().header("If-Match"));
        return Reply.noContent();
    }

    private Reply watch(Call call) throws IOException {
        CalendarData calendar = calendar(call, call.calendarId());
        String resourceUri = store.baseUrl + PREFIX + "calendars/" + Json.encodeQueryValue(call.calendarId()) + "/events?alt=json";
        return Reply.json(channels.watch(calendar, call.account().email, call.request().jsonObject(), resourceUri));
    }

    private static int conferenceDataVersion(Call call) {
        String value = call.request().query.get("conferenceDataVersion");
        if (value == null || value.equals("0")) {
            return 0;
        }
        if (value.equals("1")) {
            return 1;
        }
        throw GoogleApiException.invalid("Invalid conference data version.");
    }

    private static Set<String> scopes(String... names) {
        Set<String> result = new HashSet<>();
        for (String name : names) {
            result.add("https://www.googleapis.com/auth/" + name);
        }
        return Set.copyOf(result);
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> result = new HashSet<>();
        for (Set<String> set : sets) {
            result.addAll(set);
        }
        return Set.copyOf(result);
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
