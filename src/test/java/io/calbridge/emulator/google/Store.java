package io.calbridge.emulator.google;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Accounts, their calendars and the emulator-wide change sequence. Every change of any event takes the next
 * sequence number; a sync token is (calendar, epoch, sequence), so "changes since the token" is a tail of the
 * calendar's change log.
 */
final class Store {

    static final class Account {
        final String email;
        final ZoneId zone;
        final List<CalendarData> calendars = new CopyOnWriteArrayList<>();

        Account(String email, ZoneId zone) {
            this.email = email;
            this.zone = zone;
        }

        CalendarData primary() {
            return calendars.get(0);
        }
    }

    private static final char[] BASE32HEX = "0123456789abcdefghijklmnopqrstuv".toCharArray();
    private static final SecureRandom SECURE = new SecureRandom();

    final Clock clock;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicInteger calendarNumbers = new AtomicInteger();
    private final ConcurrentHashMap<String, Account> accounts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CalendarData> calendars = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, CalendarData> calendarsByNumber = new ConcurrentHashMap<>();
    volatile String baseUrl = "";
    /** Called after every committed change of a calendar's events (outside its lock): push notifications. */
    volatile Consumer<CalendarData> changeListener = calendar -> { };

    Store(Clock clock) {
        this.clock = clock;
    }

    Account account(String email) {
        return email == null ? null : accounts.get(email.toLowerCase(Locale.ROOT));
    }

    /** The account with its primary calendar (whose id is the e-mail address), created on first use. */
    Account ensureAccount(String email, ZoneId zone) {
        String normalized = email.trim().toLowerCase(Locale.ROOT);
        if (normalized.isEmpty() || !normalized.contains("@")) {
            throw new IllegalArgumentException("an account is an e-mail address: " + email);
        }
        return accounts.computeIfAbsent(normalized, key -> {
            Account account = new Account(key, zone);
            account.calendars.add(newCalendar(account, key, key, true, zone));
            return account;
        });
    }

    CalendarData createCalendar(Account account, String summary, ZoneId zone) {
        String id = randomId(26) + "@group.calendar.google.com";
        CalendarData calendar = newCalendar(account, id, summary, false, zone);
        account.calendars.add(calendar);
        return calendar;
    }

    private CalendarData newCalendar(Account account, String id, String summary, boolean primary, ZoneId zone) {
        if (!EventTime.isZoneName(zone.getId())) {
            throw new IllegalArgumentException("a Google calendar's time zone is an IANA name like UTC, not " + zone.getId());
        }
        int number = calendarNumbers.incrementAndGet();
        String resourceId = Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(20));
        CalendarData calendar = new CalendarData(number, id, account.email, primary, zone, summary,
                CalendarData.Colors.idFor(number, primary), baseUrl, resourceId, now());
        calendars.put(id, calendar);
        calendarsByNumber.put(number, calendar);
        return calendar;
    }

    /** For the control surface: any calendar by id (or an account's e-mail for its primary calendar). */
    CalendarData calendar(String id) {
        CalendarData calendar = calendars.get(id);
        if (calendar == null) {
            calendar = calendars.get(id.toLowerCase(Locale.ROOT));
        }
        if (calendar == null) {
            throw new IllegalArgumentException("no calendar " + id);
        }
        return calendar;
    }

    CalendarData calendarByNumber(int number) {
        return calendarsByNumber.get(number);
    }

    /** An API caller's view: {@code primary} or one of the caller's own calendars; anything else is 404 as at Google. */
    CalendarData resolve(Account account, String calendarId) {
        if ("primary".equals(calendarId)) {
            return account.primary();
        }
        for (CalendarData calendar : account.calendars) {
            if (calendar.id.equalsIgnoreCase(calendarId)) {
                return calendar;
            }
        }
        throw GoogleApiException.notFound();
    }

    long currentSequence() {
        return sequence.get();
    }

    /** Taken under the calendar's write lock, so a reader never sees a gap below the current value. */
    long nextSequence() {
        return sequence.incrementAndGet();
    }

    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** Strictly later than the previous version's, so etag and updated change even within one millisecond. */
    Instant nextUpdated(Instant previous) {
        Instant now = now();
        return previous != null && !now.isAfter(previous) ? previous.plusMillis(1) : now;
    }

    void changed(CalendarData calendar) {
        changeListener.accept(calendar);
    }

    void reset() {
        accounts.clear();
        calendars.clear();
        calendarsByNumber.clear();
    }

    List<Account> accounts() {
        return List.copyOf(accounts.values());
    }

    int calendarNumbers() {
        return calendarNumbers.get();
    }

    // ---- restoring saved state (StateFile), into an empty store -------------------------------------------------

    Account restoreAccount(String email, ZoneId zone) {
        Account account = new Account(email, zone);
        accounts.put(email, account);
        return account;
    }

    CalendarData restoreCalendar(Account account, int number, String id, String summary, boolean primary, ZoneId zone, String colorId,
            String resourceId, Instant updated) {
        CalendarData calendar = new CalendarData(number, id, account.email, primary, zone, summary, colorId, baseUrl, resourceId, updated);
        account.calendars.add(calendar);
        calendars.put(id, calendar);
        calendarsByNumber.put(number, calendar);
        return calendar;
    }

    /** Sync tokens carry calendar numbers and sequence numbers: both continue where they were. */
    void restoreCounters(long lastSequence, int lastCalendarNumber) {
        sequence.accumulateAndGet(lastSequence, Math::max);
        calendarNumbers.accumulateAndGet(lastCalendarNumber, Math::max);
    }

    /** A base32hex id as Google generates them ([a-v0-9]); not a secret, so a fast generator does. */
    static String randomId(int length) {
        char[] chars = new char[length];
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < length; i++) {
            chars[i] = BASE32HEX[random.nextInt(32)];
        }
        return new String(chars);
    }

    /** Unpredictable bytes, for codes and tokens. */
    static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        SECURE.nextBytes(bytes);
        return bytes;
    }

    static String randomToken(int bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(bytes));
    }
}
