-- Why a destination's event has no meeting link although the appointment asked for one (a personal Microsoft
-- account cannot hold Teams meetings, say); cleared by a push that gets a link.
ALTER TABLE appointment_events ADD COLUMN meeting_link_unavailable text;

-- The window the calendar's cursor was started with: a provider whose cursor keeps that window forever (Microsoft's
-- calendarView/delta) is re-anchored with a full sync once the rolling sync window has moved too far from it.
-- Null for cursors started before this column existed (their window is unknown).
ALTER TABLE calendar_sync_state ADD COLUMN window_start timestamptz;
ALTER TABLE calendar_sync_state ADD COLUMN window_end timestamptz;
