package io.calbridge.emulator.google;

/** Credentials from {@link GoogleCalendarEmulator#issueTokens}: what a completed consent with {@code access_type=offline} gives. */
public record IssuedTokens(String accessToken, String refreshToken, long expiresInSeconds, String scope) {
}
