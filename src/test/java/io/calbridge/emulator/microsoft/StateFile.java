package io.calbridge.emulator.microsoft;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.node.ObjectNode;

/**
 * The emulator's state in a directory, so the sandbox survives restarts: accounts, calendars, events (with their
 * change numbers and tombstones, so delta tokens issued before a restart still work), transactionIds, grants with
 * refresh tokens and unexpired access tokens, registered clients, and subscriptions. Pending consents, codes and delta rounds in progress
 * live for minutes and are not kept. One JSON file, written whole (temp file, then atomic move) shortly after a
 * change and at close.
 */
final class StateFile {

    static final String FILE_NAME = "microsoft-state.json";
    private static final int VERSION = 1;
    private static final long SAVE_DELAY_MILLIS = 200;
    private static final Logger log = LoggerFactory.getLogger(StateFile.class);

    record Saved(int version, List<SavedClient> clients, List<SavedMailbox> mailboxes, List<SavedGrant> grants, List<SavedSubscription> subscriptions) {
    }

    record SavedClient(String id, String secret, List<String> redirectUris) {
    }

    record SavedMailbox(String id, String userPrincipalName, String displayName, String mail, String tenantId, boolean personal, String timeZone,
            long seq, int deltaEpoch, List<SavedCalendar> calendars, Map<String, String> transactionIds) {
    }

    record SavedCalendar(String key, String name, String color, boolean isDefault, List<SavedEvent> events) {
    }

    record SavedEvent(String key, String type, ObjectNode fields, LocalDateTime localStart, LocalDateTime localEnd, String zone, String endZone,
            boolean allDay, ObjectNode recurrence, Map<Long, Long> cancelled, String seriesMasterKey, Instant originalStart, String transactionId,
            String iCalUId, String changeKey, Instant created, Instant modified, boolean deleted, long seq, Instant previousStart, Instant previousEnd,
            String organizerName, String organizerAddress, boolean isOrganizer, String response, Instant responseTime, boolean isOnlineMeeting,
            String onlineMeetingProvider, String joinUrl) {
    }

    record SavedGrant(String clientId, String account, List<String> scopes, int revokedWith, List<SavedRefresh> refreshTokens, List<SavedAccess> accessTokens) {
    }

    record SavedRefresh(String token, Instant issued, Instant lastUsed, boolean replaced) {
    }

    record SavedAccess(String token, Instant expires) {
    }

    record SavedSubscription(String id, String mailboxId, String applicationId, String resource, String calendarKey, String changeType,
            String notificationUrl, String lifecycleNotificationUrl, String clientState, Instant expiration) {
    }

