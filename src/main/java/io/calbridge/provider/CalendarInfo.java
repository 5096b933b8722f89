package io.calbridge.provider;

/** One calendar of an account. {@code color} is a CSS hex colour or {@code null}. */
public record CalendarInfo(String id, String name, String color, boolean primary, boolean writable, String timeZone) {
}
