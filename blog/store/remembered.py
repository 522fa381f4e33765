"""Remembering query results until the data changes."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

from blog.store.db import Database

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


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


class Stamped(Generic[K, T]):
    """Results by key, kept across changes: each with the stamp that was read just before it
    (`stamp(key)`, a cheap query of a stamp that every change of what the result holds makes
    anew, such as comment_section_stamps). Until the next change the Database reports a result
    is served as it is; after one, it is served again once its stamp reads the same, so a change
    elsewhere costs that query instead of the whole read, and the result stays the very same
    object (what was made from it can be kept by its identity). The stamp is read before the
    result: a change between the two leaves a newer result under an older stamp, which the next
    check reads again; never an older result under a newer stamp."""

    def __init__(self, db: Database, max_entries: int, stamp: Callable[[K], Awaitable[object]]) -> None:
        self.max_entries = max_entries
        self._stamp = stamp
        self._results: OrderedDict[K, tuple[object, T, int]] = OrderedDict()  # stamp, result, generation
        self._generation = 0
        db.on_change.append(self._changed)
        # Called with a key whose result was let go (read anew, or pushed out): what was kept by
        # that result's identity can go too.
        self.on_let_go: list[Callable[[K], None]] = []

    def _changed(self) -> None:
        self._generation += 1

    async def get(self, key: K, read: Callable[[], Awaitable[T | None]]) -> T | None:
        found = self._results.get(key)
        generation = self._generation
        if found is not None and found[2] == generation:
            self._results.move_to_end(key)
            return found[1]
        stamp = await self._stamp(key)
        if found is not None and found[0] == stamp:
            result = found[1]
        else:
            fresh = await read()
            if found is not None:
                self._let_go(key)
            if fresh is None:
                return None
            result = fresh
        self._results[key] = (stamp, result, generation)
        self._results.move_to_end(key)
        if len(self._results) > self.max_entries:
            self._let_go(next(iter(self._results)))
        return result

    def _let_go(self, key: K) -> None:
        if self._results.pop(key, None) is not None:
            for callback in self.on_let_go:
                callback(key)
