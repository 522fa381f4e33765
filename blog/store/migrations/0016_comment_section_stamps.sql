-- Stamps of each post's comment section: one for its comments, one for their reactions, a
-- new random number at each change of them; and under post_id 0, one for what sections show
-- of members (names, pictures, deleted accounts). A process that keeps a section's comments
-- or reactions in memory keeps them across changes elsewhere, once it has read the same
-- stamps again (store/remembered.py, Stamped). Random, not counted: a database put back
-- from a backup cannot come to a number a process saw for other data.
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
