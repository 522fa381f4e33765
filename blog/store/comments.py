"""Comments on posts, oldest first; replies hang one level deep under a thread's first comment."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

from blog import clock
from blog.store.db import Database, Row
from blog.store.remembered import Stamped

AUTHOR_COLUMNS = (
    "CASE WHEN users.deleted_at IS NOT NULL THEN 'deleted user' WHEN users.display_name != ''"
    " THEN users.display_name ELSE users.username END AS author_name,"
    " users.avatar_small AS author_avatar, users.deleted_at IS NOT NULL AS author_deleted"
)
COMMENT_SELECT = (
    "SELECT comments.id, comments.post_id, comments.author_id, users.username AS author,"
    f" comments.body, comments.body_html, comments.created_at, {AUTHOR_COLUMNS},"
    " comments.parent_id, comments.reply_to_id,"
    " CASE WHEN answered_users.deleted_at IS NULL THEN answered_users.username END AS reply_to_author,"
    " comments.edited_at"
    " FROM comments JOIN users ON users.id = comments.author_id"
    " LEFT JOIN comments AS answered ON answered.id = comments.reply_to_id"
    " LEFT JOIN users AS answered_users ON answered_users.id = answered.author_id"
)
# Enough for any real thread; a page never has to render an unbounded list.
MAX_COMMENTS_SHOWN = 1000
# Posts whose comments are remembered for their pages (up to MAX_COMMENTS_SHOWN each).
PAGES_REMEMBERED = 50


@dataclass(frozen=True)
class Comment:
    id: int
    post_id: int
    author_id: int
    author: str
    body: str
    body_html: str
    created_at: str
    author_name: str = ""  # display name, or username; "deleted user" once the account is deleted
    author_avatar: str | None = None  # the small avatar's file name
    author_deleted: bool = False
    parent_id: int | None = None  # the thread's first comment, for a reply
    reply_to_id: int | None = None  # the comment a reply answers (the first one or another reply)
    reply_to_author: str | None = None  # its author's username (none once they deleted their account)
    edited_at: str | None = None

    @property
    def thread_id(self) -> int:
        """The id of the thread's first comment: the one replies to this comment hang under."""
        return self.parent_id if self.parent_id is not None else self.id

    def as_event(self, kind: str = "comment_added") -> dict[str, object]:
        """What live readers receive: no Markdown source, only the safe HTML."""
        data = asdict(self)
        del data["body"]
        return {"kind": kind, **data}


@dataclass(frozen=True)
class CommentVersion:
    """A comment as it read before an edit replaced it."""

    body: str
    body_html: str
    written_at: str
    replaced_at: str
    replaced_by: str | None  # the editor's username


class SectionStamps:
    """The stamps of a post's comments and of their reactions, and of the members sections show
    (names, pictures: the comments stamp of post_id 0), made anew by triggers at each change of
    them (migration 0016): what was read of a section is still true while its stamps read the
    same. Read once per post between two changes (a page's comments and reactions both ask)."""

    def __init__(self, db: Database, max_entries: int = 1000) -> None:
        self.db = db
        self.max_entries = max_entries
        self._read: dict[int, tuple[int | None, int | None, int | None]] = {}
        self._generation = 0
        db.on_change.append(self._changed)

    def _changed(self) -> None:
        self._generation += 1
        self._read.clear()

    async def of_comments(self, post_id: int) -> tuple[int | None, int | None]:
        comments, _, members = await self._of(post_id)
        return comments, members

    async def of_reactions(self, post_id: int) -> tuple[int | None, int | None]:
        _, reactions, members = await self._of(post_id)
        return reactions, members

    async def _of(self, post_id: int) -> tuple[int | None, int | None, int | None]:
        stamps = self._read.get(post_id)
        if stamps is None:
            generation = self._generation
            row = await self.db.fetchone(
                "SELECT (SELECT comments_stamp FROM comment_section_stamps WHERE post_id = ?),"
                " (SELECT reactions_stamp FROM comment_section_stamps WHERE post_id = ?),"
                " (SELECT comments_stamp FROM comment_section_stamps WHERE post_id = 0)", (post_id, post_id))
            stamps = (None, None, None) if row is None else (row[0], row[1], row[2])
            if generation == self._generation:  # else it may predate the change: not for later readers
                if len(self._read) >= self.max_entries:
                    self._read.clear()
                self._read[post_id] = stamps
        return stamps


def _comment(row: Row) -> Comment:
    # By position (COMMENT_SELECT's columns are Comment's fields, in order): a page reads up to
    # a thousand of these, and building a dict of each row cost more than the query itself.
    values = list(row)
    values[9] = bool(values[9])  # author_deleted: SQLite says 0 or 1
    return Comment(*values)


