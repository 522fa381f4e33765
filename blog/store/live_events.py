"""Live events passed between processes through the database (see live/sqlite_broker.py)."""

from __future__ import annotations

import time

from blog.store.db import Database

KEEP_SECONDS = 60


class LiveEvents:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, origin: str, channel: str, post_id: int | None, message: str) -> None:
        # notify=False: an event changes no page; other processes hear of it through their poll.
        await self.db.write(
            "INSERT INTO live_events (origin, channel, post_id, message, created_at) VALUES (?, ?, ?, ?, ?)",
            (origin, channel, post_id, message, time.time()), notify=False)

    async def last_id(self) -> int:
        last: int = await self.db.fetchvalue("SELECT COALESCE(MAX(id), 0) FROM live_events")
        return last

    async def after(self, event_id: int, limit: int = 1000) -> list[tuple[int, str, str, int | None, str]]:
        rows = await self.db.fetchall(
            "SELECT id, origin, channel, post_id, message FROM live_events WHERE id > ? ORDER BY id LIMIT ?",
            (event_id, limit))
        return [(row[0], row[1], row[2], row[3], row[4]) for row in rows]

    async def prune(self) -> int:
        return await self.db.write(
            "DELETE FROM live_events WHERE created_at < ?", (time.time() - KEEP_SECONDS,), notify=False)
