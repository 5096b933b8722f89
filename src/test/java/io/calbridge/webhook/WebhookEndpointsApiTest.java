package io.calbridge.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.ApiTest;
import io.calbridge.testing.OAuthServers;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import io.calbridge.platform.crypto.TokenCipher;
import io.calbridge.testing.TestKeys;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import tools.jackson.databind.JsonNode;

/** The webhook endpoints API over HTTP, against PostgreSQL: registration, secrets, rotation, who may call, bad input. */
class WebhookEndpointsApiTest extends ApiTest {

    private static final String PATH = "/api/v1/webhook-endpoints";
    /** A public address written as a literal: accepted without a name lookup (this machine may have no DNS). */
    private static final String PUBLIC_URL = "https://93.184.215.14/hooks/calbridge";
    private static final Caller ADMIN = Caller.serviceWithoutUser();

    @Autowired
    private WebhookEndpoints endpoints;

    @Autowired
    private Environment environment;

    private final List<String> created = new ArrayList<>();

    /** Every test's endpoints go: the context is shared, and other tests' notifications would be delivered to them. */
    @AfterEach
    void deleteTheEndpointsCreated() {
        for (String id : created) {
            jdbc.sql("DELETE FROM webhook_endpoints WHERE id = ?").param(UUID.fromString(id)).update();
        }
    }

