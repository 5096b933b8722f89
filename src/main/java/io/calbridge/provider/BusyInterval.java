package io.calbridge.provider;

import java.time.Instant;

public record BusyInterval(String calendarId, Instant start, Instant end) {
}
