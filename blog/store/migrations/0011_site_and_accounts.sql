-- The site's own settings, profiles, suspended and deleted accounts, per-post comments,
-- and the links that mails carry (password resets, email changes). Plain ALTER TABLEs:
-- no table is rebuilt.
CREATE TABLE site_settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL  -- JSON; a setting without a row takes its default (BLOG_* variables)
) WITHOUT ROWID;

ALTER TABLE users ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN bio_html TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN avatar TEXT;
ALTER TABLE users ADD COLUMN avatar_small TEXT;
ALTER TABLE users ADD COLUMN last_login_at TEXT;
ALTER TABLE users ADD COLUMN suspended_at TEXT;
ALTER TABLE users ADD COLUMN deleted_at TEXT;
CREATE INDEX users_avatar ON users (avatar) WHERE avatar IS NOT NULL;

ALTER TABLE posts ADD COLUMN comments_open INTEGER NOT NULL DEFAULT 1;

CREATE TABLE account_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('password_reset', 'email_change')),
    token_hash TEXT NOT NULL UNIQUE,
    new_email  TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX account_tokens_user ON account_tokens (user_id);

CREATE TABLE reset_requests (
    id           INTEGER PRIMARY KEY,
    scope        TEXT NOT NULL CHECK (scope IN ('email', 'address')),
    key          TEXT NOT NULL,
    requested_at TEXT NOT NULL
);
CREATE INDEX reset_requests_lookup ON reset_requests (scope, key, requested_at);
