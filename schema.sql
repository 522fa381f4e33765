-- The whole current schema. A new database is created from this file;
-- an existing one is upgraded by blog/store/migrations/, which must arrive at the same place.
-- Accounts and the server side of sessions.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL,
    email         TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'author')),
    created_at    TEXT NOT NULL,
    bio           TEXT NOT NULL DEFAULT '',  -- Markdown, as written (the API's bio)
    image         TEXT,  -- an avatar URL set through the API, as RealWorld profiles have
    display_name  TEXT NOT NULL DEFAULT '',
    bio_html      TEXT NOT NULL DEFAULT '',  -- the bio rendered and sanitized when saved
    avatar        TEXT,  -- an uploaded avatar: content-hash file names in images/, square
    avatar_small  TEXT,
    last_login_at TEXT,
    suspended_at  TEXT,  -- cannot log in or use the API while set
    deleted_at    TEXT   -- a deleted account: kept, anonymised, so its comments stay as "deleted user"
);
CREATE UNIQUE INDEX users_username ON users (username COLLATE NOCASE);
CREATE UNIQUE INDEX users_email ON users (email COLLATE NOCASE);
CREATE INDEX users_avatar ON users (avatar) WHERE avatar IS NOT NULL;

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    user_agent   TEXT NOT NULL DEFAULT '',
    address      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Links sent by mail (password resets, email changes): only their hashes are kept.
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

-- Password reset requests, counted per address and per client to limit them.
CREATE TABLE reset_requests (
    id           INTEGER PRIMARY KEY,
    scope        TEXT NOT NULL CHECK (scope IN ('email', 'address')),
    key          TEXT NOT NULL,
    requested_at TEXT NOT NULL
);
CREATE INDEX reset_requests_lookup ON reset_requests (scope, key, requested_at);

-- The site's own settings (title, navigation, ...), set on /admin/settings.
CREATE TABLE site_settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL  -- JSON; a setting without a row takes its default (BLOG_* variables)
) WITHOUT ROWID;

-- Attempts counted against rate limits (blog/accounts/throttle.py): logins per account, per
-- device cookie and per client address; registrations per client address.
CREATE TABLE attempts (
    id    INTEGER PRIMARY KEY,
    scope TEXT NOT NULL CHECK (scope IN ('account', 'device', 'address', 'registration')),
    key   TEXT NOT NULL,  -- 'user:<id>' or 'name:<login as typed, bounded>', a device nonce, an address
    at    TEXT NOT NULL
);
CREATE INDEX attempts_lookup ON attempts (scope, key, at);

-- Posts (and pages) with their rendered HTML, tags, revisions and the trash.
CREATE TABLE posts (
    id           INTEGER PRIMARY KEY,
    author_id    INTEGER NOT NULL REFERENCES users (id),
    kind         TEXT NOT NULL DEFAULT 'post' CHECK (kind IN ('post', 'page')),  -- a page: About, Contact...
    slug         TEXT NOT NULL,
    title        TEXT NOT NULL,
    summary      TEXT NOT NULL DEFAULT '',  -- the author's own summary; '' when none
    excerpt      TEXT NOT NULL,             -- plain text shown in lists: the summary or the body's start
    body         TEXT NOT NULL,             -- Markdown as written
    body_html    TEXT NOT NULL,             -- rendered and sanitized when saved, never at read time
    status       TEXT NOT NULL CHECK (status IN ('draft', 'published', 'scheduled')),
    publish_at   TEXT,                      -- when a scheduled post goes out
    image        TEXT,                      -- content-hash file names in the data folder's images/
    thumbnail    TEXT,
    image_alt    TEXT NOT NULL DEFAULT '',  -- the header image's alt text
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    published_at TEXT,                      -- first publication; the order of every list
    editor_id    INTEGER REFERENCES users (id),  -- who edited last, once somebody has
    edited_at    TEXT,
    version      INTEGER NOT NULL DEFAULT 1,     -- bumped by every save; stale forms get 409
    deleted_at   TEXT,                           -- in the trash since
    comments_open INTEGER NOT NULL DEFAULT 1        -- 0: no comment form, comments refused
);
CREATE UNIQUE INDEX posts_slug ON posts (slug);
-- Keyset paging: every public list walks one of these, whatever the page.
CREATE INDEX posts_listed ON posts (published_at DESC, id DESC)
    WHERE status = 'published' AND deleted_at IS NULL AND kind = 'post';
