package io.calbridge.emulator.google;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Sync and page tokens: opaque to clients, cheap here. A sync token is (calendar, epoch, change sequence): its
 * changes are the calendar's change-log tail after that sequence; "expire sync tokens" bumps the epoch. A page
 * token carries the listing's mode, the change sequence at its first page (which becomes the nextSyncToken, so a
 * change made while a client pages is seen by its next incremental sync), and a cursor.
 */
final class Tokens {

    /** Sync tokens use standard Base64 with padding, like Google's ("CPDAlvWDx70CEPDAlvWDx70CGAU="): clients must URL-encode them. */
    private static final Base64.Encoder SYNC = Base64.getEncoder();
    private static final Base64.Encoder PAGE = Base64.getUrlEncoder().withoutPadding();

    record Sync(int calendar, int epoch, long sequence) {
    }

    private Tokens() {
    }

    static String sync(CalendarData calendar, long sequence) {
        return SYNC.encodeToString(("CSync|" + calendar.number + "|" + calendar.epoch + "|" + sequence).getBytes(StandardCharsets.UTF_8));
    }

    /** @throws GoogleApiException 410 fullSyncRequired for an unknown, foreign or expired token, as Google answers */
    static Sync parseSync(String token, CalendarData calendar, long currentSequence) {
        String[] parts = decode(Base64.getDecoder(), token);
        try {
            if (parts != null && parts.length == 4 && parts[0].equals("CSync")) {
                Sync sync = new Sync(Integer.parseInt(parts[1]), Integer.parseInt(parts[2]), Long.parseLong(parts[3]));
                if (sync.calendar() == calendar.number && sync.epoch() == calendar.epoch && sync.sequence() <= currentSequence) {
                    return sync;
                }
            }
        } catch (NumberFormatException e) {
            // falls through to 410 like any other token Google does not know
        }
        throw GoogleApiException.fullSyncRequired();
    }

    static String page(String... fields) {
        return PAGE.encodeToString(("CPage|" + String.join("|", fields)).getBytes(StandardCharsets.UTF_8));
    }

    /** The fields after the marker; 400 for anything that is not one of ours. */
    static String[] parsePage(String token, int expectedFields) {
        String[] parts = decode(Base64.getUrlDecoder(), token);
        if (parts == null || parts.length != expectedFields + 1 || !parts[0].equals("CPage")) {
            throw GoogleApiException.invalid("Invalid page token value.");
        }
        String[] fields = new String[expectedFields];
        System.arraycopy(parts, 1, fields, 0, expectedFields);
        return fields;
    }

    private static String[] decode(Base64.Decoder decoder, String token) {
        try {
            return new String(decoder.decode(token), StandardCharsets.UTF_8).split("\\|", -1);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
