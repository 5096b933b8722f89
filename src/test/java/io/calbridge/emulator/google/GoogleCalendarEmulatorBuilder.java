package io.calbridge.emulator.google;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;

/** Settings of a {@link GoogleCalendarEmulator}; {@code GoogleCalendarEmulator.builder()...start()}. */
public final class GoogleCalendarEmulatorBuilder {

    // read by the emulator's constructor
    int port;
    Clock clock = Clock.systemUTC();
    String defaultAccount = GoogleCalendarEmulator.DEFAULT_ACCOUNT;
    ZoneId defaultTimeZone = ZoneId.of("UTC");
    Duration accessTokenLifetime = Duration.ofHours(1);
    boolean autoApprove;
    boolean enforceScopes = true;
    int threads = 16;
    Path stateDirectory;

    GoogleCalendarEmulatorBuilder() {
    }

    /** 0 (the default) picks a free port. */
    public GoogleCalendarEmulatorBuilder port(int port) {
        this.port = port;
        return this;
    }

    /** The clock of token expiry, created/updated times and demo events. */
    public GoogleCalendarEmulatorBuilder clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    public GoogleCalendarEmulatorBuilder defaultAccount(String email) {
        this.defaultAccount = email;
        return this;
    }

    /** The time zone of accounts (and their calendars) created from now on. */
    public GoogleCalendarEmulatorBuilder defaultTimeZone(ZoneId zone) {
        this.defaultTimeZone = zone;
        return this;
    }

    public GoogleCalendarEmulatorBuilder accessTokenLifetime(Duration lifetime) {
        this.accessTokenLifetime = lifetime;
        return this;
    }

    /** Skip the consent page: the authorization endpoint redirects with a code at once. */
    public GoogleCalendarEmulatorBuilder autoApprove(boolean autoApprove) {
        this.autoApprove = autoApprove;
        return this;
    }

    /** Refuse (403 insufficientPermissions) calls whose token lacks every scope Google accepts for the method. */
    public GoogleCalendarEmulatorBuilder enforceScopes(boolean enforceScopes) {
        this.enforceScopes = enforceScopes;
        return this;
    }

    public GoogleCalendarEmulatorBuilder threads(int threads) {
        this.threads = threads;
        return this;
    }

    /**
     * Keep the state (accounts, calendars, events, grants, push channels) in {@code directory}: restored at start if
     * saved before, saved shortly after every change and at {@link GoogleCalendarEmulator#close()}. Off by default:
     * tests start from nothing.
     */
    public GoogleCalendarEmulatorBuilder persistTo(Path directory) {
        this.stateDirectory = directory;
        return this;
    }

    public GoogleCalendarEmulator start() {
        try {
            return new GoogleCalendarEmulator(this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Google Calendar emulator", e);
        }
    }
}
