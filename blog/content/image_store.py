"""Where image files live, for every part of the blog that saves, serves or sweeps them.

On SQLite the data folder is their home (ImageFiles). On PostgreSQL the blog may run on
several app servers, so the database holds every file too: a server saves to both, serves
from its own disk, and fetches into its disk a file another server saved. Either way a name
is the SHA-256 of the bytes, so a copy can never be stale, and only the cleanup deletes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from blog.config import Config
from blog.content.image_files import ImageFiles
from blog.store import Store

T = TypeVar("T")


def image_store(config: Config, store: Store) -> ImageStore:
    return ImageStore(ImageFiles(config.data_dir / "images"), store)


class ImageStore:
    def __init__(self, files: ImageFiles, store: Store) -> None:
        self.files = files
        self._store = store

    @property
    def _shared(self) -> bool:
        return self._store.db.engine != "sqlite"

    async def save(self, items: Iterable[tuple[bytes, str]]) -> list[str]:
        """Stores each (bytes, extension); returns their names, in order."""
        items = list(items)
        names = await _in_thread(lambda: [self.files.save(data, extension) for data, extension in items])
        if self._shared:
            await self._store.image_files.put(zip(names, (data for data, _ in items)), time.time())
        return names

    async def local_path(self, name: str) -> Path | None:
        """The file on this server's disk, fetched from the database first if another server
        saved it; None when there is no such image. ValueError for a name that is not ours."""
        path = self.files.path(name)
        if await _in_thread(path.is_file):
            return path
        if not self._shared:
            return None
        content = await self._store.image_files.content(name)
        if content is None:
            return None
        await _in_thread(lambda: self.files.save(content, name.rsplit(".", 1)[1]))
        return path

    async def missing(self, names: Iterable[str]) -> list[str]:
        """Those of `names` that are no longer stored anywhere, sorted."""
        names = set(names)
        if self._shared:
            return sorted(names - await self._store.image_files.present(names))
        return sorted(name for name in names if not self.files.path(name).is_file())

    async def names(self) -> set[str]:
        if self._shared:
            return await self._store.image_files.names()
        return await _in_thread(self.files.names)

    async def content(self, name: str) -> bytes | None:
        path = await self.local_path(name)
        return await _in_thread(path.read_bytes) if path is not None else None

    async def remove_orphans(self, min_age: float) -> list[str]:
        """Deletes the files nothing refers to and nobody saved in the last `min_age` seconds."""
        removed = []
        if self._shared:
            removed = await self._store.image_files.remove_orphans(time.time() - min_age)
        referenced = await self._store.images.referenced_names()
        # This server's copies: on PostgreSQL only a cache, swept by the same rule.
        local = await _in_thread(lambda: self.files.remove_orphans(referenced, min_age=min_age))
        return removed if self._shared else local


async def _in_thread(work: Callable[[], T]) -> T:
    return await asyncio.get_running_loop().run_in_executor(None, work)
