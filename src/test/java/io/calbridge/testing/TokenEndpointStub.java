package io.calbridge.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A token endpoint over real HTTP that counts refreshes and can be told to refuse them, the way Google's does:
 * a refresh answers a new access token and no new refresh token; a revoked grant gets {@code invalid_grant} and its
 * access tokens stop working at once, however long they had to live.
 */
public final class TokenEndpointStub {

    private static TokenEndpointStub instance;

    private final HttpServer server;
    private final AtomicInteger issued = new AtomicInteger();
    private final AtomicInteger refreshes = new AtomicInteger();
    private final Set<String> revokedRefreshTokens = ConcurrentHashMap.newKeySet();
    /** Live access tokens, each with the refresh token of its grant. */
    private final Map<String, String> validAccessTokens = new ConcurrentHashMap<>();
    private volatile boolean refuseEveryAccessToken;
    private volatile long accessTokenSeconds = 3600;
    private volatile boolean failCodeExchange;

    private TokenEndpointStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/token", this::token);
        server.start();
    }

    public static synchronized TokenEndpointStub instance() {
        if (instance == null) {
            try {
                instance = new TokenEndpointStub();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return instance;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public int refreshCount() {
        return refreshes.get();
    }

    /** Whether the stub's API accepts the token: issued here, its grant not revoked, and not refused wholesale. */
    public boolean isValid(String accessToken) {
        return !refuseEveryAccessToken && accessToken != null && validAccessTokens.containsKey(accessToken);
    }

    /** The access token dies early (its grant lives on): the API refuses it, a refresh gives a working one. */
    public void invalidate(String accessToken) {
        validAccessTokens.remove(accessToken);
    }

    /** The API refuses every access token, fresh ones included (while refreshes keep working). */
    public void refuseEveryAccessToken(boolean refuse) {
        refuseEveryAccessToken = refuse;
    }

    public boolean isRevoked(String refreshToken) {
        return revokedRefreshTokens.contains(refreshToken);
    }

    /** The user revokes the grant: its refresh token gets invalid_grant and its access tokens are refused. */
    public void revoke(String refreshToken) {
        revokedRefreshTokens.add(refreshToken);
        validAccessTokens.values().removeIf(refreshToken::equals);
    }

    /** Lifetime of the access tokens the code exchange issues. */
    public void accessTokenSeconds(long seconds) {
        accessTokenSeconds = seconds;
    }

    public void failCodeExchange(boolean fail) {
        failCodeExchange = fail;
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> form = Arrays.stream(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&"))
                .map(pair -> pair.split("=", 2))
                .collect(Collectors.toMap(kv -> decode(kv[0]), kv -> kv.length > 1 ? decode(kv[1]) : ""));
        switch (form.getOrDefault("grant_type", "")) {
            case "authorization_code" -> {
                if (failCodeExchange) {
                    reply(exchange, 500, "{\"error\":\"server_error\"}");
                    return;
                }
                // the code names the refresh token to hand out, so tests know it
                String access = "stub-access-" + issued.incrementAndGet();
                validAccessTokens.put(access, "refresh-" + form.get("code"));
                reply(exchange, 200, "{\"access_token\":\"" + access + "\",\"token_type\":\"Bearer\",\"expires_in\":" + accessTokenSeconds
                        + ",\"refresh_token\":\"refresh-" + form.get("code") + "\",\"scope\":\"calendar email\"}");
            }
            case "refresh_token" -> {
                refreshes.incrementAndGet();
                sleep(300); // widen the window in which concurrent callers could race
                if (revokedRefreshTokens.contains(form.get("refresh_token"))) {
                    reply(exchange, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"Token has been expired or revoked.\"}");
                    return;
                }
                String access = "stub-access-" + issued.incrementAndGet();
                validAccessTokens.put(access, form.get("refresh_token"));
                reply(exchange, 200, "{\"access_token\":\"" + access + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
            }
            default -> reply(exchange, 400, "{\"error\":\"unsupported_grant_type\"}");
        }
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
