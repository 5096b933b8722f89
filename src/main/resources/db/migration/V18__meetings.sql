-- Meetings booked by POST /api/v1/meetings: the chosen time, the users it was booked for (an appointment each, id
-- "meeting-" || id) and the answer given, which a retry with the same Idempotency-Key gets again.
CREATE TABLE meetings (
    id              uuid          PRIMARY KEY,
    -- whose key it is: "service" for API-key callers, "user:" || sub for end users
    caller          varchar(300)  NOT NULL,
    idempotency_key varchar(255),
    -- SHA-256 of the request: the same key with another request is refused
    request_hash    char(64)      NOT NULL,
    user_ids        text[]        NOT NULL,
    -- set in the transaction that claimed the row, so no one ever sees them null
    start_at        timestamptz,
    end_at          timestamptz,
    answer          jsonb,
    -- the organizer's (the first user's) video meeting link, once their calendar made one; shared with the others
    meeting_url     text,
    created_at      timestamptz   NOT NULL
);

-- one booking per key and caller; a second request with the key waits here for the first to commit
CREATE UNIQUE INDEX meetings_by_idempotency_key ON meetings (caller, idempotency_key) WHERE idempotency_key IS NOT NULL;
