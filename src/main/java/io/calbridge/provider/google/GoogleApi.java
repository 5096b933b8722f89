package io.calbridge.provider.google;

import com.google.api.client.googleapis.services.AbstractGoogleClientRequest;
import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.HttpResponseException;
import com.google.api.client.http.UrlEncodedContent;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.calendar.Calendar;
import io.calbridge.provider.ProviderException;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;

/**
 * The HTTP side of the adapter: one shared, thread-safe {@link NetHttpTransport}; per call a {@link Calendar} client
 * whose request initializer adds the caller's bearer token, the timeouts, and no automatic retry of any kind (the
 * sync queue retries, from the typed errors). The adapter is handed valid access tokens: it never refreshes or keeps
 * one.
 */
final class GoogleApi {

    private static final String SERVICE_PATH = "calendar/v3/";

    private final GoogleSettings settings;
    private final NetHttpTransport transport = new NetHttpTransport();
    private final GsonFactory json = GsonFactory.getDefaultInstance();
    private final GoogleErrors errors;

    GoogleApi(GoogleSettings settings, Clock clock) {
        this.settings = settings;
        this.errors = new GoogleErrors(clock);
    }

    GoogleErrors errors() {
        return errors;
    }

    /** A Calendar client that acts with this access token. Cheap: the transport is shared. */
    Calendar calendar(String accessToken) {
        return new Calendar.Builder(transport, json, initializer(accessToken))
                .setRootUrl(settings.apiBaseUrl())
                .setServicePath(SERVICE_PATH)
                .setApplicationName("calbridge")
                .build();
    }

    /** A request as the generated client builds it (building declares {@link IOException} too). */
    @FunctionalInterface
    interface Call<T> {
        AbstractGoogleClientRequest<T> build() throws IOException;
    }

    /** One call; any failure becomes a typed {@link ProviderException} naming {@code operation}. */
    <T> T execute(String operation, Call<T> call) {
        try {
            return call.build().execute();
        } catch (IOException e) {
            throw errors.translate(operation, e);
        } catch (IllegalArgumentException e) {
            // the client's JSON parser reports a malformed answer this way
            throw errors.unreadable(operation, e);
        }
    }

    /**
     * Revokes a token at the revocation endpoint (form {@code token=...}, as Google documents). A token Google no longer
     * knows (400 {@code invalid_token}) is revoked already.
     */
    void revoke(String token) {
        HttpRequest request;
        try {
            request = transport.createRequestFactory(noRetries()).buildPostRequest(new GenericUrl(settings.revokeUri()),
                    new UrlEncodedContent(Map.of("token", token)));
            request.setThrowExceptionOnExecuteError(false);
            HttpResponse response = request.execute();
            try {
                int status = response.getStatusCode();
                if (response.isSuccessStatusCode()) {
                    return;
                }
                String body = response.parseAsString();
                if (status == 400 && body != null && body.contains("invalid_token")) {
                    return;
                }
                throw errors.translate("token revocation", new HttpResponseException.Builder(status, response.getStatusMessage(),
                        response.getHeaders()).setContent(body).build());
            } finally {
                response.disconnect();
            }
        } catch (IOException e) {
            throw errors.translate("token revocation", e);
        }
    }

    private HttpRequestInitializer initializer(String accessToken) {
        HttpRequestInitializer base = noRetries();
        return request -> {
            base.initialize(request);
            request.getHeaders().setAuthorization("Bearer " + accessToken);
        };
    }

    private HttpRequestInitializer noRetries() {
        int connectMillis = Math.toIntExact(settings.connectTimeout().toMillis());
        int readMillis = Math.toIntExact(settings.readTimeout().toMillis());
        return request -> request
                .setConnectTimeout(connectMillis)
                .setReadTimeout(readMillis)
                .setNumberOfRetries(0)
                .setUnsuccessfulResponseHandler(null)
                .setIOExceptionHandler(null)
                .setLoggingEnabled(false)
                .setCurlLoggingEnabled(false);
    }
}
