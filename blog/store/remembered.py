"""Remembering query results until the data changes."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

from blog.store.db import Database

T = TypeVar("T")


class Remembered(Generic[T]):
    """Results by key, the most recently used first, forgotten at every change the Database
    reports (here or in another process). A result read while a change happened is not
    kept, since it may predate the change; nor is None, so misses cannot crowd out hits."""

    def __init__(self, db: Database, max_entries: int) -> None:
        self.max_entries = max_entries
        self._results: OrderedDict[Hashable, T] = OrderedDict()
        self._generation = 0
        db.on_change.append(self.forget)

    def forget(self) -> None:
        self._generation += 1
        self._results.clear()

    async def get(self, key: Hashable, read: Callable[[], Awaitable[T | None]]) -> T | None:
        result = self._results.get(key)
        if result is not None:
            self._results.move_to_end(key)
            return result
        generation = self._generation
        result = await read()
        if result is not None and generation == self._generation:
            self._results[key] = result
            if len(self._results) > self.max_entries:
                self._results.popitem(last=False)
        return result
