-- Live push-notification subscriptions. Only a hash of the channel's secret token is kept: enough to verify
-- notifications, useless to forge them.
CREATE TABLE push_channels (
    channel_id    varchar(255)  PRIMARY KEY,
    connection_id uuid          NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    provider      varchar(32)   NOT NULL,
    calendar_id   varchar(1024) NOT NULL,
    resource_id   varchar(1024),
    token_hash    char(64)      NOT NULL,
    expires_at    timestamptz   NOT NULL,
    created_at    timestamptz   NOT NULL
);

CREATE INDEX push_channels_by_calendar ON push_channels (connection_id, calendar_id);
