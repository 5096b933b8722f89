package io.calbridge.emulator.microsoft;

/** A token response's values; refreshToken without offline_access and idToken without openid are null. */
public record IssuedTokens(String accessToken, String refreshToken, String idToken, long expiresIn, String scope) {
}
