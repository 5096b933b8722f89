package io.calbridge.webhook;

import java.net.URI;

/**
 * Asked before every send whether the endpoint's address may be reached now (its host resolved at that moment, so a
 * DNS answer that changed since the endpoint was saved cannot lead into the operator's network). Throws
 * {@link IllegalArgumentException} with the reason to refuse; the attempt then fails without a request.
 *
 * <p>Integration hook: {@link WebhookDeliveryConfig} wires the permissive default until the URL policy
 * ({@code WebhookUrlPolicy#checkResolved}) is there to back it.
 */
interface AddressCheck {

    void check(URI uri);
}
