package io.calbridge.emulator.microsoft;

import java.time.Instant;

/**
 * One successful refresh_token grant: which refresh token the client presented and which one it got back (Microsoft
 * rotates refresh tokens on every refresh), so a test can tell whether a client keeps the newest.
 */
public record RefreshTokenUse(Instant at, String account, String presented, String issued) {
}
