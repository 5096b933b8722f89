package io.calbridge.emulator.microsoft;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** Settings of a {@link MicrosoftGraphEmulator}; {@code MicrosoftGraphEmulator.builder()...start()}. */
public final class MicrosoftGraphEmulatorBuilder {

    int port;
    Clock clock = Clock.systemUTC();
    String defaultAccount = MicrosoftGraphEmulator.DEFAULT_ACCOUNT;
    String defaultTimeZone = "W. Europe Standard Time";
    Duration accessTokenLifetime = Duration.ofHours(1);
    boolean autoApprove;
    boolean revokeRotatedRefreshTokens;
    int threads = 16;
    int rateLimitPerMinute;
    Path stateDirectory;

    MicrosoftGraphEmulatorBuilder() {
    }

    /** 0 (the default) picks a free port. */
    public MicrosoftGraphEmulatorBuilder port(int port) {
        this.port = port;
        return this;
    }

    /** The clock of token expiry, created/modified times, subscriptions and demo events. */
    public MicrosoftGraphEmulatorBuilder clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    /** The work account consent is given for when the authorization request has no login_hint (created at start). */
    public MicrosoftGraphEmulatorBuilder defaultAccount(String userPrincipalName) {
        this.defaultAccount = userPrincipalName;
        return this;
    }

    /** The mailbox time zone (Windows or IANA name) of accounts created without one. */
    public MicrosoftGraphEmulatorBuilder defaultTimeZone(String zone) {
        this.defaultTimeZone = zone;
        return this;
    }

    public MicrosoftGraphEmulatorBuilder accessTokenLifetime(Duration lifetime) {
        this.accessTokenLifetime = lifetime;
        return this;
    }

    /** Skip the consent page: the authorize endpoint redirects with a code at once. */
    public MicrosoftGraphEmulatorBuilder autoApprove(boolean autoApprove) {
        this.autoApprove = autoApprove;
        return this;
    }

    /** A refresh token stops working once it was used (stricter than Microsoft, whose replaced tokens stay valid). */
    public MicrosoftGraphEmulatorBuilder revokeRotatedRefreshTokens(boolean revoke) {
        this.revokeRotatedRefreshTokens = revoke;
        return this;
    }

    public MicrosoftGraphEmulatorBuilder threads(int threads) {
        this.threads = threads;
        return this;
    }

    /** Graph requests per minute and mailbox before 429 ApplicationThrottled; 0 (default) for no limit. */
    public MicrosoftGraphEmulatorBuilder rateLimitPerMinute(int requests) {
        this.rateLimitPerMinute = requests;
        return this;
    }

    /** Keep the state in {@code directory}: restored at start if saved before, saved shortly after changes and at close. */
    public MicrosoftGraphEmulatorBuilder persistTo(Path directory) {
        this.stateDirectory = directory;
        return this;
    }

    public MicrosoftGraphEmulator start() {
        try {
            return new MicrosoftGraphEmulator(this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Microsoft Graph emulator", e);
        }
    }
}
