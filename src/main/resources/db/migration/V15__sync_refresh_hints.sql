-- Items a provider's notification named as changed where its own change listing cannot show it (a Calendly invitee
-- marked as no-show leaves its event's updated_at as it was): the next pull of the connection reads them again.
CREATE TABLE sync_refresh_hints (
    connection_id uuid          NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    item_id       varchar(1024) NOT NULL,
    created_at    timestamptz   NOT NULL,
    PRIMARY KEY (connection_id, item_id)
);
