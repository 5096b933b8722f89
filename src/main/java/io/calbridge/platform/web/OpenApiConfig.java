package io.calbridge.platform.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAPI document at {@code /v3/api-docs} (Swagger UI at {@code /swagger-ui.html}): who may call, how to
 * authenticate, and every status each operation answers.
 *
 * <p>Controllers declare what is theirs: the success status, and the errors only they answer, as
 * {@code @ApiResponse(responseCode = "409", description = "`needs_reauth`: ...")}: each backticked word is a problem
 * {@code code}; they name their examples with {@link ApiExamples}. What follows from an operation's shape is added
 * here: 401 without credentials, 400 for a service that names no user, 403 on admin operations, 400/413/415 for a
 * body, 406 for an unacceptable {@code Accept}. Every error is {@code application/problem+json}, one example per code.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfig {

    private static final String API_KEY = "apiKey";
    private static final String BEARER_JWT = "bearerJwt";
    private static final String USER_HEADER = "X-User-Id";
    private static final String JSON = org.springframework.http.MediaType.APPLICATION_JSON_VALUE;
    private static final String PROBLEM_JSON = org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE;
    private static final String PROBLEM_REF = "#/components/schemas/Problem";
    private static final Pattern CODE = Pattern.compile("`([a-z][a-z0-9_]*)`");
    private static final Set<String> PUBLIC_PREFIXES = Set.of("/oauth/", "/webhooks/");
    /** Admin only, and about no one user: no X-User-Id. */
    private static final Set<String> ADMIN_PREFIXES = Set.of("/api/v1/admin/", "/api/v1/webhook-endpoints");

    @Bean
    OpenAPI calbridgeOpenApi() {
        return new OpenAPI()
                .info(new Info().title("calbridge API").version("v1").description("""
                        calbridge connects your app's users to their own calendars (Google Calendar; Microsoft 365 and \
                        Calendly to come), keeps a synced copy of their events, pushes your appointments into their \
                        calendars and answers availability questions from that copy.

                        **Authenticate** with `X-API-Key` (services and admins: name the user in `X-User-Id`) or \
                        `Authorization: Bearer <JWT>` from the app's identity provider (end users: the token's `sub` is \
                        the user; they see only their own data, anything else is 404). In Swagger UI press *Authorize*, \
                        enter the API key, and fill in `X-User-Id` on each operation.

                        **Errors** are `application/problem+json` (RFC 9457) with a machine-readable `code` and the \
                        request's `correlationId` (also the `X-Request-Id` response header). Unknown JSON fields and \
                        values of the wrong type are refused with 400 `malformed_body`."""))
                .components(new Components()
                        .addSecuritySchemes(API_KEY, new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.HEADER).name("X-API-Key")
                                .description("A service API key (CALBRIDGE_API_KEYS): full admin rights; name the user in X-User-Id"))
                        .addSecuritySchemes(BEARER_JWT, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .bearerFormat("JWT").description("An end user's JWT from the app's identity provider; sub = user id"))
                        .examples(examples()))
                .addSecurityItem(new SecurityRequirement().addList(API_KEY))
                .addSecurityItem(new SecurityRequirement().addList(BEARER_JWT));
    }

    @Bean
    OpenApiCustomizer statusesAndHeadersFromEachOperationsShape() {
        return openApi -> {
            // here, not in the OpenAPI bean: springdoc drops schemas that nothing referenced when it built the paths
            openApi.getComponents().addSchemas("Problem", problemSchema());
            openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> statuses(path, operation)));
        };
    }

    /** What follows from where an operation lives and whether it takes a body. */
    private static void statuses(String path, Operation operation) {
        boolean isPublic = PUBLIC_PREFIXES.stream().anyMatch(path::startsWith);
        boolean admin = ADMIN_PREFIXES.stream().anyMatch(path::startsWith);
        ApiResponses responses = operation.getResponses();
        if (isPublic) {
            operation.setSecurity(List.of());
        } else {
            add(responses, HttpStatus.UNAUTHORIZED, "no credentials, or an unknown API key or JWT: `unauthorized`");
        }
        add(responses, HttpStatus.NOT_ACCEPTABLE, "the Accept header allows no JSON or does not parse: `not_acceptable`");
        // refused before any handler runs (MalformedRequestFilter, the request firewall), on every path
        add(responses, HttpStatus.BAD_REQUEST, "a query parameter that does not decode to text or holds a control character: "
                + "`invalid_parameter`; a control character in a header: `invalid_header`; a request the firewall refuses "
                + "(a header value that is not ASCII text, an encoded slash or dot segment in the path): `bad_request`");
        boolean named = operation.getParameters() != null && operation.getParameters().stream().anyMatch(p -> USER_HEADER.equals(p.getName()));
        if (!isPublic && !admin && !named) {
            operation.addParametersItem(userHeader());
        }
        if (!isPublic && !admin) {
            add(responses, HttpStatus.BAD_REQUEST, "with an API key, X-User-Id is missing or not 1-255 printable ASCII characters: "
                    + "`missing_user_id`, `invalid_user_id`");
        }
        if (admin) {
            add(responses, HttpStatus.FORBIDDEN, "an end user without the admin role: `forbidden`");
        }
        if (operation.getRequestBody() != null) {
            add(responses, HttpStatus.BAD_REQUEST, "the body is not JSON, has an unknown field or a value of the wrong type: "
                    + "`malformed_body`; a text holds a control character (other than tab and line breaks) or half a surrogate "
                    + "pair: `invalid_character`");
            add(responses, HttpStatus.CONTENT_TOO_LARGE, "the body is larger than CALBRIDGE_MAX_REQUEST_BYTES: `payload_too_large`");
            add(responses, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "the body is not application/json: `unsupported_media_type`");
        }
        responses.forEach((status, response) -> {
            if (status.startsWith("4") || status.startsWith("5")) {
                response.setContent(problemContent(Integer.parseInt(status), response.getDescription()));
            } else if (status.equals("204")) {
                response.setContent(null);
            } else if (status.startsWith("3")) {
                response.setContent(null);
                response.addHeaderObject("Location", new Header().description("Where the browser goes").schema(new StringSchema()));
            }
        });
    }

    /** The examples an operation names with {@link ApiExamples}, beside the schemas springdoc derives. */
    @Bean
    OperationCustomizer examplesNamedByTheController() {
        return (operation, handler) -> {
            ApiExamples named = handler.getMethodAnnotation(ApiExamples.class);
            if (named == null) {
                return operation;
            }
            if (!named.request().isEmpty() && operation.getRequestBody() != null) {
                addExample(operation.getRequestBody().getContent(), named.request());
            }
            if (!named.response().isEmpty()) {
                operation.getResponses().entrySet().stream().filter(r -> r.getKey().startsWith("2")).findFirst()
                        .ifPresent(r -> addExample(r.getValue().getContent(), named.response()));
            }
            return operation;
        };
    }

    private static void addExample(Content content, String name) {
        if (content != null && content.get(JSON) != null) {
            content.get(JSON).addExamples(name, new Example().$ref("#/components/examples/" + name));
        }
    }

    /** Adds an error response, or appends to the description (and so the codes) of the one the controller declared. */
    private static void add(ApiResponses responses, HttpStatus status, String description) {
        String key = Integer.toString(status.value());
        ApiResponse existing = responses.get(key);
        if (existing == null) {
            responses.addApiResponse(key, new ApiResponse().description(description));
        } else if (!existing.getDescription().contains(description)) {
            existing.setDescription(existing.getDescription() + "; " + description);
        }
    }

    private static Content problemContent(int status, String description) {
        MediaType media = new MediaType().schema(new Schema<>().$ref(PROBLEM_REF));
        Set<String> codes = codes(description);
        for (String code : codes) {
            Map<String, Object> value = new LinkedHashMap<>();
            value.put("type", "about:blank");
            value.put("title", HttpStatus.valueOf(status).getReasonPhrase());
            value.put("status", status);
            value.put("detail", "…");
            value.put("instance", "/api/v1/…");
            value.put("code", code);
            value.put("correlationId", "5f0c7a1e9b3d4c2a");
            media.addExamples(code, new Example().summary(code).value(value));
        }
        return new Content().addMediaType(PROBLEM_JSON, media);
    }

    /** The problem codes a response's description names, in order. */
    private static Set<String> codes(String description) {
        Set<String> codes = new LinkedHashSet<>();
        Matcher matcher = CODE.matcher(description == null ? "" : description);
        while (matcher.find()) {
            codes.add(matcher.group(1));
        }
        return codes;
    }

    private static Parameter userHeader() {
        return new HeaderParameter().name(USER_HEADER).required(false).schema(new StringSchema().maxLength(255).example("alice"))
                .description("With X-API-Key: the user the call is about (required). With a JWT: ignored, the token names the user.");
    }

    private static Schema<?> problemSchema() {
        Map<String, Schema> properties = new LinkedHashMap<>();
        properties.put("type", new StringSchema().example("about:blank"));
        properties.put("title", new StringSchema().example("Bad Request"));
        properties.put("status", new IntegerSchema().example(400));
        properties.put("detail", new StringSchema().description("What went wrong, for people"));
        properties.put("instance", new StringSchema().description("The request's path"));
        properties.put("code", new StringSchema().description("What went wrong, for programs: each operation lists its codes"));
        properties.put("correlationId", new StringSchema().description("The request's id, also in the X-Request-Id header"));
        properties.put("errors", new ArraySchema().items(new ObjectSchema()
                        .addProperty("field", new StringSchema()).addProperty("message", new StringSchema()))
                .description("With validation_failed: one entry per invalid field"));
        return new ObjectSchema().description("An RFC 9457 problem, as every error of calbridge is").properties(properties)
                .required(List.of("status", "code"));
    }

    /**
     * Request and response examples, one JSON file each under {@code openapi/examples/}, referenced from the
     * controllers as {@code #/components/examples/<file name>}.
     */
    private static Map<String, Example> examples() {
        JsonMapper json = JsonMapper.builder().build();
        Map<String, Example> examples = new LinkedHashMap<>();
        try {
            Resource[] files = new PathMatchingResourcePatternResolver().getResources("classpath:openapi/examples/*.json");
            List<Resource> sorted = new ArrayList<>(List.of(files));
            sorted.sort((a, b) -> String.valueOf(a.getFilename()).compareTo(String.valueOf(b.getFilename())));
            for (Resource file : sorted) {
                try (InputStream in = file.getInputStream()) {
                    String name = String.valueOf(file.getFilename()).replaceFirst("\\.json$", "");
                    Object value = json.readValue(new String(in.readAllBytes(), StandardCharsets.UTF_8), Object.class);
                    examples.put(name, new Example().value(value));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return examples;
    }
}
