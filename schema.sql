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
    bio           TEXT NOT NULL DEFAULT '',
    image         TEXT  -- an avatar URL, as RealWorld profiles have
);
CREATE UNIQUE INDEX users_username ON users (username COLLATE NOCASE);
CREATE UNIQUE INDEX users_email ON users (email COLLATE NOCASE);

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

-- Failed logins, counted per account and per client address to slow down guessing.
CREATE TABLE login_failures (
    id        INTEGER PRIMARY KEY,
    scope     TEXT NOT NULL CHECK (scope IN ('account', 'address')),
    key       TEXT NOT NULL,
    failed_at TEXT NOT NULL
);
CREATE INDEX login_failures_lookup ON login_failures (scope, key, failed_at);

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
    deleted_at   TEXT                            -- in the trash since
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
-- An author's drafts, paged newest change first like every other list.
CREATE INDEX posts_drafts_by_author ON posts (author_id, updated_at DESC, id DESC)
    WHERE status = 'draft' AND deleted_at IS NULL;

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

-- Comments on posts, rendered when saved like posts are.
CREATE TABLE comments (
    id         INTEGER PRIMARY KEY,
    post_id    INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    author_id  INTEGER NOT NULL REFERENCES users (id),
    body       TEXT NOT NULL,
    body_html  TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX comments_post ON comments (post_id, id);
CREATE INDEX comments_author ON comments (author_id);

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
CREATE TABLE live_events (
    id         INTEGER PRIMARY KEY,
    origin     TEXT NOT NULL,     -- the process that published it; it has delivered it already
    channel    TEXT NOT NULL CHECK (channel IN ('post', 'control')),
    post_id    INTEGER,
    message    TEXT NOT NULL,     -- encoded once, as readers receive it
    created_at REAL NOT NULL      -- seconds since the epoch; events are kept a minute
);

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
