package io.calbridge.webhook;

/**
 * An endpoint's host is, or resolves to, an address calbridge does not send to (loopback, private, link-local, ...)
 * and is not listed in CALBRIDGE_WEBHOOK_ALLOWED_HOSTS, or it does not resolve at all. The message says which, and
 * names no secret.
 */
class RefusedAddress extends RuntimeException {

    RefusedAddress(String message) {
        super(message);
    }
}
