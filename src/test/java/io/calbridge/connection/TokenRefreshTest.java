package io.calbridge.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.ApiTest;
import io.calbridge.testing.Connect;
import io.calbridge.testing.TokenEndpointStub;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class TokenRefreshTest extends ApiTest {

    private final Connect connect = new Connect(api);
    private final TokenEndpointStub stub = TokenEndpointStub.instance();

    @Autowired
    private TokenService tokens;

    @BeforeEach
    void tokensExpireAlmostAtOnce() {
        // shorter than the refresh-ahead margin: every connection made here needs a refresh on first use
        stub.accessTokenSeconds(30);
    }

    @AfterEach
    void normalTokens() {
        stub.accessTokenSeconds(3600);
        stub.refuseEveryAccessToken(false);
    }

    // A user who revokes access at the provider kills the access token long before its hour is up: the API's 401 must
    // lead to a refresh at once, which tells a revoked grant (invalid_grant) from a token that merely died early.

    @Test
    void apiRefusingAnHourLongTokenOfARevokedGrantRefreshesAtOnceThenConnectionNeedsReauth() {
        stub.accessTokenSeconds(3600);
        String user = uniqueUser();
        String code = "code-" + UUID.randomUUID();
        UUID id = connect.connectStub(user, code);
        assertThat(api.get("/api/v1/connections/" + id + "/calendars", Caller.user(user)).status()).isEqualTo(200);
        int refreshesBefore = stub.refreshCount();
        stub.revoke("refresh-" + code);

        Response calendars = api.get("/api/v1/connections/" + id + "/calendars", Caller.user(user));

        assertThat(calendars.status()).as(calendars.toString()).isEqualTo(409);
        assertThat(calendars.json().path("code").asText()).isEqualTo("needs_reauth");
        assertThat(stub.refreshCount() - refreshesBefore).isEqualTo(1);
        assertThat(api.get("/api/v1/connections/" + id, Caller.user(user)).json().path("status").asText()).isEqualTo("NEEDS_REAUTH");
    }

    @Test
    void anHourLongTokenThatDiedEarlyIsRefreshedOnceForAllConcurrentCallersAndTheCallsSucceed() throws Exception {
        stub.accessTokenSeconds(3600);
        String user = uniqueUser();
        UUID id = connect.connectStub(user, "code-" + UUID.randomUUID());
        String diedEarly = tokens.accessToken(id);
        stub.invalidate(diedEarly);
        int refreshesBefore = stub.refreshCount();

        List<Response> responses = parallel(20, () -> api.get("/api/v1/connections/" + id + "/calendars", Caller.user(user)));

        assertThat(responses).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(200));
        assertThat(stub.refreshCount() - refreshesBefore).isEqualTo(1);
        assertThat(tokens.accessToken(id)).isNotEqualTo(diedEarly);
        assertThat(api.get("/api/v1/connections/" + id, Caller.user(user)).json().path("status").asText()).isEqualTo("ACTIVE");
    }

    @Test
    void aFreshTokenRefusedAgainShowsAuthFailedOnTheConnectionInsteadOfLookingHealthy() {
        stub.accessTokenSeconds(3600);
        String user = uniqueUser();
        UUID id = connect.connectStub(user, "code-" + UUID.randomUUID());
        int refreshesBefore = stub.refreshCount();
        stub.refuseEveryAccessToken(true);

        Response calendars = api.get("/api/v1/connections/" + id + "/calendars", Caller.user(user));
        Response test = api.post("/api/v1/connections/" + id + "/test", Caller.user(user), null);

        assertThat(calendars.status()).as(calendars.toString()).isEqualTo(502);
        assertThat(calendars.contentType()).startsWith("application/problem+json");
        assertThat(calendars.body()).doesNotContain("stub-access-");
        assertThat(test.json().path("ok").asBoolean()).isFalse();
        assertThat(test.json().path("error").asText()).startsWith("auth_failed");
        // one refresh per refused call, never a loop of them
        assertThat(stub.refreshCount() - refreshesBefore).isEqualTo(2);
        Response connection = api.get("/api/v1/connections/" + id, Caller.user(user));
        assertThat(connection.json().path("status").asText()).as("a refresh still works: no reconnect needed").isEqualTo("ACTIVE");
        assertThat(connection.json().path("lastSyncOutcome").asText()).isEqualTo("AUTH_FAILED");
        assertThat(connection.json().path("lastSyncError").asText()).contains("freshly refreshed access token").doesNotContain("stub-access-");

        stub.refuseEveryAccessToken(false);

        assertThat(api.get("/api/v1/connections/" + id + "/calendars", Caller.user(user)).status()).isEqualTo(200);
        assertThat(stub.refreshCount() - refreshesBefore).isEqualTo(2);
    }

    private static List<Response> parallel(int callers, java.util.concurrent.Callable<Response> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Response>> calls = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                calls.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<Response> responses = new ArrayList<>();
            for (Future<Response> each : calls) {
                responses.add(each.get());
            }
            return responses;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentUsersOfAnExpiredConnectionCauseExactlyOneRefresh() throws Exception {
        String user = uniqueUser();
        UUID id = connect.connectStub(user, "code-" + UUID.randomUUID());
        Caller caller = Caller.user(user);
        int refreshesBefore = stub.refreshCount();

        List<Response> responses = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                calls.add(pool.submit(() -> {
                    start.await();
                    return api.get("/api/v1/connections/" + id + "/calendars", caller);
                }));
            }
            start.countDown();
            for (Future<Response> call : calls) {
                responses.add(call.get());
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(responses).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(200));
        assertThat(stub.refreshCount() - refreshesBefore).isEqualTo(1);
        Instant expiry = jdbc.sql("SELECT token_expires_at FROM connections WHERE id = ?").param(id)
                .query(java.sql.Timestamp.class).single().toInstant();
        assertThat(expiry).isAfter(Instant.now().plusSeconds(3000));
    }

    @Test
    void refreshWhenProviderSendsNoRefreshTokenThenTheOldOneIsKept() {
        String user = uniqueUser();
        String code = "code-" + UUID.randomUUID();
        UUID id = connect.connectStub(user, code);

        String access = tokens.accessToken(id);

        assertThat(stub.isValid(access)).isTrue();
        assertThat(tokens.revocableToken(id)).isEqualTo("refresh-" + code);
    }

    @Test
    void refreshWhenRefreshTokenRevokedThenConnectionNeedsReauthAndNothingRetries() {
        String user = uniqueUser();
        String code = "code-" + UUID.randomUUID();
        UUID id = connect.connectStub(user, code);
        stub.revoke("refresh-" + code);

        Response calendars = api.get("/api/v1/connections/" + id + "/calendars", Caller.user(user));

        assertThat(calendars.status()).isEqualTo(409);
        assertThat(calendars.contentType()).startsWith("application/problem+json");
        assertThat(calendars.json().path("code").asText()).isEqualTo("needs_reauth");
        Response connection = api.get("/api/v1/connections/" + id, Caller.user(user));
        assertThat(connection.json().path("status").asText()).isEqualTo("NEEDS_REAUTH");

        int refreshesAfterRevocation = stub.refreshCount();
        Response again = api.get("/api/v1/connections/" + id + "/calendars", Caller.user(user));
        Response test = api.post("/api/v1/connections/" + id + "/test", Caller.user(user), null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(test.json().path("ok").asBoolean()).isFalse();
        assertThat(test.json().path("error").asText()).isEqualTo("needs_reauth");
        assertThat(stub.refreshCount()).isEqualTo(refreshesAfterRevocation);

        stub.accessTokenSeconds(3600);
        UUID reconnected = connect.connectStub(user, "code-" + UUID.randomUUID());
        assertThat(reconnected).isEqualTo(id);
        assertThat(api.get("/api/v1/connections/" + id, Caller.user(user)).json().path("status").asText()).isEqualTo("ACTIVE");
        assertThat(api.get("/api/v1/connections/" + id + "/calendars", Caller.user(user)).status()).isEqualTo(200);
    }
}
