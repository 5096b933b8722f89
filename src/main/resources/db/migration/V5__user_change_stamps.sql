-- One number per user that changes whenever anything their busy time is made of changes: their events (bumped by
-- the event store in the same transaction as the write) and their appointments (bumped by the appointment service).
-- Availability caches a user's busy time in memory and checks this row (one primary-key lookup) on every request,
-- so every instance sees a committed change at once. Values come from one sequence: they never repeat, even if a
-- row is deleted and made again.
CREATE SEQUENCE user_change_stamp_seq;

CREATE TABLE user_change_stamps (
    user_id varchar(255) PRIMARY KEY,
    stamp   bigint       NOT NULL
);

-- Deleting a connection deletes its events by cascade, from the connection module, which cannot see the event
-- store: a trigger bumps the owner's stamp in that same statement. (Connections are deleted rarely, one at a time.)
CREATE FUNCTION bump_user_change_stamp_of_deleted_connection() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO user_change_stamps (user_id, stamp) VALUES (OLD.user_id, nextval('user_change_stamp_seq'))
    ON CONFLICT (user_id) DO UPDATE SET stamp = excluded.stamp;
    RETURN OLD;
END
$$;

CREATE TRIGGER connections_deleted_change_stamp AFTER DELETE ON connections
    FOR EACH ROW EXECUTE FUNCTION bump_user_change_stamp_of_deleted_connection();

-- Availability reads a user's confirmed appointments in a window.
CREATE INDEX appointments_by_user_and_time ON appointments (user_id, start_at);
