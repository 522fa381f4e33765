-- Full-text search over public posts: an FTS5 index whose content is a view of the posts
-- that are public and listed (so 'rebuild' and snippets read the same rows the index holds),
-- kept in step by triggers on posts and post_tags, whatever code writes them, inside the
-- writer's own transaction. `porter` stems English words ("running" finds "run") over
-- unicode61 without accents ("cafe" finds "café").
-- Tags are indexed in name order, so the triggers can work out what the index holds
-- for a post from its current tags plus or minus the one tag row being changed
-- (an external-content index forgets a document only when told its old text exactly).
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
INSERT INTO post_search (post_search) VALUES ('rebuild');
