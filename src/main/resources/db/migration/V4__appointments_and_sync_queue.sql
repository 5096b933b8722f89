-- The app's appointments. version rises with every real change; the same body twice changes nothing.
CREATE TABLE appointments (
    user_id        varchar(255) NOT NULL,
    appointment_id varchar(255) NOT NULL,
    version        bigint       NOT NULL,
    content_hash   char(64)     NOT NULL,
    title          text         NOT NULL,
    description    text,
    location       text,
    start_at       timestamptz  NOT NULL,
    end_at         timestamptz  NOT NULL,
    time_zone      varchar(64)  NOT NULL,
    attendees      jsonb        NOT NULL,
    conference     varchar(8)   NOT NULL,
    status         varchar(16)  NOT NULL,
    created_at     timestamptz  NOT NULL,
    updated_at     timestamptz  NOT NULL,
    PRIMARY KEY (user_id, appointment_id)
);

-- Where each appointment stands in each destination calendar: the external event it maps to (its id is
-- deterministic, so a lost reply can never produce a second event) and the version present there.
CREATE TABLE appointment_events (
    user_id         varchar(255)  NOT NULL,
    appointment_id  varchar(255)  NOT NULL,
    connection_id   uuid          NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    calendar_id     varchar(1024),
    external_id     varchar(1024),
    state           varchar(16)   NOT NULL CHECK (state IN ('PENDING', 'SYNCED', 'FAILED', 'SKIPPED')),
    synced_version  bigint,
    meeting_url     text,
    last_error      text,
    remote_change   varchar(16),
    updated_at      timestamptz   NOT NULL,
    PRIMARY KEY (user_id, appointment_id, connection_id)
);

CREATE INDEX appointment_events_by_external ON appointment_events (connection_id, calendar_id, external_id);

-- The durable sync queue: one row per (connection, appointment) for pushes and one per connection for pulls.
-- A change raises "wanted"; a run reaches "done"; several changes before a run collapse into one call.
CREATE TABLE sync_jobs (
    id             uuid         PRIMARY KEY,
    kind           varchar(8)   NOT NULL CHECK (kind IN ('PUSH', 'PULL')),
    user_id        varchar(255) NOT NULL,
    connection_id  uuid         NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    appointment_id varchar(255),
    status         varchar(16)  NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'DONE', 'FAILED', 'DEAD', 'PARKED')),
    wanted         bigint       NOT NULL,
    done           bigint       NOT NULL DEFAULT 0,
    full_sync      boolean      NOT NULL DEFAULT false,
    priority       int          NOT NULL DEFAULT 0,
    attempts       int          NOT NULL DEFAULT 0,
    next_run_at    timestamptz  NOT NULL,
    lease_until    timestamptz,
    claimed_by     varchar(64),
    last_error     text,
    error_reason   varchar(32),
    created_at     timestamptz  NOT NULL,
    updated_at     timestamptz  NOT NULL,
    CONSTRAINT sync_jobs_one_per_target UNIQUE NULLS NOT DISTINCT (connection_id, kind, appointment_id)
);

CREATE INDEX sync_jobs_due ON sync_jobs (next_run_at) WHERE status IN ('PENDING', 'FAILED');
CREATE INDEX sync_jobs_leased ON sync_jobs (lease_until) WHERE status = 'RUNNING';
CREATE INDEX sync_jobs_by_status ON sync_jobs (status, updated_at);

-- One line per run of a job: what it did and how it ended.
CREATE TABLE sync_logs (
    id             uuid         PRIMARY KEY,
    user_id        varchar(255) NOT NULL,
    connection_id  uuid         NOT NULL,
    job_id         uuid,
    direction      varchar(8)   NOT NULL,
    appointment_id varchar(255),
    started_at     timestamptz  NOT NULL,
    ended_at       timestamptz  NOT NULL,
    outcome        varchar(16)  NOT NULL,
    created        int          NOT NULL DEFAULT 0,
    updated        int          NOT NULL DEFAULT 0,
    deleted        int          NOT NULL DEFAULT 0,
    provider_calls int          NOT NULL DEFAULT 0,
    error          text
);

CREATE INDEX sync_logs_by_user ON sync_logs (user_id, started_at DESC);
