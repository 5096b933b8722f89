package io.calbridge.appointment;

import java.util.UUID;

/** Where an appointment stands in one destination calendar, and the queue job that carries it there. */
record Destination(UUID connectionId, String provider, String calendarId, String state, String externalId, String meetingUrl,
        String lastError, String remoteChange, UUID jobId) {
}
