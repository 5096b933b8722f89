package io.calbridge.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.testing.AnsweredRequests;
import io.calbridge.testing.AnsweredRequests.Answered;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.ApiTest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI document against the running API: what it promises (title, schemes, X-User-Id, problem+json errors
 * with their codes, examples) and that it is complete. The class runs last of the suite (junit-platform.properties
 * orders classes by {@code @Order}), so its last test sees every answer the suite's requests got (recorded by
 * {@code Api}) and finds each status, and each problem code, documented for its operation.
 */
@Order(Integer.MAX_VALUE)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenApiDocumentTest extends ApiTest {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    private RequestMappingHandlerMapping handlerMappings;

    private JsonNode document;

    @BeforeEach
    void readTheDocument() {
        Response docs = api.get("/v3/api-docs", Caller.anonymous());
        assertThat(docs.status()).as(docs.toString()).isEqualTo(200);
        document = docs.json();
    }

    @Test
    @Order(1)
    void describesCalbridgeWithItsTwoSchemesAndTheUserHeader() {
        assertThat(document.path("info").path("title").asText()).isEqualTo("calbridge API");
        assertThat(document.path("info").path("version").asText()).isEqualTo("v1");
        assertThat(document.path("info").path("description").asText()).contains("X-API-Key", "X-User-Id", "problem+json");
        JsonNode schemes = document.path("components").path("securitySchemes");
        assertThat(schemes.path("apiKey").path("type").asText()).isEqualTo("apiKey");
        assertThat(schemes.path("apiKey").path("in").asText()).isEqualTo("header");
        assertThat(schemes.path("apiKey").path("name").asText()).isEqualTo("X-API-Key");
        assertThat(schemes.path("bearerJwt").path("type").asText()).isEqualTo("http");
        assertThat(schemes.path("bearerJwt").path("scheme").asText()).isEqualTo("bearer");
        assertThat(schemes.path("bearerJwt").path("bearerFormat").asText()).isEqualTo("JWT");
        assertThat(document.path("security").valueStream().flatMap(r -> r.propertyNames().stream()))
                .containsExactlyInAnyOrder("apiKey", "bearerJwt");
        assertThat(document.path("paths").has("/error")).as("the container's error page is no operation").isFalse();

        for (Op op : operations()) {
            boolean isPublic = op.path().startsWith("/oauth/") || op.path().startsWith("/webhooks/");
            boolean admin = op.path().startsWith("/api/v1/admin/") || op.path().startsWith("/api/v1/webhook-endpoints");
            boolean userHeader = op.node().path("parameters").valueStream()
                    .anyMatch(p -> "header".equals(p.path("in").asText()) && "X-User-Id".equals(p.path("name").asText()));
            assertThat(userHeader).as(op + " documents X-User-Id").isEqualTo(!isPublic && !admin);
            if (isPublic) {
                assertThat(op.node().path("security").isArray() && op.node().path("security").isEmpty()).as(op + " is public").isTrue();
            } else {
                assertThat(op.statuses()).as(op + " without credentials").contains("401");
            }
            op.node().path("responses").properties().forEach(response -> {
                int status = Integer.parseInt(response.getKey());
                JsonNode content = response.getValue().path("content");
                if (status >= 400) {
                    JsonNode problem = content.path("application/problem+json");
                    assertThat(problem.path("schema").path("$ref").asText()).as(op + " " + status).isEqualTo("#/components/schemas/Problem");
                    assertThat(problem.path("examples").size()).as(op + " " + status + " names its codes").isPositive();
                    assertThat(content.has("*/*")).as(op + " " + status).isFalse();
                } else if (status == 204 || status == 302) {
                    assertThat(content.isMissingNode()).as(op + " " + status + " has no body").isTrue();
                } else if (!content.isMissingNode()) {
                    assertThat(content.propertyNames()).as(op + " " + status + " is JSON").containsExactly("application/json");
                    assertThat(content.path("application/json").has("schema")).as(op + " " + status).isTrue();
                }
            });
        }
        JsonNode problem = document.path("components").path("schemas").path("Problem").path("properties");
        assertThat(problem.propertyNames()).contains("type", "title", "status", "detail", "instance", "code", "correlationId", "errors");
    }

    @Test
    @Order(2)
    void theMainOperationsCarryRequestAndResponseExamples() {
        assertThat(requestExample("post", "/api/v1/connections/{provider}/authorize").path("returnUrl").asText()).startsWith("https://");
        assertThat(requestExample("put", "/api/v1/appointments/{appointmentId}").path("title").asText()).isNotBlank();
        assertThat(requestExample("post", "/api/v1/availability").path("durationMinutes").asInt()).isEqualTo(30);
        assertThat(requestExample("post", "/api/v1/availability/conflicts").has("start")).isTrue();
        assertThat(responseExample("post", "/api/v1/connections/{provider}/authorize").has("authorizationUrl")).isTrue();
        assertThat(responseExample("put", "/api/v1/appointments/{appointmentId}").path("destinations").size()).isPositive();
        assertThat(responseExample("get", "/api/v1/appointments/{appointmentId}").has("version")).isTrue();
        assertThat(responseExample("post", "/api/v1/availability").path("slots").size()).isPositive();
        assertThat(responseExample("post", "/api/v1/availability/conflicts").path("alternatives").size()).isPositive();
        assertThat(responseExample("get", "/api/v1/events").size()).isPositive();
        // and a request body still has its schema beside the example
        assertThat(op("put", "/api/v1/appointments/{appointmentId}").node().path("requestBody").path("content")
                .path("application/json").path("schema").path("$ref").asText()).isNotBlank();
    }

    /** Every documented operation is one the running API serves, and every operation it serves is documented. */
    @Test
    @Order(3)
    void theDocumentListsExactlyTheOperationsTheApiServes() {
        Set<String> served = new TreeSet<>();
        handlerMappings.getHandlerMethods().forEach((info, method) -> {
            if (!method.getBeanType().getPackageName().startsWith("io.calbridge") || method.getBeanType().getSimpleName().equals("ProblemErrorController")) {
                return;
            }
            for (String pattern : info.getPatternValues()) {
                info.getMethodsCondition().getMethods().forEach(m -> served.add(m.name().toLowerCase(Locale.ROOT) + " " + pattern));
            }
        });
        Set<String> documented = operations().stream().map(op -> op.method() + " " + op.path()).collect(Collectors.toCollection(TreeSet::new));

        assertThat(documented).isEqualTo(served);
    }

    /**
     * Each operation, on unknown ids, called without credentials, with a service's key, asking for HTML, and (taking a
     * body) with a text body and with one too large: every answer is one it documents.
     */
    @Test
    @Order(4)
    void everyOperationAnswersADocumentedStatusToGoodAndBadCalls() {
        String user = uniqueUser();
        Set<Integer> seen = new TreeSet<>();
        for (Op op : operations()) {
            String method = op.method().toUpperCase(Locale.ROOT);
            String path = op.path().replaceAll("\\{provider}", "google").replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
            boolean takesBody = op.node().has("requestBody");
            String body = takesBody ? "{}" : null;
            String json = takesBody ? "application/json" : null;
            List<Response> answers = new ArrayList<>();
            answers.add(api.send(method, path, Caller.anonymous(), body, json));
            Response service = api.send(method, path, Caller.service(user), body, json);
            answers.add(service);
            answers.add(api.send(method, path, Caller.service(user).with("Accept", "text/html"), body, json));
            if (takesBody) {
                answers.add(api.send(method, path, Caller.service(user), "hello", "text/plain"));
                answers.add(api.send(method, path, Caller.service(user), "{\"title\": \"" + "x".repeat(70_000) + "\"}", json));
            }

            assertThat(service.status()).as(op + " is served (that it exists at all: the test before)").isNotIn(405, 500);
            for (Response answer : answers) {
                assertThat(op.statuses()).as(op + ": " + answer).contains(Integer.toString(answer.status()));
                seen.add(answer.status());
            }
        }
        assertThat(seen).as("the statuses every operation documents are real").contains(401, 406, 413, 415);
    }

    @Test
    @Order(5)
    void swaggerUiLoadsAndTheApiKeySchemeItShowsIsAccepted() {
        Response page = api.get("/swagger-ui/index.html", Caller.anonymous());
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.body()).contains("swagger-ui");
        Response entry = api.get("/swagger-ui.html", Caller.anonymous());
        assertThat(entry.status()).isEqualTo(302);
        assertThat(entry.header("Location")).endsWith("/swagger-ui/index.html");
        JsonNode config = api.get("/v3/api-docs/swagger-config", Caller.anonymous()).json();
        assertThat(config.path("url").asText()).isEqualTo("/v3/api-docs");
        assertThat(config.path("persistAuthorization").asBoolean()).isTrue();

        // what "Authorize" + "Try it out" sends: the scheme's header with the key, and the documented X-User-Id
        JsonNode scheme = document.path("components").path("securitySchemes").path("apiKey");
        Caller tryItOut = new Caller(Map.of(scheme.path("name").asText(), io.calbridge.testing.TestKeys.API_KEY, "X-User-Id", uniqueUser()));
        Response providers = api.get("/api/v1/providers", tryItOut);
        assertThat(providers.status()).as(providers.toString()).isEqualTo(200);
        assertThat(providers.json().valueStream().map(p -> p.path("id").asText())).contains("google");
        assertThat(api.get("/api/v1/providers", Caller.anonymous()).status()).as("without Authorize").isEqualTo(401);
    }

    /** Runs last: every (operation, status, problem code) the whole suite met is in the document. */
    @Test
    @Order(6)
    void everyStatusAndCodeTheSuiteMetIsDocumented() {
        List<Op> operations = operations();
        List<String> undocumented = new ArrayList<>();
        int checked = 0;
        int problems = 0;
        for (Answered answered : AnsweredRequests.all()) {
            Optional<Op> op = match(operations, answered.method(), answered.path());
            if (op.isEmpty()) {
                continue; // not an operation: docs, actuator, an unknown path
            }
            checked++;
            problems += answered.code() == null ? 0 : 1;
            String status = Integer.toString(answered.status());
            if (!op.get().statuses().contains(status)) {
                undocumented.add(op.get() + " answered " + status + (answered.code() == null ? "" : " " + answered.code()));
            } else if (answered.status() >= 400 && answered.code() != null && !op.get().codes(status).contains(answered.code())) {
                undocumented.add(op.get() + " answered " + status + " with code " + answered.code());
            }
        }
        System.out.println("OpenAPI document checked against " + checked + " answers of the suite's requests, "
                + problems + " of them problems with a code");

        assertThat(checked).isPositive();
        assertThat(problems).as("this class's own calls alone answer problems").isPositive();
        assertThat(new TreeSet<>(undocumented)).as("answers the document does not mention").isEmpty();
    }

    private record Op(String method, String path, JsonNode node, Pattern matcher) {
        Set<String> statuses() {
            return new TreeSet<>(node.path("responses").propertyNames());
        }

        Set<String> codes(String status) {
            return new TreeSet<>(node.path("responses").path(status).path("content").path("application/problem+json").path("examples")
                    .valueStream().map(e -> e.path("value").path("code").asText()).toList());
        }

        /** Literal segments first: /events/upcoming before /events/{id}. */
        int variables() {
            return path.split("\\{", -1).length - 1;
        }

        @Override
        public String toString() {
            return method.toUpperCase(Locale.ROOT) + " " + path;
        }
    }

    private List<Op> operations() {
        List<Op> operations = new ArrayList<>();
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(method -> {
            if (METHODS.contains(method.getKey())) {
                Pattern matcher = Pattern.compile(path.getKey().replaceAll("\\{[^}]+}", "[^/]+"));
                operations.add(new Op(method.getKey(), path.getKey(), method.getValue(), matcher));
            }
        }));
        assertThat(operations).hasSizeGreaterThan(20);
        return operations;
    }

    private Op op(String method, String path) {
        return operations().stream().filter(o -> o.method().equals(method) && o.path().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("not documented: " + method + " " + path));
    }

    private static Optional<Op> match(List<Op> operations, String method, String path) {
        return operations.stream().filter(o -> o.method().equalsIgnoreCase(method) && o.matcher().matcher(path).matches())
                .min(Comparator.comparingInt(Op::variables));
    }

    private JsonNode requestExample(String method, String path) {
        return example(op(method, path).node().path("requestBody").path("content").path("application/json").path("examples"));
    }

    private JsonNode responseExample(String method, String path) {
        JsonNode responses = op(method, path).node().path("responses");
        String success = responses.propertyNames().stream().filter(s -> s.startsWith("2")).findFirst().orElseThrow();
        return example(responses.path(success).path("content").path("application/json").path("examples"));
    }

    /** The first example's value, following a $ref into components.examples. */
    private JsonNode example(JsonNode examples) {
        assertThat(examples.size()).as("examples").isPositive();
        JsonNode first = examples.valueStream().findFirst().orElseThrow();
        if (first.has("$ref")) {
            String name = first.path("$ref").asText().substring("#/components/examples/".length());
            first = document.path("components").path("examples").path(name);
        }
        assertThat(first.has("value")).as("example " + first).isTrue();
        return first.path("value");
    }
}