CREATE INDEX posts_listed_by_author ON posts (author_id, published_at DESC, id DESC)
    WHERE status = 'published' AND deleted_at IS NULL AND kind = 'post';
CREATE INDEX posts_by_author ON posts (author_id);
CREATE INDEX posts_trashed ON posts (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX posts_image ON posts (image);
CREATE INDEX posts_thumbnail ON posts (thumbnail);
CREATE INDEX posts_scheduled ON posts (publish_at) WHERE status = 'scheduled' AND deleted_at IS NULL;
-- The sitemap's numbered files read public posts by ranges of ids: this index holds all
-- they need, so a file reads 50,000 short entries instead of 50,000 whole posts.
CREATE INDEX posts_sitemap ON posts (id, slug, updated_at)
    WHERE status = 'published' AND deleted_at IS NULL AND kind = 'post';
-- An author's drafts, paged newest change first like every other list.
CREATE INDEX posts_drafts_by_author ON posts (author_id, updated_at DESC, id DESC)
    WHERE status = 'draft' AND deleted_at IS NULL;
-- Its scheduled posts, soonest first, shown above them.
CREATE INDEX posts_scheduled_by_author ON posts (author_id, publish_at, id)
    WHERE status = 'scheduled' AND deleted_at IS NULL;

-- listed_at copies posts.published_at while the post is public (NULL otherwise),
-- so a tag page pages through its own index without touching other tags.
CREATE TABLE post_tags (
    post_id   INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    tag       TEXT NOT NULL,
    position  INTEGER NOT NULL,
    listed_at TEXT,
    PRIMARY KEY (post_id, tag)
) WITHOUT ROWID;
CREATE INDEX post_tags_listed ON post_tags (tag, listed_at DESC, post_id DESC) WHERE listed_at IS NOT NULL;

CREATE TABLE revisions (
    id         INTEGER PRIMARY KEY,
    post_id    INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    title      TEXT NOT NULL,
    summary    TEXT NOT NULL,
    body       TEXT NOT NULL,
    tags       TEXT NOT NULL,  -- comma-separated, as shown in the form
    editor_id  INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX revisions_post ON revisions (post_id, id DESC);

-- Pictures inside post bodies.
-- Every size made from an image uploaded for a body, so a page can offer the browser a
-- srcset and the width/height of each; `upload` names the group (the size bodies link to).
CREATE TABLE image_sizes (
    name       TEXT PRIMARY KEY,  -- a file in the data folder's images/
    upload     TEXT NOT NULL,     -- the upload it belongs to: the name of its column-sized file
    width      INTEGER NOT NULL,
    height     INTEGER NOT NULL,
    created_at TEXT NOT NULL      -- an upload no post uses yet is kept a while (the writer may not have saved)
) WITHOUT ROWID;
CREATE INDEX image_sizes_upload ON image_sizes (upload);
CREATE INDEX image_sizes_created ON image_sizes (created_at);

-- The image files each post's text names, in any of its revisions: rows are added when a
-- revision is saved and leave with the post, so the cleanup never reads a body.
CREATE TABLE image_refs (
    name    TEXT NOT NULL,
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    PRIMARY KEY (name, post_id)
) WITHOUT ROWID;
CREATE INDEX image_refs_post ON image_refs (post_id);

-- Comments on posts, rendered when saved like posts are.
CREATE TABLE comments (
    id         INTEGER PRIMARY KEY,
    post_id    INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    author_id  INTEGER NOT NULL REFERENCES users (id),
    body       TEXT NOT NULL,
    body_html  TEXT NOT NULL,
    created_at TEXT NOT NULL,
    -- Replies, one level deep: parent_id is the thread's first comment (deleting it deletes
    -- its thread); reply_to_id the comment answered, for naming its author.
    parent_id  INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    reply_to_id INTEGER REFERENCES comments (id) ON DELETE SET NULL,
    edited_at  TEXT  -- last edit, none if never edited
);
CREATE INDEX comments_post ON comments (post_id, id);
CREATE INDEX comments_author ON comments (author_id);
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

-- Profiles, follows, favorites and API tokens (the RealWorld API and its HTML twins).
CREATE TABLE follows (
    follower_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    followed_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (follower_id, followed_id)
) WITHOUT ROWID;
CREATE INDEX follows_followed ON follows (followed_id);

CREATE TABLE favorites (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    post_id    INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, post_id)
) WITHOUT ROWID;
CREATE INDEX favorites_post ON favorites (post_id);

