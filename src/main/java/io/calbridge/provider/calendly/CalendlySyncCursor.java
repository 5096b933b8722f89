package io.calbridge.provider.calendly;

import io.calbridge.provider.ProviderException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Calendly has no "changed since" query, so calbridge's sync cursor for it is what it last saw: each scheduled event
 * of the window by URI with its {@code updated_at} and status. The next sync lists the window again and reads the
 * invitees only of events whose entry differs. Kept compressed ({@code c1:} and base64url of deflated lines); an
 * unreadable cursor is {@link ProviderException.CursorExpired} (a full sync).
 */
final class CalendlySyncCursor {

    private static final String VERSION = "c1:";

    private CalendlySyncCursor() {
    }

    /** The entry an event has in the cursor. */
    static String entry(String updatedAt, String status) {
        return updatedAt + " " + status;
    }

    static String encode(Map<String, String> seen) {
        StringBuilder lines = new StringBuilder();
        seen.forEach((uri, entry) -> lines.append(uri).append('\t').append(entry).append('\n'));
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        deflater.setInput(lines.toString().getBytes(StandardCharsets.UTF_8));
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return VERSION + Base64.getUrlEncoder().withoutPadding().encodeToString(out.toByteArray());
    }

    /** The entries of a cursor; none for a full sync (no cursor). */
    static Map<String, String> decode(String cursor) {
        Map<String, String> seen = new LinkedHashMap<>();
        if (cursor == null) {
            return seen;
        }
        if (!cursor.startsWith(VERSION)) {
            throw new ProviderException.CursorExpired("not a Calendly sync cursor of this version", null);
        }
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(Base64.getUrlDecoder().decode(cursor.substring(VERSION.length())));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            while (!inflater.finished()) {
                int inflated = inflater.inflate(buffer);
                if (inflated == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new ProviderException.CursorExpired("a truncated Calendly sync cursor", null);
                }
                out.write(buffer, 0, inflated);
            }
            for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
                int tab = line.indexOf('\t');
                if (tab > 0) {
                    seen.put(line.substring(0, tab), line.substring(tab + 1));
                }
            }
            return seen;
        } catch (IllegalArgumentException | DataFormatException e) {
            throw new ProviderException.CursorExpired("an unreadable Calendly sync cursor", e);
        } finally {
            inflater.end();
        }
    }
}
