-- Reminders of an appointment as the app gave them: [{minutesBefore, channel, to}] (part of its content hash).
ALTER TABLE appointments ADD COLUMN reminders jsonb NOT NULL DEFAULT '[]'::jsonb;

-- One row per EMAIL reminder of an appointment, identified by what it is (minutes before the start, recipient kind),
-- so reordering the list changes nothing. The row is its own queue entry: PENDING rows whose next_attempt_at has come
-- are claimed with FOR UPDATE SKIP LOCKED under a lease (claimed_by, lease_until) by a sender on any instance.
-- due_at = the appointment's start - minutes_before; starts_at is kept beside it for the grace rule.
CREATE TABLE reminders (
    id              uuid         PRIMARY KEY,
    user_id         varchar(255) NOT NULL,
    appointment_id  varchar(255) NOT NULL,
    minutes_before  integer      NOT NULL,
    recipient       varchar(16)  NOT NULL CHECK (recipient IN ('OWNER', 'ATTENDEES')),
    due_at          timestamptz  NOT NULL,
    starts_at       timestamptz  NOT NULL,
    state           varchar(16)  NOT NULL CHECK (state IN ('PENDING', 'SENT', 'SKIPPED', 'CANCELLED', 'FAILED')),
    attempts        integer      NOT NULL DEFAULT 0,
    next_attempt_at timestamptz  NOT NULL,
    claimed_by      varchar(200),
    lease_until     timestamptz,
    message_id      varchar(255),
    sent_at         timestamptz,
    last_error      text,
    created_at      timestamptz  NOT NULL,
    updated_at      timestamptz  NOT NULL,
    UNIQUE (user_id, appointment_id, minutes_before, recipient),
    FOREIGN KEY (user_id, appointment_id) REFERENCES appointments (user_id, appointment_id) ON DELETE CASCADE
);

CREATE INDEX reminders_due ON reminders (next_attempt_at) WHERE state = 'PENDING';
