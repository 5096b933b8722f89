-- What each change of a user's busy time touched, so that a cached busy time can be brought up to date by reading
-- just that instead of rebuilding it from the store. One row per writing transaction and user, written in the same
-- statement that bumps the user's change stamp (so a snapshot sees both or neither, and the number of rows a cache
-- entry has not seen equals the rise of the stamp since it was built). A reader asks for the rows its entry's
-- snapshot could not see: NOT pg_visible_in_snapshot(xid, entry's snapshot).
--   busy            the time ranges whose busy time may differ (old and new times of each changed event)
--   appointment_ids appointments that changed (their new state is read by id, so their old times are not needed)
--   everything      the change cannot be bounded (a recurring series, a booking that hides a copy, many ranges):
--                   the reader rebuilds
-- Rows are pruned after a retention; an entry older than that rebuilds.
CREATE TABLE busy_time_changes (
    user_id         varchar(255)     NOT NULL,
    xid             xid8             NOT NULL DEFAULT pg_current_xact_id(),
    busy            tstzmultirange,
    appointment_ids text[],
    everything      boolean          NOT NULL,
    -- clock_timestamp(): the rows are written just before commit, so this is close to the commit time, which is what
    -- the retention must be measured from (now() would be the transaction's start)
    created_at      timestamptz      NOT NULL DEFAULT clock_timestamp()
);

CREATE INDEX busy_time_changes_by_user ON busy_time_changes (user_id, xid);
CREATE INDEX busy_time_changes_by_age ON busy_time_changes (created_at);

-- Deleting a connection deletes its events by cascade; its owner's busy time is rebuilt.
CREATE OR REPLACE FUNCTION bump_user_change_stamp_of_deleted_connection() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO busy_time_changes (user_id, everything) VALUES (OLD.user_id, true);
    INSERT INTO user_change_stamps (user_id, shard, stamp) VALUES (OLD.user_id, 0, 1)
    ON CONFLICT (user_id, shard) DO UPDATE SET stamp = user_change_stamps.stamp + 1;
    RETURN OLD;
END
$$;

-- Re-reading a few hours of a user's events looks among those that start at most four hours earlier (an index range);
-- the few longer ones (all-day, multi-day) are found here. Partial, so a sync's ordinary events do not pay for it.
CREATE INDEX events_longer_than_four_hours ON events (user_id) WHERE end_at - start_at > interval '4 hours';

-- Every read of a user's events with series needs their moved and cancelled instances; without this the read
-- went through all of the user's events (2 ms for 10,000), which a busy-time update cannot afford. Partial, like
-- events_series: only instances of series pay for it.
CREATE INDEX events_series_exceptions ON events (user_id) WHERE recurring_event_id IS NOT NULL;
