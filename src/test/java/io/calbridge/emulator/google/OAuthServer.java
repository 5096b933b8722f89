package io.calbridge.emulator.google;

import io.calbridge.emulator.google.HttpFront.Reply;
import io.calbridge.emulator.google.HttpFront.Request;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import tools.jackson.databind.node.ObjectNode;

/**
 * Google's OAuth 2.0 endpoints for web-server apps: the authorization endpoint (a consent page, or an immediate
 * redirect when auto-approving), the token endpoint (authorization_code with PKCE, refresh_token) and revocation.
 * As at Google, a refresh token is issued only for {@code access_type=offline}, a refresh answers no new refresh
 * token, and revoking either token of a grant revokes the whole grant.
 */
final class OAuthServer {

    record Client(String id, String secret, Set<String> redirectUris) {
    }

    /** One consent given by an account to a client; its refresh token (if offline) and access tokens hang off it. */
    static final class Grant {
        final String clientId;
        final String account;
        final String scope;
        final String refreshToken;
        volatile boolean revoked;

        Grant(String clientId, String account, String scope, String refreshToken) {
            this.clientId = clientId;
            this.account = account;
            this.scope = scope;
            this.refreshToken = refreshToken;
        }

        boolean hasAnyScope(Set<String> wanted) {
            return Arrays.stream(scope.split(" ")).anyMatch(wanted::contains);
        }
    }

    private record Pending(Client client, String redirectUri, String scope, String state, boolean offline, String challenge,
            String challengeMethod, String account, Instant expires) {
    }

    private record Code(Pending request, String account, Instant expires) {
    }

    record Access(Grant grant, Instant expires) {
    }

    private static final Duration CODE_LIFETIME = Duration.ofMinutes(10);
    private static final String REVOKED = "Token has been expired or revoked.";

    private final Store store;
    private final Map<String, Client> clients = new ConcurrentHashMap<>();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Map<String, Code> codes = new ConcurrentHashMap<>();
    private final Map<String, Grant> refreshTokens = new ConcurrentHashMap<>();
    private final Map<String, Access> accessTokens = new ConcurrentHashMap<>();
    volatile Duration accessTokenLifetime;
    volatile boolean autoApprove;
    volatile String defaultAccount;
    volatile ZoneId defaultZone;

    OAuthServer(Store store) {
        this.store = store;
    }

    void registerClient(String id, String secret, Set<String> redirectUris) {
        clients.put(id, new Client(id, secret, Set.copyOf(redirectUris)));
    }

    // ---- authorization endpoint -----------------------------------------------------------------------------

    Reply authorize(Request request) throws IOException {
        if (request.method.equals("POST")) {
            return decide(request.form());
        }
        Map<String, String> params = request.query;
        Client client = clients.get(String.valueOf(params.get("client_id")));
        if (client == null) {
            return errorPage(401, "invalid_client", "The OAuth client was not found.");
        }
        String redirectUri = params.get("redirect_uri");
        if (redirectUri == null || (!client.redirectUris().isEmpty() && !client.redirectUris().contains(redirectUri))) {
            return errorPage(400, "redirect_uri_mismatch", "The redirect URI in the request does not match the ones authorized for the OAuth client.");
        }
        if (!"code".equals(params.get("response_type"))) {
            return Reply.redirect(redirect(redirectUri, "error", "unsupported_response_type", params.get("state")));
        }
        String scope = params.get("scope");
        if (scope == null || scope.isBlank()) {
            return errorPage(400, "invalid_request", "Missing required parameter: scope");
        }
        String challenge = params.get("code_challenge");
        String method = params.getOrDefault("code_challenge_method", challenge == null ? null : "plain");
        if (challenge != null && !method.equals("S256") && !method.equals("plain")) {
            return errorPage(400, "invalid_request", "Invalid code_challenge_method.");
        }
        String account = params.getOrDefault("login_hint", defaultAccount);
        Pending consent = new Pending(client, redirectUri, normalizeScope(scope), params.get("state"), "offline".equals(params.get("access_type")),
                challenge, method, account, store.now().plus(CODE_LIFETIME));
        if (autoApprove) {
            return approve(consent, account);
        }
        String id = Store.randomToken(18);
        pending.put(id, consent);
        return Reply.html(200, consentPage(id, consent));
    }

    private Reply decide(Map<String, String> form) {
        Pending consent = pending.remove(String.valueOf(form.get("consent")));
        if (consent == null || consent.expires().isBefore(store.now())) {
            return errorPage(400, "invalid_request", "This consent request has expired. Start again from the application.");
        }
        if (!"allow".equals(form.get("decision"))) {
            return Reply.redirect(redirect(consent.redirectUri(), "error", "access_denied", consent.state()));
        }
        String account = form.get("login_hint");
        return approve(consent, account == null || account.isBlank() ? consent.account() : account.trim());
    }

