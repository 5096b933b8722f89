package io.calbridge.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.calbridge.platform.crypto.TokenCipher;
import io.calbridge.testing.Api.Caller;
import io.calbridge.testing.Api.Response;
import io.calbridge.testing.ApiTest;
import io.calbridge.testing.Connect;
import io.calbridge.testing.MockOidcCalendarProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.transaction.support.TransactionTemplate;

/** The {@code connections} entity keeps what the hand-written SQL before it guaranteed. */
class ConnectionPersistenceTest extends ApiTest {

    private final Connect connect = new Connect(api);

    @Autowired
    private ConnectionRepository connections;

    @Autowired
    private TokenService tokens;

    @Autowired
    private TransactionTemplate transactions;

    @Test
    void aTokenCiphertextCopiedToAnotherConnectionDoesNotDecryptThere() {
        String user = uniqueUser();
        UUID first = connect.connectMock(user, "acct-" + UUID.randomUUID(), "first@example.com");
        UUID second = connect.connectMock(user, "acct-" + UUID.randomUUID(), "second@example.com");
        assertThat(tokens.accessToken(second)).isNotBlank();

        jdbc.sql("UPDATE connections SET access_token_enc = (SELECT access_token_enc FROM connections WHERE id = ?) WHERE id = ?")
                .params(first, second).update();

        assertThatThrownBy(() -> tokens.accessToken(second)).isInstanceOf(TokenCipher.UndecryptableSecretException.class)
                .hasMessageContaining(second.toString()).hasMessageNotContaining(first.toString());
        assertThat(tokens.accessToken(first)).isNotBlank();
    }

    @Test
    void settingsWrittenFromAStaleReadAreRefusedAndTheNewerSettingsStay() {
        String user = uniqueUser();
        UUID id = connect.connectMock(user, "acct-" + UUID.randomUUID(), "stale@example.com");
        Connection stale = connections.findById(id).orElseThrow();

        Response patched = api.patch("/api/v1/connections/" + id, Caller.user(user), Map.of("eventTitleTemplate", "Newer {{title}}"));
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertThat(connections.findById(id).orElseThrow().version()).isGreaterThan(stale.version());

        ConnectionSettings older = new ConnectionSettings(true, true, true, true, "Older {{title}}", null, null, List.of(), false);
        assertThatThrownBy(() -> transactions.executeWithoutResult(tx -> {
            stale.changeSettings(older, stale.updatedAt());
            connections.save(stale);
        })).isInstanceOf(OptimisticLockingFailureException.class);
        assertThat(connections.findById(id).orElseThrow().settings().eventTitleTemplate()).isEqualTo("Newer {{title}}");
    }

    @Test
    void concurrentSettingsPatchesEachWinWholeOrAreRefusedWithConflict() throws Exception {
        String user = uniqueUser();
        UUID id = connect.connectMock(user, "acct-" + UUID.randomUUID(), "race@example.com");
        long versionBefore = connections.findById(id).orElseThrow().version();
        List<Callable<Response>> patches = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String title = "Title " + i + " {{title}}";
            patches.add(() -> api.patch("/api/v1/connections/" + id, Caller.user(user), Map.of("eventTitleTemplate", title)));
        }

        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Response> answers = new ArrayList<>();
        try {
            for (Future<Response> answer : pool.invokeAll(patches)) {
                answers.add(answer.get());
            }
        } finally {
            pool.shutdown();
        }

        List<Response> applied = answers.stream().filter(a -> a.status() == 200).toList();
        assertThat(answers).allSatisfy(a -> assertThat(a.status()).as(a.toString()).isIn(200, 409));
        answers.stream().filter(a -> a.status() == 409)
                .forEach(a -> assertThat(a.json().path("code").asText()).isEqualTo("concurrent_update"));
        Connection after = connections.findById(id).orElseThrow();
        assertThat(after.version() - versionBefore).as("one version per applied patch: none lost, none doubled").isEqualTo(applied.size());
        assertThat(applied).isNotEmpty();
        assertThat(applied.stream().map(a -> a.json().path("settings").path("eventTitleTemplate").asText()))
                .as("the stored title is one a 200 answered with").contains(after.settings().eventTitleTemplate());
    }

    @Test
    void aRecordedSyncOutcomeLeavesTheVersionSoNoSettingsChangeFailsOnIt() {
        String user = uniqueUser();
        UUID id = connect.connectMock(user, "acct-" + UUID.randomUUID(), "outcome@example.com");
        long version = connections.findById(id).orElseThrow().version();

        connections.recordSync(id, "SUCCESS", null, java.time.Instant.now());

        Connection after = connections.findById(id).orElseThrow();
        assertThat(after.version()).isEqualTo(version);
        assertThat(after.lastSyncOutcome()).isEqualTo("SUCCESS");
    }

    @Test
    void twoCallbacksForTheSameAccountAtOnceLeaveOneConnection() throws Exception {
        String user = uniqueUser();
        String account = "acct-" + UUID.randomUUID();
        List<String> callbacks = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String authorizationUrl = connect.authorize(MockOidcCalendarProvider.ID, Caller.user(user), null);
            callbacks.add(connect.consentAtMockServer(authorizationUrl, account, "twice@example.com"));
        }

        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Response> answers = new ArrayList<>();
        try {
            for (Future<Response> answer : pool.invokeAll(callbacks.stream()
                    .<Callable<Response>>map(callback -> () -> api.get(callback, Caller.anonymous())).toList())) {
                answers.add(answer.get());
            }
        } finally {
            pool.shutdown();
        }

        assertThat(answers).allSatisfy(a -> assertThat(a.status()).as(a.toString()).isEqualTo(200));
        assertThat(answers.stream().map(a -> a.json().path("connectionId").asText()).distinct()).hasSize(1);
        assertThat(jdbc.sql("SELECT count(*) FROM connections WHERE user_id = ?").param(user).query(Integer.class).single()).isEqualTo(1);
    }
}
