package io.calbridge.connection;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The placeholders event title and description templates may use ({@code {{title}}} and so on). */
public final class TemplatePlaceholders {

    /** Documented in README.md; client* placeholders render empty when includeClientDetails is off. */
    public static final Set<String> KNOWN = Set.of("title", "description", "location", "start", "end", "date", "time",
            "timeZone", "duration", "clientName", "clientEmail", "appointmentId");

    static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z]+)\\s*}}");

    private TemplatePlaceholders() {
    }

    /** Placeholders in the template that calbridge does not know. */
    public static List<String> unknownIn(String template) {
        List<String> unknown = new ArrayList<>();
        Matcher matcher = PLACEHOLDER.matcher(template);
        while (matcher.find()) {
            if (!KNOWN.contains(matcher.group(1))) {
                unknown.add(matcher.group(1));
            }
        }
        return unknown;
    }
}
