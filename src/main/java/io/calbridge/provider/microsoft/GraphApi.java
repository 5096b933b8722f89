package io.calbridge.provider.microsoft;

import com.microsoft.graph.core.requests.BaseGraphRequestAdapter;
import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.RequestHeaders;
import com.microsoft.kiota.RequestInformation;
import com.microsoft.kiota.RequestOption;
import com.microsoft.kiota.authentication.AccessTokenProvider;
import com.microsoft.kiota.authentication.AllowedHostsValidator;
import com.microsoft.kiota.authentication.BaseBearerTokenAuthenticationProvider;
import com.microsoft.kiota.http.middleware.options.RetryHandlerOption;
import com.microsoft.kiota.serialization.Parsable;
import com.microsoft.kiota.serialization.ParsableFactory;
import io.calbridge.provider.ProviderException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import okhttp3.ResponseBody;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP side of the adapter: one shared OkHttp client built by {@link GraphClientFactory} (its middleware turns
 * {@code me()}'s {@code /users/TokenToReplace} into {@code /me}), with the SDK's retry handler switched off (it would
 * repeat POSTs and sleep on the caller; calbridge's sync queue retries, from the typed errors) and the configured
 * timeouts; per call a {@link GraphServiceClient} that sends the caller's access token to the configured Graph host
 * only. The adapter is handed valid access tokens: it never refreshes or keeps one.
 */
final class GraphApi {

    /** No retry at all: the queue decides, after {@code Retry-After}. */
    private static final RetryHandlerOption NO_RETRIES = new RetryHandlerOption((delay, executionCount, request, response) -> false, 0, 0);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Every error status ("XXX") read as Graph's error body, as the SDK's own requests do; never changed. */
    private static final HashMap<String, ParsableFactory<? extends Parsable>> GRAPH_ERRORS =
            new HashMap<>(Map.of("XXX", ODataError::createFromDiscriminatorValue));
    /** Graph's error bodies are small; a longer one is not Graph's. */
    private static final long MAX_ERROR_BODY = 64 * 1024;

    private final MicrosoftSettings settings;
    private final OkHttpClient http;
    private final MicrosoftErrors errors;

    GraphApi(MicrosoftSettings settings, Clock clock) {
        this.settings = settings;
        this.errors = new MicrosoftErrors(clock);
        this.http = GraphClientFactory.create(new RequestOption[] {NO_RETRIES})
                .connectTimeout(settings.connectTimeout())
                .readTimeout(settings.readTimeout())
                .addInterceptor(GraphApi::keepStatusOfUnreadableErrors)
                .build();
    }

    /**
     * The preferences every call sends: times in UTC (the event's own zone comes in {@code originalStartTimeZone}),
     * immutable ids (an event moved between folders keeps its id) and, for lists, the page size. Each request sets
     * them anew: a request made from a {@code nextLink} by {@code withUrl} carries none of the first request's headers.
     */
    static void prefer(RequestHeaders headers, Integer pageSize) {
        if (pageSize != null) {
            headers.add("Prefer", "odata.maxpagesize=" + pageSize);
        }
        headers.add("Prefer", "outlook.timezone=\"UTC\"");
        headers.add("Prefer", "IdType=\"ImmutableId\"");
    }

    /**
     * Graph's errors are JSON, but a gateway in front of it may answer a 502 or 503 with an HTML page, or a body may be
     * cut: the SDK would then fail to read the body and lose the status with it. Such a body is dropped, so the SDK
     * reports the status and headers (Retry-After) alone, and the error keeps its type.
     */
    static Response keepStatusOfUnreadableErrors(Interceptor.Chain chain) throws IOException {
        Response response = chain.proceed(chain.request());
        if (response.code() < 400 || response.body() == null || isGraphError(response)) {
            return response;
        }
        response.close();
        return response.newBuilder().removeHeader("Content-Type").body(ResponseBody.create(new byte[0], (MediaType) null)).build();
    }

    private static boolean isGraphError(Response response) throws IOException {
        MediaType type = response.body().contentType();
        if (type == null || !type.subtype().toLowerCase(java.util.Locale.ROOT).contains("json")) {
            return false;
        }
        try {
            JsonNode root = JSON.readTree(response.peekBody(MAX_ERROR_BODY).bytes());
            return root != null && root.isObject();
        } catch (JacksonException e) {
            return false;
        }
    }

    MicrosoftErrors errors() {
        return errors;
    }

    /** A client that acts with this access token. Cheap: the OkHttp client and its connections are shared. */
    GraphServiceClient client(String accessToken) {
        AccessTokenProvider tokens = new GivenAccessToken(accessToken, new AllowedHostsValidator(settings.graphHost()));
        return new GraphServiceClient(new BaseGraphRequestAdapter(new BaseBearerTokenAuthenticationProvider(tokens),
                settings.graphBaseUrl(), http));
    }

    /** One call; any failure becomes a typed exception naming {@code operation}. */
    <T> T call(String operation, Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw errors.translate(operation, e);
        }
    }

    /**
     * Sends a request the SDK built and reads the answer's JSON with Jackson; a failure comes as the SDK's own error
     * ({@link ODataError}, or an {@link ApiException} with the status), for {@link MicrosoftErrors}.
     */
    JsonNode json(GraphServiceClient client, RequestInformation request) {
        try (InputStream body = client.getRequestAdapter().sendPrimitive(request, GRAPH_ERRORS, InputStream.class)) {
            return body == null ? null : JSON.readTree(body);
        } catch (IOException | JacksonException e) {
            throw new ProviderException.Transient("Microsoft Graph's answer could not be read: " + e.getMessage(), e);
        }
    }

    void run(String operation, Runnable call) {
        call(operation, () -> {
            call.run();
            return null;
        });
    }

    /**
     * The access token calbridge handed in, for the configured Graph host only: a link to any other host (a
     * {@code nextLink} that is not Graph's, say) goes without it.
     */
    private record GivenAccessToken(String token, AllowedHostsValidator hosts) implements AccessTokenProvider {

        @Override
        public String getAuthorizationToken(URI uri, Map<String, Object> additionalAuthenticationContext) {
            return hosts.isUrlHostValid(uri) ? token : "";
        }

        @Override
        public AllowedHostsValidator getAllowedHostsValidator() {
            return hosts;
        }

        @Override
        public String toString() {
            return "GivenAccessToken[hosts=" + hosts.getAllowedHosts() + "]";
        }
    }
}
