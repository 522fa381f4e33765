"""Password reset requests within a sliding window, per address and per client, to limit them."""

from __future__ import annotations

from blog import clock
from blog.store.db import Database


class ResetRequests:
    """Bookkeeping no page shows: no write here empties a cache."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(self, email: str, address: str) -> None:
        now = clock.now_iso()
        async with self.db.transaction(notify=False) as tx:
            await tx.executemany(
                "INSERT INTO reset_requests (scope, key, requested_at) VALUES (?, ?, ?)",
                [("email", email.lower(), now), ("address", address, now)])

    async def counts(self, email: str, address: str, window: int) -> tuple[int, int]:
        """How many requests this address and this client made within the window."""
        since = clock.ago(window)
        count = "SELECT COUNT(*) FROM reset_requests WHERE scope = ? AND key = ? AND requested_at > ?"
        row = await self.db.fetchone(f"SELECT ({count}), ({count})",
                                     ("email", email.lower(), since, "address", address, since))
        assert row is not None
        return row[0], row[1]

    async def purge_older_than(self, window: int) -> int:
        return await self.db.write("DELETE FROM reset_requests WHERE requested_at <= ?", (clock.ago(window),),
                                   notify=False)
