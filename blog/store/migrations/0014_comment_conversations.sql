-- Conversations in the comments: replies (one level deep), edits with their earlier
-- versions, and reactions.
-- parent_id: the thread's first comment (a reply to a reply joins the same thread);
-- deleting it deletes its thread. reply_to_id: the comment answered, for naming its author.
ALTER TABLE comments ADD COLUMN parent_id INTEGER REFERENCES comments (id) ON DELETE CASCADE;
ALTER TABLE comments ADD COLUMN reply_to_id INTEGER REFERENCES comments (id) ON DELETE SET NULL;
ALTER TABLE comments ADD COLUMN edited_at TEXT;  -- last edit, none if never edited
CREATE INDEX comments_parent ON comments (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX comments_reply_to ON comments (reply_to_id) WHERE reply_to_id IS NOT NULL;

-- A comment's earlier versions, each as it read until an edit replaced it (moderators see them).
CREATE TABLE comment_versions (
    id          INTEGER PRIMARY KEY,
    comment_id  INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    body        TEXT NOT NULL,
    body_html   TEXT NOT NULL,
    written_at  TEXT NOT NULL,  -- when this version was written
    replaced_at TEXT NOT NULL,  -- when an edit replaced it
    replaced_by INTEGER REFERENCES users (id) ON DELETE SET NULL  -- who edited
);
CREATE INDEX comment_versions_comment ON comment_versions (comment_id, id);

-- One of each emoji per member per comment.
CREATE TABLE comment_reactions (
    comment_id INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    emoji      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (comment_id, user_id, emoji)
) WITHOUT ROWID;
CREATE INDEX comment_reactions_user ON comment_reactions (user_id);
