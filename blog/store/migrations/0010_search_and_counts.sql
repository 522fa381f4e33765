-- Full-text search over public posts: an FTS5 index whose content is a view of the posts
-- that are public and listed (so 'rebuild' and snippets read the same rows the index holds),
-- kept in step by triggers on posts and post_tags, whatever code writes them, inside the
-- writer's own transaction. `porter` stems English words ("running" finds "run") over
-- unicode61 without accents ("cafe" finds "café").
-- Tags are indexed in name order, so the triggers can work out what the index holds
-- for a post from its current tags plus or minus the one tag row being changed
-- (an external-content index forgets a document only when told its old text exactly).

-- A published post always has a publication time; one that somehow lacks it gets its
-- creation time before anything below counts posts by month.
UPDATE posts SET published_at = created_at WHERE status = 'published' AND published_at IS NULL;

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
-- The sitemap's numbered files read public posts by ranges of ids: this index holds all
-- they need, so a file reads 50,000 short entries instead of 50,000 whole posts.
CREATE INDEX posts_sitemap ON posts (id, slug, updated_at)
    WHERE status = 'published' AND deleted_at IS NULL AND kind = 'post';
INSERT INTO post_search (post_search) VALUES ('rebuild');
UPDATE post_tags SET listed_at = (SELECT CASE WHEN posts.status = 'published' AND posts.deleted_at IS NULL
                                              AND posts.kind = 'post' THEN posts.published_at END
                                  FROM posts WHERE posts.id = post_tags.post_id);
INSERT INTO tag_counts (tag, posts)
    SELECT tag, COUNT(*) FROM post_tags WHERE listed_at IS NOT NULL GROUP BY tag;
INSERT INTO author_counts (author_id, posts)
    SELECT author_id, COUNT(*) FROM posts
    WHERE status = 'published' AND deleted_at IS NULL AND kind = 'post' GROUP BY author_id;
INSERT INTO month_counts (month, posts)
    SELECT substr(published_at, 1, 7), COUNT(*) FROM posts
    WHERE status = 'published' AND deleted_at IS NULL AND kind = 'post' GROUP BY 1;
