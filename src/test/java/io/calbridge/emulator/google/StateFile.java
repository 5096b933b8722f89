package io.calbridge.emulator.google;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.node.ObjectNode;

/**
 * The emulator's state in a directory, so that the run command's sandbox survives restarts: accounts, calendars and
 * their events (series and exceptions as stored, with their change sequence numbers, so sync tokens issued before a
 * restart still work), OAuth grants with their refresh tokens and unexpired access tokens, and push channels. Pending
 * consents and authorization codes live for minutes and are not kept. One JSON file, read at start if present,
 * written whole (a temp file, then an atomic move) shortly after a change and at close: a sandbox is small.
 */
final class StateFile {

    static final String FILE_NAME = "state.json";
    private static final int VERSION = 1;
    /** Changes within this delay share one write. */
    private static final long SAVE_DELAY_MILLIS = 200;
    private static final Logger log = LoggerFactory.getLogger(StateFile.class);

    record Saved(int version, long sequence, int calendarNumbers, List<SavedAccount> accounts, List<SavedGrant> grants,
            List<SavedChannel> channels) {
    }

    record SavedAccount(String email, String timeZone, List<SavedCalendar> calendars) {
    }

    record SavedCalendar(int number, String id, boolean primary, String timeZone, String summary, String colorId, String resourceId,
            Instant updated, int epoch, List<SavedEvent> events) {
    }

    record SavedEvent(String id, ObjectNode body, SavedTime start, SavedTime end, List<String> recurrence, String status,
            String recurringEventId, SavedTime originalStart, String iCalUID, Instant created, Instant updated, int sequence,
            long changeSeq) {
    }

    record SavedTime(Instant dateTime, LocalDate date, String timeZone) {
    }

    /** Access tokens belong to their grant; a grant without a refresh token (online access) lives through them only. */
    record SavedGrant(String clientId, String account, String scope, String refreshToken, boolean revoked, List<SavedAccess> accessTokens) {
    }

    record SavedAccess(String token, Instant expires) {
    }

    record SavedChannel(String id, String resourceId, String resourceUri, String calendarId, String account, String address, String token,
            long expiration, long messageNumber) {
    }

