package io.calbridge.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.opentest4j.AssertionFailedError;

/** Waits for what background work (sync after a push notification) makes true. */
public final class Await {

    private Await() {
    }

    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionFailedError("not within " + timeout.toSeconds() + " s: " + what);
            }
            pause(100);
        }
    }

    /** Sleeps; an interrupt ends the test (the flag stays set). */
    public static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
