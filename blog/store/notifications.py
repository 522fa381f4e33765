"""Notifications: what a member is told about, newest first, read or not.

A notification shows only on its member's own pages, which are never cached, so no write
here empties the page caches."""

from __future__ import annotations

from dataclasses import dataclass

from blog import clock
from blog.store.db import Database, Row

KINDS = ("reply", "comment", "mention", "follow", "reaction", "message")

_SELECT = (
    "SELECT notifications.id, notifications.user_id, notifications.kind, notifications.actor_id,"
    " actors.username AS actor_username, notifications.post_id, notifications.comment_id,"
    " notifications.detail, notifications.created_at, notifications.read_at"
    " FROM notifications LEFT JOIN users AS actors ON actors.id = notifications.actor_id"
)


@dataclass(frozen=True)
class Notification:
    id: int
    user_id: int
    kind: str
    actor_id: int | None
    actor_username: str | None
    post_id: int | None
    comment_id: int | None
    detail: str
    created_at: str
    read_at: str | None

    @property
    def unread(self) -> bool:
        return self.read_at is None


def _notification(row: Row) -> Notification:
    return Notification(**dict(row))


class Notifications:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, user_id: int, kind: str, actor_id: int | None, *, post_id: int | None = None,
                  comment_id: int | None = None, detail: str = "") -> int | None:
        """Tells `user_id` about what `actor_id` did; nobody is told about their own doing
        (None then). Returns the new notification's id."""
        if kind not in KINDS:
            raise ValueError(f"unknown notification kind {kind!r}")
        if user_id == actor_id:
            return None
        async with self.db.transaction(notify=False) as tx:
            return await tx.insert(
                "INSERT INTO notifications (user_id, kind, actor_id, post_id, comment_id, detail, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (user_id, kind, actor_id, post_id, comment_id, detail, clock.now_iso()),
            )

    async def get(self, notification_id: int) -> Notification | None:
        row = await self.db.fetchone(f"{_SELECT} WHERE notifications.id = ?", (notification_id,))
        return _notification(row) if row is not None else None

    async def recent(self, user_id: int, *, before_id: int | None = None, limit: int = 50) -> list[Notification]:
        """A member's notifications, newest first; `before_id` pages to older ones."""
        rows = await self.db.fetchall(
            f"{_SELECT} WHERE notifications.user_id = ? AND notifications.id < ?"
            " ORDER BY notifications.id DESC LIMIT ?",
            (user_id, before_id if before_id is not None else 2**62, limit),
        )
        return [_notification(row) for row in rows]

    async def unread_count(self, user_id: int) -> int:
        return int(await self.db.fetchvalue(
            "SELECT count(*) FROM notifications WHERE user_id = ? AND read_at IS NULL", (user_id,)) or 0)

    async def mark_all_read(self, user_id: int) -> int:
        return await self.db.write(
            "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL",
            (clock.now_iso(), user_id), notify=False)