    private final Path file;
    private final Store store;
    private final OAuthServer oauth;
    private final PushChannels channels;
    private final AtomicBoolean dirty = new AtomicBoolean();
    private final ScheduledExecutorService saver = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "google-emulator-state");
        thread.setDaemon(true);
        return thread;
    });

    StateFile(Path directory, Store store, OAuthServer oauth, PushChannels channels) {
        this.file = directory.resolve(FILE_NAME);
        this.store = store;
        this.oauth = oauth;
        this.channels = channels;
    }

    /** Restores the saved state into the (still empty) emulator; false when there is none yet. */
    boolean load() {
        if (!Files.exists(file)) {
            return false;
        }
        Saved saved;
        try {
            saved = Json.MAPPER.readValue(file.toFile(), Saved.class);
        } catch (JacksonException e) {
            throw new IllegalStateException("the Google sandbox state in " + file + " is unreadable (" + e.getOriginalMessage()
                    + "); move it away to start with a fresh sandbox");
        }
        if (saved.version() != VERSION) {
            throw new IllegalStateException("the Google sandbox state in " + file + " has version " + saved.version() + ", not "
                    + VERSION + "; move it away to start with a fresh sandbox");
        }
        restore(saved);
        return true;
    }

    /** Something changed: written within {@link #SAVE_DELAY_MILLIS}, together with whatever else changes meanwhile. */
    void changed() {
        if (dirty.compareAndSet(false, true) && !saver.isShutdown()) {
            saver.schedule(this::saveQuietly, SAVE_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Stops the background writes and writes once more: the state as it is at close. */
    void close() {
        saver.shutdownNow();
        try {
            saver.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        save();
    }

    private void saveQuietly() {
        try {
            save();
        } catch (RuntimeException e) {
            log.warn("Could not save the Google sandbox state to {}: {}", file, e.toString());
        }
    }

    synchronized void save() {
        dirty.set(false);
        byte[] json = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(snapshot());
        try {
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling(FILE_NAME + ".tmp");
            Files.write(temp, json);
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    // ---- state to JSON ------------------------------------------------------------------------------------------

    private Saved snapshot() {
        List<SavedAccount> accounts = new ArrayList<>();
        for (Store.Account account : store.accounts()) {
            List<SavedCalendar> calendars = account.calendars.stream().map(StateFile::calendar).toList();
            accounts.add(new SavedAccount(account.email, account.zone.getId(), calendars));
        }
        // read after the events: every change saved above has a sequence number at most this
        long sequence = store.currentSequence();
        List<SavedChannel> savedChannels = channels.byId().values().stream()
                .map(c -> new SavedChannel(c.id(), c.resourceId(), c.resourceUri(), c.calendarId(), c.account(), c.address(), c.token(),
                        c.expiration(), c.messageNumber().get()))
                .toList();
        return new Saved(VERSION, sequence, store.calendarNumbers(), accounts, grants(), savedChannels);
    }

    private static SavedCalendar calendar(CalendarData calendar) {
        calendar.lock.readLock().lock();
        try {
            List<SavedEvent> events = calendar.byId.values().stream()
                    .map(e -> new SavedEvent(e.id, e.body, time(e.start), time(e.end), e.recurrence, e.status, e.recurringEventId,
                            time(e.originalStart), e.iCalUID, e.created, e.updated, e.sequence, e.changeSeq))
                    .toList();
            return new SavedCalendar(calendar.number, calendar.id, calendar.primary, calendar.zone.getId(), calendar.summary,
                    calendar.colorId, calendar.resourceId, calendar.updated, calendar.epoch, events);
        } finally {
            calendar.lock.readLock().unlock();
        }
    }

    private static SavedTime time(EventTime time) {
        return time == null ? null : new SavedTime(time.instant(), time.date(), time.timeZone());
    }

    private List<SavedGrant> grants() {
        Instant now = store.now();
        Map<OAuthServer.Grant, List<SavedAccess>> byGrant = new IdentityHashMap<>();
        oauth.refreshTokens().values().forEach(grant -> byGrant.computeIfAbsent(grant, g -> new ArrayList<>()));
        oauth.accessTokens().forEach((token, access) -> {
            if (access.expires().isAfter(now)) {
                byGrant.computeIfAbsent(access.grant(), g -> new ArrayList<>()).add(new SavedAccess(token, access.expires()));
            }
        });
        List<SavedGrant> grants = new ArrayList<>();
        byGrant.forEach((grant, access) -> grants.add(
                new SavedGrant(grant.clientId, grant.account, grant.scope, grant.refreshToken, grant.revoked, access)));
        return grants;
    }

    // ---- JSON to state ------------------------------------------------------------------------------------------

    private void restore(Saved saved) {
        long highestChange = 0;
        for (SavedAccount savedAccount : saved.accounts()) {
            Store.Account account = store.restoreAccount(savedAccount.email(), ZoneId.of(savedAccount.timeZone()));
            for (SavedCalendar savedCalendar : savedAccount.calendars()) {
                ZoneId zone = ZoneId.of(savedCalendar.timeZone());
                CalendarData calendar = store.restoreCalendar(account, savedCalendar.number(), savedCalendar.id(), savedCalendar.summary(),
                        savedCalendar.primary(), zone, savedCalendar.colorId(), savedCalendar.resourceId(), savedCalendar.updated());
                calendar.epoch = savedCalendar.epoch();
                for (SavedEvent e : savedCalendar.events()) {
                    EventTime start = time(e.start());
                    Recurrence rule = e.recurrence() == null ? null : Recurrence.parse(e.recurrence(), start, zone);
                    calendar.put(new StoredEvent(e.id(), e.body(), start, time(e.end()), e.recurrence(), rule, e.status(),
                            e.recurringEventId(), time(e.originalStart()), e.iCalUID(), e.created(), e.updated(), e.sequence(),
                            e.changeSeq(), zone));
                    highestChange = Math.max(highestChange, e.changeSeq());
                }
            }
        }
        store.restoreCounters(Math.max(saved.sequence(), highestChange), saved.calendarNumbers());
        for (SavedGrant savedGrant : saved.grants()) {
            OAuthServer.Grant grant = new OAuthServer.Grant(savedGrant.clientId(), savedGrant.account(), savedGrant.scope(), savedGrant.refreshToken());
            grant.revoked = savedGrant.revoked();
            if (grant.refreshToken != null) {
                oauth.refreshTokens().put(grant.refreshToken, grant);
            }
            savedGrant.accessTokens().forEach(access -> oauth.accessTokens().put(access.token(), new OAuthServer.Access(grant, access.expires())));
        }
        for (SavedChannel c : saved.channels()) {
            channels.byId().put(c.id(), new PushChannels.Channel(c.id(), c.resourceId(), c.resourceUri(), c.calendarId(), c.account(),
                    c.address(), c.token(), c.expiration(), new AtomicLong(c.messageNumber())));
        }
    }

    private static EventTime time(SavedTime time) {
        return time == null ? null : new EventTime(time.dateTime(), time.date(), time.timeZone());
    }
}
