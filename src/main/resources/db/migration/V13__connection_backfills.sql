-- The last backfill asked for each connection: the user's confirmed appointments ending after from_at were queued
-- for its calendar at requested_at. Its progress is counted from appointment_events; this row only says what it covered.
CREATE TABLE connection_backfills (
    connection_id uuid         PRIMARY KEY REFERENCES connections (id) ON DELETE CASCADE,
    user_id       varchar(255) NOT NULL,
    from_at       timestamptz  NOT NULL,
    requested_at  timestamptz  NOT NULL
);

-- The setting an authorize request named for the connection it leads to (null: not named, the connection's stays).
ALTER TABLE oauth_states ADD COLUMN sync_existing_appointments boolean;

-- Settings stored before syncExistingAppointments existed say so explicitly: off.
UPDATE connections SET settings = settings || '{"syncExistingAppointments": false}'::jsonb
WHERE NOT settings ? 'syncExistingAppointments';
