package io.calbridge.emulator.microsoft;

import io.calbridge.emulator.microsoft.HttpFront.Reply;
import io.calbridge.emulator.microsoft.HttpFront.Request;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Microsoft identity platform v2 endpoints: {@code /{tenant}/oauth2/v2.0/authorize} (a consent page, or an
 * automatic approval) and {@code /{tenant}/oauth2/v2.0/token} (authorization_code with PKCE, refresh_token), with
 * Microsoft's answers and AADSTS errors. Refresh tokens rotate on every use; the replaced one stays valid unless
 * {@link #revokeRotatedRefreshTokens} (Microsoft replaces refresh tokens but does not revoke the old ones at once).
 * There is no revocation endpoint, as at Microsoft. Access tokens are opaque (128 base64url characters).
 */
final class Identity {

    static final String GRAPH_RESOURCE = "https://graph.microsoft.com/";
    private static final Set<String> OIDC_SCOPES = Set.of("openid", "email", "profile", "offline_access");
    private static final Pattern TENANT = Pattern.compile("common|organizations|consumers|[0-9a-fA-F-]{36}|[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    private static final Duration CODE_LIFETIME = Duration.ofMinutes(10);
    /** Microsoft's refresh tokens expire after 90 days without use. */
    static final Duration REFRESH_INACTIVITY = Duration.ofDays(90);

    record Client(String id, String secret, Set<String> redirectUris) {
    }

    /** One consent of an account to a client; revoking it (an AADSTS code) kills its tokens. */
    static final class Grant {
        final String clientId;
        final String account;
        final Set<String> scopes;
        volatile int revokedWith;

        Grant(String clientId, String account, Set<String> scopes) {
            this.clientId = clientId;
            this.account = account;
            this.scopes = scopes;
        }
    }

    static final class RefreshToken {
        final Grant grant;
        final Instant issued;
        volatile Instant lastUsed;
        volatile boolean replaced;

        RefreshToken(Grant grant, Instant issued) {
            this.grant = grant;
            this.issued = issued;
            this.lastUsed = issued;
        }
    }

    record Access(Grant grant, Instant expires) {
    }

    private record Code(String clientId, String redirectUri, Set<String> scopes, String account, String challenge, String method,
            String nonce, Instant expires) {
    }

    private record Pending(Map<String, String> query, String tenant, Instant expires) {
    }

    private final Directory directory;
    private final Map<String, Client> clients = new ConcurrentHashMap<>();
    private final Map<String, Code> codes = new ConcurrentHashMap<>();
    private final Set<String> usedCodes = ConcurrentHashMap.newKeySet();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    final Map<String, RefreshToken> refreshTokens = new ConcurrentHashMap<>();
    final Map<String, Access> accessTokens = new ConcurrentHashMap<>();
    volatile Duration accessTokenLifetime = Duration.ofHours(1);
    volatile boolean autoApprove;
    volatile boolean revokeRotatedRefreshTokens;
    volatile String defaultAccount;
    /** Successful refreshes, oldest first. */
    final java.util.concurrent.ConcurrentLinkedDeque<RefreshTokenUse> refreshes = new java.util.concurrent.ConcurrentLinkedDeque<>();

    Identity(Directory directory) {
        this.directory = directory;
    }

    Map<String, Client> clients() {
        return clients;
    }

    void registerClient(String id, String secret, Set<String> redirectUris) {
        clients.put(id, new Client(id, secret, redirectUris));
    }

    // ---- authorize ----------------------------------------------------------------------------------------------

    Reply authorize(Request request, String tenant) throws IOException {
        if (request.method.equals("POST")) {
            return decide(request.form(), tenant);
        }
        Map<String, String> q = request.query;
        Client client = clients.get(String.valueOf(q.get("client_id")));
        if (client == null) {
            return errorPage(700016, "Application with identifier '" + Json.escapeHtml(q.get("client_id")) + "' was not found in the directory '"
                    + Json.escapeHtml(tenant) + "'.");
        }
        String redirect = q.get("redirect_uri");
        if (redirect == null || !(client.redirectUris().isEmpty() || client.redirectUris().contains(redirect))) {
            return errorPage(50011, "The redirect URI '" + Json.escapeHtml(redirect) + "' specified in the request does not match the redirect URIs configured for the application '"
                    + Json.escapeHtml(client.id()) + "'.");
        }
        if (!TENANT.matcher(tenant).matches()) {
            return errorPage(90002, "Tenant '" + Json.escapeHtml(tenant) + "' not found.");
        }
        if (!"code".equals(q.get("response_type"))) {
            return redirectError(redirect, q, "unsupported_response_type", 70005,
                    "The provided value for the input parameter 'response_type' is not allowed for this request. Expected value: 'code'.");
        }
        if (q.get("scope") == null || q.get("scope").isBlank()) {
            return redirectError(redirect, q, "invalid_request", 900144, "The request body must contain the following parameter: 'scope'.");
        }
        String challenge = q.get("code_challenge");
        String method = q.get("code_challenge_method");
        if (challenge != null && method != null && !method.equals("S256") && !method.equals("plain")) {
            return redirectError(redirect, q, "invalid_request", 50150, "The code_challenge_method '" + method + "' is not supported.");
        }
        if (method != null && challenge == null) {
            return redirectError(redirect, q, "invalid_request", 50149, "The code_challenge parameter is required with code_challenge_method.");
        }
        String prompt = q.get("prompt");
        if (autoApprove && !"login".equals(prompt) && !"select_account".equals(prompt) || "none".equals(prompt)) {
            if ("none".equals(prompt) && !autoApprove) {
                return redirectError(redirect, q, "interaction_required", 50058,
                        "A silent sign-in request was sent but no user is signed in.");
            }
            String account = q.get("login_hint") != null && !q.get("login_hint").isBlank() ? q.get("login_hint") : defaultAccount;
            return approve(q, tenant, account);
        }
        String requestId = Json.randomToken(18);
        pending.put(requestId, new Pending(Map.copyOf(q), tenant, directory.now().plus(Duration.ofMinutes(30))));
        String hint = q.get("login_hint") != null ? q.get("login_hint") : defaultAccount;
        List<String> scopes = new ArrayList<>(List.of(q.get("scope").split(" ")));
        StringBuilder items = new StringBuilder();
        scopes.stream().filter(s -> !s.isBlank()).forEach(s -> items.append("<li>").append(Json.escapeHtml(s)).append("</li>"));
        return Reply.html(200, "<!doctype html><html><head><meta charset=\"utf-8\"><title>Permissions requested</title></head>"
                + "<body style=\"font-family:sans-serif;max-width:32em;margin:3em auto\"><h1>Permissions requested</h1>"
                + "<p>The app <b>" + Json.escapeHtml(client.id()) + "</b> would like to:</p><ul>" + items + "</ul>"
                + "<form method=\"post\"><input type=\"hidden\" name=\"request\" value=\"" + requestId + "\">"
                + "<label>Account <input name=\"login_hint\" value=\"" + Json.escapeHtml(hint) + "\"></label><p>"
                + "<button name=\"decision\" value=\"allow\">Accept</button> <button name=\"decision\" value=\"deny\">Cancel</button></p>"
                + "</form></body></html>");
    }

    private Reply decide(Map<String, String> form, String tenant) {
        Pending request = pending.remove(String.valueOf(form.get("request")));
        if (request == null || request.expires().isBefore(directory.now())) {
            return errorPage(900561, "The sign-in request has expired or is unknown; start the sign-in again.");
        }
        Map<String, String> q = request.query();
        if (!"allow".equals(form.get("decision"))) {
            return redirectError(q.get("redirect_uri"), q, "access_denied", 65004, "User declined to consent to access the app.");
        }
        String account = form.get("login_hint") != null && !form.get("login_hint").isBlank() ? form.get("login_hint") : defaultAccount;
        return approve(q, request.tenant(), account);
    }

    private Reply approve(Map<String, String> q, String tenant, String accountEmail) {
        String redirect = q.get("redirect_uri");
        Mailbox account = directory.byEmail(accountEmail);
        if (account == null) {
            return redirectError(redirect, q, "invalid_request", 50034, "The user account " + accountEmail + " does not exist in the directory.");
        }
        boolean tenantFits = switch (tenant.toLowerCase(Locale.ROOT)) {
            case "common" -> true;
            case "consumers" -> account.personal;
            case "organizations" -> !account.personal;
            default -> tenant.equalsIgnoreCase(account.tenantId) || !tenant.contains("-") && !account.personal;
        };
        if (!tenantFits) {
            return redirectError(redirect, q, "invalid_request", 50020, "User account '" + accountEmail + "' from identity provider does not exist in tenant '"
                    + tenant + "' and cannot access the application '" + q.get("client_id") + "' in that tenant.");
        }
        String code = "M." + Json.randomToken(48);
        codes.put(code, new Code(q.get("client_id"), redirect, scopes(q.get("scope")), account.userPrincipalName, q.get("code_challenge"),
                q.get("code_challenge_method") == null ? "plain" : q.get("code_challenge_method"), q.get("nonce"), directory.now().plus(CODE_LIFETIME)));
        StringBuilder location = new StringBuilder(redirect).append(redirect.contains("?") ? '&' : '?').append("code=").append(Json.encode(code));
        if (q.get("state") != null) {
            location.append("&state=").append(Json.encode(q.get("state")));
        }
        return Reply.redirect(location.toString());
    }

    private static Reply redirectError(String redirect, Map<String, String> q, String error, int aadsts, String description) {
        StringBuilder location = new StringBuilder(redirect).append(redirect.contains("?") ? '&' : '?')
                .append("error=").append(error).append("&error_description=").append(Json.encode("AADSTS" + aadsts + ": " + description));
        if (q.get("state") != null) {
            location.append("&state=").append(Json.encode(q.get("state")));
        }
        return Reply.redirect(location.toString());
    }

    private static Reply errorPage(int aadsts, String description) {
        return Reply.html(400, "<!doctype html><html><body style=\"font-family:sans-serif\"><h1>Sorry, but we're having trouble signing you in.</h1><p>AADSTS"
                + aadsts + ": " + description + "</p></body></html>");
    }

    /** Requested scopes, normalised: Graph permissions without the resource prefix, OIDC scopes lower case. */
    static Set<String> scopes(String scope) {
        Set<String> result = new LinkedHashSet<>();
        if (scope == null) {
            return result;
        }
        for (String s : scope.trim().split("\\s+")) {
            if (s.isEmpty()) {
                continue;
            }
            String bare = s.regionMatches(true, 0, GRAPH_RESOURCE, 0, GRAPH_RESOURCE.length()) ? s.substring(GRAPH_RESOURCE.length()) : s;
            result.add(OIDC_SCOPES.contains(bare.toLowerCase(Locale.ROOT)) ? bare.toLowerCase(Locale.ROOT) : bare);
        }
        return result;
    }

    // ---- token --------------------------------------------------------------------------------------------------

    static String operationName(Map<String, String> form) {
        return switch (String.valueOf(form.get("grant_type"))) {
            case "authorization_code" -> "token.authorizationCode";
            case "refresh_token" -> "token.refresh";
            default -> "token.other";
        };
    }

    Reply token(Request request, String tenant) throws IOException {
        if (!request.method.equals("POST")) {
            throw GraphException.identity(400, "invalid_request", 900561, "The endpoint only accepts POST requests. Received a " + request.method + " request.");
        }
        Map<String, String> form = request.form();
        String clientId = form.get("client_id");
        String secret = form.get("client_secret");
        String basic = request.header("Authorization");
        if (basic != null && basic.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(basic.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw GraphException.identity(401, "invalid_client", 7000215, "Invalid client secret provided.");
            }
            int colon = decoded.indexOf(':');
            clientId = java.net.URLDecoder.decode(colon < 0 ? decoded : decoded.substring(0, colon), StandardCharsets.UTF_8);
            secret = colon < 0 ? null : java.net.URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
        }
        if (clientId == null) {
            throw GraphException.identity(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.");
        }
        Client client = clients.get(clientId);
        if (client == null) {
            throw GraphException.identity(400, "unauthorized_client", 700016, "Application with identifier '" + clientId
                    + "' was not found in the directory '" + tenant + "'.");
        }
        if (client.secret() != null) {
            if (secret == null) {
                throw GraphException.identity(401, "invalid_client", 7000218,
                        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
            }
            if (!MessageDigest.isEqual(client.secret().getBytes(StandardCharsets.UTF_8), secret.getBytes(StandardCharsets.UTF_8))) {
                throw GraphException.identity(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request"
                        + " is the client secret value, not the client secret ID, for a secret added to app '" + clientId + "'.");
            }
        }
        String grantType = form.get("grant_type");
        if (grantType == null) {
            throw GraphException.identity(400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.");
        }
        return switch (grantType) {
            case "authorization_code" -> redeemCode(client, form);
            case "refresh_token" -> refresh(client, form);
            default -> throw GraphException.identity(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '" + grantType + "'.");
        };
    }

    private Reply redeemCode(Client client, Map<String, String> form) {
        String value = form.get("code");
        if (value == null) {
            throw GraphException.identity(400, "invalid_request", 900144, "The request body must contain the following parameter: 'code'.");
        }
        Code code = codes.remove(value);
        if (code == null) {
            if (usedCodes.contains(value)) {
                throw GraphException.identity(400, "invalid_grant", 54005,
                        "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.");
            }
            throw GraphException.identity(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.");
        }
        usedCodes.add(value);
        if (code.expires().isBefore(directory.now())) {
            throw GraphException.identity(400, "invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity."
                    + " Send a new interactive authorization request for this user and resource.");
        }
        if (!code.clientId().equals(client.id())) {
            throw GraphException.identity(400, "invalid_grant", 70000, "The provided value for the 'code' parameter is not valid. The code was issued to another client.");
        }
        if (!code.redirectUri().equals(form.get("redirect_uri"))) {
            throw GraphException.identity(400, "invalid_grant", 50148, "The redirect_uri does not match the redirect URI used to obtain the authorization code.");
        }
        if (code.challenge() != null) {
            String verifier = form.get("code_verifier");
            if (verifier == null || !code.challenge().equals(code.method().equals("S256") ? s256(verifier) : verifier)) {
                throw GraphException.identity(400, "invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.");
            }
        } else if (client.secret() == null) {
            throw GraphException.identity(400, "invalid_request", 9002325, "Proof Key for Code Exchange is required for cross-origin authorization code redemption.");
        }
        Grant grant = new Grant(client.id(), code.account(), code.scopes());
        return Reply.plainJson(tokenResponse(grant, code.nonce()));
    }

    private Reply refresh(Client client, Map<String, String> form) {
        String value = form.get("refresh_token");
        if (value == null) {
            throw GraphException.identity(400, "invalid_request", 900144, "The request body must contain the following parameter: 'refresh_token'.");
        }
        RefreshToken token = refreshTokens.get(value);
        if (token == null || token.replaced && revokeRotatedRefreshTokens) {
            throw GraphException.identity(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.");
        }
        Grant grant = token.grant;
        if (!grant.clientId.equals(client.id())) {
            throw GraphException.identity(400, "invalid_grant", 70000, "The provided value for the 'refresh_token' is not valid: it was issued to another client.");
        }
        if (grant.revokedWith != 0) {
            throw revokedError(grant.revokedWith, client.id(), token);
        }
        Instant now = directory.now();
        if (token.lastUsed.plus(REFRESH_INACTIVITY).isBefore(now)) {
            throw revokedError(700082, client.id(), token);
        }
        Set<String> requested = scopes(form.get("scope"));
        for (String scope : requested) {
            if (!containsIgnoreCase(grant.scopes, scope)) {
                throw GraphException.identity(400, "invalid_grant", 65001, "The user or administrator has not consented to use the application with ID '"
                        + client.id() + "'. Send an interactive authorization request for this user and resource.");
            }
        }
        token.lastUsed = now;
        token.replaced = true;
        ObjectNode answer = tokenResponse(grant, null);
        refreshes.addLast(new RefreshTokenUse(now, grant.account, value, Json.text(answer, "refresh_token")));
        return Reply.plainJson(answer);
    }

    static GraphException revokedError(int aadsts, String clientId, RefreshToken token) {
        String description = switch (aadsts) {
            case 50173 -> "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.";
            case 65001 -> "The user or administrator has not consented to use the application with ID '" + clientId
                    + "'. Send an interactive authorization request for this user and resource.";
            case 700082 -> "The refresh token has expired due to inactivity. The token was issued on " + (token == null ? "" : token.issued)
                    + " and was inactive for 90.00:00:00.";
            case 70008 -> "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.";
            case 50076, 50079 -> "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource.";
            default -> "The refresh token is no longer valid; a new interactive authorization is needed.";
        };
        return GraphException.identity(400, "invalid_grant", aadsts, description);
    }

    private static boolean containsIgnoreCase(Set<String> set, String value) {
        return set.stream().anyMatch(s -> s.equalsIgnoreCase(value));
    }

    /** Microsoft's token response; refresh_token only with offline_access, id_token only with openid. */
    ObjectNode tokenResponse(Grant grant, String nonce) {
        Instant now = directory.now();
        long lifetime = Math.max(0, accessTokenLifetime.toSeconds());
        String access = Json.randomToken(96);
        accessTokens.put(access, new Access(grant, now.plusSeconds(lifetime)));
        ObjectNode out = Json.object();
        out.put("token_type", "Bearer");
        List<String> granted = new ArrayList<>();
        grant.scopes.stream().filter(s -> !s.equals("offline_access")).forEach(s -> granted.add(OIDC_SCOPES.contains(s) ? s : GRAPH_RESOURCE + s));
        out.put("scope", String.join(" ", granted));
        out.put("expires_in", lifetime);
        out.put("ext_expires_in", lifetime);
        out.put("access_token", access);
        if (grant.scopes.contains("offline_access")) {
            String refresh = "M.C5" + Json.randomToken(120);
            refreshTokens.put(refresh, new RefreshToken(grant, now));
            out.put("refresh_token", refresh);
        }
        if (grant.scopes.contains("openid")) {
            out.put("id_token", idToken(grant, nonce, now));
        }
        return out;
    }

    /** HS256 with the client secret (an OpenID Connect option for confidential clients); alg "none" for public clients. */
    private String idToken(Grant grant, String nonce, Instant now) {
        Mailbox account = directory.byEmail(grant.account);
        ObjectNode header = Json.object();
        Client client = clients.get(grant.clientId);
        boolean signed = client != null && client.secret() != null;
        header.put("typ", "JWT").put("alg", signed ? "HS256" : "none");
        ObjectNode claims = Json.object();
        claims.put("aud", grant.clientId);
        claims.put("iss", "https://login.microsoftonline.com/" + account.tenantId + "/v2.0");
        claims.put("iat", now.getEpochSecond());
        claims.put("nbf", now.getEpochSecond());
        claims.put("exp", now.getEpochSecond() + 3600);
        claims.put("name", account.displayName);
        claims.put("oid", account.id);
        claims.put("preferred_username", account.userPrincipalName);
        if (grant.scopes.contains("email") && account.mail != null || grant.scopes.contains("email") && account.personal) {
            claims.put("email", account.mail != null ? account.mail : account.userPrincipalName);
        }
        claims.put("sub", Json.base64Url(grant.clientId + ":" + account.id).substring(0, 43));
        claims.put("tid", account.tenantId);
        claims.put("ver", "2.0");
        if (nonce != null) {
            claims.put("nonce", nonce);
        }
        String unsigned = Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(header)) + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(claims));
        if (!signed) {
            return unsigned + ".";
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(client.secret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return unsigned + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(unsigned.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- bearer tokens ------------------------------------------------------------------------------------------

    /** The grant behind a bearer token; Graph's 401 InvalidAuthenticationToken otherwise. */
    Grant authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw GraphException.invalidToken("Access token is empty.");
        }
        Access access = accessTokens.get(authorization.substring(7).trim());
        if (access == null) {
            throw GraphException.invalidToken("IDX14100: JWT is not well formed, there are no dots (.).");
        }
        if (!access.expires().isAfter(directory.now())) {
            throw GraphException.invalidToken("Lifetime validation failed, the token is expired.");
        }
        if (access.grant().revokedWith != 0) {
            throw GraphException.invalidToken("Access token has expired or is not yet valid.");
        }
        return access.grant();
    }

    /** The account an access token was issued for, expired or not; null for no or an unknown token. */
    String accountOf(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        Access access = accessTokens.get(authorization.substring(7).trim());
        return access == null ? null : access.grant().account;
    }

    /** A grant without the browser round trip (tests and the sandbox). */
    ObjectNode issue(String clientId, String accountEmail, String scope) {
        directory.existing(accountEmail);
        return tokenResponse(new Grant(clientId, directory.existing(accountEmail).userPrincipalName, scopes(scope)), null);
    }

    void revokeConsent(String accountEmail, int aadsts) {
        String upn = directory.existing(accountEmail).userPrincipalName;
        refreshTokens.values().forEach(t -> {
            if (t.grant.account.equalsIgnoreCase(upn)) {
                t.grant.revokedWith = aadsts;
            }
        });
        accessTokens.values().forEach(a -> {
            if (a.grant().account.equalsIgnoreCase(upn)) {
                a.grant().revokedWith = aadsts;
            }
        });
    }

    void expireAccessTokens() {
        Instant past = directory.now().minusSeconds(1);
        accessTokens.replaceAll((token, access) -> new Access(access.grant(), past));
    }

    /** Only this account's access tokens expire: Graph then answers them 401 InvalidAuthenticationToken. */
    void expireAccessTokens(String accountEmail) {
        String upn = directory.existing(accountEmail).userPrincipalName;
        Instant past = directory.now().minusSeconds(1);
        accessTokens.replaceAll((token, access) -> access.grant().account.equalsIgnoreCase(upn) ? new Access(access.grant(), past) : access);
    }

    void reset() {
        codes.clear();
        usedCodes.clear();
        pending.clear();
        refreshTokens.clear();
        accessTokens.clear();
        refreshes.clear();
    }
}
