-- A scheduling tool's details of a booked event (Calendly: event type, invitees and their answers, links), shown to
-- the owner only; and the id of the copy the tool wrote into the host's own calendar, so that the two count once.
ALTER TABLE events ADD COLUMN booking jsonb;
ALTER TABLE events ADD COLUMN calendar_copy_id varchar(1024);
CREATE INDEX events_booking_copies ON events (user_id) WHERE calendar_copy_id IS NOT NULL;
