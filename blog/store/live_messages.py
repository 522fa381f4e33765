"""Live messages too long for a PostgreSQL notification, kept a minute for listeners to read
(see live/postgres_broker.py)."""

from __future__ import annotations

import time

from blog.store.db import Database

KEEP_SECONDS = 60


class LiveMessages:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, message: str) -> int:
        # notify=False: a live message changes no page.
        async with self.db.transaction(notify=False) as tx:
            return await tx.insert("INSERT INTO live_messages (message, created_at) VALUES (?, ?)",
                                   (message, time.time()))

    async def get(self, message_id: int) -> str | None:
        value = await self.db.fetchvalue("SELECT message FROM live_messages WHERE id = ?", (message_id,))
        return None if value is None else str(value)

    async def prune(self) -> int:
        return await self.db.write("DELETE FROM live_messages WHERE created_at < ?",
                                   (time.time() - KEEP_SECONDS,), notify=False)
