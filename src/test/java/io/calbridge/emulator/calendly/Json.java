package io.calbridge.emulator.calendly;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** JSON, time and URL helpers. */
final class Json {

    static final JsonMapper MAPPER = JsonMapper.builder().build();

    /** Calendly writes times in UTC with microseconds: 2019-08-24T14:15:22.123456Z. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

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

    static ObjectNode parseObject(byte[] body) {
        if (body.length == 0) {
            return object();
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node instanceof ObjectNode object) {
                return object;
            }
        } catch (JacksonException e) {
            // answered below
        }
        throw CalendlyApiException.invalidArgument("body", "The request body is not a JSON object.");
    }

    static String time(Instant instant) {
        return TIME.format(instant.truncatedTo(ChronoUnit.MICROS));
    }

    /** Parses an ISO-8601 time with an offset; a bad one is a 400 on that parameter. */
    static Instant parseTime(String parameter, String value) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw CalendlyApiException.invalidArgument(parameter, "must be a valid ISO 8601 time");
        }
    }

    static Map<String, String> form(String raw) {
        Map<String, String> form = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return form;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            form.putIfAbsent(decode(name), decode(value));
        }
        return form;
    }

    static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
