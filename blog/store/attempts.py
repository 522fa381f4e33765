"""Attempts counted against rate limits (the rules are in blog/accounts/throttle.py): failed
logins per account, per device cookie and per client address; registrations per address.

Bookkeeping no page shows: no write here empties a cache."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from blog import clock
from blog.store.db import Database

# Keys are bounded before they are stored: a login name of 100 KB is not kept whole.
KEY_MAX = 300
# The attempt that reached the limit: the `most`-th newest inside the window.
_LIMIT_REACHED_AT = (
    "SELECT at FROM attempts WHERE scope = ? AND key = ? AND at > ? ORDER BY at DESC LIMIT 1 OFFSET ?"
)


@dataclass(frozen=True)
class Limit:
    """At most `most` attempts of `scope` for `key` within `window` seconds."""

    scope: str  # 'account', 'device', 'address' or 'registration' (the table's CHECK)
    key: str
    most: int
    window: int


class Attempts:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def reserve(self, limits: Sequence[Limit]) -> list[int] | datetime:
        """Counts one attempt against every limit, unless one of them is reached already: then
        nothing is counted and the answer is when the client may try again.

        The count and the new rows are one write transaction (BEGIN IMMEDIATE, which also
        excludes the other processes), so however many attempts arrive at once, no more than
        the limit get through: each is counted before its password is even checked. On
        PostgreSQL a lock per counted key (taken in one order, so two never wait on each other)
        does what BEGIN IMMEDIATE does for SQLite. Returns the new rows' ids, for cancel()."""
        now = clock.now_iso()
        async with self.db.transaction(notify=False) as tx:
            for name in sorted({f"attempts {limit.scope} {limit.key[:KEY_MAX]}" for limit in limits}):
                await tx.lock(name)
            retry_at = []
            for limit in limits:
                reached = await tx.fetchvalue(
                    _LIMIT_REACHED_AT, (limit.scope, limit.key[:KEY_MAX], clock.ago(limit.window), limit.most - 1))
                if reached is not None:
                    retry_at.append(clock.parse(reached) + timedelta(seconds=limit.window))
            if retry_at:
                return max(retry_at)
            return [await tx.insert("INSERT INTO attempts (scope, key, at) VALUES (?, ?, ?)",
                                    (limit.scope, limit.key[:KEY_MAX], now)) for limit in limits]

    async def cancel(self, attempt_ids: Sequence[int]) -> None:
        """Takes back attempts that turned out not to count (a login whose password was right)."""
        if attempt_ids:
            marks = ",".join("?" * len(attempt_ids))
            await self.db.write(f"DELETE FROM attempts WHERE id IN ({marks})", list(attempt_ids), notify=False)

    async def purge_older_than(self, seconds: int) -> int:
        return await self.db.write("DELETE FROM attempts WHERE at <= ?", (clock.ago(seconds),), notify=False)
