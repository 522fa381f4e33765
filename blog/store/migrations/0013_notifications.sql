-- What a member is told about: replies, comments on their posts, mentions, followers,
-- reactions and messages. One row per event, read or not; the nav counts the unread.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: live clients resume after an id
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,  -- who is told
    kind       TEXT NOT NULL,                      -- reply, comment, mention, follow, reaction, message
    actor_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,  -- who did it
    post_id    INTEGER REFERENCES posts (id) ON DELETE CASCADE,
    comment_id INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    detail     TEXT NOT NULL DEFAULT '',           -- a short extra (a reaction's emoji)
    created_at TEXT NOT NULL,
    read_at    TEXT
);
CREATE INDEX notifications_by_user ON notifications (user_id, id DESC);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
