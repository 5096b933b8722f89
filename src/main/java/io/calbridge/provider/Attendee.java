package io.calbridge.provider;

/** An attendee; {@code response} is {@code accepted}, {@code declined}, {@code tentative} or {@code needsAction}. */
public record Attendee(String name, String email, String response, boolean self) {
}
