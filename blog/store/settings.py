"""The site's own settings (title, tagline, navigation, ...): one JSON value per name.

A setting without a row takes its default, which the caller knows (the BLOG_* variables
of a fresh install). Read on every page, so the whole set is remembered until the next
change anywhere (saving notifies, and other processes notice through the change stamp)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from blog.store.db import Database
from blog.store.remembered import Remembered


class Settings:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._all: Remembered[dict[str, Any]] = Remembered(db, max_entries=1)

    async def stored(self) -> dict[str, Any]:
        """Every stored setting by name (those never saved are absent), remembered until the next change."""
        found = await self._all.get("all", self._read)
        assert found is not None
        return found

    async def _read(self) -> dict[str, Any]:
        rows = await self.db.fetchall("SELECT name, value FROM site_settings")
        return {row["name"]: json.loads(row["value"]) for row in rows}

    async def save(self, values: Mapping[str, Any]) -> None:
        """Stores the given settings in one transaction; the others keep theirs."""
        async with self.db.transaction() as tx:
            await tx.executemany(
                "INSERT INTO site_settings (name, value) VALUES (?, ?)"
                " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                [(name, json.dumps(value, ensure_ascii=False)) for name, value in values.items()])
