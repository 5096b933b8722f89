package io.calbridge.emulator.google;

import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** JSON, time-format and URL-encoding helpers shared by the emulator's parts. */
final class Json {

    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private static final DateTimeFormatter DATE_TIME_LOCAL = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    static byte[] bytes(JsonNode node) {
        return MAPPER.writeValueAsBytes(node);
    }

    /** Parses a request body; a malformed one is the caller's mistake, as Google's {@code parseError}. */
    static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            return object();
        }
        try {
            return MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw GoogleApiException.badRequest("parseError", "Parse Error");
        }
    }

    static ObjectNode parseObject(byte[] body) {
        JsonNode node = parse(body);
        if (!node.isObject()) {
            throw GoogleApiException.badRequest("parseError", "Parse Error");
        }
        return (ObjectNode) node;
    }

    /** The string value of a field, or null when it is absent, null or not a string. */
    static String text(JsonNode node, String field) {
        if (node == null) {
            return null;
        }
        JsonNode value = node.get(field);
        return value != null && value.isString() ? value.stringValue() : null;
    }

    /** {@code 2026-03-02T09:00:00+01:00} ("Z" for UTC). Hand-rolled: a 50,000-event page run formats 200,000 of these. */
    static String dateTime(Instant instant, ZoneId zone) {
        ZoneOffset offset = zone.getRules().getOffset(instant);
        StringBuilder out = new StringBuilder(25);
        appendLocal(out, LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, offset));
        return out.append(offset.getId()).toString();
    }

    /** {@code 2026-03-02T08:00:00.000Z}: created/updated carry milliseconds and are always UTC. */
    static String timestamp(Instant instant) {
        StringBuilder out = new StringBuilder(24);
        appendLocal(out, LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC));
        int millis = instant.getNano() / 1_000_000;
        out.append('.').append((char) ('0' + millis / 100)).append((char) ('0' + millis / 10 % 10)).append((char) ('0' + millis % 10));
        return out.append('Z').toString();
    }

    private static void appendLocal(StringBuilder out, LocalDateTime time) {
        int year = time.getYear();
        if (year < 1000 || year > 9999) {
            out.append(DATE_TIME_LOCAL.format(time));
            return;
        }
        out.append(year).append('-');
        two(out, time.getMonthValue()).append('-');
        two(out, time.getDayOfMonth()).append('T');
        two(out, time.getHour()).append(':');
        two(out, time.getMinute()).append(':');
        two(out, time.getSecond());
    }

    private static StringBuilder two(StringBuilder out, int value) {
        return out.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }

    /** RFC 3339 with a mandatory offset (fractional seconds allowed), as Google's query parameters require. */
    static Instant parseRfc3339(String value) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static LocalDate parseDate(String value) {
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** application/x-www-form-urlencoded (query strings and form bodies); the first value of a name wins. */
    static Map<String, String> form(String encoded) {
        Map<String, String> result = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return result;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            result.putIfAbsent(name, value);
        }
        return result;
    }

    /** Percent-decoding of one path segment: unlike form decoding, '+' stays '+' (it is legal in e-mail addresses). */
    static String decodePathSegment(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%' && i + 2 < segment.length()) {
                int hi = Character.digit(segment.charAt(i + 1), 16);
                int lo = Character.digit(segment.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    out.write(hi * 16 + lo);
                    i += 2;
                    continue;
                }
            }
            byte[] raw = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
            out.write(raw, 0, raw.length);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static String encodeQueryValue(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String escapeHtml(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
