-- Endpoints of the app that receive change notifications (Standard Webhooks). The signing secrets are sealed like
-- provider tokens (AEAD bound to row and column); during a rotation's grace period the previous one signs too.
CREATE TABLE webhook_endpoints (
    id                     uuid         PRIMARY KEY,
    url                    text         NOT NULL,
    description            text,
    event_types            text[]       NOT NULL,
    enabled                boolean      NOT NULL,
    disabled_reason        text,
    secret_enc             bytea        NOT NULL,
    previous_secret_enc    bytea,
    previous_secret_until  timestamptz,
    failing_since          timestamptz,
    version                bigint       NOT NULL DEFAULT 0,
    created_at             timestamptz  NOT NULL,
    updated_at             timestamptz  NOT NULL
);

-- The outbox: one row per notification, written in the transaction of the change that causes it. id is the
-- webhook-id every attempt carries; seq orders one user's notifications.
CREATE TABLE webhook_messages (
    id          varchar(64)  PRIMARY KEY,
    seq         bigint       GENERATED ALWAYS AS IDENTITY UNIQUE,
    event_type  varchar(64)  NOT NULL,
    user_id     varchar(255),
    body        jsonb        NOT NULL,
    created_at  timestamptz  NOT NULL
);

-- One delivery per notification and subscribed endpoint, claimed like sync jobs (SKIP LOCKED, leases); in order per
-- endpoint and user: a delivery waits while an earlier one of the same endpoint and user is undelivered.
CREATE TABLE webhook_deliveries (
    id               uuid          PRIMARY KEY,
    message_id       varchar(64)   NOT NULL REFERENCES webhook_messages (id) ON DELETE CASCADE,
    endpoint_id      uuid          NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    user_id          varchar(255),
    seq              bigint        NOT NULL,
    status           varchar(16)   NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'DELIVERED', 'FAILED')),
    attempts         int           NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz   NOT NULL,
    lease_until      timestamptz,
    claimed_by       varchar(64),
    last_status      int,
    last_error       text,
    last_latency_ms  int,
    delivered_at     timestamptz,
    created_at       timestamptz   NOT NULL,
    updated_at       timestamptz   NOT NULL,
    UNIQUE (endpoint_id, message_id)
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status IN ('PENDING', 'RUNNING');
CREATE INDEX webhook_deliveries_in_order ON webhook_deliveries (endpoint_id, user_id, seq) WHERE status IN ('PENDING', 'RUNNING');
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, created_at DESC);
-- deleting a notification (an endpoint's removal, retention) finds its deliveries without scanning them all
CREATE INDEX webhook_deliveries_by_message ON webhook_deliveries (message_id);

-- Every attempt of a delivery: when, the answer's status (null: no answer), how long it took, what went wrong.
CREATE TABLE webhook_attempts (
    delivery_id  uuid         NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt      int          NOT NULL,
    started_at   timestamptz  NOT NULL,
    status_code  int,
    latency_ms   int          NOT NULL,
    error        text,
    PRIMARY KEY (delivery_id, attempt)
);
