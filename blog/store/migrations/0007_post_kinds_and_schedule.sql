-- Posts learn three things at once, so the table is rebuilt once (SQLite cannot change a
-- CHECK in place): a kind (a post, or a page such as About that no list shows), the
-- 'scheduled' status with the moment it goes out, and the header image's alt text.
CREATE TABLE new_posts (
    id           INTEGER PRIMARY KEY,
    author_id    INTEGER NOT NULL REFERENCES users (id),
    kind         TEXT NOT NULL DEFAULT 'post' CHECK (kind IN ('post', 'page')),
    slug         TEXT NOT NULL,
    title        TEXT NOT NULL,
    summary      TEXT NOT NULL DEFAULT '',
    excerpt      TEXT NOT NULL,
    body         TEXT NOT NULL,
    body_html    TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'published', 'scheduled')),
    publish_at   TEXT,
    image        TEXT,
    thumbnail    TEXT,
    image_alt    TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    published_at TEXT,
    editor_id    INTEGER REFERENCES users (id),
    edited_at    TEXT,
    version      INTEGER NOT NULL DEFAULT 1,
    deleted_at   TEXT
);
INSERT INTO new_posts (id, author_id, slug, title, summary, excerpt, body, body_html, status, image, thumbnail,
                       created_at, updated_at, published_at, editor_id, edited_at, version, deleted_at)
    SELECT id, author_id, slug, title, summary, excerpt, body, body_html, status, image, thumbnail,
           created_at, updated_at, published_at, editor_id, edited_at, version, deleted_at FROM posts;
DROP TABLE posts;
ALTER TABLE new_posts RENAME TO posts;
CREATE UNIQUE INDEX posts_slug ON posts (slug);
CREATE INDEX posts_listed ON posts (published_at DESC, id DESC)
    WHERE status = 'published' AND deleted_at IS NULL AND kind = 'post';
CREATE INDEX posts_listed_by_author ON posts (author_id, published_at DESC, id DESC)
    WHERE status = 'published' AND deleted_at IS NULL AND kind = 'post';
CREATE INDEX posts_by_author ON posts (author_id);
CREATE INDEX posts_trashed ON posts (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX posts_image ON posts (image);
CREATE INDEX posts_thumbnail ON posts (thumbnail);
CREATE INDEX posts_scheduled ON posts (publish_at) WHERE status = 'scheduled' AND deleted_at IS NULL;
