package io.calbridge.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.testing.Api;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.AnsweredRequests;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.ApiTest;
import io.calbridge.testing.Connect;
import io.calbridge.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * A fuzzer driven by calbridge's own OpenAPI document: for every operation it derives requests that are each wrong in
 * one way (a path or query parameter mutated by type, range or encoding; a body field mutated the same ways, or the
 * body as a whole; a header) and sends them byte for byte. None may answer 5xx; every 4xx is problem+json with a
 * status and a code and no stack trace; and the user's data is the same afterwards. The order is shuffled with a fixed
 * seed ({@code -Dfuzz.seed=} replays another order).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiFuzzTest extends ApiTest {

    private static final long SEED = Long.getLong("fuzz.seed", 20261201L);
    private static final String APPOINTMENT_ID = "fuzz-base";
    /** Marks where a mutated value goes in a body; replaced by the mutation's raw JSON text. */
    private static final String HOLE = "\u2603hole\u2603";

    /** Values for path segments and query parameters, already percent-encoded: each is wrong for every parameter here. */
    private static final List<String> ENCODED = List.of("%00", "a%00b", "%01", "%1B", "%7F", "%C2%85", "%09", "%0A", "%0D%0A",
            "%FF%FE", "%ED%A0%80", "%ED%BF%BF", "%C0%80", "%C0%AF", "%E0%80%AF", "%F8%88%80%80%80", "%zz", "%", "%4",
            "%F0%9F%98", "%F0%9F%98%80", "x".repeat(5000));
    private static final List<String> PATH_ONLY = List.of("%2F", "%5C", "%2E%2E", "a;x=y", "%25", "%7B%7D", "%22%22", "a%20b",
            "x".repeat(300));
    private static final List<String> QUERY_BY_TYPE = List.of("", "abc", "1.5", "0x10", "%2310", "-1", "0", "99999999999999999999",
            "1e3", "%2010", "10%20", "true", "null", "%5B%5D");
    private static final List<String> QUERY_BY_RANGE = List.of("%2B999999999-01-01T00:00:00Z", "-999999999-01-01T00:00:00Z",
            "0000-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2027-02-30T00:00:00Z", "2027-01-01T00:00:00",
            "2027-01-01", "1797000000");
    /** Whole query strings appended to any operation: a parameter whose name itself is wrong. */
    private static final List<String> BAD_NAMES = List.of("%00=1", "=1", "%zz=1", "%FF=1", "%C0%80=1", "a%01b=1", "%ED%A0%80=1",
            "a=%FF", "a=%zz", "a=%00");

    /** JSON text for a string-typed value: control characters, surrogates out of pairs, overlong text. */
    private static final List<String> JSON_STRINGS = List.of("\"a\\u0000b\"", "\"\\u0000\"", "\"\\u0001\"", "\"\\u001b[0m\"",
            "\"\\u007f\"", "\"\\u0085\"", "\"\\ud800\"", "\"\\udfff\"", "\"x\\ud83d\"", "\"\\ud83d\\ude00\\u0000\"",
            "\"" + "x".repeat(10_000) + "\"");
    private static final List<String> JSON_TIMES = List.of("1797000000", "1.797E9", "-1", "\"0001-01-01T00:00:00Z\"",
            "\"9999-12-31T23:59:59Z\"", "\"+999999999-12-31T23:59:59Z\"", "\"-999999999-01-01T00:00:00Z\"",
            "\"2027-02-30T10:00:00Z\"", "\"2027-01-01T25:00:00Z\"", "\"2027-01-01T10:00:00\"", "\"2027-01-01\"", "\"soon\"");
    private static final List<String> JSON_INTEGERS = List.of("-1", "-2147483649", "2147483648", "99999999999999999999", "1.5",
            "0.5", "1e400", "\"5\"", "true", "{}", "[]", "\"x\"");
    private static final List<String> NOT_TEXT = List.of("5", "1.5", "true", "{}", "[]");
    private static final List<String> NOT_BOOLEAN = List.of("\"true\"", "1", "0", "\"yes\"", "{}", "[]");
    private static final List<String> NOT_ARRAY = List.of("\"x\"", "5", "{}", "true", "[null]", "[5]", "[[]]", "[{}]",
            "[\"\\u0000\"]", "[\"" + "x".repeat(10_000) + "\"]");
    private static final List<String> NOT_OBJECT = List.of("\"x\"", "5", "[]", "true");

    private static final List<String> BAD_CONTENT_TYPES = List.of("*/*", "application/*", ";;;", "text/plain",
            "application/json; charset=bogus", "application/x-www-form-urlencoded",
            "application/xml", "multipart/form-data");

    record Mutant(String operation, String mutation, String method, String target, Map<String, String> headers, byte[] body) {
        @Override
        public String toString() {
            String shown = target.length() > 120 ? target.substring(0, 120) + "..." : target;
            return operation + " [" + mutation + "] " + method + " " + shown;
        }
    }

    private final Connect connect = new Connect(api);
    private RawHttp raw;
    private UserRows rows;
    private String user;
    private UUID connection;
    private OffsetDateTime start;
    private JsonNode doc;
    private ObjectNode currentSettings;

    @BeforeAll
    void userWithAConnectionAnAppointmentAndSettings() {
        raw = new RawHttp("localhost", Integer.parseInt(BASE_URL.substring(BASE_URL.lastIndexOf(':') + 1)));
        rows = new UserRows(jdbc);
        user = uniqueUser();
        connection = connect.connectMock(user, "acct-" + UUID.randomUUID(), "fuzz@example.com");
        start = OffsetDateTime.now(ZoneOffset.UTC).plusDays(2).truncatedTo(ChronoUnit.HOURS);
        Response put = api.send("PUT", "/api/v1/appointments/" + APPOINTMENT_ID, Caller.service(user),
                appointmentBase().toString(), "application/json");
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        Response settings = api.get("/api/v1/connections/" + connection, Caller.service(user));
        currentSettings = (ObjectNode) settings.json().path("settings");
        doc = api.get("/v3/api-docs", Caller.anonymous()).json();
    }

    @Test
    void noMutatedRequestToAnyOperationAnswers5xxOrChangesTheUsersData() {
        List<Mutant> mutants = generate();
        Collections.shuffle(mutants, new Random(SEED));
        long operations = mutants.stream().map(Mutant::operation).distinct().count();
        assertThat(operations).as("every operation of the OpenAPI document is fuzzed").isEqualTo(operationCount());
        assertThat(mutants.size()).isGreaterThanOrEqualTo(1500);
        String before = rows.snapshot(user);
        long othersBefore = othersRows();

        List<String> failures = new ArrayList<>();
        Map<Integer, Integer> byStatus = new java.util.TreeMap<>();
        List<String> accepted = new ArrayList<>();
        long started = System.nanoTime();
        for (Mutant mutant : mutants) {
            Response response = raw.send(mutant.method(), mutant.target(), mutant.headers(), mutant.body());
            byStatus.merge(response.status(), 1, Integer::sum);
            // OpenApiDocumentTest, which runs last, finds every status and code answered here in the document
            int query = mutant.target().indexOf('?');
            AnsweredRequests.record(mutant.method(), query < 0 ? mutant.target() : mutant.target().substring(0, query), response);
            String problem = problemWith(response);
            if (problem != null) {
                failures.add(mutant + " -> " + problem);
            }
            if (response.status() < 300) {
                accepted.add(mutant + " -> " + response.status());
            }
        }
        long fivexx = byStatus.entrySet().stream().filter(e -> e.getKey() >= 500).mapToLong(Map.Entry::getValue).sum();
        System.out.printf("OpenApiFuzzTest: seed %d, %d operations, %d generated bad requests in %d s, %d answered 5xx; by status %s%n",
                SEED, operations, mutants.size(), (System.nanoTime() - started) / 1_000_000_000, fivexx, byStatus);
        accepted.stream().limit(20).forEach(a -> System.out.println("  accepted (harmless, checked by the snapshot): " + a));

        assertThat(failures).as("requests answered wrongly (" + failures.size() + ")").isEmpty();
        assertThat(rows.snapshot(user)).as("the user's data is unchanged").isEqualTo(before);
        assertThat(othersRows()).as("no other user got rows").isEqualTo(othersBefore);
        assertThat(accepted.stream().filter(a -> !a.contains("] GET ") && !a.contains("] POST /api/v1/availability")))
                .as("no mutated request that changes data was carried out").isEmpty();
    }

    /** What is wrong with the answer to a bad request, or null when it is a proper refusal. */
    private static String problemWith(Response response) {
        if (response.status() >= 500) {
            return "answered " + response.status() + ": " + abbreviated(response.body());
        }
        if (response.body().contains("Exception") || response.body().contains("at io.") || response.body().contains("\tat ")) {
            return "stack trace in the body: " + abbreviated(response.body());
        }
        if (response.status() >= 400) {
            String type = response.contentType();
            if (type == null || !type.startsWith("application/problem+json")) {
                return response.status() + " with Content-Type " + type;
            }
            try {
                JsonNode problem = Api.JSON.readTree(response.body());
                if (problem.path("status").asInt() != response.status() || problem.path("code").asString("").isBlank()) {
                    return response.status() + " problem without matching status or code: " + abbreviated(response.body());
                }
            } catch (RuntimeException e) {
                return response.status() + " problem body is not JSON: " + abbreviated(response.body());
            }
        }
        return null;
    }

    private static String abbreviated(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    private long operationCount() {
        long count = 0;
        for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
            count += path.getValue().propertyNames().size();
        }
        return count;
    }

    private long othersRows() {
        return jdbc.sql("SELECT (SELECT count(*) FROM appointments WHERE user_id <> :u) + (SELECT count(*) FROM connections WHERE user_id <> :u)")
                .param("u", user).query(Long.class).single();
    }

    // ---------------------------------------------------------------- generation

    private List<Mutant> generate() {
        List<Mutant> mutants = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                mutants.addAll(mutate(path.getKey(), operation.getKey().toUpperCase(), operation.getValue()));
            }
        }
        return mutants;
    }

    private List<Mutant> mutate(String template, String method, JsonNode operation) {
        String name = method + " " + template;
        boolean isPublic = template.startsWith("/oauth/") || template.startsWith("/webhooks/");
        Map<String, String> caller = isPublic ? Map.of() : Caller.service(user).headers();
        Map<String, String> pathValues = new LinkedHashMap<>();
        List<JsonNode> query = new ArrayList<>();
        Map<String, String> headerParams = new LinkedHashMap<>();
        for (JsonNode parameter : operation.path("parameters")) {
            String in = parameter.path("in").asString();
            String parameterName = parameter.path("name").asString();
            switch (in) {
                case "path" -> pathValues.put(parameterName, basePathValue(template, parameterName));
                case "query" -> query.add(parameter);
                case "header" -> headerParams.put(parameterName, "x");
                default -> throw new IllegalStateException("parameter in " + in);
            }
        }
        JsonNode bodySchema = resolve(operation.path("requestBody").path("content").path("application/json").path("schema"));
        String baseBody = bodySchema.isMissingNode() ? null : baseBody(template, bodySchema).toString();

        List<Mutant> out = new ArrayList<>();
        Function<Map<String, String>, String> path = values -> {
            String target = template;
            for (Map.Entry<String, String> value : values.entrySet()) {
                target = target.replace("{" + value.getKey() + "}", value.getValue());
            }
            return target;
        };
        Map<String, String> baseHeaders = new LinkedHashMap<>(caller);
        baseHeaders.putAll(headerParams);
        if (baseBody != null) {
            baseHeaders.put("Content-Type", "application/json");
        }
        byte[] baseBytes = baseBody == null ? null : baseBody.getBytes(StandardCharsets.UTF_8);

        // path parameters, by encoding and by what a path segment can hold
        for (String parameter : pathValues.keySet()) {
            for (String value : concat(ENCODED, PATH_ONLY)) {
                Map<String, String> values = new LinkedHashMap<>(pathValues);
                values.put(parameter, value);
                out.add(new Mutant(name, "path " + parameter, method, path.apply(values), baseHeaders, baseBytes));
            }
        }
        String basePath = path.apply(pathValues);
        // query parameters, by type, range and encoding
        for (JsonNode parameter : query) {
            String parameterName = parameter.path("name").asString();
            for (String value : concat(concat(QUERY_BY_TYPE, QUERY_BY_RANGE), ENCODED)) {
                if (value.isEmpty() && parameter.path("schema").has("default")) {
                    continue; // "limit=" means the default: not a mistake
                }
                out.add(new Mutant(name, "query " + parameterName, method, basePath + "?" + parameterName + "=" + value, baseHeaders,
                        baseBytes));
            }
        }
        for (String bad : BAD_NAMES) {
            out.add(new Mutant(name, "query name", method, basePath + "?" + bad, baseHeaders, baseBytes));
        }
        // header parameters the operation declares
        for (String header : headerParams.keySet()) {
            for (String value : List.of(RawHttp.utf8Bytes("ÄÖ"), "\u0085", "a\u007fb", "x\u0001", "x".repeat(10_000))) {
                Map<String, String> headers = new LinkedHashMap<>(baseHeaders);
                headers.put(header, value);
                out.add(new Mutant(name, "header " + header, method, basePath, headers, baseBytes));
            }
        }
        // the caller's headers
        List<Map.Entry<String, String>> headerMutations = List.of(Map.entry("X-User-Id", RawHttp.utf8Bytes("ÄÖÜ")),
                Map.entry("X-User-Id", "\u0085x"), Map.entry("X-User-Id", "a\u007fb"), Map.entry("X-User-Id", "u\u0001"),
                Map.entry("X-API-Key", TestKeys.API_KEY + "\u0001"), Map.entry("X-API-Key", TestKeys.API_KEY + "\u0085"),
                Map.entry("Accept", ";;;"), Map.entry("Accept", "application/json;q=x"), Map.entry("X-Request-Id", "r\u0001"));
        for (Map.Entry<String, String> mutation : headerMutations) {
            Map<String, String> headers = new LinkedHashMap<>(baseHeaders);
            if (isPublic && mutation.getKey().startsWith("X-")) {
                headers.put("X-API-Key", TestKeys.API_KEY); // a public endpoint called by a service: the header is still read
            }
            headers.put(mutation.getKey(), mutation.getValue());
            out.add(new Mutant(name, "header " + mutation.getKey(), method, basePath, headers, baseBytes));
        }
        if (!isPublic) {
            Map<String, String> anonymous = new LinkedHashMap<>(baseHeaders);
            anonymous.remove("X-API-Key");
            out.add(new Mutant(name, "no credentials", method, basePath, anonymous, baseBytes));
        }
        if (baseBody != null) {
            for (String type : BAD_CONTENT_TYPES) {
                Map<String, String> headers = new LinkedHashMap<>(baseHeaders);
                headers.put("Content-Type", type);
                out.add(new Mutant(name, "content type " + type, method, basePath, headers, baseBytes));
            }
            Map<String, String> form = new LinkedHashMap<>(baseHeaders);
            form.put("Content-Type", "application/x-www-form-urlencoded");
            for (String body : List.of("a=%zz", "a=%FF%FE", "%00=1", "=1&a=%C0%80")) {
                out.add(new Mutant(name, "form body " + body, method, basePath, form, body.getBytes(StandardCharsets.US_ASCII)));
            }
            Map<String, String> untyped = new LinkedHashMap<>(baseHeaders);
            untyped.remove("Content-Type");
            out.add(new Mutant(name, "body without content type", method, basePath, untyped, baseBytes));
            boolean bodyRequired = operation.path("requestBody").path("required").asBoolean(false);
            for (Map.Entry<String, byte[]> body : wholeBodyMutations(baseBody, bodyRequired).entrySet()) {
                out.add(new Mutant(name, "body " + body.getKey(), method, basePath, baseHeaders, body.getValue()));
            }
            ObjectNode base = (ObjectNode) Api.JSON.readTree(baseBody);
            for (Map.Entry<String, String> field : fieldMutations(base, bodySchema).entrySet()) {
                out.add(new Mutant(name, "field " + field.getKey(), method, basePath, baseHeaders,
                        field.getValue().getBytes(StandardCharsets.UTF_8)));
            }
        }
        return out;
    }

    private String basePathValue(String template, String parameter) {
        return switch (parameter) {
            case "appointmentId" -> APPOINTMENT_ID;
            case "provider" -> "mockcal";
            case "id" -> template.contains("/connections/") ? connection.toString() : UUID.randomUUID().toString();
            default -> "x";
        };
    }

    /** A valid body: what the user has already (so a mutation that is accidentally valid changes nothing) or the schema's examples. */
    private ObjectNode baseBody(String template, JsonNode schema) {
        if (template.startsWith("/api/v1/appointments/")) {
            return appointmentBase();
        }
        if (template.equals("/api/v1/connections/{id}")) {
            ObjectNode settings = Api.JSON.createObjectNode();
            for (String property : schema.path("properties").propertyNames()) {
                JsonNode value = currentSettings.path(property);
                if (!value.isMissingNode() && !value.isNull()) {
                    settings.set(property, value);
                }
            }
            return settings;
        }
        ObjectNode body = Api.JSON.createObjectNode();
        for (JsonNode required : schema.path("required")) {
            JsonNode property = schema.path("properties").path(required.asString());
            body.set(required.asString(), property.has("example") ? property.get("example") : StringNode.valueOf("x"));
        }
        return body;
    }

    private ObjectNode appointmentBase() {
        ObjectNode body = Api.JSON.createObjectNode();
        body.put("title", "Fuzz base");
        body.put("start", start.toString());
        body.put("end", start.plusHours(1).toString());
        return body;
    }

    /** Every property of the schema (present in the base or not) set, one at a time, to values wrong for its type. */
    private Map<String, String> fieldMutations(ObjectNode base, JsonNode schema) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        schema.path("required").forEach(r -> required.add(r.asString()));
        for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
            String field = property.getKey();
            ObjectNode holed = base.deepCopy();
            holed.put(field, HOLE);
            String template = holed.toString();
            List<String> values = new ArrayList<>(valuesFor(resolve(property.getValue())));
            if (required.contains(field)) {
                values.add("null");
                ObjectNode without = base.deepCopy();
                without.remove(field);
                out.put(field + " missing", without.toString());
            }
            int i = 0;
            for (String value : values) {
                out.put(field + " #" + i++ + " " + abbreviated(value, 40), fill(template, value));
            }
            for (Map.Entry<String, String> nested : nestedMutations(resolve(property.getValue())).entrySet()) {
                out.put(field + nested.getKey(), fill(template, nested.getValue()));
            }
        }
        return out;
    }

    private static List<String> valuesFor(JsonNode schema) {
        String type = schema.path("type").asString("object");
        return switch (type) {
            case "string" -> {
                List<String> values = new ArrayList<>(concat(JSON_STRINGS, NOT_TEXT));
                if (schema.path("format").asString("").equals("date-time")) {
                    values.addAll(JSON_TIMES);
                }
                if (schema.has("enum")) {
                    String first = schema.path("enum").get(0).asString();
                    values.addAll(List.of("\"bogus\"", "\"\"", "\"" + first + "\\u0000\"", "\"" + first + " \"", "\" " + first + "\"",
                            "\"" + first.toLowerCase(java.util.Locale.ROOT) + "\"", "0", "1"));
                }
                yield values;
            }
            case "integer", "number" -> JSON_INTEGERS;
            case "boolean" -> NOT_BOOLEAN;
            case "array" -> NOT_ARRAY;
            default -> NOT_OBJECT;
        };
    }

    /** Inside arrays of objects and maps: each nested property wrong in turn, and keys that are wrong. */
    private Map<String, String> nestedMutations(JsonNode schema) {
        Map<String, String> out = new LinkedHashMap<>();
        if (schema.path("type").asString("").equals("array") && resolve(schema.path("items")).has("properties")) {
            JsonNode item = resolve(schema.path("items"));
            ObjectNode element = nestedBase(item);
            for (Map.Entry<String, String> mutation : fieldMutations(element, item).entrySet()) {
                out.put("[0]." + mutation.getKey(), "[" + mutation.getValue() + "]");
            }
        }
        if (schema.has("additionalProperties")) {
            for (String key : JSON_STRINGS) {
                out.put(" key " + abbreviated(key, 30), "{" + key + ": []}");
            }
            JsonNode values = schema.path("additionalProperties");
            for (String value : concat(valuesFor(resolve(values)), List.of("null"))) {
                out.put(" value " + abbreviated(value, 30), "{\"MONDAY\": " + value + "}");
            }
            for (Map.Entry<String, String> nested : nestedMutations(resolve(values)).entrySet()) {
                out.put(" value" + nested.getKey(), "{\"MONDAY\": " + nested.getValue() + "}");
            }
        }
        return out;
    }

    private ObjectNode nestedBase(JsonNode schema) {
        ObjectNode element = Api.JSON.createObjectNode();
        for (JsonNode required : schema.path("required")) {
            JsonNode property = schema.path("properties").path(required.asString());
            String value = property.has("example") ? property.get("example").asString()
                    : property.path("format").asString("").equals("email") ? "fuzz@example.com" : "x";
            element.put(required.asString(), value);
        }
        return element;
    }

    /** The body as a whole: not JSON, not an object, not UTF-8, too deep, with an unknown field. */
    private static Map<String, byte[]> wholeBodyMutations(String base, boolean required) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        Function<String, byte[]> utf8 = text -> text.getBytes(StandardCharsets.UTF_8);
        if (required) { // an optional body may be left out: empty or JSON null is no mistake then
            out.put("empty", new byte[0]);
            out.put("null", utf8.apply("null"));
        }
        out.put("truncated", utf8.apply(base.substring(0, base.length() - 1)));
        out.put("half", utf8.apply(base.substring(0, base.length() / 2)));
        for (String text : List.of("{", "}", "[]", "\"x\"", "1", "true", "{\"a\":1}{", "{'a':1}", "{a:1}", "{\"a\":1,}")) {
            out.put(text, utf8.apply(text));
        }
        out.put("unknown field", utf8.apply(base.substring(0, base.length() - 1) + (base.length() > 2 ? "," : "") + "\"bogus\":1}"));
        out.put("nested 5000 deep", utf8.apply("{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}"));
        out.put("number of 2000 digits", utf8.apply("{\"a\":" + "9".repeat(2000) + "}"));
        for (byte[] bad : List.of(new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xC0, (byte) 0x80},
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xF0, (byte) 0x9F}, new byte[] {0})) {
            byte[] start = utf8.apply("{\"bad\":\"");
            byte[] end = utf8.apply("\"}");
            byte[] body = new byte[start.length + bad.length + end.length];
            System.arraycopy(start, 0, body, 0, start.length);
            System.arraycopy(bad, 0, body, start.length, bad.length);
            System.arraycopy(end, 0, body, start.length + bad.length, end.length);
            out.put("raw bytes " + java.util.HexFormat.of().formatHex(bad), body);
        }
        return out;
    }

    private JsonNode resolve(JsonNode schema) {
        String ref = schema.path("$ref").asString("");
        if (ref.isEmpty()) {
            return schema;
        }
        return doc.path("components").path("schemas").path(ref.substring(ref.lastIndexOf('/') + 1));
    }

    private static String fill(String template, String value) {
        return template.replace("\"" + HOLE + "\"", value);
    }

    private static String abbreviated(String text, int length) {
        return text.length() > length ? text.substring(0, length) + "..." : text;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
