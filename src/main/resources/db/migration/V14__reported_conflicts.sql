-- The clashes between an appointment and a calendar event that the app was told of (appointment.conflict_detected),
-- so that each is told once: a row goes when its event changes and no longer clashes, so a clash that comes back is
-- told again.
CREATE TABLE reported_conflicts (
    user_id        varchar(255)  NOT NULL,
    appointment_id varchar(255)  NOT NULL,
    connection_id  uuid          NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    -- the event, or for an occurrence of a series the series master, as stored
    series_id      varchar(1024) NOT NULL,
    event_id       varchar(1024) NOT NULL,
    reported_at    timestamptz   NOT NULL,
    PRIMARY KEY (user_id, appointment_id, connection_id, event_id)
);

CREATE INDEX reported_conflicts_by_series ON reported_conflicts (connection_id, series_id);
