-- Inbound sync now deletes a calendar's events only when it forgets the calendar's sync state, so every calendar
-- with stored events needs a state row. A first full sync cut short could leave events without one: give them a row
-- with no cursor (the next run is a full sync, with a higher generation, so it also removes what it no longer sees).
INSERT INTO calendar_sync_state (connection_id, calendar_id, sync_cursor, generation)
SELECT connection_id, calendar_id, NULL, max(generation)
FROM events
GROUP BY connection_id, calendar_id
ON CONFLICT (connection_id, calendar_id) DO NOTHING;
