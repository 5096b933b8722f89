-- A user's link to one external account. Tokens are AES-256-GCM ciphertexts (see TokenCipher), never plaintext.
CREATE TABLE connections (
    id                uuid         PRIMARY KEY,
    user_id           varchar(255) NOT NULL,
    provider          varchar(32)  NOT NULL,
    account_id        varchar(512) NOT NULL,
    account_email     varchar(512),
    status            varchar(16)  NOT NULL CHECK (status IN ('ACTIVE', 'NEEDS_REAUTH', 'DISABLED')),
    settings          jsonb        NOT NULL,
    calendars         jsonb        NOT NULL DEFAULT '[]',
    access_token_enc  bytea,
    refresh_token_enc bytea,
    token_expires_at  timestamptz,
    scopes            text,
    sync_cursor       text,
    last_sync_at      timestamptz,
    last_sync_outcome varchar(16),
    last_sync_error   text,
    created_at        timestamptz  NOT NULL,
    updated_at        timestamptz  NOT NULL,
    version           bigint       NOT NULL DEFAULT 0,
    -- reconnecting the same external account updates its connection instead of adding one
    CONSTRAINT connections_one_per_account UNIQUE (user_id, provider, account_id)
);

CREATE INDEX connections_by_user ON connections (user_id);

-- Pending OAuth authorizations: single use (deleted when consumed), bound to user and provider, short-lived.
CREATE TABLE oauth_states (
    state_hash        char(64)     PRIMARY KEY, -- hex SHA-256 of the state; the state itself is never stored
    user_id           varchar(255) NOT NULL,
    provider          varchar(32)  NOT NULL,
    return_url        text,
    pkce_verifier_enc bytea,
    created_at        timestamptz  NOT NULL,
    expires_at        timestamptz  NOT NULL
);

CREATE INDEX oauth_states_by_expiry ON oauth_states (expires_at);