class Comments:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.section_stamps = SectionStamps(db)
        self._shown: Stamped[int, Sequence[Comment]] = Stamped(db, PAGES_REMEMBERED, self.section_stamps.of_comments)

    def on_section_let_go(self, callback: Callable[[int], None]) -> None:
        """`callback(post_id)` when a post's kept section is read anew or pushed out."""
        self._shown.on_let_go.append(callback)

    async def shown_on_page(self, post_id: int) -> Sequence[Comment]:
        """The post's comments as of_post reads them, kept while the section's stamps read the
        same: for the post page, whose request noticed other processes' changes before it began
        (a live socket's messages do not, so they read with of_post). The very same tuple until
        the section changes, so what is made from it can be kept by its identity. Shared: never
        change it."""
        comments = await self._shown.get(post_id, lambda: self._tuple_of_post(post_id))
        return comments if comments is not None else ()

    async def _tuple_of_post(self, post_id: int) -> Sequence[Comment]:
        return tuple(await self.of_post(post_id))

    async def of_post(self, post_id: int, after_id: int = 0) -> list[Comment]:
        rows = await self.db.fetchall(
            f"{COMMENT_SELECT} WHERE comments.post_id = ? AND comments.id > ? ORDER BY comments.id LIMIT ?",
            (post_id, after_id, MAX_COMMENTS_SHOWN),
        )
        return [_comment(row) for row in rows]

    async def edited_since(self, post_id: int, since: str) -> list[Comment]:
        """The post's comments edited after `since` (for a reader who was away)."""
        rows = await self.db.fetchall(
            f"{COMMENT_SELECT} WHERE comments.post_id = ? AND comments.edited_at > ? ORDER BY comments.id LIMIT ?",
            (post_id, since, MAX_COMMENTS_SHOWN),
        )
        return [_comment(row) for row in rows]

    async def ids_of_post(self, post_id: int) -> list[int]:
        rows = await self.db.fetchall(
            "SELECT id FROM comments WHERE post_id = ? ORDER BY id LIMIT ?", (post_id, MAX_COMMENTS_SHOWN))
        return [row[0] for row in rows]

    async def by_id(self, comment_id: int) -> Comment | None:
        row = await self.db.fetchone(f"{COMMENT_SELECT} WHERE comments.id = ?", (comment_id,))
        return None if row is None else _comment(row)

    async def add(self, post_id: int, author_id: int, body: str, body_html: str, *,
                  parent_id: int | None = None, reply_to_id: int | None = None) -> Comment:
        """A new comment; a reply names its thread (`parent_id`) and the comment it answers."""
        async with self.db.transaction() as tx:
            comment_id = await tx.insert(
                "INSERT INTO comments (post_id, author_id, body, body_html, created_at, parent_id, reply_to_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (post_id, author_id, body, body_html, clock.now_iso(), parent_id, reply_to_id),
            )
            row = await tx.fetchone(f"{COMMENT_SELECT} WHERE comments.id = ?", (comment_id,))
        assert row is not None
        return _comment(row)

    async def edit(self, comment_id: int, editor_id: int, body: str, body_html: str) -> Comment | None:
        """Replaces a comment's text, keeping what it said until now as an earlier version."""
        now = clock.now_iso()
        async with self.db.transaction() as tx:
            kept = await tx.execute(
                "INSERT INTO comment_versions (comment_id, body, body_html, written_at, replaced_at, replaced_by)"
                " SELECT id, body, body_html, coalesce(edited_at, created_at), ?, ? FROM comments WHERE id = ?",
                (now, editor_id, comment_id))
            if not kept:
                return None
            await tx.execute("UPDATE comments SET body = ?, body_html = ?, edited_at = ? WHERE id = ?",
                             (body, body_html, now, comment_id))
            row = await tx.fetchone(f"{COMMENT_SELECT} WHERE comments.id = ?", (comment_id,))
        return None if row is None else _comment(row)

    async def versions(self, comment_id: int) -> list[CommentVersion]:
        """The earlier versions of a comment, oldest first."""
        rows = await self.db.fetchall(
            "SELECT comment_versions.body, comment_versions.body_html, comment_versions.written_at,"
            " comment_versions.replaced_at, users.username FROM comment_versions"
            " LEFT JOIN users ON users.id = comment_versions.replaced_by"
            " WHERE comment_versions.comment_id = ? ORDER BY comment_versions.id", (comment_id,))
        return [CommentVersion(*row) for row in rows]

    async def members_named(self, usernames: list[str]) -> dict[str, tuple[int, str]]:
        """The members among these names (any case), as {lowercased name: (id, username)}."""
        if not usernames:
            return {}
        marks = " OR ".join("username = ? COLLATE NOCASE" for _ in usernames)
        rows = await self.db.fetchall(
            f"SELECT id, username FROM users WHERE deleted_at IS NULL AND ({marks})", usernames)
        return {row[1].lower(): (row[0], row[1]) for row in rows}

    async def delete(self, comment_id: int) -> bool:
        return await self.db.write("DELETE FROM comments WHERE id = ?", (comment_id,)) > 0
