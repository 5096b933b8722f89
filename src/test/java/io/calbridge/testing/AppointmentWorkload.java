package io.calbridge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.emulator.google.GoogleCalendarEmulator;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.opentest4j.AssertionFailedError;
import tools.jackson.databind.JsonNode;

/**
 * A random but reproducible series of appointment changes (creates, reschedules, cancels, re-creates) for one user,
 * sent through calbridge's API, and the end state it must leave in each of the user's calendars ({@link CalendarView}:
 * Google, Microsoft, ...). Each appointment's
 * changes go out one after the other (the next only once the previous was answered 200), so its latest intended
 * state is its last change; changes of different appointments go out in parallel. A request that got no answer
 * (the service died under it) is sent again until it is answered: the client cannot know whether it was applied,
 * and the API is idempotent.
 */
public final class AppointmentWorkload {

    private static final ZoneId ZONE = ZoneId.of("Europe/Berlin");
    private static final Duration NO_ANSWER_PATIENCE = Duration.ofMinutes(3);

    /**
     * One change: {@code cancel} is a DELETE, anything else a PUT of the full content. {@code meeting}: the appointment
     * asks for a video meeting ({@code conference: AUTO}); {@code clientEmail}, when not null, names its client as
     * attendee ({@code clientName} too), which only a connection with {@code includeClientDetails} may show.
     */
    public record Change(int seq, String appointmentId, int appointmentIndex, boolean cancel, String title, Instant start, Instant end,
            boolean meeting, String clientName, String clientEmail) {

        Map<String, Object> body() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("title", title);
            body.put("start", OffsetDateTime.ofInstant(start, ZONE).toString());
            body.put("end", OffsetDateTime.ofInstant(end, ZONE).toString());
            body.put("timeZone", ZONE.getId());
            body.put("description", "change #" + seq);
            if (meeting) {
                body.put("conference", "AUTO");
            }
            if (clientEmail != null) {
                body.put("attendees", List.of(Map.of("name", clientName, "email", clientEmail)));
            }
            return body;
        }
    }

    /**
     * What a calendar must show beyond titles and times.
     *
     * @param clientDetails the connection's {@code includeClientDetails}: attendees exactly the client, or (off) no
     *                      attendee and neither the client's name nor email anywhere in the event
     * @param meetingLinks  the calendar makes video meetings: an appointment with {@code conference: AUTO} has a link
     *                      (one without never has one, either way)
     */
    public record Expectations(boolean clientDetails, boolean meetingLinks) {
    }

    private final String userId;
    private final List<Change> plan;
    private final Map<String, Change> latestAccepted = new ConcurrentHashMap<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger unanswered = new AtomicInteger();
    private volatile int destinations = 1;

    private AppointmentWorkload(String userId, List<Change> plan) {
        this.userId = userId;
        this.plan = plan;
    }

    /**
     * {@code changes} changes on up to {@code appointments} appointment ids, from {@code seed}: an id's first change
     * creates it; later ones reschedule it (new start, end and title) or cancel it, and a cancelled one may be
     * created again. Every title is unique, so an event in the calendar names the change it came from.
     */
    public static AppointmentWorkload plan(String userId, long seed, int changes, int appointments) {
        return plan(userId, seed, changes, appointments, false);
    }

    /**
     * As {@link #plan(String, long, int, int)}; with {@code meetingsAndClients} every third appointment asks for a
     * video meeting and every appointment names its client as attendee (the same on every change of the appointment).
     */
    public static AppointmentWorkload plan(String userId, long seed, int changes, int appointments, boolean meetingsAndClients) {
        Random random = new Random(seed);
        Instant base = Instant.now().plus(Duration.ofDays(14)).truncatedTo(ChronoUnit.DAYS).plus(Duration.ofHours(8));
        String[] state = new String[appointments];
        int[] versions = new int[appointments];
        List<Change> plan = new ArrayList<>(changes);
        for (int seq = 0; seq < changes; seq++) {
            int index = random.nextInt(appointments);
            String id = "appt-%03d".formatted(index);
            boolean cancel = "live".equals(state[index]) && random.nextInt(100) < 35;
            if (cancel) {
                state[index] = "cancelled";
                plan.add(new Change(seq, id, index, true, null, null, null, false, null, null));
                continue;
            }
            state[index] = "live";
            int version = ++versions[index];
            Instant start = base.plus(Duration.ofHours(index)).plus(Duration.ofMinutes(15L * random.nextInt(24)));
            Instant end = start.plus(Duration.ofMinutes(15L * (1 + random.nextInt(6))));
            boolean meeting = meetingsAndClients && index % 3 == 0;
            String clientName = meetingsAndClients ? "Client Nr%03d".formatted(index) : null;
            String clientEmail = meetingsAndClients ? "client-%03d@patients.example.org".formatted(index) : null;
            plan.add(new Change(seq, id, index, false, "%s v%d (#%d)".formatted(id, version, seq), start, end, meeting, clientName,
                    clientEmail));
        }
        return new AppointmentWorkload(userId, plan);
    }

    public String userId() {
        return userId;
    }

    /** How many destination calendars each appointment has (its connections); 1 unless set. */
    public AppointmentWorkload destinations(int count) {
        destinations = count;
        return this;
    }

    public int size() {
        return plan.size();
    }

    /** Requests answered 200 so far. */
    public int accepted() {
        return accepted.get();
    }

    /** Attempts that got no answer (refused or cut off by a dying service), each followed by another attempt. */
    public int unanswered() {
        return unanswered.get();
    }

    /**
     * Starts sending the plan on {@code threads} client threads, each owning the appointments {@code index % threads},
     * pausing {@code pause} after each answered change; {@code apiFor(seq)} picks the instance a change goes to.
     */
    public Sending send(int threads, Duration pause, IntFunction<Api> apiFor) {
        ExecutorService clients = Executors.newFixedThreadPool(threads);
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            List<Change> mine = plan.stream().filter(change -> change.appointmentIndex() % threads == thread).toList();
            running.add(clients.submit(() -> {
                for (Change change : mine) {
                    apply(change, apiFor.apply(change.seq()));
                    Await.pause(pause.toMillis());
                }
                return null;
            }));
        }
        clients.shutdown();
        return new Sending(clients, running);
    }

    /** The client threads at work. */
    public static final class Sending {
        private final ExecutorService clients;
        private final List<Future<?>> running;

        private Sending(ExecutorService clients, List<Future<?>> running) {
            this.clients = clients;
            this.running = running;
        }

        public boolean done() {
            return running.stream().allMatch(Future::isDone);
        }

        /** Waits until every change was answered 200; rethrows a client thread's failure. */
        public void await(Duration timeout) throws Exception {
            if (!clients.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                clients.shutdownNow();
                throw new AssertionFailedError("the changes were not all accepted within " + timeout.toSeconds() + " s");
            }
            for (Future<?> client : running) {
                client.get();
            }
        }
    }

    private void apply(Change change, Api api) {
        Instant giveUp = Instant.now().plus(NO_ANSWER_PATIENCE);
        String path = "/api/v1/appointments/" + change.appointmentId();
        while (true) {
            Response response;
            try {
                response = change.cancel() ? api.delete(path, Caller.service(userId))
                        : api.send("PUT", path, Caller.service(userId), Api.JSON.writeValueAsString(change.body()), "application/json");
            } catch (UncheckedIOException noAnswer) {
                // the service died under the request (or is restarting): it may or may not have been applied
                if (Instant.now().isAfter(giveUp)) {
                    throw new AssertionFailedError("change #" + change.seq() + " got no answer for " + NO_ANSWER_PATIENCE.toMinutes()
                            + " min", noAnswer);
                }
                unanswered.incrementAndGet();
                Await.pause(100);
                continue;
            }
            if (response.status() != 200) {
                throw new AssertionFailedError("change #" + change.seq() + " (" + (change.cancel() ? "DELETE " : "PUT ") + path
                        + ") answered " + response);
            }
            accepted.incrementAndGet();
            latestAccepted.put(change.appointmentId(), change);
            return;
        }
    }

    /** The appointments' latest intended states, by id; asserts every change of the plan was accepted. */
    public Map<String, Change> intended() {
        assertThat(accepted.get()).as("changes answered 200").isEqualTo(plan.size());
        Map<String, Change> last = new TreeMap<>();
        plan.forEach(change -> last.put(change.appointmentId(), change));
        assertThat(latestAccepted).as("the last accepted change of each appointment is its last planned one").isEqualTo(last);
        return last;
    }

    /**
     * Waits until the queue has nothing left to do (no PENDING, RUNNING or FAILED job; failing at once on a DEAD or
     * PARKED one) and every appointment shows its latest content with each destination SYNCED.
     */
    public void awaitDrained(Api api, Duration timeout) {
        Map<String, Change> intended = intended();
        Instant deadline = Instant.now().plus(timeout);
        String waitingFor = "";
        while (Instant.now().isBefore(deadline)) {
            List<JsonNode> stuck = jobs(api, "DEAD");
            stuck.addAll(jobs(api, "PARKED"));
            if (!stuck.isEmpty()) {
                throw new AssertionFailedError("jobs gave up: " + stuck);
            }
            waitingFor = waitingFor(api, intended);
            if (waitingFor.isEmpty()) {
                return;
            }
            Await.pause(250);
        }
        throw new AssertionFailedError("the queue did not drain within " + timeout.toSeconds() + " s; still " + waitingFor);
    }

    private String waitingFor(Api api, Map<String, Change> intended) {
        for (String status : List.of("PENDING", "RUNNING", "FAILED")) {
            List<JsonNode> jobs = jobs(api, status);
            if (!jobs.isEmpty()) {
                return jobs.size() + " " + status + " job(s), e.g. " + jobs.get(0);
            }
        }
        for (Change change : intended.values()) {
            Response response = api.get("/api/v1/appointments/" + change.appointmentId(), Caller.service(userId));
            JsonNode appointment = response.json();
            boolean contentIsLatest = change.cancel() ? appointment.path("status").asText().equals("CANCELLED")
                    : appointment.path("title").asText().equals(change.title());
            if (response.status() != 200 || !contentIsLatest) {
                throw new AssertionFailedError("appointment " + change.appointmentId() + " is not its latest change #" + change.seq()
                        + ": " + response);
            }
            JsonNode destinations = appointment.path("destinations");
            boolean synced = destinations.size() == this.destinations && destinations.valueStream()
                    .allMatch(d -> d.path("state").asText().equals("SYNCED") || change.cancel() && d.path("state").asText().equals("SKIPPED"));
            if (!synced) {
                return "appointment " + change.appointmentId() + " not synced: " + destinations;
            }
        }
        return "";
    }

    private static List<JsonNode> jobs(Api api, String status) {
        Response response = api.get("/api/v1/admin/sync-jobs?status=" + status, Caller.serviceWithoutUser());
        if (response.status() != 200) {
            throw new AssertionFailedError("admin sync-jobs answered " + response);
        }
        return new ArrayList<>(response.json().valueStream().toList());
    }

    /** {@link #assertCalendarMatches(CalendarView, Expectations)} for a Google calendar, without clients or meetings. */
    public void assertCalendarMatches(GoogleCalendarEmulator google, String calendarId) {
        assertCalendarMatches(CalendarView.google(google, calendarId), new Expectations(false, false));
    }

    /**
     * The calendar holds exactly one live event per live appointment, with its latest title, start and end, and no
     * other live event: none for a cancelled appointment, none of an older version, no duplicate. Attendees and
     * meeting links as {@code expect} says.
     */
    public void assertCalendarMatches(CalendarView calendar, Expectations expect) {
        Map<String, Change> intended = intended();
        List<CalendarView.PushedEvent> live = calendar.liveEvents();
        Map<String, List<CalendarView.PushedEvent>> byTitle = live.stream()
                .collect(Collectors.groupingBy(event -> String.valueOf(event.title())));
        List<String> problems = new ArrayList<>();
        long liveAppointments = 0;
        for (Change change : intended.values()) {
            if (change.cancel()) {
                continue;
            }
            liveAppointments++;
            List<CalendarView.PushedEvent> events = byTitle.getOrDefault(change.title(), List.of());
            if (events.size() != 1) {
                problems.add(change.appointmentId() + ": " + events.size() + " events titled '" + change.title() + "'");
                continue;
            }
            CalendarView.PushedEvent event = events.get(0);
            if (!event.start().equals(change.start()) || !event.end().equals(change.end())) {
                problems.add(change.appointmentId() + ": event " + event.id() + " at " + event.start() + " - " + event.end()
                        + ", wanted " + change.start() + " - " + change.end());
            }
            problems.addAll(detailProblems(change, event, expect));
        }
        java.util.Set<String> wantedTitles = intended.values().stream().filter(change -> !change.cancel()).map(Change::title)
                .collect(Collectors.toSet());
        for (CalendarView.PushedEvent event : live) {
            if (!wantedTitles.contains(event.title())) {
                String id = event.title() == null ? "?" : event.title().split(" ")[0];
                Change latest = intended.get(id);
                problems.add("stray live event " + event.id() + " '" + event.title() + "'; the appointment's latest change is "
                        + (latest == null ? "unknown" : "#" + latest.seq() + (latest.cancel() ? " (cancel)" : " '" + latest.title() + "'")));
            }
        }
        assertThat(problems).as("what the " + calendar.name() + " calendar holds differs from the appointments' latest states").isEmpty();
        assertThat(live).as(calendar.name() + " live events").hasSize((int) liveAppointments);
    }

    /**
     * Each live appointment's destination at {@code provider} shows the meeting link its event in {@code calendar}
     * has (none where the event has none): what the app reads back is what the calendar holds.
     */
    public void assertMeetingLinksShown(Api api, CalendarView calendar, String provider) {
        Map<String, String> linkByTitle = new java.util.HashMap<>();
        calendar.liveEvents().forEach(event -> linkByTitle.put(event.title(), event.meetingUrl()));
        List<String> problems = new ArrayList<>();
        for (Change change : intended().values()) {
            if (change.cancel()) {
                continue;
            }
            JsonNode destination = api.get("/api/v1/appointments/" + change.appointmentId(), Caller.service(userId)).json()
                    .path("destinations").valueStream().filter(d -> provider.equals(d.path("provider").asText())).findFirst().orElse(null);
            String shown = destination == null ? null : destination.path("meetingUrl").asText(null);
            String held = linkByTitle.get(change.title());
            if (destination == null || !java.util.Objects.equals(shown, held)) {
                problems.add(change.appointmentId() + ": shows meeting link " + shown + ", its " + provider + " event has " + held);
            }
        }
        assertThat(problems).as("meeting links the appointments show for " + provider).isEmpty();
    }

    private static List<String> detailProblems(Change change, CalendarView.PushedEvent event, Expectations expect) {
        List<String> problems = new ArrayList<>();
        String what = change.appointmentId() + " (event " + event.id() + "): ";
        if (change.clientEmail() != null && expect.clientDetails()) {
            if (!event.attendees().equals(List.of(change.clientEmail()))) {
                problems.add(what + "attendees " + event.attendees() + ", wanted the client " + change.clientEmail());
            }
        } else if (!event.attendees().isEmpty()) {
            problems.add(what + "attendees " + event.attendees() + ", wanted none");
        }
        if (change.clientEmail() != null && !expect.clientDetails()
                && (event.json().contains(change.clientEmail()) || event.json().contains(change.clientName()))) {
            problems.add(what + "the client's details reached a calendar without includeClientDetails: " + event.json());
        }
        if (change.meeting() && expect.meetingLinks() && (event.meetingUrl() == null || event.meetingUrl().isBlank())) {
            problems.add(what + "no meeting link for conference AUTO");
        }
        if (!change.meeting() && event.meetingUrl() != null) {
            problems.add(what + "a meeting link " + event.meetingUrl() + " for conference NONE");
        }
        return problems;
    }
}
