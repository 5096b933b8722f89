-- One row per stream (endpoint and user; user_key '' for notifications about no user). Senders claim streams, not
-- deliveries: a claim finds the due streams through one small index however long their backlogs are, and the row
-- lock an outbox write takes on its stream until commit makes the stream's seq follow commit order.
--   last_seq         the seq of the stream's newest delivery
--   pending          its deliveries not yet DELIVERED or FAILED
--   next_attempt_at  when its head is due, or (claimed) when the claim's lease runs out; null: nothing to send, or the
--                    endpoint is disabled
--   claimed_by       the sender's claim while one holds the stream
CREATE TABLE webhook_streams (
    endpoint_id      uuid          NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    user_key         varchar(255)  NOT NULL,
    last_seq         bigint        NOT NULL,
    pending          int           NOT NULL CHECK (pending >= 0),
    next_attempt_at  timestamptz,
    claimed_by       varchar(64),
    PRIMARY KEY (endpoint_id, user_key)
);

CREATE INDEX webhook_streams_due ON webhook_streams (next_attempt_at) WHERE next_attempt_at IS NOT NULL;

INSERT INTO webhook_streams (endpoint_id, user_key, last_seq, pending, next_attempt_at)
SELECT d.endpoint_id, coalesce(d.user_id, ''), max(d.seq), count(*) FILTER (WHERE d.status IN ('PENDING', 'RUNNING')),
       CASE WHEN bool_or(d.status IN ('PENDING', 'RUNNING')) AND bool_and(e.enabled) THEN now() END
FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
GROUP BY d.endpoint_id, coalesce(d.user_id, '');

-- The claim and its lease are the stream's now, so a delivery is PENDING until it is DELIVERED or FAILED, also while
-- it is being sent (one write per attempt). A delivery's seq numbers it within its stream (a message's seq only tells
-- the order notifications were written in).
UPDATE webhook_deliveries SET status = 'PENDING' WHERE status = 'RUNNING';
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_status_check,
    ADD CONSTRAINT webhook_deliveries_status_check CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
    DROP COLUMN lease_until, DROP COLUMN claimed_by,
    -- one index serves uniqueness and the look-up by message (deleting notifications)
    DROP CONSTRAINT webhook_deliveries_endpoint_id_message_id_key, ADD UNIQUE (message_id, endpoint_id);
DROP INDEX webhook_deliveries_by_message;
DROP INDEX webhook_deliveries_due;
DROP INDEX webhook_deliveries_in_order;
CREATE INDEX webhook_deliveries_in_order ON webhook_deliveries (endpoint_id, (coalesce(user_id, '')), seq) WHERE status = 'PENDING';
-- the oldest undelivered notification (a metric)
CREATE INDEX webhook_deliveries_undelivered ON webhook_deliveries (created_at) WHERE status = 'PENDING';
-- the purge of old notifications walks them oldest first
CREATE INDEX webhook_messages_created ON webhook_messages (created_at);
