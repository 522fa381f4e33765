"""A change stamp shared by every process that opens the database.

After each commit that readers can see, the writer stores a fresh random stamp
in a small memory-mapped file beside the database. Every process compares the
stamp with the last one it saw before serving a request (a read of 8 bytes of
shared memory, no query): a different stamp means some process, or a command
such as seed-demo, changed the data, and in-memory caches must be dropped."""

from __future__ import annotations

import mmap
import os
from pathlib import Path

STAMP_SIZE = 8


class ChangeStamp:
    def __init__(self, path: Path) -> None:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.fstat(fd).st_size < STAMP_SIZE:
                os.ftruncate(fd, STAMP_SIZE)
            self._map = mmap.mmap(fd, STAMP_SIZE)
        finally:
            os.close(fd)
        self.seen = self.read()

    def read(self) -> bytes:
        return self._map[:STAMP_SIZE]

    def stamp(self) -> None:
        """Marks a change for every process (our own included, which has just seen it).

        Unless another process's stamp is still unseen here: our stamp overwrites it, so
        marking ours seen would lose theirs, and with it their live events until the next
        stamp. (Only a stamp landing between the read and the write below can still go
        unnoticed; the mapping has no compare-and-swap.)"""
        theirs_unseen = self.read() != self.seen
        fresh = os.urandom(STAMP_SIZE)
        self._map[:STAMP_SIZE] = fresh
        if not theirs_unseen:
            self.seen = fresh

    def changed_elsewhere(self) -> bool:
        current = self.read()
        if current == self.seen:
            return False
        self.seen = current
        return True

    def close(self) -> None:
        self._map.close()
