package io.calbridge.emulator.microsoft;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * An account (a user of a work tenant or a personal Microsoft account) with its mailbox: calendars, events (by key,
 * across calendars, as Graph's /me/events/{id} addresses them), the transactionIds seen, its change counter and its
 * throttling state. Everything but the throttling state is guarded by {@link #lock}.
 */
final class Mailbox {

    /** The tenant id every personal Microsoft account has (Microsoft's documented MSA tenant). */
    static final String CONSUMER_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad";
    /** Outlook allows four concurrent requests per app and mailbox. */
    static final int CONCURRENCY_LIMIT = 4;
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    static final class Calendar {
        final String key;
        String name;
        String color = "auto";
        String hexColor = "";
        final boolean isDefault;
        final Map<String, StoredEvent> events = new LinkedHashMap<>();

        Calendar(String key, String name, boolean isDefault) {
            this.key = key;
            this.name = name;
            this.isDefault = isDefault;
        }
    }

    final String id;
    final String userPrincipalName;
    final String displayName;
    /** Null for accounts without a mailbox address in Graph's user object (some personal accounts). */
    final String mail;
    final String tenantId;
    final boolean personal;
    /** The mailbox time zone (mailboxSettings.timeZone), a Windows name. */
    String timeZone;
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    final List<Calendar> calendars = new ArrayList<>();
    final Map<String, StoredEvent> events = new HashMap<>();
    final Map<String, String> transactionIds = new HashMap<>();
    long seq;
    /** Delta tokens carry the epoch they were issued in; {@code expireDeltaTokens} moves it on (410 SyncStateNotFound). */
    int deltaEpoch;
    final Semaphore concurrency = new Semaphore(CONCURRENCY_LIMIT);
    /** Requests in the current rate window, and when that window started (epoch millis). */
    int windowRequests;
    long windowStart;

    Mailbox(String id, String userPrincipalName, String displayName, String mail, String tenantId, boolean personal, String timeZone) {
        this.id = id;
        this.userPrincipalName = userPrincipalName;
        this.displayName = displayName;
        this.mail = mail;
        this.tenantId = tenantId;
        this.personal = personal;
        this.timeZone = timeZone;
    }

    /** Ids need to be unique, not secret: a fast random is enough (seeding 50,000 events makes 50,000 of them). */
    static String newKey() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        char[] key = new char[24];
        for (int i = 0; i < key.length; i++) {
            key[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(key);
    }

    Calendar defaultCalendar() {
        return calendars.get(0);
    }

    Calendar calendar(String key) {
        for (Calendar calendar : calendars) {
            if (calendar.key.equals(key)) {
                return calendar;
            }
        }
        return null;
    }

    /** A live (not deleted) stored event by key; an occurrence key finds its exception if there is one. */
    StoredEvent live(String key) {
        StoredEvent event = events.get(key);
        return event == null || event.deleted ? null : event;
    }

    long nextSeq() {
        return ++seq;
    }

    void put(StoredEvent event) {
        events.put(event.key, event);
        calendar(event.calendarId).events.put(event.key, event);
    }

    /** Counts a request against the optional rate limit; true when it is over the limit. */
    synchronized long overRateLimit(int limit, long windowMillis, Instant now) {
        long millis = now.toEpochMilli();
        if (millis - windowStart >= windowMillis) {
            windowStart = millis;
            windowRequests = 0;
        }
        windowRequests++;
        return windowRequests > limit ? Math.max(1, (windowStart + windowMillis - millis + 999) / 1000) : 0;
    }
}
