-- Stamps of each post's comment section: one for its comments, one for their reactions, a
-- new random number at each change of them; and under post_id 0, one for what sections show
-- of members (names, pictures, deleted accounts). A process that keeps a section's comments
-- or reactions in memory keeps them across changes elsewhere, once it has read the same
-- stamps again (store/remembered.py, Stamped). Random, not counted: a database put back
-- from a backup cannot come to a number a process saw for other data.
CREATE TABLE comment_section_stamps (
    post_id         BIGINT PRIMARY KEY,  -- 0: the members shown in every section
    comments_stamp  BIGINT NOT NULL,
    reactions_stamp BIGINT NOT NULL
);

CREATE FUNCTION blog_random_stamp() RETURNS BIGINT LANGUAGE sql VOLATILE AS $$
    SELECT floor((random() - 0.5) * 9.2e18)::BIGINT
$$;

CREATE FUNCTION blog_stamp_comments(section BIGINT) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO comment_section_stamps VALUES (section, blog_random_stamp(), blog_random_stamp())
        ON CONFLICT (post_id) DO UPDATE SET comments_stamp = excluded.comments_stamp;
END $$;

-- A comment that leaves a section takes its reactions along: their rows go by a cascade (or
-- stay, for a move), and a reaction trigger that runs after the comment left cannot find its
-- post. So both stamps change, also in the section it went to.
CREATE FUNCTION blog_stamp_comments_and_reactions(section BIGINT) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO comment_section_stamps VALUES (section, blog_random_stamp(), blog_random_stamp())
        ON CONFLICT (post_id) DO UPDATE SET comments_stamp = excluded.comments_stamp,
                                            reactions_stamp = excluded.reactions_stamp;
END $$;

CREATE FUNCTION blog_comment_section_changed() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND OLD.post_id = NEW.post_id) THEN
        PERFORM blog_stamp_comments(NEW.post_id);
    ELSE
        PERFORM blog_stamp_comments_and_reactions(OLD.post_id);
        IF TG_OP = 'UPDATE' THEN
            PERFORM blog_stamp_comments_and_reactions(NEW.post_id);
        END IF;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER comment_section_comment_changed AFTER INSERT OR UPDATE OR DELETE ON comments
    FOR EACH ROW EXECUTE FUNCTION blog_comment_section_changed();

CREATE FUNCTION blog_comment_section_reacted() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO comment_section_stamps
        SELECT post_id, blog_random_stamp(), blog_random_stamp() FROM comments
        WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.comment_id ELSE NEW.comment_id END
        ON CONFLICT (post_id) DO UPDATE SET reactions_stamp = excluded.reactions_stamp;
    RETURN NULL;
END $$;
CREATE TRIGGER comment_section_reaction_changed AFTER INSERT OR DELETE ON comment_reactions
    FOR EACH ROW EXECUTE FUNCTION blog_comment_section_reacted();

CREATE FUNCTION blog_comment_section_member_changed() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    PERFORM blog_stamp_comments(0);
    RETURN NULL;
END $$;
CREATE TRIGGER comment_section_member_changed
    AFTER UPDATE OF username, display_name, avatar_small, deleted_at ON users
    FOR EACH ROW WHEN (OLD.username IS DISTINCT FROM NEW.username OR OLD.display_name IS DISTINCT FROM NEW.display_name
                       OR OLD.avatar_small IS DISTINCT FROM NEW.avatar_small
                       OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at)
    EXECUTE FUNCTION blog_comment_section_member_changed();
CREATE TRIGGER comment_section_member_removed AFTER DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION blog_comment_section_member_changed();
