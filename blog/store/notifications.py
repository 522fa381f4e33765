"""Notifications: what a member is told about, newest first, read or not.

A notification shows only on its member's own pages, which are never cached, so no write
here empties the page caches."""

from __future__ import annotations

from dataclasses import dataclass

from blog import clock
from blog.store.db import Database, Row
from blog.store.remembered import Remembered

KINDS = ("reply", "comment", "mention", "follow", "reaction", "message")

_SELECT = (
    "SELECT notifications.id, notifications.user_id, notifications.kind, notifications.actor_id,"
    " actors.username AS actor_username, notifications.post_id, notifications.comment_id,"
    " notifications.detail, notifications.created_at, notifications.read_at,"
    " posts.title AS post_title, posts.slug AS post_slug"
    " FROM notifications LEFT JOIN users AS actors ON actors.id = notifications.actor_id"
    " LEFT JOIN posts ON posts.id = notifications.post_id"
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
    post_title: str | None = None
    post_slug: str | None = None

    @property
    def unread(self) -> bool:
        return self.read_at is None


def _notification(row: Row) -> Notification:
    return Notification(**dict(row))


class Notifications:
    def __init__(self, db: Database) -> None:
        self.db = db
        # Every logged-in page shows these counts: read once per member until the next change.
        # So every write that moves them notifies (empties this in every process), unlike
        # other bookkeeping.
        self._nav_states: Remembered[tuple[int, int, int, int]] = Remembered(db, max_entries=2000)

    async def add(self, user_id: int, kind: str, actor_id: int | None, *, post_id: int | None = None,
                  comment_id: int | None = None, detail: str = "") -> int | None:
        """Tells `user_id` about what `actor_id` did; nobody is told about their own doing
        (None then). Returns the new notification's id."""
        if kind not in KINDS:
            raise ValueError(f"unknown notification kind {kind!r}")
        if user_id == actor_id:
            return None
        async with self.db.transaction() as tx:
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

    async def after(self, user_id: int, after_id: int, limit: int = 200) -> list[Notification]:
        """A member's notifications after an id, oldest first: what a reconnecting tab missed."""
        rows = await self.db.fetchall(
            f"{_SELECT} WHERE notifications.user_id = ? AND notifications.id > ? ORDER BY notifications.id LIMIT ?",
            (user_id, after_id, limit))
        return [_notification(row) for row in rows]

    async def unread_counts(self, user_id: int) -> tuple[int, int]:
        """(unread notifications, unread messages): what the nav shows."""
        state = await self.nav_state(user_id)
        return state[0], state[1]

    async def nav_state(self, user_id: int) -> tuple[int, int, int, int]:
        """(unread notifications, unread messages, last message id, last notification id) in one
        query: the nav's counts, and where the member socket resumes from for this page."""
        state = await self._nav_states.get(user_id, lambda: self._read_nav_state(user_id))
        assert state is not None
        return state

    async def _read_nav_state(self, user_id: int) -> tuple[int, int, int, int]:
        row = await self.db.fetchone(
            "SELECT (SELECT count(*) FROM notifications WHERE user_id = ? AND read_at IS NULL),"
            " (SELECT count(*) FROM messages WHERE recipient_id = ? AND read_at IS NULL AND withheld = 0),"
            " coalesce((SELECT max(id) FROM messages WHERE sender_id = ?), 0),"
            " coalesce((SELECT max(id) FROM messages WHERE recipient_id = ? AND withheld = 0), 0),"
            " coalesce((SELECT max(id) FROM notifications WHERE user_id = ?), 0)",
            (user_id,) * 5)
        if row is None:
            return (0, 0, 0, 0)
        return int(row[0]), int(row[1]), max(int(row[2]), int(row[3])), int(row[4])

    async def mark_read_from(self, user_id: int, kind: str, actor_id: int) -> int:
        """Marks one kind from one member read (their messages, once the conversation is read)."""
        return await self.db.write(
            "UPDATE notifications SET read_at = ? WHERE user_id = ? AND kind = ? AND actor_id = ?"
            " AND read_at IS NULL", (clock.now_iso(), user_id, kind, actor_id))

    async def unread_from(self, user_id: int, kind: str, actor_id: int) -> int:
        return int(await self.db.fetchvalue(
            "SELECT count(*) FROM notifications WHERE user_id = ? AND kind = ? AND actor_id = ? AND read_at IS NULL",
            (user_id, kind, actor_id)) or 0)

    async def mail_kinds(self, user_id: int) -> set[str]:
        """The kinds a member also wants by email (none until they choose)."""
        rows = await self.db.fetchall("SELECT kind FROM notification_mail WHERE user_id = ?", (user_id,))
        return {str(row[0]) for row in rows}

    async def set_mail_kinds(self, user_id: int, kinds: set[str]) -> None:
        unknown = kinds - set(KINDS)
        if unknown:
            raise ValueError(f"unknown notification kinds {sorted(unknown)!r}")
        async with self.db.transaction(notify=False) as tx:
            await tx.execute("DELETE FROM notification_mail WHERE user_id = ?", (user_id,))
            await tx.executemany("INSERT INTO notification_mail (user_id, kind) VALUES (?, ?)",
                                 [(user_id, kind) for kind in sorted(kinds)])

    async def stop_mail(self, user_id: int, kind: str | None = None) -> None:
        """Unsubscribes a member from one kind's mails, or from all of them."""
        if kind is None:
            await self.db.write("DELETE FROM notification_mail WHERE user_id = ?", (user_id,), notify=False)
        else:
            await self.db.write("DELETE FROM notification_mail WHERE user_id = ? AND kind = ?",
                                (user_id, kind), notify=False)

    async def unread_count(self, user_id: int) -> int:
        return int(await self.db.fetchvalue(
            "SELECT count(*) FROM notifications WHERE user_id = ? AND read_at IS NULL", (user_id,)) or 0)

    async def mark_all_read(self, user_id: int) -> int:
        return await self.db.write(
            "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL",
            (clock.now_iso(), user_id))
