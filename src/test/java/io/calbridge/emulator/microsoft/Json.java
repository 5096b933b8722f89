package io.calbridge.emulator.microsoft;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.security.SecureRandom;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** JSON, Graph time formats, URL encoding and random ids shared by the emulator's parts. */
final class Json {

    static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final SecureRandom RANDOM = new SecureRandom();

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

    /** A request body as a JSON object; anything else is Graph's 400 BadRequest. */
    static ObjectNode parseObject(byte[] body) {
        if (body.length == 0) {
            return object();
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node.isObject()) {
                return (ObjectNode) node;
            }
        } catch (JacksonException e) {
            // fall through
        }
        throw GraphException.badRequest("BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.");
    }

    /** The string value of a field, or null when absent, null or not a string. */
    static String text(JsonNode node, String field) {
        if (node == null) {
            return null;
        }
        JsonNode value = node.get(field);
        return value != null && value.isString() ? value.stringValue() : null;
    }

    /** Graph's dateTimeTimeZone.dateTime: local time with seven fractional digits, {@code 2026-12-03T09:00:00.0000000}. */
    static String graphLocal(LocalDateTime time) {
        StringBuilder out = new StringBuilder(27);
        int year = time.getYear();
        out.append(year < 1000 ? String.format("%04d", year) : Integer.toString(year)).append('-');
        two(out, time.getMonthValue()).append('-');
        two(out, time.getDayOfMonth()).append('T');
        two(out, time.getHour()).append(':');
        two(out, time.getMinute()).append(':');
        two(out, time.getSecond()).append('.');
        String fraction = Integer.toString(time.getNano() / 100);
        out.append("0000000", 0, 7 - fraction.length()).append(fraction);
        return out.toString();
    }

    /** Graph's DateTimeOffset values (createdDateTime, ...): UTC with seven fractional digits and a Z. */
    static String timestamp(java.time.Instant instant) {
        return graphLocal(LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), java.time.ZoneOffset.UTC)) + "Z";
    }

    private static StringBuilder two(StringBuilder out, int value) {
        return out.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }

    /** A dateTime without offset (Graph's dateTimeTimeZone), up to seven fractional digits; null if unreadable. */
    static LocalDateTime parseLocal(String value) {
        if (value == null) {
            return null;
        }
        try {
            return LocalDateTime.parse(value);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(value).toLocalDateTime();
            } catch (DateTimeParseException again) {
                return null;
            }
        }
    }

    /** A query-string time such as calendarView's startDateTime: with an offset, or without one meaning UTC. */
    static java.time.Instant parseQueryTime(String value) {
        if (value == null) {
            return null;
        }
        // an unencoded "+01:00" arrives form-decoded as " 01:00"
        value = value.trim().replace(' ', '+');
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            LocalDateTime local = parseLocal(value);
            return local == null ? null : local.toInstant(java.time.ZoneOffset.UTC);
        }
    }

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
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                result.putIfAbsent(name, value);
            } catch (IllegalArgumentException e) {
                // a malformed escape: the pair is ignored, as a lenient server would
            }
        }
        return result;
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Percent-decoding of a path segment ('+' stays '+'). */
    static String decodePathSegment(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        try {
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return segment;
        }
    }

    static String randomToken(int bytes) {
        byte[] raw = new byte[bytes];
        RANDOM.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    static String randomGuid() {
        return java.util.UUID.randomUUID().toString();
    }

    static String base64Url(String value) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value.getBytes(StandardCharsets.UTF_8));
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