-- Bearer tokens for the API: only their hashes are kept.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    last_used_at TEXT,
    label        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Live events on their way between the processes of one blog (serve --workers N).
-- AUTOINCREMENT: an id is never handed out twice, even after pruning empties the table,
-- because every process reads the events after the last id it saw.
CREATE TABLE live_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    origin     TEXT NOT NULL,     -- the process that published it; it has delivered it already
    channel    TEXT NOT NULL CHECK (channel IN ('post', 'member', 'control')),  -- the topic's kind
    post_id    INTEGER,           -- the topic's id: a post's, or a member's (channel 'member')
    message    TEXT NOT NULL,     -- encoded once, as readers receive it
    created_at REAL NOT NULL      -- seconds since the epoch; events are kept a minute
);

-- The posts `import` brought in, by their key in the source (a WordPress item, or a post
-- of our own export), so that importing the same file again changes nothing.
CREATE TABLE imports (
    source_key TEXT PRIMARY KEY,
    post_id    INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX imports_post ON imports (post_id);

-- Full-text search over public posts: an FTS5 index whose content is the view of public,
-- listed posts, kept in step by the triggers below (see migration 0010).
CREATE VIEW post_search_source AS
    SELECT posts.id, posts.title, posts.summary, posts.body,
           (SELECT group_concat(tag, ' ') FROM
               (SELECT tag FROM post_tags WHERE post_id = posts.id ORDER BY tag)) AS tags
    FROM posts
    WHERE posts.status = 'published' AND posts.deleted_at IS NULL AND posts.kind = 'post';
CREATE VIRTUAL TABLE post_search USING fts5(
    title, summary, body, tags,
    content = 'post_search_source', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER post_search_post_added AFTER INSERT ON posts
    WHEN new.status = 'published' AND new.deleted_at IS NULL AND new.kind = 'post'
BEGIN
    INSERT INTO post_search (rowid, title, summary, body, tags)
        SELECT id, title, summary, body, tags FROM post_search_source WHERE id = new.id;
END;
CREATE TRIGGER post_search_post_changed AFTER UPDATE ON posts
    WHEN old.title IS NOT new.title OR old.summary IS NOT new.summary OR old.body IS NOT new.body
        OR old.status IS NOT new.status OR old.deleted_at IS NOT new.deleted_at OR old.kind IS NOT new.kind
BEGIN
    INSERT INTO post_search (post_search, rowid, title, summary, body, tags)
        SELECT 'delete', old.id, old.title, old.summary, old.body,
               (SELECT group_concat(tag, ' ') FROM (SELECT tag FROM post_tags WHERE post_id = old.id ORDER BY tag))
        WHERE old.status = 'published' AND old.deleted_at IS NULL AND old.kind = 'post';
    INSERT INTO post_search (rowid, title, summary, body, tags)
        SELECT id, title, summary, body, tags FROM post_search_source WHERE id = new.id;
END;
-- BEFORE: the post's tags are still there (the cascade removes them with the post).
CREATE TRIGGER post_search_post_removed BEFORE DELETE ON posts
    WHEN old.status = 'published' AND old.deleted_at IS NULL AND old.kind = 'post'
BEGIN
    INSERT INTO post_search (post_search, rowid, title, summary, body, tags)
        SELECT 'delete', id, title, summary, body, tags FROM post_search_source WHERE id = old.id;
END;
CREATE TRIGGER post_search_tag_added AFTER INSERT ON post_tags
    WHEN EXISTS (SELECT 1 FROM post_search_source WHERE id = new.post_id)
BEGIN
    INSERT INTO post_search (post_search, rowid, title, summary, body, tags)
        SELECT 'delete', id, title, summary, body,
               (SELECT group_concat(tag, ' ') FROM
                   (SELECT tag FROM post_tags WHERE post_id = new.post_id AND tag <> new.tag ORDER BY tag))
        FROM posts WHERE id = new.post_id;
    INSERT INTO post_search (rowid, title, summary, body, tags)
        SELECT id, title, summary, body, tags FROM post_search_source WHERE id = new.post_id;
END;
CREATE TRIGGER post_search_tag_removed AFTER DELETE ON post_tags
    WHEN EXISTS (SELECT 1 FROM post_search_source WHERE id = old.post_id)
BEGIN
    INSERT INTO post_search (post_search, rowid, title, summary, body, tags)
        SELECT 'delete', id, title, summary, body,
               (SELECT group_concat(tag, ' ') FROM
                   (SELECT tag FROM post_tags WHERE post_id = old.post_id UNION SELECT old.tag ORDER BY 1))
        FROM posts WHERE id = old.post_id;
    INSERT INTO post_search (rowid, title, summary, body, tags)
        SELECT id, title, summary, body, tags FROM post_search_source WHERE id = old.post_id;
END;
CREATE TRIGGER post_search_tag_renamed AFTER UPDATE OF tag, post_id ON post_tags
    WHEN old.tag IS NOT new.tag OR old.post_id IS NOT new.post_id
BEGIN
    SELECT RAISE(ABORT, 'a post_tags row cannot move to another post; delete it and insert a new one')
        WHERE old.post_id IS NOT new.post_id;
    INSERT INTO post_search (post_search, rowid, title, summary, body, tags)
        SELECT 'delete', id, title, summary, body,
               (SELECT group_concat(tag, ' ') FROM
                   (SELECT tag FROM post_tags WHERE post_id = old.post_id AND tag <> new.tag
                    UNION SELECT old.tag ORDER BY 1))
        FROM post_search_source WHERE id = old.post_id;
    INSERT INTO post_search (rowid, title, summary, body, tags)
        SELECT id, title, summary, body, tags FROM post_search_source WHERE id = old.post_id;
END;
-- How many public posts each tag, author and month has, kept by triggers like the index
-- above, so /tags, /authors, /archive and the sitemap read a few rows instead of counting
-- a million. A tag counts its post_tags rows with a listed_at (what its page lists).
CREATE TABLE tag_counts (
    tag   TEXT PRIMARY KEY,
    posts INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE author_counts (
    author_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    posts     INTEGER NOT NULL
);
CREATE TABLE month_counts (
    month TEXT PRIMARY KEY,  -- YYYY-MM of published_at
    posts INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER tag_counts_added AFTER INSERT ON post_tags WHEN new.listed_at IS NOT NULL
BEGIN
    INSERT INTO tag_counts (tag, posts) VALUES (new.tag, 1) ON CONFLICT (tag) DO UPDATE SET posts = posts + 1;
END;
CREATE TRIGGER tag_counts_removed AFTER DELETE ON post_tags WHEN old.listed_at IS NOT NULL
BEGIN
    UPDATE tag_counts SET posts = posts - 1 WHERE tag = old.tag;
    DELETE FROM tag_counts WHERE tag = old.tag AND posts <= 0;
END;
CREATE TRIGGER tag_counts_changed AFTER UPDATE OF tag, listed_at ON post_tags
    WHEN old.tag IS NOT new.tag OR (old.listed_at IS NULL) IS NOT (new.listed_at IS NULL)
BEGIN
    UPDATE tag_counts SET posts = posts - 1 WHERE tag = old.tag AND old.listed_at IS NOT NULL;
    DELETE FROM tag_counts WHERE tag = old.tag AND posts <= 0;
    INSERT INTO tag_counts (tag, posts) SELECT new.tag, 1 WHERE new.listed_at IS NOT NULL
        ON CONFLICT (tag) DO UPDATE SET posts = posts + 1;
END;
CREATE TRIGGER post_counts_added AFTER INSERT ON posts
    WHEN new.status = 'published' AND new.deleted_at IS NULL AND new.kind = 'post'
BEGIN
    INSERT INTO author_counts (author_id, posts) VALUES (new.author_id, 1)
        ON CONFLICT (author_id) DO UPDATE SET posts = posts + 1;
    INSERT INTO month_counts (month, posts) VALUES (substr(new.published_at, 1, 7), 1)
        ON CONFLICT (month) DO UPDATE SET posts = posts + 1;
END;
CREATE TRIGGER post_counts_removed AFTER DELETE ON posts
    WHEN old.status = 'published' AND old.deleted_at IS NULL AND old.kind = 'post'
BEGIN
    UPDATE author_counts SET posts = posts - 1 WHERE author_id = old.author_id;
    DELETE FROM author_counts WHERE author_id = old.author_id AND posts <= 0;
    UPDATE month_counts SET posts = posts - 1 WHERE month = substr(old.published_at, 1, 7);
    DELETE FROM month_counts WHERE month = substr(old.published_at, 1, 7) AND posts <= 0;
END;
CREATE TRIGGER post_counts_changed AFTER UPDATE OF status, deleted_at, kind, author_id, published_at ON posts
    WHEN (old.status = 'published' AND old.deleted_at IS NULL AND old.kind = 'post')
            IS NOT (new.status = 'published' AND new.deleted_at IS NULL AND new.kind = 'post')
        OR old.author_id IS NOT new.author_id OR old.published_at IS NOT new.published_at
BEGIN
    UPDATE author_counts SET posts = posts - 1 WHERE author_id = old.author_id
        AND old.status = 'published' AND old.deleted_at IS NULL AND old.kind = 'post';
    DELETE FROM author_counts WHERE author_id = old.author_id AND posts <= 0;
    UPDATE month_counts SET posts = posts - 1 WHERE month = substr(old.published_at, 1, 7)
        AND old.status = 'published' AND old.deleted_at IS NULL AND old.kind = 'post';
    DELETE FROM month_counts WHERE month = substr(old.published_at, 1, 7) AND posts <= 0;
    INSERT INTO author_counts (author_id, posts) SELECT new.author_id, 1
        WHERE new.status = 'published' AND new.deleted_at IS NULL AND new.kind = 'post'
        ON CONFLICT (author_id) DO UPDATE SET posts = posts + 1;
    INSERT INTO month_counts (month, posts) SELECT substr(new.published_at, 1, 7), 1
        WHERE new.status = 'published' AND new.deleted_at IS NULL AND new.kind = 'post'
        ON CONFLICT (month) DO UPDATE SET posts = posts + 1;
END;
-- A post's tag rows follow it in and out of the lists (their listed_at), whatever code
-- publishes, schedules, trashes or restores it: a plain UPDATE of the post is enough.
CREATE TRIGGER post_tags_follow_post AFTER UPDATE OF status, deleted_at, kind, published_at ON posts
BEGIN
    UPDATE post_tags SET listed_at = CASE WHEN new.status = 'published' AND new.deleted_at IS NULL
                                               AND new.kind = 'post' THEN new.published_at END
        WHERE post_id = new.id AND listed_at IS NOT (CASE WHEN new.status = 'published' AND new.deleted_at IS NULL
                                                          AND new.kind = 'post' THEN new.published_at END);
END;

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

-- Private messages between two members. A message from someone its recipient blocked is
-- kept for its sender (so the block stays silent) but withheld from the recipient.
CREATE TABLE messages (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: live clients resume after an id
    sender_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    recipient_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body         TEXT NOT NULL,                      -- Markdown as written
    body_html    TEXT NOT NULL,                      -- rendered and sanitized once
    withheld     INTEGER NOT NULL DEFAULT 0,         -- 1: the recipient had blocked the sender
    created_at   TEXT NOT NULL,
    read_at      TEXT                                -- when the recipient saw it ("seen")
);
CREATE INDEX messages_sent ON messages (sender_id, recipient_id, id);
CREATE INDEX messages_received ON messages (recipient_id, sender_id, id);
CREATE INDEX messages_unread ON messages (recipient_id) WHERE read_at IS NULL AND withheld = 0;
CREATE INDEX messages_rate ON messages (sender_id, created_at);

-- Who blocked whom: messages from a blocked member stop reaching the one who blocked them.
CREATE TABLE blocks (
    blocker_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    blocked_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
);

-- Which kinds of notification a member also wants by email (none unless they choose).
CREATE TABLE notification_mail (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind    TEXT NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- Stamps of each post's comment section: its comments, their reactions, and the members it
-- shows (migration 0016).
CREATE TABLE comment_section_stamps (
    post_id         INTEGER PRIMARY KEY,  -- 0: the members shown in every section
    comments_stamp  INTEGER NOT NULL,
    reactions_stamp INTEGER NOT NULL
);

CREATE TRIGGER comment_section_comment_added AFTER INSERT ON comments BEGIN
    INSERT INTO comment_section_stamps VALUES (new.post_id, random(), random())
        ON CONFLICT (post_id) DO UPDATE SET comments_stamp = excluded.comments_stamp;
END;
CREATE TRIGGER comment_section_comment_changed AFTER UPDATE ON comments WHEN old.post_id = new.post_id BEGIN
    INSERT INTO comment_section_stamps VALUES (new.post_id, random(), random())
        ON CONFLICT (post_id) DO UPDATE SET comments_stamp = excluded.comments_stamp;
END;
-- A comment that leaves a section takes its reactions along: their rows go by a cascade (or
-- stay, for a move), and a reaction trigger that runs after the comment left cannot find its
-- post. So both stamps change, also in the section it went to (an id SQLite may hand out again
-- must not find the old comment's reactions kept).
CREATE TRIGGER comment_section_comment_moved AFTER UPDATE ON comments WHEN old.post_id != new.post_id BEGIN
    INSERT INTO comment_section_stamps VALUES (old.post_id, random(), random())
        ON CONFLICT (post_id) DO UPDATE SET comments_stamp = excluded.comments_stamp,
                                            reactions_stamp = excluded.reactions_stamp;
    INSERT INTO comment_section_stamps VALUES (new.post_id, random(), random())
        ON CONFLICT (post_id) DO UPDATE SET comments_stamp = excluded.comments_stamp,
                                            reactions_stamp = excluded.reactions_stamp;
END;
CREATE TRIGGER comment_section_comment_removed AFTER DELETE ON comments BEGIN
    INSERT INTO comment_section_stamps VALUES (old.post_id, random(), random())
        ON CONFLICT (post_id) DO UPDATE SET comments_stamp = excluded.comments_stamp,
                                            reactions_stamp = excluded.reactions_stamp;
END;
CREATE TRIGGER comment_section_reaction_added AFTER INSERT ON comment_reactions BEGIN
    INSERT INTO comment_section_stamps SELECT post_id, random(), random() FROM comments WHERE id = new.comment_id
        ON CONFLICT (post_id) DO UPDATE SET reactions_stamp = excluded.reactions_stamp;
END;
CREATE TRIGGER comment_section_reaction_removed AFTER DELETE ON comment_reactions BEGIN
    INSERT INTO comment_section_stamps SELECT post_id, random(), random() FROM comments WHERE id = old.comment_id
        ON CONFLICT (post_id) DO UPDATE SET reactions_stamp = excluded.reactions_stamp;
END;
CREATE TRIGGER comment_section_member_changed
    AFTER UPDATE OF username, display_name, avatar_small, deleted_at ON users
    WHEN old.username IS NOT new.username OR old.display_name IS NOT new.display_name
        OR old.avatar_small IS NOT new.avatar_small OR old.deleted_at IS NOT new.deleted_at BEGIN
    INSERT INTO comment_section_stamps VALUES (0, random(), random())
        ON CONFLICT (post_id) DO UPDATE SET comments_stamp = excluded.comments_stamp;
END;
CREATE TRIGGER comment_section_member_removed AFTER DELETE ON users BEGIN
    INSERT INTO comment_section_stamps VALUES (0, random(), random())
        ON CONFLICT (post_id) DO UPDATE SET comments_stamp = excluded.comments_stamp;
END;
