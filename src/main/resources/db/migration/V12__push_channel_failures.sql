-- Why calbridge could not open a push channel for a calendar (the provider refused: a plan without webhooks, say),
-- kept until one opens; the connection then shows that its changes come by polling, and why.
ALTER TABLE calendar_sync_state ADD COLUMN push_error text;
ALTER TABLE calendar_sync_state ADD COLUMN push_error_at timestamptz;
