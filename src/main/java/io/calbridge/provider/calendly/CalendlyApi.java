package io.calbridge.provider.calendly;

import io.calbridge.provider.ProviderException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calendly's REST API v2 over Spring's {@link RestClient} (Calendly has no Java SDK): one request per call, no retries
 * here (the queue and the sync retry by the failure's kind), errors as {@link ProviderException}s. Calendly names every
 * resource by a full URI; the access token is sent only to URIs under {@link CalendlySettings#apiBaseUrl()}.
 */
final class CalendlyApi {

    /** When a 429 names no reset: Calendly's limits are per minute. */
    private static final Duration DEFAULT_RATE_WAIT = Duration.ofSeconds(60);

    private final CalendlySettings settings;
    private final RestClient rest;
    private final JsonMapper json = JsonMapper.builder().build();

    CalendlyApi(CalendlySettings settings) {
        this.settings = settings;
        HttpClient http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout()).followRedirects(HttpClient.Redirect.NEVER)
                .build();
        JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(http);
        factory.setReadTimeout(settings.readTimeout());
        this.rest = RestClient.builder().requestFactory(factory).build();
    }

    /** {@code path} under the API root with {@code query}. */
    String url(String path, Map<String, String> query) {
        return withQuery(settings.apiBaseUrl() + path, query);
    }

    /** A Calendly URI (a resource's own, or one under the root) with {@code query} (values encoded; null values left out). */
    static String withQuery(String uri, Map<String, String> query) {
        StringBuilder url = new StringBuilder(uri);
        char separator = '?';
        for (Map.Entry<String, String> parameter : query.entrySet()) {
            if (parameter.getValue() != null) {
                url.append(separator).append(encode(parameter.getKey())).append('=').append(encode(parameter.getValue()));
                separator = '&';
            }
        }
        return url.toString();
    }

    JsonNode get(String accessToken, String url) {
        return call(HttpMethod.GET, accessToken, url, null);
    }

    JsonNode post(String accessToken, String url, Object body) {
        return call(HttpMethod.POST, accessToken, url, body);
    }

    void delete(String accessToken, String url) {
        call(HttpMethod.DELETE, accessToken, url, null);
    }

    /** RFC 7009 revocation with the app's credentials; an unknown token is no error. */
    void revoke(String token) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("client_id", settings.clientId());
        form.add("client_secret", settings.clientSecret());
        form.add("token", token);
        try {
            rest.post().uri(URI.create(settings.revokeUri())).contentType(MediaType.APPLICATION_FORM_URLENCODED).body(form)
                    .exchange((request, response) -> {
                        int status = response.getStatusCode().value();
                        if (status >= 300) {
                            throw failure(status, response.getHeaders(), readBody(response.getBody().readAllBytes()), "oauth/revoke");
                        }
                        return null;
                    });
        } catch (ResourceAccessException e) {
            throw new ProviderException.Transient("Calendly oauth/revoke: " + e.getMessage(), e);
        }
    }

    private JsonNode call(HttpMethod method, String accessToken, String url, Object body) {
        URI uri = ownUri(url);
        String what = method + " " + uri.getPath();
        try {
            RestClient.RequestBodySpec request = rest.method(method).uri(uri).headers(headers -> headers.setBearerAuth(accessToken))
                    .accept(MediaType.APPLICATION_JSON);
            if (body != null) {
                request.contentType(MediaType.APPLICATION_JSON).body(json.writeValueAsString(body));
            }
            return request.exchange((sent, response) -> {
                int status = response.getStatusCode().value();
                JsonNode answer = readBody(response.getBody().readAllBytes());
                if (status >= 300) {
                    throw failure(status, response.getHeaders(), answer, what);
                }
                return answer;
            });
        } catch (ResourceAccessException e) {
            throw new ProviderException.Transient("Calendly " + what + ": " + e.getMessage(), e);
        }
    }

    /** Calendly's URIs are used as given, but only under the configured API root: the token goes nowhere else. */
    private URI ownUri(String url) {
        if (!url.startsWith(settings.apiBaseUrl() + "/")) {
            throw new ProviderException.Permanent("not a Calendly API URI: " + url, null);
        }
        return URI.create(url);
    }

    private JsonNode readBody(byte[] bytes) {
        if (bytes.length == 0) {
            return json.createObjectNode();
        }
        try {
            return json.readTree(bytes);
        } catch (JacksonException notJson) {
            return json.createObjectNode();
        }
    }

    /** Calendly's errors are {@code {title, message, details}}; 429 tells its reset in {@code X-RateLimit-Reset} (seconds). */
    private static ProviderException failure(int status, HttpHeaders headers, JsonNode body, String what) {
        String message = "Calendly " + what + " answered " + status + ": " + body.path("title").asString("") + " "
                + body.path("message").asString("");
        if (body.has("error")) {
            message += " " + body.path("error").asString("");
        }
        return switch (status) {
            case 401 -> new ProviderException.Unauthorized(message, null);
            case 404 -> new ProviderException.NotFound(message, null);
            case 429 -> new ProviderException.RateLimited(rateReset(headers.getFirst("X-RateLimit-Reset")), true, message, null);
            default -> status == 400 && "invalid_grant".equals(body.path("error").asString(null))
                    ? new ProviderException.AuthRevoked(message, null)
                    : status >= 500 ? new ProviderException.Transient(message, null) : new ProviderException.Permanent(message, null);
        };
    }

    private static Duration rateReset(String seconds) {
        try {
            return seconds == null ? DEFAULT_RATE_WAIT : Duration.ofSeconds(Math.max(1, Long.parseLong(seconds.trim())));
        } catch (NumberFormatException unreadable) {
            return DEFAULT_RATE_WAIT;
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
