package io.calbridge.emulator.microsoft;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The accounts (by user principal name and by object id), the clock, the base URL and who hears about changes. */
final class Directory {

    /** Told after every change of an event: Graph's change type (created, updated, deleted) and the event's id. */
    interface ChangeListener {
        void changed(Mailbox mailbox, Mailbox.Calendar calendar, String changeType, String eventId);
    }

    final Clock clock;
    volatile String baseUrl;
    private final Map<String, Mailbox> byUpn = new ConcurrentHashMap<>();
    private final Map<String, Mailbox> byId = new ConcurrentHashMap<>();
    volatile ChangeListener listener = (m, c, t, e) -> { };

    Directory(Clock clock) {
        this.clock = clock;
    }

    Instant now() {
        return clock.instant();
    }

    /** A new account with its default calendar ("Calendar"); an existing one is returned as it is. */
    synchronized Mailbox create(String upn, String displayName, boolean personal, String tenantId, String timeZone, boolean withMail, String id) {
        Mailbox existing = byUpn.get(upn.toLowerCase(Locale.ROOT));
        if (existing != null) {
            return existing;
        }
        String tenant = personal ? Mailbox.CONSUMER_TENANT : tenantId;
        String objectId = id != null ? id : personal ? "00000000-0000-0000-" + Json.randomGuid().substring(19) : Json.randomGuid();
        Mailbox mailbox = new Mailbox(objectId, upn, displayName, withMail ? upn : null, tenant, personal, timeZone);
        byUpn.put(upn.toLowerCase(Locale.ROOT), mailbox);
        byId.put(objectId, mailbox);
        return mailbox;
    }

    Mailbox byEmail(String upn) {
        return upn == null ? null : byUpn.get(upn.toLowerCase(Locale.ROOT));
    }

    Mailbox byId(String id) {
        return byId.get(id);
    }

    Mailbox existing(String upn) {
        Mailbox mailbox = byEmail(upn);
        if (mailbox == null) {
            throw new IllegalArgumentException("no account " + upn);
        }
        return mailbox;
    }

    List<Mailbox> all() {
        return new ArrayList<>(byUpn.values());
    }

    synchronized void reset() {
        byUpn.clear();
        byId.clear();
    }
}
