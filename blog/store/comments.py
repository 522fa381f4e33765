"""Comments on posts, oldest first."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from blog import clock
from blog.store.db import Database, Row

AUTHOR_COLUMNS = (
    "CASE WHEN users.deleted_at IS NOT NULL THEN 'deleted user' WHEN users.display_name != ''"
    " THEN users.display_name ELSE users.username END AS author_name,"
    " users.avatar_small AS author_avatar, users.deleted_at IS NOT NULL AS author_deleted"
)
COMMENT_SELECT = (
    "SELECT comments.id, comments.post_id, comments.author_id, users.username AS author,"
    f" comments.body, comments.body_html, comments.created_at, {AUTHOR_COLUMNS}"
    " FROM comments JOIN users ON users.id = comments.author_id"
)
# Enough for any real thread; a page never has to render an unbounded list.
MAX_COMMENTS_SHOWN = 1000


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

    def as_event(self) -> dict[str, object]:
        """What live readers receive: no Markdown source, only the safe HTML."""
        data = asdict(self)
        del data["body"]
        return {"kind": "comment_added", **data}


def _comment(row: Row) -> Comment:
    values = dict(row)
    values["author_deleted"] = bool(values["author_deleted"])
    return Comment(**values)


class Comments:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def of_post(self, post_id: int, after_id: int = 0) -> list[Comment]:
        rows = await self.db.fetchall(
            f"{COMMENT_SELECT} WHERE comments.post_id = ? AND comments.id > ? ORDER BY comments.id LIMIT ?",
            (post_id, after_id, MAX_COMMENTS_SHOWN),
        )
        return [_comment(row) for row in rows]

    async def ids_of_post(self, post_id: int) -> list[int]:
        rows = await self.db.fetchall(
            "SELECT id FROM comments WHERE post_id = ? ORDER BY id LIMIT ?", (post_id, MAX_COMMENTS_SHOWN))
        return [row[0] for row in rows]

    async def by_id(self, comment_id: int) -> Comment | None:
        row = await self.db.fetchone(f"{COMMENT_SELECT} WHERE comments.id = ?", (comment_id,))
        return None if row is None else _comment(row)

    async def add(self, post_id: int, author_id: int, body: str, body_html: str) -> Comment:
        now = clock.now_iso()
        async with self.db.transaction() as tx:
            comment_id = await tx.insert(
                "INSERT INTO comments (post_id, author_id, body, body_html, created_at) VALUES (?, ?, ?, ?, ?)",
                (post_id, author_id, body, body_html, now),
            )
            row = await tx.fetchone(f"SELECT users.username, {AUTHOR_COLUMNS} FROM users WHERE id = ?",
                                    (author_id,))
        assert row is not None
        return Comment(comment_id, post_id, author_id, row[0], body, body_html, now, row[1], row[2], bool(row[3]))

    async def delete(self, comment_id: int) -> bool:
        return await self.db.write("DELETE FROM comments WHERE id = ?", (comment_id,)) > 0
