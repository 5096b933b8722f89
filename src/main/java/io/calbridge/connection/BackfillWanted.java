package io.calbridge.connection;

import java.util.UUID;

/**
 * The connection's {@code syncExistingAppointments} asks for the user's existing appointments: it was just turned on,
 * or the connection was just connected with it on. Published inside the transaction that stored the change where
 * there is one, so the backfill it starts commits with it.
 */
public record BackfillWanted(UUID connectionId, String userId) {
}
