"""Revisions: every save of a post, kept so it can be compared and restored."""

from __future__ import annotations

from dataclasses import dataclass

from blog.store.db import SQLITE_INTEGER_MAX, Database



@dataclass(frozen=True)
class Revision:
    id: int
    post_id: int
    version: int
    title: str
    summary: str
    body: str
    tags: str
    editor: str
    created_at: str


REVISION_SELECT = (
    "SELECT revisions.id, revisions.post_id, revisions.version, revisions.title, revisions.summary,"
    " revisions.body, revisions.tags, users.username AS editor, revisions.created_at"
    " FROM revisions JOIN users ON users.id = revisions.editor_id"
)


class Revisions:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def of_post(self, post_id: int) -> list[Revision]:
        rows = await self.db.fetchall(
            f"{REVISION_SELECT} WHERE revisions.post_id = ? ORDER BY revisions.id DESC", (post_id,))
        return [Revision(*row) for row in rows]

    async def by_id(self, post_id: int, revision_id: int) -> Revision | None:
        if not 0 < revision_id <= SQLITE_INTEGER_MAX:  # from a URL; too large to bind, and no revision has it
            return None
        row = await self.db.fetchone(
            f"{REVISION_SELECT} WHERE revisions.post_id = ? AND revisions.id = ?", (post_id, revision_id))
        return None if row is None else Revision(*row)
