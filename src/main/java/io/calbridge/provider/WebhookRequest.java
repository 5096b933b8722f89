package io.calbridge.provider;

import java.util.Locale;
import java.util.Map;

/**
 * A request that arrived at {@code /webhooks/{provider}}, as its adapter needs it to read a push notification.
 *
 * @param headers header values by lower-case name (the first value of each)
 * @param query   query parameters, decoded (the first value of each)
 * @param body    the raw body, empty when there was none
 */
public record WebhookRequest(Map<String, String> headers, Map<String, String> query, byte[] body) {

    public WebhookRequest {
        headers = Map.copyOf(headers);
        query = Map.copyOf(query);
        body = body == null ? new byte[0] : body;
    }

    /** The header's value, or {@code null}; {@code name} in any case. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }
}
