"""Secrets the blog makes for itself and every server must share (PostgreSQL only: beside an
SQLite database they are files of the data folder, readable by the blog's user alone)."""

from __future__ import annotations

from collections.abc import Callable

from blog.store.db import Database


class Secrets:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def kept(self, name: str, make: Callable[[], str]) -> str:
        """The secret called `name`; made with `make` by whichever server asks first."""
        async with self.db.transaction(notify=False) as tx:
            await tx.execute("INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING", (name, make()))
            value = await tx.fetchvalue("SELECT value FROM secrets WHERE name = ?", (name,))
        return str(value)

    async def keep(self, name: str, value: str) -> None:
        """Sets a secret (copy-to brings an SQLite blog's key along, so its sessions live on)."""
        await self.db.write("INSERT INTO secrets (name, value) VALUES (?, ?)"
                            " ON CONFLICT (name) DO UPDATE SET value = excluded.value", (name, value), notify=False)
