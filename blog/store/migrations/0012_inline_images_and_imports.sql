-- Pictures inside post bodies, and where imported posts came from.
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

-- The posts `import` brought in, by their key in the source (a WordPress item, or a post
-- of our own export), so that importing the same file again changes nothing.
CREATE TABLE imports (
    source_key TEXT PRIMARY KEY,
    post_id    INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX imports_post ON imports (post_id);

-- Bodies and revisions saved before this version may already name images: find every
-- "/images/<64 hex digits>.<ext>" in them.
WITH RECURSIVE texts (post_id, rest) AS (
    SELECT id, body FROM posts WHERE instr(body, '/images/') > 0
    UNION ALL
    SELECT post_id, body FROM revisions WHERE instr(body, '/images/') > 0
), found (post_id, rest, candidate) AS (
    SELECT post_id, rest, NULL FROM texts
    UNION ALL
    SELECT post_id, substr(rest, instr(rest, '/images/') + 8), substr(rest, instr(rest, '/images/') + 8, 69)
    FROM found WHERE instr(rest, '/images/') > 0
), names (post_id, name) AS (
    SELECT post_id, CASE
        WHEN substr(candidate, 65, 5) = '.webp' THEN substr(candidate, 1, 69)
        WHEN substr(candidate, 65, 4) IN ('.jpg', '.png', '.gif') THEN substr(candidate, 1, 68)
    END
    FROM found
    WHERE candidate IS NOT NULL AND length(candidate) >= 68
      AND substr(candidate, 1, 64) NOT GLOB '*[^0-9a-f]*'
)
INSERT OR IGNORE INTO image_refs (name, post_id) SELECT name, post_id FROM names WHERE name IS NOT NULL;
