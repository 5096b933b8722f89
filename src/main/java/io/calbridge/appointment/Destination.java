package io.calbridge.appointment;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.UUID;

/** Where an appointment stands in one destination calendar, and the queue job that carries it there. */
public record Destination(UUID connectionId, String provider, String calendarId, String state, String externalId, String meetingUrl,
        @Schema(description = "Why the event has no meeting link although the appointment asked for one (`conference: AUTO`), "
                + "as the provider told: e.g. a personal Microsoft account cannot have Teams meetings. Null when there is a "
                + "link, none was asked for, or the provider gave no reason; a later push that gets a link clears it",
                example = "personal Microsoft accounts (and work accounts without Teams) cannot have Teams meetings",
                nullable = true)
        String meetingLinkUnavailable,
        String lastError, String remoteChange, UUID jobId) {
}