    @Test
    void createListGetPatchAndDeleteAnEndpoint() {
        Response create = create(Map.of("url", PUBLIC_URL, "eventTypes", List.of("calendar.events.changed", "connection.needs_reauth"),
                "description", "backend"));

        assertThat(create.status()).as(create.toString()).isEqualTo(201);
        JsonNode endpoint = create.json();
        String id = endpoint.path("id").asString();
        assertThat(create.header("Location")).isEqualTo(PATH + "/" + id);
        assertThat(endpoint.path("url").asString()).isEqualTo(PUBLIC_URL);
        assertThat(endpoint.path("eventTypes").valueStream().map(JsonNode::asString))
                .containsExactly("calendar.events.changed", "connection.needs_reauth");
        assertThat(endpoint.path("description").asString()).isEqualTo("backend");
        assertThat(endpoint.path("enabled").asBoolean()).isTrue();
        assertThat(endpoint.path("disabledReason").isNull()).isTrue();
        assertThat(endpoint.path("failingSince").isNull()).isTrue();
        assertThat(OffsetDateTime.parse(endpoint.path("createdAt").asString())).isNotNull();

        Response list = api.get(PATH, ADMIN);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().valueStream().map(e -> e.path("id").asString())).contains(id);
        Response get = api.get(PATH + "/" + id, ADMIN);
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.json().path("url").asString()).isEqualTo(PUBLIC_URL);

        Response patch = api.patch(PATH + "/" + id, ADMIN, Map.of("url", "https://93.184.215.15/other",
                "eventTypes", List.of("appointment.sync.failed"), "description", "", "enabled", false));
        assertThat(patch.status()).as(patch.toString()).isEqualTo(200);
        assertThat(patch.json().path("url").asString()).isEqualTo("https://93.184.215.15/other");
        assertThat(patch.json().path("eventTypes").valueStream().map(JsonNode::asString)).containsExactly("appointment.sync.failed");
        assertThat(patch.json().path("description").isNull()).as("\"\" clears it").isTrue();
        assertThat(patch.json().path("enabled").asBoolean()).isFalse();
        assertThat(Instant.parse(patch.json().path("updatedAt").asString()))
                .isAfterOrEqualTo(Instant.parse(endpoint.path("updatedAt").asString()));
        Response untouched = api.patch(PATH + "/" + id, ADMIN, Map.of("description", "only this"));
        assertThat(untouched.json().path("url").asString()).as("absent fields stay").isEqualTo("https://93.184.215.15/other");
        assertThat(untouched.json().path("description").asString()).isEqualTo("only this");

        Response delete = api.delete(PATH + "/" + id, ADMIN);
        assertThat(delete.status()).isEqualTo(204);
        assertThat(api.get(PATH + "/" + id, ADMIN).status()).isEqualTo(404);
        assertThat(api.delete(PATH + "/" + id, ADMIN).status()).isEqualTo(404);
        assertThat(api.patch(PATH + "/" + id, ADMIN, Map.of("enabled", true)).status()).isEqualTo(404);
        assertThat(api.post(PATH + "/" + id + "/rotate-secret", ADMIN, null).status()).isEqualTo(404);
        assertThat(api.get(PATH + "/not-a-uuid", ADMIN).status()).isEqualTo(404);
    }

    @Test
    void theSecretIsShownOnlyOnCreateAndIsStoredEncrypted() {
        Response create = create(Map.of("url", PUBLIC_URL, "eventTypes", List.of("connection.connected")));
        String id = create.json().path("id").asString();
        String secret = create.json().path("secret").asString();

        assertThat(secret).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(secret.substring("whsec_".length()))).hasSizeBetween(24, 32);
        Response get = api.get(PATH + "/" + id, ADMIN);
        Response list = api.get(PATH, ADMIN);
        assertThat(get.json().has("secret")).isFalse();
        assertThat(get.body()).doesNotContain(secret.substring("whsec_".length()));
        assertThat(list.body()).doesNotContain(secret.substring("whsec_".length())).doesNotContain("\"secret\"");
        assertThat(api.patch(PATH + "/" + id, ADMIN, Map.of("enabled", true)).body()).doesNotContain(secret.substring(6));

        byte[] sealed = jdbc.sql("SELECT secret_enc FROM webhook_endpoints WHERE id = ?").param(UUID.fromString(id))
                .query((rs, row) -> rs.getBytes(1)).single();
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain(secret.substring(6));
        assertThat(indexOf(sealed, Base64.getDecoder().decode(secret.substring(6)))).as("the raw key bytes").isEqualTo(-1);
        assertThat(endpoints.signingSecrets(UUID.fromString(id), Instant.now())).containsExactly(secret);
    }

    @Test
    void afterARotationBothSecretsSignUntilTheGracePeriodEnds() {
        Response create = create(Map.of("url", PUBLIC_URL, "eventTypes", List.of("connection.connected")));
        UUID id = UUID.fromString(create.json().path("id").asString());
        String first = create.json().path("secret").asString();

        Instant before = Instant.now();
        Response rotate = api.post(PATH + "/" + id + "/rotate-secret", ADMIN, null);

        assertThat(rotate.status()).as(rotate.toString()).isEqualTo(200);
        String second = rotate.json().path("secret").asString();
        Instant until = Instant.parse(rotate.json().path("previousSecretValidUntil").asString());
        assertThat(second).startsWith("whsec_").isNotEqualTo(first);
        assertThat(until).as("24 h by default").isBetween(before.plusSeconds(24 * 3600 - 5), Instant.now().plusSeconds(24 * 3600 + 5));
        assertThat(endpoints.signingSecrets(id, Instant.now())).as("new first, then the previous").containsExactly(second, first);
        assertThat(endpoints.signingSecrets(id, until.minusSeconds(1))).containsExactly(second, first);
        assertThat(endpoints.signingSecrets(id, until.plusSeconds(1))).as("after the grace period").containsExactly(second);
        assertThat(api.get(PATH + "/" + id, ADMIN).body()).doesNotContain(second.substring(6)).doesNotContain(first.substring(6));

        Response again = api.post(PATH + "/" + id + "/rotate-secret", ADMIN, null);
        String third = again.json().path("secret").asString();
        assertThat(endpoints.signingSecrets(id, Instant.now())).as("at most two sign: the oldest is dropped").containsExactly(third, second);
    }

    @Test
    void keyRotationReSealsBothSecretsUnderTheNewKey() {
        UUID id = UUID.fromString(create(Map.of("url", PUBLIC_URL, "eventTypes", List.of("connection.connected"))).json().path("id").asString());
        api.post(PATH + "/" + id + "/rotate-secret", ADMIN, null);
        List<String> secrets = endpoints.signingSecrets(id, Instant.now());
        String keys = environment.getProperty("calbridge.token-keys");
        String newKey = TestKeys.tokenKey("k2");
        TokenCipher rotated = TokenCipher.fromSpec(newKey + "," + keys);
        try {
            int resealed = endpoints.reencryptAll(rotated);

            assertThat(resealed).isPositive();
            assertThat(keyIdOf("secret_enc", id)).isEqualTo("k2");
            assertThat(keyIdOf("previous_secret_enc", id)).isEqualTo("k2");
            assertThat(rotated.decrypt(sealed("secret_enc", id), WebhookEndpoints.secretContext(id))).isEqualTo(secrets.get(0));
            assertThat(rotated.decrypt(sealed("previous_secret_enc", id), WebhookEndpoints.previousSecretContext(id)))
                    .isEqualTo(secrets.get(1));
            assertThat(endpoints.reencryptAll(rotated)).as("nothing left to re-seal").isZero();
        } finally {
            // back under the running application's key, for the tests after this one
            endpoints.reencryptAll(TokenCipher.fromSpec(keys + "," + newKey));
        }
        assertThat(endpoints.signingSecrets(id, Instant.now())).isEqualTo(secrets);
    }

    private byte[] sealed(String column, UUID id) {
        return jdbc.sql("SELECT " + column + " FROM webhook_endpoints WHERE id = ?").param(id).query((rs, row) -> rs.getBytes(1)).single();
    }

    private String keyIdOf(String column, UUID id) {
        byte[] sealed = sealed(column, id);
        return new String(sealed, 2, sealed[1], StandardCharsets.US_ASCII);
    }

    @Test
    void reEnablingClearsTheDisabledReasonAndFailingSince() {
        UUID id = UUID.fromString(create(Map.of("url", PUBLIC_URL, "eventTypes", List.of("connection.connected"))).json().path("id").asString());
        Instant since = Instant.parse("2027-03-01T09:00:00Z");
        // as delivery leaves it (WebhookDeliveries): failing since its first failure, then disabled
        jdbc.sql("UPDATE webhook_endpoints SET failing_since = ?, enabled = false, disabled_reason = 'the endpoint answered 410 Gone' WHERE id = ?")
                .params(Timestamp.from(since), id).update();

        JsonNode disabled = api.get(PATH + "/" + id, ADMIN).json();
        assertThat(disabled.path("enabled").asBoolean()).isFalse();
        assertThat(disabled.path("disabledReason").asString()).isEqualTo("the endpoint answered 410 Gone");
        assertThat(Instant.parse(disabled.path("failingSince").asString())).isEqualTo(since);
        JsonNode stillDisabled = api.patch(PATH + "/" + id, ADMIN, Map.of("description", "x")).json();
        assertThat(stillDisabled.path("disabledReason").asString()).isEqualTo("the endpoint answered 410 Gone");

        JsonNode enabled = api.patch(PATH + "/" + id, ADMIN, Map.of("enabled", true)).json();
        assertThat(enabled.path("enabled").asBoolean()).isTrue();
        assertThat(enabled.path("disabledReason").isNull()).isTrue();
        assertThat(enabled.path("failingSince").isNull()).isTrue();
    }

    @Test
    void deletingAnEndpointDeletesItsDeliveriesAndTheNotificationsNoOtherEndpointAwaits() {
        UUID id = UUID.fromString(create(Map.of("url", PUBLIC_URL, "eventTypes", List.of("connection.connected"))).json().path("id").asString());
        String message = "msg_test" + UUID.randomUUID().toString().replace("-", "");
        jdbc.sql("INSERT INTO webhook_messages (id, event_type, body, created_at) VALUES (?, 'connection.connected', '{}'::jsonb, now())")
                .param(message).update();
        // disabled right away (not subscribed), so no deliverer sends it meanwhile
        jdbc.sql("UPDATE webhook_endpoints SET enabled = false WHERE id = ?").param(id).update();
        jdbc.sql("""
                INSERT INTO webhook_deliveries (id, message_id, endpoint_id, seq, status, next_attempt_at, created_at, updated_at)
                SELECT gen_random_uuid(), id, ?, 1, 'PENDING', now() + interval '1 day', now(), now() FROM webhook_messages WHERE id = ?""")
                .params(id, message).update();

        assertThat(api.delete(PATH + "/" + id, ADMIN).status()).isEqualTo(204);

        assertThat(jdbc.sql("SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = ?").param(id).query(Long.class).single()).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM webhook_messages WHERE id = ?").param(message).query(Long.class).single()).isZero();
    }

    @Test
    void anEndUserWithoutTheAdminRoleIsForbiddenAndOneWithItIsNot() {
        UUID id = UUID.fromString(create(Map.of("url", PUBLIC_URL, "eventTypes", List.of("connection.connected"))).json().path("id").asString());
        Caller user = Caller.user(uniqueUser());
        Map<String, Object> body = Map.of("url", PUBLIC_URL, "eventTypes", List.of("connection.connected"));
        long before = count();

        List<Response> answers = List.of(api.get(PATH, user), api.post(PATH, user, body), api.get(PATH + "/" + id, user),
                api.patch(PATH + "/" + id, user, Map.of("enabled", false)), api.delete(PATH + "/" + id, user),
                api.post(PATH + "/" + id + "/rotate-secret", user, null), api.get(PATH + "/" + UUID.randomUUID(), user));

        assertThat(answers).allSatisfy(answer -> {
            assertThat(answer.status()).as(answer.toString()).isEqualTo(403);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.json().path("code").asString()).isEqualTo("forbidden");
        });
        assertThat(count()).isEqualTo(before);
        assertThat(api.get(PATH + "/" + id, ADMIN).json().path("enabled").asBoolean()).isTrue();
        assertThat(api.get(PATH, Caller.anonymous()).status()).isEqualTo(401);

        String adminJwt = OAuthServers.server().issueToken(OAuthServers.APP, uniqueUser(), "calbridge",
                Map.of("roles", List.of("calbridge-admin"))).serialize();
        Response asAdmin = api.get(PATH + "/" + id, new Caller(Map.of("Authorization", "Bearer " + adminJwt)));
        assertThat(asAdmin.status()).as(asAdmin.toString()).isEqualTo(200);
    }

    @Test
    void theOpenApiDocumentDescribesTheEndpointsTheEventTypesAndTheEnvelope() {
        JsonNode doc = api.get("/v3/api-docs", Caller.anonymous()).json();
        JsonNode paths = doc.path("paths");

        assertThat(paths.path(PATH).propertyNames()).contains("get", "post");
        assertThat(paths.path(PATH + "/{id}").propertyNames()).contains("get", "patch", "delete");
        assertThat(paths.path(PATH + "/{id}/rotate-secret").has("post")).isTrue();
        JsonNode create = paths.path(PATH).path("post");
        assertThat(create.path("responses").propertyNames()).contains("201", "400", "401", "403");
        assertThat(create.path("parameters").valueStream().map(p -> p.path("name").asString())).as("about no user").doesNotContain("X-User-Id");
        JsonNode request = doc.path("components").path("schemas").path("WebhookEndpointRequest");
        assertThat(request.path("required").valueStream().map(JsonNode::asString)).contains("url", "eventTypes");
        assertThat(request.path("properties").path("eventTypes").path("items").path("enum").valueStream().map(JsonNode::asString))
                .containsExactlyInAnyOrderElementsOf(EventTypes.SUBSCRIBABLE);
        JsonNode envelope = doc.path("components").path("schemas").path(WebhookOpenApi.ENVELOPE);
        assertThat(envelope.path("properties").propertyNames()).containsExactly("type", "timestamp", "data");
        assertThat(envelope.path("properties").path("type").path("enum").valueStream().map(JsonNode::asString))
                .containsAll(EventTypes.SUBSCRIBABLE).contains(EventTypes.WEBHOOK_TEST);
        assertThat(doc.path("tags").valueStream().filter(t -> t.path("name").asString().equals("webhooks")).findFirst().orElseThrow()
                .path("description").asString()).contains("webhook-signature", "{type, timestamp, data}", "connection.needs_reauth");
    }

    static List<Arguments> badEndpoints() {
        List<String> types = List.of("calendar.events.changed");
        return List.of(
                bad("plain http", body("http://example.com", types), "invalid_url", "https"),
                bad("loopback literal", body("https://127.0.0.1/x", types), "invalid_url", "loopback"),
                bad("private literal", body("https://10.0.0.5", types), "invalid_url", "private"),
                bad("IPv6 loopback", body("https://[::1]/", types), "invalid_url", "loopback"),
                bad("cloud metadata", body("https://169.254.169.254/latest", types), "invalid_url", "link-local"),
                bad("IPv4-mapped private", body("https://[::ffff:10.0.0.1]/", types), "invalid_url", "private"),
                bad("user info", body("https://user:pw@example.com", types), "invalid_url", "user name or password"),
                bad("not a URL", body("not a url", types), "invalid_url", "not a valid URL"),
                bad("ftp", body("ftp://example.com", types), "invalid_url", "https"),
                bad("a name that does not resolve", body("https://nowhere.invalid/hook", types), "invalid_url", "does not resolve"),
                bad("no url", Map.of("eventTypes", types), "invalid_url", "required"),
                bad("unknown event type", body(PUBLIC_URL, List.of("calendar.events.changed", "booking.exploded")), "invalid_event_types",
                        "eventTypes[1]"),
                bad("empty eventTypes", body(PUBLIC_URL, List.of()), "invalid_event_types", "at least one"),
                bad("no eventTypes", Map.of("url", PUBLIC_URL), "invalid_event_types", "required"),
                bad("a type twice", body(PUBLIC_URL, List.of("connection.connected", "connection.connected")), "invalid_event_types",
                        "more than once"),
                bad("the test type", body(PUBLIC_URL, List.of("webhook.test")), "invalid_event_types", "eventTypes[0]"),
                bad("long description", withDescription("x".repeat(1001)), "invalid_description", "description"),
                bad("enabled as text", Map.of("url", PUBLIC_URL, "eventTypes", types, "enabled", "yes"), "malformed_body", "enabled"),
                bad("eventTypes as text", Map.of("url", PUBLIC_URL, "eventTypes", "calendar.events.changed"), "malformed_body", "eventTypes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badEndpoints")
    void badInputIsA400ProblemNamingTheFieldAndNothingIsStored(String name, Map<String, Object> body, String code, String detail) {
        long before = count();

        Response response = api.post(PATH, ADMIN, body);

        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().path("code").asString()).isEqualTo(code);
        assertThat(response.json().path("detail").asString()).contains(detail);
        assertThat(count()).isEqualTo(before);
    }

    @Test
    void aPatchWithBadInputChangesNothing() {
        String id = create(Map.of("url", PUBLIC_URL, "eventTypes", List.of("connection.connected"))).json().path("id").asString();

        for (Map<String, Object> patch : List.of(Map.<String, Object>of("url", "https://10.0.0.5/"),
                Map.<String, Object>of("eventTypes", List.of()), Map.<String, Object>of("eventTypes", List.of("nope")),
                Map.<String, Object>of("description", "d".repeat(1001), "enabled", false))) {
            Response response = api.patch(PATH + "/" + id, ADMIN, patch);
            assertThat(response.status()).as(patch + ": " + response).isEqualTo(400);
        }

        JsonNode after = api.get(PATH + "/" + id, ADMIN).json();
        assertThat(after.path("url").asString()).isEqualTo(PUBLIC_URL);
        assertThat(after.path("eventTypes").valueStream().map(JsonNode::asString)).containsExactly("connection.connected");
        assertThat(after.path("enabled").asBoolean()).isTrue();
    }

    /** ApiTest allows localhost (test receivers listen there): as written only, not its address. */
    @Test
    void theListedLocalhostIsAcceptedOverPlainHttpButItsAddressIsNot() {
        int port = 8089;
        Response listed = create(Map.of("url", "http://localhost:" + port + "/hook", "eventTypes", List.of("connection.connected")));
        Response address = api.post(PATH, ADMIN, Map.of("url", "http://127.0.0.1:" + port + "/hook", "eventTypes",
                List.of("connection.connected")));

        assertThat(listed.status()).as(listed.toString()).isEqualTo(201);
        assertThat(address.status()).as(address.toString()).isEqualTo(400);
        assertThat(address.json().path("code").asString()).isEqualTo("invalid_url");
        Response https = api.post(PATH, ADMIN, Map.of("url", "https://127.0.0.1:" + port + "/hook", "eventTypes",
                List.of("connection.connected")));
        assertThat(https.json().path("detail").asString()).contains("loopback");
    }

    private Response create(Map<String, Object> body) {
        Response response = api.post(PATH, ADMIN, body);
        if (response.status() == 201) {
            created.add(response.json().path("id").asString());
        }
        return response;
    }

    private long count() {
        return jdbc.sql("SELECT count(*) FROM webhook_endpoints").query(Long.class).single();
    }

    private static Map<String, Object> body(String url, List<String> types) {
        return Map.of("url", url, "eventTypes", types);
    }

    private static Map<String, Object> withDescription(String description) {
        Map<String, Object> body = new LinkedHashMap<>(body(PUBLIC_URL, List.of("connection.connected")));
        body.put("description", description);
        return body;
    }

    private static Arguments bad(String name, Map<String, Object> body, String code, String detail) {
        return Arguments.of(name, body, code, detail);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