    private Reply approve(Pending consent, String account) {
        try {
            account = store.ensureAccount(account, defaultZone).email;
        } catch (IllegalArgumentException e) {
            return errorPage(400, "invalid_request", "Not an account: " + account);
        }
        String code = "4/0A" + Store.randomToken(36);
        codes.put(code, new Code(consent, account, store.now().plus(CODE_LIFETIME)));
        String location = redirect(consent.redirectUri(), "code", code, consent.state())
                + "&scope=" + Json.encodeQueryValue(consent.scope()) + "&authuser=0&prompt=consent";
        return Reply.redirect(location);
    }

    private static String redirect(String redirectUri, String name, String value, String state) {
        StringBuilder url = new StringBuilder(redirectUri).append(redirectUri.contains("?") ? '&' : '?');
        if (state != null) {
            url.append("state=").append(Json.encodeQueryValue(state)).append('&');
        }
        return url.append(name).append('=').append(Json.encodeQueryValue(value)).toString();
    }

    /** Google answers "email"/"profile" with their full scope URLs. */
    private static String normalizeScope(String scope) {
        return Arrays.stream(scope.trim().split("\\s+"))
                .map(s -> switch (s) {
                    case "email" -> "https://www.googleapis.com/auth/userinfo.email";
                    case "profile" -> "https://www.googleapis.com/auth/userinfo.profile";
                    default -> s;
                })
                .collect(Collectors.toCollection(LinkedHashSet::new))
                .stream().collect(Collectors.joining(" "));
    }

    private static String consentPage(String id, Pending consent) {
        String scopes = Arrays.stream(consent.scope().split(" ")).map(s -> "<li><code>" + Json.escapeHtml(s) + "</code></li>")
                .collect(Collectors.joining());
        return """
                <!doctype html><html><head><meta charset="utf-8"><title>Sign in - Google Accounts (emulator)</title></head>
                <body style="font-family:sans-serif;max-width:40em;margin:3em auto">
                <h1>Google Calendar emulator</h1>
                <p><b>%s</b> wants to access the Google Account below.</p>
                <form method="post" action="%s">
                <input type="hidden" name="consent" value="%s">
                <p><label>Account <input name="login_hint" value="%s" size="40"></label></p>
                <p>It asks for:</p><ul>%s</ul>
                <p><button name="decision" value="allow">Allow</button> <button name="decision" value="deny">Deny</button></p>
                </form></body></html>
                """.formatted(Json.escapeHtml(consent.client().id()), GoogleCalendarEmulator.AUTHORIZATION_PATH, id,
                Json.escapeHtml(consent.account()), scopes);
    }

    private static Reply errorPage(int status, String error, String description) {
        return Reply.html(status, "<!doctype html><html><body><h1>Error " + status + ": " + Json.escapeHtml(error) + "</h1><p>"
                + Json.escapeHtml(description) + "</p></body></html>");
    }

    // ---- token endpoint -------------------------------------------------------------------------------------

    /** "token.authorizationCode", "token.refresh" or "token.other": the name calls are counted under. */
    static String methodName(Map<String, String> form) {
        return switch (String.valueOf(form.get("grant_type"))) {
            case "authorization_code" -> "token.authorizationCode";
            case "refresh_token" -> "token.refresh";
            default -> "token.other";
        };
    }

    Reply token(Request request, Map<String, String> form) {
        String clientId = form.get("client_id");
        String secret = form.get("client_secret");
        String basic = request.header("Authorization");
        if (basic != null && basic.regionMatches(true, 0, "Basic ", 0, 6)) {
            String[] pair = new String(Base64.getDecoder().decode(basic.substring(6).trim()), StandardCharsets.UTF_8).split(":", 2);
            clientId = Json.form("id=" + pair[0]).get("id");
            secret = pair.length > 1 ? Json.form("s=" + pair[1]).get("s") : null;
        }
        if (clientId == null) {
            return oauthError(400, "invalid_request", "Could not determine client ID from request.");
        }
        Client client = clients.get(clientId);
        if (client == null || !client.secret().equals(secret)) {
            return oauthError(401, "invalid_client", "Unauthorized");
        }
        return switch (String.valueOf(form.get("grant_type"))) {
            case "authorization_code" -> exchangeCode(client, form);
            case "refresh_token" -> refresh(client, form.get("refresh_token"));
            default -> oauthError(400, "unsupported_grant_type", "Invalid grant_type: " + form.get("grant_type"));
        };
    }

