package io.calbridge.provider;

/** The external account a token belongs to; {@code accountId} is stable across reconnects. */
public record AccountInfo(String accountId, String email) {
}
