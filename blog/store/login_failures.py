"""Failed logins within a sliding window, per account and per client address."""

from __future__ import annotations

from datetime import datetime, timedelta

from blog import clock
from blog.store.db import Database

# The failure that reached the limit: the `limit`-th newest inside the window.
_LIMIT_REACHED_AT = (
    "SELECT failed_at FROM login_failures WHERE scope = ? AND key = ? AND failed_at > ?"
    " ORDER BY failed_at DESC LIMIT 1 OFFSET ?"
)


class LoginFailures:
    """Bookkeeping no page shows: no write here empties a cache."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(self, account: str, address: str) -> None:
        now = clock.now_iso()
        async with self.db.transaction(notify=False) as tx:
            await tx.executemany(
                "INSERT INTO login_failures (scope, key, failed_at) VALUES (?, ?, ?)",
                [("account", account.lower(), now), ("address", address, now)],
            )

    async def blocked_until(self, account: str, address: str, limit: int, window: int) -> datetime | None:
        """When a client may try again, if the account or the address reached the limit."""
        since = clock.ago(window)
        row = await self.db.fetchone(
            f"SELECT ({_LIMIT_REACHED_AT}), ({_LIMIT_REACHED_AT})",
            ("account", account.lower(), since, limit - 1, "address", address, since, limit - 1),
        )
        reached = [clock.parse(value) for value in (row or ()) if value is not None]
        if not reached:
            return None
        return max(reached) + timedelta(seconds=window)

    async def clear_account(self, account: str) -> None:
        await self.db.write(
            "DELETE FROM login_failures WHERE scope = 'account' AND key = ?", (account.lower(),)
        , notify=False)

    async def purge_older_than(self, window: int) -> int:
        return await self.db.write("DELETE FROM login_failures WHERE failed_at <= ?", (clock.ago(window),), notify=False)
