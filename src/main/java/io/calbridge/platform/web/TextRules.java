package io.calbridge.platform.web;

/**
 * Which characters calbridge accepts in text it stores or looks up. PostgreSQL cannot store U+0000 at all, and no
 * calendar shows control characters: a title with them is a caller's bug, refused rather than stored.
 */
public final class TextRules {

    private TextRules() {
    }

    /**
     * The index of the first character text fields may not hold: a control character (C0 other than tab, line feed and
     * carriage return, DEL, C1) or half of a surrogate pair; -1 when there is none.
     */
    public static int firstForbidden(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++; // a whole pair: a character beyond the BMP, such as an emoji
            } else if (Character.isSurrogate(c) || (Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r')) {
                return i;
            }
        }
        return -1;
    }

    /** Like {@link #firstForbidden} but for one-line values (query parameters, ids): tab and line breaks are refused too. */
    public static int firstForbiddenInLine(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\t' || c == '\n' || c == '\r') {
                return i;
            }
        }
        return firstForbidden(text);
    }

    /** {@code U+0000}-style name of the character at {@code index}, for a problem's detail. */
    public static String describe(String text, int index) {
        return String.format("U+%04X", (int) text.charAt(index));
    }
}