    private final Path file;
    private final Directory directory;
    private final Identity identity;
    private final Subscriptions subscriptions;
    private final AtomicBoolean dirty = new AtomicBoolean();
    private final ScheduledExecutorService saver = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "microsoft-emulator-state");
        thread.setDaemon(true);
        return thread;
    });

    StateFile(Path directoryPath, Directory directory, Identity identity, Subscriptions subscriptions) {
        this.file = directoryPath.resolve(FILE_NAME);
        this.directory = directory;
        this.identity = identity;
        this.subscriptions = subscriptions;
    }

    boolean load() {
        if (!Files.exists(file)) {
            return false;
        }
        Saved saved;
        try {
            saved = Json.MAPPER.readValue(file.toFile(), Saved.class);
        } catch (JacksonException e) {
            throw new IllegalStateException("the Microsoft sandbox state in " + file + " is unreadable (" + e.getOriginalMessage()
                    + "); move it away to start with a fresh sandbox");
        }
        if (saved.version() != VERSION) {
            throw new IllegalStateException("the Microsoft sandbox state in " + file + " has version " + saved.version() + ", not " + VERSION);
        }
        restore(saved);
        return true;
    }

    void changed() {
        if (dirty.compareAndSet(false, true) && !saver.isShutdown()) {
            saver.schedule(this::saveQuietly, SAVE_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

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
            log.warn("Could not save the Microsoft sandbox state to {}: {}", file, e.toString());
        }
    }

    synchronized void save() {
        dirty.set(false);
        byte[] json = Json.MAPPER.writeValueAsBytes(snapshot());
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
        List<SavedMailbox> mailboxes = new ArrayList<>();
        for (Mailbox m : directory.all()) {
            m.lock.readLock().lock();
            try {
                List<SavedCalendar> calendars = new ArrayList<>();
                for (Mailbox.Calendar c : m.calendars) {
                    calendars.add(new SavedCalendar(c.key, c.name, c.color, c.isDefault, c.events.values().stream().map(StateFile::event).toList()));
                }
                mailboxes.add(new SavedMailbox(m.id, m.userPrincipalName, m.displayName, m.mail, m.tenantId, m.personal, m.timeZone, m.seq, m.deltaEpoch,
                        calendars, Map.copyOf(m.transactionIds)));
            } finally {
                m.lock.readLock().unlock();
            }
        }
        List<SavedSubscription> subs = subscriptions.byId.values().stream().map(s -> new SavedSubscription(s.id, s.mailboxId, s.applicationId, s.resource,
                s.calendarKey, s.changeType, s.notificationUrl, s.lifecycleNotificationUrl, s.clientState, s.expiration)).toList();
        List<SavedClient> clients = identity.clients().values().stream()
                .map(c -> new SavedClient(c.id(), c.secret(), List.copyOf(c.redirectUris()))).toList();
        return new Saved(VERSION, clients, mailboxes, grants(), subs);
    }

    private static SavedEvent event(StoredEvent e) {
        Map<Long, Long> cancelled = new java.util.TreeMap<>();
        e.cancelled.forEach((start, seq) -> cancelled.put(start.getEpochSecond(), seq));
        return new SavedEvent(e.key, e.type, e.fields, e.localStart, e.localEnd, e.zone, e.endZone, e.allDay,
                e.recurrence == null ? null : e.recurrence.toJson(e.zone), cancelled, e.seriesMasterKey, e.originalStart, e.transactionId, e.iCalUId,
                e.changeKey, e.created, e.modified, e.deleted, e.seq, e.previousStart, e.previousEnd, e.organizerName, e.organizerAddress, e.isOrganizer,
                e.response, e.responseTime, e.isOnlineMeeting, e.onlineMeetingProvider, e.joinUrl);
    }

    private List<SavedGrant> grants() {
        Instant now = directory.now();
        Map<Identity.Grant, SavedGrant> byGrant = new IdentityHashMap<>();
        identity.refreshTokens.forEach((token, refresh) -> grantOf(byGrant, refresh.grant).refreshTokens()
                .add(new SavedRefresh(token, refresh.issued, refresh.lastUsed, refresh.replaced)));
        identity.accessTokens.forEach((token, access) -> {
            if (access.expires().isAfter(now)) {
                grantOf(byGrant, access.grant()).accessTokens().add(new SavedAccess(token, access.expires()));
            }
        });
        return new ArrayList<>(byGrant.values());
    }

    private static SavedGrant grantOf(Map<Identity.Grant, SavedGrant> byGrant, Identity.Grant grant) {
        return byGrant.computeIfAbsent(grant, g -> new SavedGrant(g.clientId, g.account, List.copyOf(g.scopes), g.revokedWith, new ArrayList<>(),
                new ArrayList<>()));
    }

    // ---- JSON to state ------------------------------------------------------------------------------------------

    private void restore(Saved saved) {
        saved.clients().forEach(c -> identity.registerClient(c.id(), c.secret(), java.util.Set.copyOf(c.redirectUris())));
        for (SavedMailbox sm : saved.mailboxes()) {
            Mailbox m = directory.create(sm.userPrincipalName(), sm.displayName(), sm.personal(), sm.tenantId(), sm.timeZone(), sm.mail() != null, sm.id());
            m.lock.writeLock().lock();
            try {
                m.seq = sm.seq();
                m.deltaEpoch = sm.deltaEpoch();
                m.transactionIds.putAll(sm.transactionIds());
                for (SavedCalendar sc : sm.calendars()) {
                    Mailbox.Calendar calendar = new Mailbox.Calendar(sc.key(), sc.name(), sc.isDefault());
                    calendar.color = sc.color();
                    m.calendars.add(calendar);
                    for (SavedEvent se : sc.events()) {
                        StoredEvent e = new StoredEvent(se.key());
                        e.calendarId = sc.key();
                        e.type = se.type();
                        e.fields = se.fields();
                        e.localStart = se.localStart();
                        e.localEnd = se.localEnd();
                        e.zone = se.zone();
                        e.endZone = se.endZone();
                        e.allDay = se.allDay();
                        e.start = e.localStart.atZone(WindowsZones.zone(e.zone)).toInstant();
                        e.end = e.localEnd.atZone(WindowsZones.zone(e.endZone)).toInstant();
                        e.recurrence = se.recurrence() == null ? null : Recurrence.parse(se.recurrence(), e.localStart.toLocalDate());
                        se.cancelled().forEach((start, seq) -> e.cancelled.put(Instant.ofEpochSecond(start), seq));
                        e.seriesMasterKey = se.seriesMasterKey();
                        e.originalStart = se.originalStart();
                        e.transactionId = se.transactionId();
                        e.iCalUId = se.iCalUId();
                        e.changeKey = se.changeKey();
                        e.created = se.created();
                        e.modified = se.modified();
                        e.deleted = se.deleted();
                        e.seq = se.seq();
                        e.previousStart = se.previousStart();
                        e.previousEnd = se.previousEnd();
                        e.organizerName = se.organizerName();
                        e.organizerAddress = se.organizerAddress();
                        e.isOrganizer = se.isOrganizer();
                        e.response = se.response();
                        e.responseTime = se.responseTime();
                        e.isOnlineMeeting = se.isOnlineMeeting();
                        e.onlineMeetingProvider = se.onlineMeetingProvider();
                        e.joinUrl = se.joinUrl();
                        m.put(e);
                    }
                }
            } finally {
                m.lock.writeLock().unlock();
            }
        }
        for (SavedGrant sg : saved.grants()) {
            Identity.Grant grant = new Identity.Grant(sg.clientId(), sg.account(), new java.util.LinkedHashSet<>(sg.scopes()));
            grant.revokedWith = sg.revokedWith();
            for (SavedRefresh r : sg.refreshTokens()) {
                Identity.RefreshToken token = new Identity.RefreshToken(grant, r.issued());
                token.lastUsed = r.lastUsed();
                token.replaced = r.replaced();
                identity.refreshTokens.put(r.token(), token);
            }
            sg.accessTokens().forEach(a -> identity.accessTokens.put(a.token(), new Identity.Access(grant, a.expires())));
        }
        for (SavedSubscription s : saved.subscriptions()) {
            subscriptions.byId.put(s.id(), new Subscriptions.Subscription(s.id(), s.mailboxId(), s.applicationId(), s.resource(), s.calendarKey(),
                    s.changeType(), s.notificationUrl(), s.lifecycleNotificationUrl(), s.clientState(), s.expiration()));
        }
    }
}
