-- What a writer sent after their session had ended, kept a short while for them to log in
-- again (blog/accounts/kept_forms.py). The browser holds the token; only its hash is here.
CREATE TABLE kept_forms (
    id         INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    form       TEXT NOT NULL,              -- which form: 'post:new', 'post:12:edit', 'post:12:comment'
    fields     TEXT NOT NULL,              -- its text fields, a JSON object
    had_file   INTEGER NOT NULL DEFAULT 0, -- a file was chosen (files are never kept)
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX kept_forms_user ON kept_forms (user_id);
CREATE INDEX kept_forms_expiry ON kept_forms (expires_at);

-- An author's drafts, paged newest change first like every other list.
CREATE INDEX posts_drafts_by_author ON posts (author_id, updated_at DESC, id DESC)
    WHERE status = 'draft' AND deleted_at IS NULL;
-- Its scheduled posts, soonest first, shown above them.
CREATE INDEX posts_scheduled_by_author ON posts (author_id, publish_at, id)
    WHERE status = 'scheduled' AND deleted_at IS NULL;