    private Reply exchangeCode(Client client, Map<String, String> form) {
        String codeValue = form.get("code");
        Code code = codeValue == null ? null : codes.remove(codeValue); // single use, even when what follows fails
        if (code == null || code.expires().isBefore(store.now()) || !code.request().client().id().equals(client.id())) {
            return oauthError(400, "invalid_grant", "Bad Request");
        }
        if (!code.request().redirectUri().equals(form.get("redirect_uri"))) {
            return oauthError(400, "redirect_uri_mismatch", "Bad Request");
        }
        String challenge = code.request().challenge();
        if (challenge != null) {
            String verifier = form.get("code_verifier");
            if (verifier == null) {
                return oauthError(400, "invalid_grant", "Missing code verifier.");
            }
            String computed = code.request().challengeMethod().equals("S256") ? s256(verifier) : verifier;
            if (!computed.equals(challenge)) {
                return oauthError(400, "invalid_grant", "Invalid code verifier.");
            }
        }
        String refreshToken = code.request().offline() ? "1//0g" + Store.randomToken(48) : null;
        Grant grant = new Grant(client.id(), code.account(), code.request().scope(), refreshToken);
        if (refreshToken != null) {
            refreshTokens.put(refreshToken, grant);
        }
        return Reply.json(tokenResponse(grant, refreshToken));
    }

    private Reply refresh(Client client, String refreshToken) {
        Grant grant = refreshToken == null ? null : refreshTokens.get(refreshToken);
        if (grant == null || grant.revoked) {
            return oauthError(400, "invalid_grant", REVOKED);
        }
        if (!grant.clientId.equals(client.id())) {
            return oauthError(400, "unauthorized_client", "Unauthorized");
        }
        return Reply.json(tokenResponse(grant, null));
    }

    private ObjectNode tokenResponse(Grant grant, String refreshToken) {
        IssuedAccess access = newAccessToken(grant);
        ObjectNode body = Json.object();
        body.put("access_token", access.token());
        body.put("expires_in", access.expiresIn());
        if (refreshToken != null) {
            body.put("refresh_token", refreshToken);
        }
        body.put("scope", grant.scope);
        body.put("token_type", "Bearer");
        return body;
    }

    record IssuedAccess(String token, long expiresIn) {
    }

    private IssuedAccess newAccessToken(Grant grant) {
        String token = "ya29.a0" + Store.randomToken(48);
        Duration lifetime = accessTokenLifetime;
        accessTokens.put(token, new Access(grant, store.now().plus(lifetime)));
        return new IssuedAccess(token, lifetime.toSeconds());
    }

    /** A grant without the browser: for tests that start from "already connected". */
    IssuedTokens issue(String clientId, String account, String scope) {
        String email = store.ensureAccount(account, defaultZone).email;
        String refreshToken = "1//0g" + Store.randomToken(48);
        Grant grant = new Grant(clientId, email, normalizeScope(scope), refreshToken);
        refreshTokens.put(refreshToken, grant);
        IssuedAccess access = newAccessToken(grant);
        return new IssuedTokens(access.token(), refreshToken, access.expiresIn(), grant.scope);
    }

    private static Reply oauthError(int status, String error, String description) {
        ObjectNode body = Json.object();
        body.put("error", error);
        body.put("error_description", description);
        return Reply.json(status, body);
    }

    private static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- revocation and API authentication ------------------------------------------------------------------

    Reply revoke(Map<String, String> form) {
        String token = form.get("token");
        Grant grant = token == null ? null : refreshTokens.get(token);
        if (grant == null && token != null) {
            Access access = accessTokens.get(token);
            grant = access == null ? null : access.grant();
        }
        if (grant == null || grant.revoked) {
            return oauthError(400, "invalid_token", "Token expired or revoked");
        }
        grant.revoked = true;
        return Reply.json(Json.object());
    }

    /** The grant behind a {@code Bearer} access token, or Google's 401. */
    Grant authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new GoogleApiException(401, "global", "required", "Request is missing required authentication credential. Expected OAuth 2 "
                    + "access token, login cookie or other valid authentication credential.", "Authorization", "header")
                    .itemMessage("Login Required.")
                    .header("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\"");
        }
        Access access = accessTokens.get(authorization.substring(7).trim());
        if (access == null || access.grant().revoked || !access.expires().isAfter(store.now())) {
            throw new GoogleApiException(401, "global", "authError", "Request had invalid authentication credentials. Expected OAuth 2 "
                    + "access token, login cookie or other valid authentication credential.", "Authorization", "header")
                    .itemMessage("Invalid Credentials")
                    .header("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"");
        }
        return access.grant();
    }

    void revokeAccount(String email) {
        refreshTokens.values().forEach(grant -> {
            if (grant.account.equalsIgnoreCase(email)) {
                grant.revoked = true;
            }
        });
        accessTokens.values().forEach(access -> {
            if (access.grant().account.equalsIgnoreCase(email)) {
                access.grant().revoked = true;
            }
        });
    }

    /** Every access token issued so far stops working now; refresh tokens still work. */
    void expireAccessTokens() {
        accessTokens.replaceAll((token, access) -> new Access(access.grant(), Instant.EPOCH));
    }

    /** The live grants by refresh token and the access tokens, for saving and restoring them (StateFile). */
    Map<String, Grant> refreshTokens() {
        return refreshTokens;
    }

    Map<String, Access> accessTokens() {
        return accessTokens;
    }

    void reset() {
        pending.clear();
        codes.clear();
        refreshTokens.clear();
        accessTokens.clear();
    }
}
