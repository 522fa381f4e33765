"""Live events passed between processes through the database (see live/sqlite_broker.py)."""

from __future__ import annotations

import time

from blog.store.db import Database


class LiveEvents:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, origin: str, channel: str, post_id: int | None, message: str) -> None:
        # notify=False: an event changes no page; other processes hear of it through their poll.
        await self.db.write(
            "INSERT INTO live_events (origin, channel, post_id, message, created_at) VALUES (?, ?, ?, ?, ?)",
            (origin, channel, post_id, message, time.time()), notify=False)

    async def last_id(self) -> int:
        """The last id ever handed out, even when pruning has emptied the table (AUTOINCREMENT
        keeps it in sqlite_sequence): a new reader starts after it."""
        last: int = await self.db.fetchvalue(
            "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'live_events'),"
            " (SELECT MAX(id) FROM live_events), 0)")
        return last

    async def after(self, event_id: int, limit: int = 1000) -> list[tuple[int, str, str, int | None, str]]:
        rows = await self.db.fetchall(
            "SELECT id, origin, channel, post_id, message FROM live_events WHERE id > ? ORDER BY id LIMIT ?",
            (event_id, limit))
        return [(row[0], row[1], row[2], row[3], row[4]) for row in rows]

    async def prune(self, keep_seconds: float) -> int:
        """Deletes events older than `keep_seconds`. Ids are never reused (AUTOINCREMENT), so
        a process reading after its last id misses nothing however much is pruned."""
        return await self.db.write(
            "DELETE FROM live_events WHERE created_at < ?", (time.time() - keep_seconds,), notify=False)
