-- Where each synced calendar stands: the provider's cursor for the next incremental sync.
CREATE TABLE calendar_sync_state (
    connection_id     uuid          NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    calendar_id       varchar(1024) NOT NULL,
    sync_cursor       text,
    -- raised by every full sync; rows a full sync did not see are gone at the provider
    generation        bigint        NOT NULL DEFAULT 0,
    last_full_sync_at timestamptz,
    last_sync_at      timestamptz,
    PRIMARY KEY (connection_id, calendar_id)
);

-- The local copy of the users' events. Recurring series are stored once (with their rule) plus their exceptions,
-- so the store stays bounded whatever the series' length.
CREATE TABLE events (
    connection_id      uuid          NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    calendar_id        varchar(1024) NOT NULL,
    external_id        varchar(1024) NOT NULL,
    user_id            varchar(255)  NOT NULL,
    status             varchar(16)   NOT NULL,
    title              text,
    description        text,
    location           text,
    start_at           timestamptz   NOT NULL,
    end_at             timestamptz   NOT NULL,
    all_day            boolean       NOT NULL,
    start_date         date,
    end_date           date,
    time_zone          varchar(64),
    transparent        boolean       NOT NULL,
    self_response      varchar(16),
    attendees          jsonb,
    recurrence         text,
    recurring_event_id varchar(1024),
    original_start_at  timestamptz,
    meeting_url        text,
    html_link          text,
    etag               text,
    generation         bigint        NOT NULL,
    synced_at          timestamptz   NOT NULL,
    PRIMARY KEY (connection_id, calendar_id, external_id)
);

CREATE INDEX events_by_user_and_time ON events (user_id, start_at);
CREATE INDEX events_series ON events (user_id) WHERE recurrence IS NOT NULL;
