"""Private messages between two members, and who blocked whom.

Every read names the member asking: a conversation is read only as one of its two
members, so no query here can show a conversation to anybody else. A message from a
member its recipient blocked is kept for its sender and withheld from the recipient.
Messages show only on their members' own pages, which are never cached, so no write
here empties the page caches."""

from __future__ import annotations

from dataclasses import dataclass

from blog import clock
from blog.store.db import Database, Row
from blog.store.users import DELETED_NAME

_COLUMNS = "id, sender_id, recipient_id, body, body_html, created_at, read_at"
# The messages `me` may see with `other`: theirs to me unless withheld, and all of mine to them.
_BETWEEN = ("((sender_id = ? AND recipient_id = ?) OR (sender_id = ? AND recipient_id = ? AND withheld = 0))")


@dataclass(frozen=True)
class Message:
    id: int
    sender_id: int
    recipient_id: int
    body: str
    body_html: str
    created_at: str
    read_at: str | None

    @property
    def seen(self) -> bool:
        return self.read_at is not None


@dataclass(frozen=True)
class Conversation:
    """One line of a member's list: the other member, the last message, how many are unread."""

    other_id: int
    other_username: str
    other_name: str
    unread: int
    last: Message


def _message(row: Row) -> Message:
    return Message(row["id"], row["sender_id"], row["recipient_id"], row["body"], row["body_html"],
                   row["created_at"], row["read_at"])


class Messages:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, sender_id: int, recipient_id: int, body: str, body_html: str) -> tuple[Message, bool]:
        """Saves a message; returns it and whether it reaches the recipient (False: they blocked
        the sender, and the message stays the sender's alone)."""
        now = clock.now_iso()
        async with self.db.transaction() as tx:  # notifies: the recipient's nav counts change
            blocked = await tx.fetchvalue(
                "SELECT count(*) FROM blocks WHERE blocker_id = ? AND blocked_id = ?", (recipient_id, sender_id))
            withheld = 1 if blocked else 0
            message_id = await tx.insert(
                "INSERT INTO messages (sender_id, recipient_id, body, body_html, withheld, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (sender_id, recipient_id, body, body_html, withheld, now))
        return Message(message_id, sender_id, recipient_id, body, body_html, now, None), not withheld

    async def sent_since(self, sender_id: int, since: str) -> int:
        """How many messages a member sent after `since` (the flood limit counts these)."""
        return int(await self.db.fetchvalue(
            "SELECT count(*) FROM messages WHERE sender_id = ? AND created_at > ?", (sender_id, since)) or 0)

    async def between(self, me: int, other: int, *, before_id: int | None = None, limit: int = 50) -> list[Message]:
        """The last `limit` messages of a conversation (before `before_id`), oldest first."""
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM messages WHERE {_BETWEEN} AND id < ? ORDER BY id DESC LIMIT ?",
            (me, other, other, me, before_id if before_id is not None else 2**62, limit))
        return [_message(row) for row in reversed(rows)]

    async def visible(self, me: int, message_id: int) -> Message | None:
        """A message `me` sent or received (not withheld); None for any other id."""
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM messages WHERE id = ? AND"
            " (sender_id = ? OR (recipient_id = ? AND withheld = 0))", (message_id, me, me))
        return _message(row) if row is not None else None

    async def after(self, me: int, after_id: int, limit: int = 200) -> list[Message]:
        """Every message to or from `me` after an id, oldest first: what a reconnecting tab missed."""
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM messages WHERE id > ? AND"
            " (sender_id = ? OR (recipient_id = ? AND withheld = 0)) ORDER BY id LIMIT ?",
            (after_id, me, me, limit))
        return [_message(row) for row in rows]

    async def mark_read(self, me: int, other: int, up_to: int | None = None) -> int:
        """Marks what `other` sent `me` (up to an id) as seen; returns the last id newly seen, or 0."""
        last = await self.db.fetchvalue(
            "SELECT max(id) FROM messages WHERE recipient_id = ? AND sender_id = ? AND withheld = 0"
            " AND read_at IS NULL AND id <= ?", (me, other, up_to if up_to is not None else 2**62))
        if last is None:  # nothing new: no write, so no cache is emptied for a conversation reread
            return 0
        await self.db.write(  # notifies: the reader's nav counts change
            "UPDATE messages SET read_at = ? WHERE recipient_id = ? AND sender_id = ? AND withheld = 0"
            " AND read_at IS NULL AND id <= ?", (clock.now_iso(), me, other, last))
        return int(last)

    async def unread_count(self, me: int) -> int:
        return int(await self.db.fetchvalue(
            "SELECT count(*) FROM messages WHERE recipient_id = ? AND read_at IS NULL AND withheld = 0", (me,)) or 0)

    async def conversations(self, me: int, limit: int = 100) -> list[Conversation]:
        """A member's conversations, the newest first."""
        rows = await self.db.fetchall(
            "WITH mine AS ("
            " SELECT recipient_id AS other_id, id, 0 AS unread FROM messages WHERE sender_id = ?"
            " UNION ALL"
            " SELECT sender_id AS other_id, id, CASE WHEN read_at IS NULL THEN 1 ELSE 0 END AS unread"
            " FROM messages WHERE recipient_id = ? AND withheld = 0),"
            " talks AS (SELECT other_id, max(id) AS last_id, sum(unread) AS unread FROM mine GROUP BY other_id)"
            " SELECT talks.other_id, talks.unread, users.username, users.display_name, users.deleted_at,"
            f" {', '.join('messages.' + column for column in _COLUMNS.split(', '))}"
            " FROM talks JOIN messages ON messages.id = talks.last_id JOIN users ON users.id = talks.other_id"
            " ORDER BY talks.last_id DESC LIMIT ?", (me, me, limit))
        return [Conversation(row["other_id"], row["username"],
                             DELETED_NAME if row["deleted_at"] else (row["display_name"] or row["username"]),
                             int(row["unread"]), _message(row)) for row in rows]

    async def block(self, blocker_id: int, blocked_id: int) -> None:
        await self.db.write(
            "INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (blocker_id, blocked_id, clock.now_iso()), notify=False)

    async def unblock(self, blocker_id: int, blocked_id: int) -> None:
        await self.db.write("DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ?",
                            (blocker_id, blocked_id), notify=False)

    async def has_blocked(self, blocker_id: int, blocked_id: int) -> bool:
        return bool(await self.db.fetchvalue(
            "SELECT count(*) FROM blocks WHERE blocker_id = ? AND blocked_id = ?", (blocker_id, blocked_id)))
