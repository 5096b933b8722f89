-- A user's change stamp is spread over up to 16 rows (shards): every change of one user used to lock the same row
-- until its transaction committed, so a user's concurrent appointment changes and syncs waited for each other.
-- A change now adds 1 to one shard, chosen at random, under that row's lock alone; the user's stamp is the sum of
-- their shards, which rises with every committed change and never returns to an earlier value (rows are never
-- deleted; the values V5 left stay part of the sum).
ALTER TABLE user_change_stamps ADD COLUMN shard smallint NOT NULL DEFAULT 0;
ALTER TABLE user_change_stamps DROP CONSTRAINT user_change_stamps_pkey;
ALTER TABLE user_change_stamps ADD PRIMARY KEY (user_id, shard);
ALTER TABLE user_change_stamps ALTER COLUMN shard DROP DEFAULT;

CREATE OR REPLACE FUNCTION bump_user_change_stamp_of_deleted_connection() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO user_change_stamps (user_id, shard, stamp) VALUES (OLD.user_id, 0, 1)
    ON CONFLICT (user_id, shard) DO UPDATE SET stamp = user_change_stamps.stamp + 1;
    RETURN OLD;
END
$$;

DROP SEQUENCE user_change_stamp_seq;

-- Claiming takes the most urgent due jobs first: in this order, so a long queue is not sorted on every claim.
CREATE INDEX sync_jobs_due_in_order ON sync_jobs (priority DESC, next_run_at) WHERE status IN ('PENDING', 'FAILED');
DROP INDEX sync_jobs_due;

-- Lookups by primary key must use the primary key. Until a table has statistics (a new installation, or the first
-- minutes of a bulk load) the planner rates a narrower index on a prefix of the key as cheap and scans all of a
-- user's appointments or a connection's pushed events per lookup. Made partial, these two indexes only serve the
-- queries they exist for: availability's confirmed appointments in a window, and pushed events by external id.
DROP INDEX appointments_by_user_and_time;
CREATE INDEX appointments_confirmed_by_user_and_time ON appointments (user_id, start_at) WHERE status = 'CONFIRMED';
DROP INDEX appointment_events_by_external;
CREATE INDEX appointment_events_by_external ON appointment_events (connection_id, calendar_id, external_id)
    WHERE external_id IS NOT NULL;
